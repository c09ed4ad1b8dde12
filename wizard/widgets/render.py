"""Text for the screens: findings, calls with their exact parameters, before/after values.

What is said of a change comes from wizard/plan_text.py, as for every front end; this module
dresses its lines. Everything returns Textual content markup that uses theme variables only, with
every value from AWS or the user escaped by ``escape`` (wizard.safe_text.markup: markup and control
characters), and secrets redacted before they reach the screen.
"""

from __future__ import annotations

from steps.base import Call, Change, Finding, Plan
from wizard.plan_summary import summary_lines
from wizard.plan_text import RISKY, change_lines, param_lines, region_of
from wizard.safe_text import markup as escape  # every screen imports its escape from here

GLYPHS = {"PASS": "✔", "FAIL": "✘", "MANUAL": "✎", "UNKNOWN": "?", "N/A": "–", "RUNNING": "⟳", "PENDING": "·",
          "SKIPPED": "»"}
COLOURS = {"PASS": "$text-success", "FAIL": "$text-error", "MANUAL": "$text-warning", "UNKNOWN": "$text-secondary",
           "N/A": "$text-muted", "RUNNING": "$text-accent", "PENDING": "$text-muted", "SKIPPED": "$text-muted"}
WORDS = {"PASS": "pass", "FAIL": "fail", "MANUAL": "manual", "UNKNOWN": "unknown", "N/A": "n/a", "RUNNING": "checking",
         "PENDING": "waiting", "SKIPPED": "skipped"}


SUMMARY_STYLE = {"head": "[b]{}[/b]", "item": "{}", "warn": "[$text-warning]{}[/]", "ok": "[$text-success]{}[/]"}


def summary_markup(plan: Plan, brief: bool = False) -> str:
    """The plan's summary (calls per service, operation and region; what is risky or cannot be
    undone), as the confirmation shows it; ``brief`` (a long plan's preview): how many are risky or
    cannot be undone, not which (the VPC step's 44 risky calls were a screen of their own)."""
    lines = summary_lines(plan, plan.automatic)
    if brief:
        lines = [(kind, text.rstrip(":")) for kind, text in lines if kind != "warn" or not text.startswith(" ")]
    return "\n".join(SUMMARY_STYLE[kind].format(escape(text)) for kind, text in lines)


def glyph(status: str, word: bool = False) -> str:
    """A coloured status glyph, optionally followed by the status word."""
    text = GLYPHS[status] + (f" {WORDS[status]}" if word else "")
    return f"[{COLOURS[status]}]{text}[/]"


def ids_of(finding: Finding) -> str:
    return ", ".join([f"CIS {c}" for c in finding.cis] + list(finding.securityhub))


def _param_markup(text: str, indent: str) -> str:
    key, _, value = text.partition(" = ")  # parameter names (AWS's) never hold " = "
    return f"{indent}[$text-muted]{escape(key)} =[/] {escape(value)}"


def params_markup(call: Call, secret: tuple[str, ...] = (), indent: str = "    ") -> str:
    """One ``Name = value`` line per parameter (exact values, JSON for structures)."""
    return "\n".join(_param_markup(text, indent) if kind == "param" else f"{indent}[$text-muted]{escape(text)}[/]"
                     for kind, text in param_lines(call, secret))


def call_title(call: Call) -> str:
    return f"[b]{escape(call.name)}[/b]  [$text-muted]({escape(region_of(call))})[/]"


def change_title(change: Change, number: int) -> str:
    assert change.call is not None
    return f"[b]{number}.[/b] {call_title(change.call)}" + (f"  [$text-error][b]{escape(RISKY)}[/b][/]"
                                                            if change.risky else "")


# How the body of a change dresses each kind of line (the title holds its call, region and risk).
_BODY = {
    "reason": "{}",
    "no-params": "  [$text-muted]{}[/]",
    "before": "[$text-muted]before:[/] {}",
    "after": "[$text-muted]after: [/] {}",
    "warning": "[$text-warning]⚠ {}[/]",
    "cost": "[$text-accent]$ {}[/]",
    "undo": "[$text-muted]undo: {}[/]",
    "no-undo": "[$text-muted]cannot be undone: {}[/]",
}


def change_markup(change: Change) -> str:
    """An automatic change's body: reason, parameters, before → after, warning, cost, undo."""
    assert change.call is not None
    return "\n".join(_param_markup(text, "  ") if kind == "param" else _BODY[kind].format(escape(text))
                     for kind, text in change_lines(change) if kind in _BODY or kind == "param")


def manual_title(change: Change, number: int) -> str:
    return f"[b]{number}. In the console:[/b] {escape(change.reason)}"


def manual_markup(change: Change) -> str:
    """A change a person makes in the console: the console path step by step."""
    instructions = [text for kind, text in change_lines(change) if kind == "instruction"]
    lines = [f"{index}) {escape(step)}" for index, step in enumerate(instructions, 1)]
    if change.warning:
        lines.append(f"[$text-warning]⚠ {escape(change.warning)}[/]")
    return "\n".join(lines)


def console_action(change: Change) -> str | None:
    """The console task a manual change stands for, which the sandbox can simulate (or None)."""
    return change.console_action or None
