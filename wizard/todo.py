"""What to do tomorrow: the summary's short, ordered to-do list, for the TUI and plain mode alike.

Pure: it reads each step's findings and plan (computed from the answers given so far) and says, most
important first, what the wizard can still do and why it did not (skipped, risky, needs an answer),
what only the owner can do in the console (with the console link), and what to re-check when. At
most ``LIMIT`` lines: the owner of a fresh account reads ten lines, not 286 findings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Sequence

from steps.base import Finding, Plan, Severity, Status

LIMIT = 10
REASONS_WIDTH = 70  # a console line names a second task only while the names stay this short
SEVERITY_RANK = {s: n for n, s in enumerate(Severity)}  # critical first
_ASIDE = re.compile(r"\s*\([^()]*\)\.?$")
WIZARD, CONSOLE, RECHECK, MORE = "wizard", "console", "recheck", "more"


@dataclass(frozen=True)
class StepStanding:
    """A step as the summary sees it: its declaration, latest findings and plan (None: not read)."""

    info: Any  # steps.base.StepInfo
    findings: Sequence[Finding] = ()
    plan: Plan | None = None
    skipped: bool = False
    checked: bool = True


@dataclass(frozen=True)
class Todo:
    """One line of the list. ``url`` is the console page for a console task."""

    kind: str  # WIZARD, CONSOLE, RECHECK or MORE
    text: str
    step: str = ""  # the step's title ("" for lines about the whole run)
    url: str = ""

    def line(self) -> str:
        """The line as plain text (plain mode; the TUI dresses the same fields)."""
        text = f"{self.step}: {self.text}" if self.step else self.text
        return f"{text}: {self.url}" if self.url else text


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _rank(standing: StepStanding) -> int:
    failing = [f.severity for f in standing.findings if f.status is Status.FAIL]
    return min((SEVERITY_RANK[s] for s in failing), default=SEVERITY_RANK[standing.info.severity])


def _wizard_item(standing: StepStanding) -> Todo | None:
    """What the wizard could still do in this step, and why it has not."""
    plan, title = standing.plan, standing.info.label
    if plan is None:
        return None
    auto = plan.automatic
    if plan.needs:
        labels = {item.name: item.label for item in standing.info.inputs}
        asked = [labels.get(name, name) for name in plan.needs]
        named = ", ".join(asked[:2]) + (f" and {len(asked) - 2} more" if len(asked) > 2 else "")
        return Todo(WIZARD, f"answer {named}, then the wizard can plan the fix", title)
    if not auto:
        return None
    changes = _plural(len(auto), "change")
    if standing.skipped:
        return Todo(WIZARD, f"{changes} ready; you skipped this step", title)
    risky = sum(1 for change in auto if change.risky)
    if risky:
        return Todo(WIZARD, f"{changes} ready, {risky} risky (you type the account id to apply)", title)
    return Todo(WIZARD, f"{changes} ready to review and apply", title)


def _short(reason: str) -> str:
    """A task's reason without its closing aside or list: "Turn on MFA for the root user (a hardware
    key ...)." -> "Turn on MFA for the root user"; the step's plan keeps the whole text."""
    reason = _ASIDE.sub("", reason.strip()).rstrip(".")
    return reason.split(": ", 1)[0]


def _console_item(standing: StepStanding) -> Todo | None:
    """The step's console-only tasks, as one line with the first task's console link."""
    tasks = standing.plan.manual_changes if standing.plan else ()
    if not tasks:
        return None
    reasons = [_short(task.reason) for task in tasks]
    named = reasons[:1]
    for reason in reasons[1:]:  # name a second task when the line stays short (root: MFA and keys)
        if len("; ".join([*named, reason])) > REASONS_WIDTH:
            break
        named.append(reason)
    more = len(reasons) - len(named)
    text = "in the console: " + "; ".join(named) + (f" (and {more} more)" if more else "")
    return Todo(CONSOLE, text, standing.info.label, tasks[0].console_url)


def _recheck_items(standings: Sequence[StepStanding], console: bool) -> list[Todo]:
    items = []
    if console:
        items.append(Todo(RECHECK, "After each console task, re-check its step (the wizard cannot see the "
                                   "console)."))
    unread = [s.info.label for s in standings
              if not s.checked or any(f.status is Status.UNKNOWN for f in s.findings)]
    if unread:
        items.append(Todo(RECHECK, f"Not read: {', '.join(unread)}; re-check once the reason the step shows is "
                                   "fixed."))
    # IAM's credential report (key and password last use) is regenerated at most every 4 hours
    items.append(Todo(RECHECK, "Tomorrow: run `aws-essentials check --diff` to see what changed (key use shows "
                               "up to 4 hours late)."))
    return items


def todo_list(standings: Sequence[StepStanding], limit: int = LIMIT) -> list[Todo]:
    """At most ``limit`` lines: the tasks, most severe failing step first (then the guide's order,
    the wizard's own changes before the console's), then what to re-check when."""
    ranked: list[tuple[int, int, int, Todo]] = []
    for order, standing in enumerate(standings):
        for kind_order, item in enumerate((_wizard_item(standing), _console_item(standing))):
            if item is not None:
                ranked.append((_rank(standing), order, kind_order, item))
    tasks = [item for *_, item in sorted(ranked, key=lambda entry: entry[:3])]
    recheck = _recheck_items(standings, any(item.kind == CONSOLE for item in tasks))
    room = max(1, limit - len(recheck))
    if len(tasks) > room:
        hidden = len(tasks) - (room - 1)
        tasks = tasks[:room - 1] + [Todo(MORE, f"... and {_plural(hidden, 'more task')} in the steps' plans.")]
    return (tasks + recheck)[:limit]
