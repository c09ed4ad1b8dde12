"""The plain mode: the wizard's walk as lines of text and questionary prompts.

For screen readers, dumb terminals and SSH sessions. It uses the same engine as the TUI: the
steps' findings, their plans (shown as a numbered list of the exact calls, secrets redacted), the
inputs each step declares (validated by ``Input.check``), ``wizard.apply.apply_plan`` to write,
and a fresh collect to re-check. Without a terminal it asks nothing and names the commands that
work without one.
"""

from __future__ import annotations

import sys
import textwrap
from types import ModuleType
from typing import Any, Callable, Sequence

from steps.base import Finding, Input, Plan, StepError, summarize
from steps.executor import PlanDrifted
from wizard.answer_defaults import default_answers
from wizard.plan_summary import summary_lines
from wizard.plan_text import plan_changes, text_of
from wizard.prompts import ask
from wizard.commands.common import PROG
from wizard.findings_groups import group_findings
from wizard.safe_text import clean

WIDTH = 88
# How plain mode labels each kind of a change's lines (the heading holds its call, region and risk).
_LABELS = {"reason": "Why: {}", "no-params": "Parameters: {}", "before": "Before: {}", "after": "After: {}",
           "warning": "Warning: {}", "cost": "Cost: {}", "undo": "Undo: {}", "no-undo": "Cannot be undone: {}",
           "console": "Open: {}"}
GLYPH = {"PASS": "ok", "FAIL": "FAIL", "MANUAL": "look", "UNKNOWN": "??", "N/A": "n/a"}
QUIT, SKIP, ANSWER = "quit", "skip", "answer"
ROWS = 3  # findings shown under a group's line (plain mode's --all shows them all)


def _not_applicable(counts: dict[str, int]) -> str:
    """", 3 not applicable" when some checks had nothing to judge (said only then)."""
    return f", {counts['N/A']} not applicable" if counts.get("N/A") else ""


class Quit(Exception):
    """The user chose to stop the walk (or the input ended)."""


def has_tty() -> bool:
    """Both ends are a terminal (questionary cannot prompt otherwise)."""
    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):  # closed or replaced streams
        return False


def no_tty_message() -> str:
    return (
        f"{PROG}: error: the plain mode asks questions, and this is not a terminal (stdin or stdout is "
        "redirected), so nothing was asked or changed.\n"
        "Without a terminal use:\n"
        f"  {PROG} check                          assess the account (exit 3 when a check fails)\n"
        f"  {PROG} plan                           show every change that would be made\n"
        f"  {PROG} fix --steps STEP... --yes      apply those steps' automatic fixes "
        "(answers with --set STEP.INPUT=VALUE)\n"
    )


def refuse_without_tty() -> int:
    sys.stderr.write(no_tty_message())
    return 2


