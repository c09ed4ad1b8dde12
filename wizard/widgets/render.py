"""Text for the screens: findings, calls with their exact parameters, before/after values.

Everything returns Textual content markup that uses theme variables only, with every value from
AWS or the user escaped by ``escape`` (wizard.safe_text.markup: markup and control characters), and
secrets redacted before they reach the screen.
"""

from __future__ import annotations

import json
from typing import Any, Mapping

from steps.base import Call, Change, Finding, Ref, redact
from wizard.safe_text import markup as escape  # every screen imports its escape from here

GLYPHS = {"PASS": "✔", "FAIL": "✘", "MANUAL": "✎", "UNKNOWN": "?", "RUNNING": "⟳", "PENDING": "·",
          "SKIPPED": "»"}
COLOURS = {"PASS": "$text-success", "FAIL": "$text-error", "MANUAL": "$text-warning", "UNKNOWN": "$text-secondary",
           "RUNNING": "$text-accent", "PENDING": "$text-muted", "SKIPPED": "$text-muted"}
WORDS = {"PASS": "pass", "FAIL": "fail", "MANUAL": "manual", "UNKNOWN": "unknown", "RUNNING": "checking",
         "PENDING": "waiting", "SKIPPED": "skipped"}


def glyph(status: str, word: bool = False) -> str:
    """A coloured status glyph, optionally followed by the status word."""
    text = GLYPHS[status] + (f" {WORDS[status]}" if word else "")
    return f"[{COLOURS[status]}]{text}[/]"


def ids_of(finding: Finding) -> str:
    return ", ".join([f"CIS {c}" for c in finding.cis] + list(finding.securityhub))


def shown(value: Any) -> Any:
    """Replace values that come from an earlier change's response with a readable placeholder."""
    if isinstance(value, Ref):
        return f"<{value.path} from change '{value.change}'>"
    if isinstance(value, Mapping):
        return {k: shown(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [shown(v) for v in value]
    return value


def compact(value: Any, limit: int = 0) -> str:
    """A one-line JSON-ish rendering; strings unquoted when they stand alone."""
    if value is None:
        return "(none)"
    if isinstance(value, str):
        text = value
    else:
        text = json.dumps(shown(value), default=str, ensure_ascii=False)
    if limit and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def call_params(call: Call, secret: tuple[str, ...] = ()) -> dict[str, Any]:
    """The exact parameters of a call as they will be sent, with secrets replaced by ***."""
    return redact(shown(dict(call.params)), secret)


def params_markup(call: Call, secret: tuple[str, ...] = (), indent: str = "    ") -> str:
    """One ``Name = value`` line per parameter (exact values, JSON for structures)."""
    params = call_params(call, secret)
    if not params:
        return f"{indent}[$text-muted](no parameters)[/]"
    lines = []
    for key, value in params.items():
        text = value if isinstance(value, str) else json.dumps(value, default=str, ensure_ascii=False)
        lines.append(f"{indent}[$text-muted]{escape(key)} =[/] {escape(text)}")
    return "\n".join(lines)


def call_title(call: Call) -> str:
    region = call.region or "global"
    return f"[b]{escape(call.name)}[/b]  [$text-muted]({escape(region)})[/]"


def change_title(change: Change, number: int) -> str:
    assert change.call is not None
    return f"[b]{number}.[/b] {call_title(change.call)}" + ("  [$text-error][b]RISKY[/b][/]" if change.risky else "")


def change_markup(change: Change) -> str:
    """An automatic change's body: reason, parameters, before → after, warning, cost, undo."""
    assert change.call is not None
    lines = [escape(change.reason), params_markup(change.call, change.secret_params, indent="  ")]
    if change.before is not None or change.after is not None:
        before = escape(compact(redact(change.before, change.secret_params), 160))
        after = escape(compact(redact(change.after, change.secret_params), 160))
        lines.append(f"[$text-muted]before:[/] {before}")
        lines.append(f"[$text-muted]after: [/] {after}")
    if change.warning:
        lines.append(f"[$text-warning]⚠ {escape(change.warning)}[/]")
    if change.cost_note:
        lines.append(f"[$text-accent]$ {escape(change.cost_note)}[/]")
    if change.undo is not None:
        undo = compact(call_params(change.undo), 120)
        lines.append(f"[$text-muted]undo: {escape(change.undo.name)} {escape(undo)}[/]")
    elif change.undo_note:
        lines.append(f"[$text-muted]cannot be undone: {escape(change.undo_note)}[/]")
    return "\n".join(lines)


def manual_title(change: Change, number: int) -> str:
    return f"[b]{number}. In the console:[/b] {escape(change.reason)}"


def manual_markup(change: Change) -> str:
    """A change a person makes in the console: the console path step by step."""
    lines = [f"{index}) {escape(step)}" for index, step in enumerate(change.instructions, 1)]
    if change.warning:
        lines.append(f"[$text-warning]⚠ {escape(change.warning)}[/]")
    return "\n".join(lines)


def console_action(change: Change) -> str | None:
    """The console task a manual change stands for, which the sandbox can simulate (or None)."""
    return change.console_action or None