class PlainWizard:
    """One walk through ``steps`` on ``aws``.

    ``prompt_kwargs`` go to every questionary prompt (tests pass prompt_toolkit ``input``/``output``);
    ``on_prompt(message)`` is called just before each prompt is shown; ``show_all`` (``--all``) lists
    every finding of a group instead of the first ``ROWS``.
    """

    def __init__(self, aws: Any, *, steps: Sequence[ModuleType] | None = None, label: str = "",
                 out: Any = None, prompt_kwargs: dict[str, Any] | None = None,
                 on_prompt: Callable[[str], None] | None = None, show_all: bool = False) -> None:
        from steps import STEPS

        self.aws = aws
        self.steps = list(steps or STEPS)
        self.label = label
        self.out = out
        self.prompt_kwargs = prompt_kwargs or {}
        self.on_prompt = on_prompt
        self.answers: dict[str, dict[str, str]] = {}
        self.results: list[Any] = []
        self.skipped: set[str] = set()
        self.show_all = show_all  # every finding of a group, not only the first ROWS

    # --- output and prompts -------------------------------------------------------------------

    def say(self, text: str = "", indent: int = 0) -> None:
        prefix = " " * indent
        out = self.out or sys.stdout
        # every line goes through here, with account text in it: no control character reaches the terminal
        for line in (clean(text).splitlines() or [""]):
            wrapped = textwrap.wrap(line, WIDTH, initial_indent=prefix, subsequent_indent=prefix + "  ",
                                    break_on_hyphens=False, break_long_words=False) or [prefix.rstrip()]
            for piece in wrapped:
                print(piece, file=out)
        out.flush()

    def _ask(self, message: str, build: Callable[..., Any], **kw: Any) -> Any:
        if self.on_prompt:
            self.on_prompt(message)
        try:
            answer = ask(build(message, **kw, **self.prompt_kwargs))
        except EOFError:
            raise Quit() from None
        if answer is None:
            raise Quit()
        return answer

    def choose(self, message: str, choices: Sequence[tuple[str, str]]) -> str:
        """A numbered menu; returns the value of the chosen ``(value, label)``."""
        import questionary

        items = [questionary.Choice(label, value=value) for value, label in choices]
        return self._ask(message, questionary.select, choices=items, use_shortcuts=True)

    def ask_text(self, message: str, check: Callable[[str], str | None], default: str = "",
                 secret: bool = False) -> str:
        """A text prompt checked once Enter is pressed: what is wrong is said in one line and asked again
        in an empty field. (Checked while typing, prompt_toolkit kept the bad text and the retyped answer
        was appended to it.)"""
        import questionary

        build = questionary.password if secret else questionary.text
        while True:
            answer = self._ask(message, build, default=default).strip()
            error = check(answer)
            if not error:
                return answer
            self.say(f"✘ {error}; type it again.", indent=2)
            default = ""

    def ask_input(self, item: Input, current: str) -> str:
        import questionary

        if item.help:
            self.say(f"{item.prompt}: {item.help}", indent=2)
        if item.choices:
            default = current if current in item.choices else (item.default or item.choices[0])
            items = [questionary.Choice(c, value=c) for c in item.choices]
            return self._ask(item.prompt, questionary.select, choices=items, default=default, use_shortcuts=True)
        return self.ask_text(item.prompt, item.check, default=current or item.default, secret=item.secret)

    # --- the walk -----------------------------------------------------------------------------

    def run(self) -> int:
        from wizard.assess import assess

        self.say(f"aws-essentials, plain mode: account {self.aws.account_id}"
                 + (f" ({self.label})" if self.label else ""))
        self.say(f"Signed in as {self.aws.caller_arn}")
        self.say(f"Checking {len(self.steps)} steps over {len(self.aws.regions())} regions; nothing is changed "
                 "without your confirmation.")
        self.results = assess(self.aws, self.steps,
                              on_done=lambda r: self.say(f"checked: {r.step.INFO.title}", indent=2))
        try:
            for number, result in enumerate(self.results, 1):
                self.walk_step(number, result)
        except Quit:
            self.say("")
            self.say("Stopped. Nothing more was changed.")
        self.summary()
        return 0

    def walk_step(self, number: int, result: Any) -> None:
        info = result.step.INFO
        self.say("")
        self.say(f"== Step {number} of {len(self.results)}: {info.title} ==")
        self.say(info.why, indent=2)
        self.show_findings(result.findings, result.step.INFO.id)
        if result.error or result.state is None:
            self.say("This step could not be checked, so there is nothing to fix here yet.", indent=2)
            return
        answers = dict(self.answers.get(info.id, {}))
        plan = result.plan(answers)
        if not plan.changes and not plan.needs:
            self.say("Nothing to change in this step.", indent=2)
            return
        if plan.needs:
            self.say("To plan the fix, this step needs a few answers from you.", indent=2)
            choice = self.choose(f"{info.title}: what now?", [
                (ANSWER, "Answer the questions and preview the fix"), (SKIP, "Skip this step"),
                (QUIT, "Quit")])
            if choice == QUIT:
                raise Quit()
            if choice == SKIP:
                self.skipped.add(info.id)
                return
            plan, answers = self.ask_inputs(result, answers)
        while True:
            self.show_plan(plan)
            if plan.needs:  # the answers no longer fit (the account changed)
                plan, answers = self.ask_inputs(result, answers)
                continue
            if not plan.changes:
                return
            if not plan.automatic:
                choice = self.choose(f"{info.title}: what now?", [
                    ("recheck", "I did it in the console: check again"), *self._answer_choice(info),
                    (SKIP, "Skip this step"), (QUIT, "Quit")])
                if choice == QUIT:
                    raise Quit()
                if choice == SKIP:
                    self.skipped.add(info.id)
                    return
                if choice == ANSWER:
                    plan, answers = self.ask_inputs(result, answers)
                    continue
                self.recheck(result)
                plan = result.plan(answers)
                if not plan.manual_changes:
                    return
                continue
            decision = self.confirm(info, plan)
            if decision == ANSWER:
                plan, answers = self.ask_inputs(result, answers)
                continue
            if decision != "apply":
                if decision == SKIP:
                    self.skipped.add(info.id)
                return
            try:
                outcome = self.apply(result.step, plan, answers)
            except PlanDrifted as drift:
                self.say("")
                self.say("The account changed since this plan was shown; nothing was written. "
                         "Here is the plan for the account as it is now:", indent=2)
                plan = drift.new_plan
                continue
            except StepError as error:
                self.say(f"Could not apply: {error}", indent=2)
                return
            self.report_outcome(outcome)
            self.recheck(result)
            if outcome.stopped:
                raise Quit()  # the person asked to stop: the walk ends here, with its summary
            return

    def ask_inputs(self, result: Any, answers: dict[str, str]) -> tuple[Plan, dict[str, str]]:
        """Ask every input of the step (pre-filled), each validated as it is typed; return the new plan."""
        info = result.step.INFO
        known = default_answers(result.step, {r.id: r for r in self.results}, self.answers)
        for item in info.inputs:
            answers[item.name] = self.ask_input(item, answers.get(item.name) or known.get(item.name, ""))
        self.answers[info.id] = answers
        return result.plan(answers), answers

    @staticmethod
    def _answer_choice(info: Any) -> list[tuple[str, str]]:
        count = len(info.inputs)
        return [(ANSWER, f"Change this step's answers ({count} question{'s' if count != 1 else ''})")] if count else []

    def confirm(self, info: Any, plan: Plan) -> str:
        """``apply``, ``skip`` or ``answer`` (change the step's answers first); raises Quit.

        A risky plan is applied only after the account id is typed.
        """
        count = len(plan.automatic)
        calls = f"{count} call{'s' if count != 1 else ''}"
        account = self.aws.account_id
        irreversible = sum(1 for c in plan.automatic if c.undo is None)
        self.say(f"Before you choose: {calls}"
                 + (f", {sum(1 for c in plan.automatic if c.risky)} risky" if plan.risky else "")
                 + (f", {irreversible} that cannot be undone (listed in the summary above)." if irreversible
                    else "; every one can be undone with `aws-essentials undo`."), indent=2)
        apply_label = f"Apply the {calls}" + (" (you will type the account id)" if plan.risky else "")
        choice = self.choose(f"Apply these {calls} to account {account}?", [
            ("apply", apply_label), *self._answer_choice(info), (SKIP, "Skip this step"), (QUIT, "Quit")])
        if choice == QUIT:
            raise Quit()
        if choice != "apply" or not plan.risky:
            return choice
        self.say(f"Some of these changes are risky: type the account id {account} to apply the {calls}, "
                 "or leave it empty to skip this step.", indent=2)

        def check(value: str) -> str | None:
            return None if value in ("", account) else f"'{value[:40]}' is not this account's id ({account})"

        typed = self.ask_text(f"Account id to confirm ({calls})", check)
        return "apply" if typed == account else SKIP

    def apply(self, step: ModuleType, plan: Plan, answers: dict[str, str]) -> Any:
        from wizard.apply import apply_plan

        self.say("Applying:", indent=2)
        numbers = {id(c): n for n, c in enumerate(plan.changes, 1)}

        def progress(index: int, done: Any) -> None:
            mark = "done" if done.ok else f"FAILED: {done.detail}"
            self.say(f"{numbers.get(id(done.change), index + 1)}. {done.change.title}: {mark}", indent=4)

        from wizard.stopping import stop_on_signals

        with stop_on_signals() as stop:
            return apply_plan(self.aws, step, plan, answers, on_progress=progress, stop=stop,
                              on_wait=lambda line: self.say(line, indent=4))

    def report_outcome(self, outcome: Any) -> None:
        from wizard.commands.fix import skip_reason

        if outcome.stopped:
            self.say(f"Stopped: {len(outcome.results)} call(s) were sent and journalled; these "
                     f"{len(outcome.not_run)} were not sent:", indent=2)
            for change in outcome.not_run:
                self.say(f"not sent (stopped): {change.title}", indent=4)
        for change in outcome.skipped:
            if change.manual:
                self.say(f"left for you: {change.reason}", indent=4)
            elif not outcome.ok:
                self.say(f"not sent after the failure: {change.title}", indent=4)
            else:
                self.say(f"skipped {change.title}: {skip_reason(change)}", indent=4)
        irreversible = [r for r in outcome.results if r.ok and r.change.undo is None]
        if not outcome.ok:
            self.say("A change failed; the ones after it were not sent. See the error above.", indent=2)
        elif not outcome.stopped:
            self.say("All changes were made and journalled; "
                     + (f"{len(irreversible)} of them cannot be undone (see the summary above), the others "
                        if irreversible else "")
                     + "`aws-essentials undo` reverses them.", indent=2)

    def recheck(self, result: Any) -> None:
        """Collect the step again and show the findings as they are now."""
        from wizard.apply import fresh_collect

        self.say("Checking again:", indent=2)
        try:
            result.state = fresh_collect(self.aws, result.step)
            result.findings = list(result.step.evaluate(result.state))
            result.error = None
        except StepError as error:
            self.say(f"Could not check again: {error}", indent=2)
            return
        self.show_findings(result.findings, result.step.INFO.id)

    # --- rendering ----------------------------------------------------------------------------

    def show_findings(self, findings: Sequence[Finding], step: str = "") -> None:
        """One line per check and status (wizard/findings_groups.py), then at most ROWS of its findings."""
        counts = summarize(findings)
        self.say(f"Findings: {counts['PASS']} passed, {counts['FAIL']} failed, {counts['MANUAL']} to look at, "
                 f"{counts['UNKNOWN']} unknown{_not_applicable(counts)}.", indent=2)
        for group in group_findings([dict(f.to_dict(), step=step) for f in findings]):  # step: generic titles
            ids = f" [{', '.join(group.ids)}]" if group.ids else ""
            mark = f"{GLYPH[group.status]:>4}  {group.title}"
            if group.count == 1:
                only = group.findings[0]
                where = ", ".join(part for part in (only.get("region") or "global", only.get("resource")) if part)
                self.say(f"{mark} ({where}, {group.severity}): {only['message']}{ids}", indent=2)
                continue
            self.say(f"{mark}: {group.status.lower()} in {group.where()} ({group.severity}){ids}", indent=2)
            shown = group.findings if self.show_all else group.findings[:0 if group.status == "PASS" else ROWS]
            for row in shown:
                where = ", ".join(part for part in (row.get("region") or "global", row.get("resource")) if part)
                self.say(f"- {where}: {row['message']}", indent=8)
            if len(shown) < group.count:
                self.say(f"... and {group.count - len(shown)} more (--plain --all lists every one)", indent=8)

    def show_plan(self, plan: Plan) -> None:
        self.say("")
        for note in plan.notes:
            self.say(f"Note: {note}", indent=2)
        if not plan.changes:
            if not plan.needs:
                self.say("The plan is empty: nothing to change now.", indent=2)
            return
        auto = len(plan.automatic)
        if auto:
            for _kind, text in summary_lines(plan, plan.changes):
                self.say(text.strip(), indent=2 + len(text) - len(text.lstrip()))
            self.say("")
        self.say(f"The plan: {auto} call{'s' if auto != 1 else ''} to account {self.aws.account_id}"
                 + (f" and {len(plan.manual_changes)} thing(s) to do in the console" if plan.manual_changes else "")
                 + ", in this order:", indent=2)
        for number, change, lines in plan_changes(plan):
            self.show_change(number, lines)

    def show_change(self, number: int, lines: list[tuple[str, str]]) -> None:
        """One change of the plan: its heading, then each of its lines (wizard/plan_text.py)."""
        manual = text_of(lines, "manual")
        if manual:
            self.say(f"{number}. In the console: {manual}", indent=2)
        else:
            risky = text_of(lines, "risky")
            heading = f"{number}. {text_of(lines, 'call')} ({text_of(lines, 'region')})"
            self.say(heading + (f"  {risky}" if risky else ""), indent=2)
        seen = 0  # parameters, or console steps (a change has one or the other)
        for kind, text in lines:
            if kind == "param":
                if not seen:
                    self.say("Parameters:", indent=6)
                seen += 1
                self.say(text, indent=8)
            elif kind == "instruction":
                seen += 1
                self.say(f"{seen}) {text}", indent=6)
            elif kind in _LABELS:
                self.say(_LABELS[kind].format(text), indent=6)

    def summary(self) -> None:
        """What to do next (at most ten lines), each step's counts, and the changes since the last check."""
        from wizard.todo import StepStanding, todo_list

        self.say("")
        self.say("== Summary ==")
        standings = [StepStanding(r.step.INFO, r.findings, r.plan(dict(self.answers.get(r.step.INFO.id, {})))
                                  if r.state is not None else None, r.step.INFO.id in self.skipped)
                     for r in self.results]
        items = todo_list(standings)
        if items:
            self.say("What to do next:", indent=2)
            for number, item in enumerate(items, 1):
                self.say(f"{number:>2}. {item.line()}", indent=2)
            self.say("")
        self.say("Each step now:", indent=2)
        for result in self.results:
            counts = result.summary
            self.say(f"{result.step.INFO.title}: {counts['PASS']} passed, {counts['FAIL']} failed, "
                     f"{counts['MANUAL']} to look at, {counts['UNKNOWN']} unknown{_not_applicable(counts)}", indent=4)
        since = self.since_last_check()
        if since:
            self.say(since, indent=2)
        self.say(f"Re-run `{PROG} check` at any time to verify; `{PROG} history` lists what was changed.")

    def since_last_check(self) -> str:
        """The counts of what changed since the last `check` of this account; `check --diff` lists them."""
        from wizard import lastrun
        from wizard.report import findings_document

        if not self.results:
            return ""
        try:
            document = findings_document(self.aws.account_id, list(self.aws.regions()), self.results)
            diff = lastrun.compare(lastrun.load(self.aws.account_id), document)
        except StepError as error:
            return f"{error.title}. {error.hint}"
        if diff.first_run:
            return ""
        head = diff.render().partition("\n")[0]
        return head + ("" if diff.empty else f" `{PROG} check --diff` lists them.")


def run_plain(connect: Callable[[], Any], *, label: str = "", close: Callable[[], None] | None = None,
              show_all: bool = False) -> int:
    """The plain mode's entry: refuse without a terminal, else connect and walk every step."""
    if not has_tty():
        return refuse_without_tty()
    try:
        aws = connect()
        return PlainWizard(aws, label=label, show_all=show_all).run()
    finally:
        if close:
            close()

