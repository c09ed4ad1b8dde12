"""A plan as lines of text: what every front end shows of a Plan, a Change and a Call.

One place decides what is said about a change (its call, region, risk, reason, exact parameters,
before and after, warning, cost and undo) and how each value is written; the front ends only
dress the lines: the TUI in Textual markup (wizard/widgets/render.py), plain mode as wrapped text
(wizard/plain.py), `plan` and the Markdown report in Markdown, the HTML report in HTML
(wizard/report/). Texts hold account data as-is, so each front end escapes them its own way;
secrets are already replaced by ``***`` and values from an earlier change's response are named.
"""

from __future__ import annotations

import json
from typing import Any, Mapping

from steps.base import Call, Change, Plan, Ref, redact

# Each line is (kind, text). An automatic change: "call", "region", "risky" (only when it is), "reason",
# "param" (one per parameter, or "no-params"), "before" and "after" (when known), "warning", "cost",
# then "undo" or "no-undo". A manual change: "manual" (its reason), "console" (the URL, when there
# is one), "instruction" (one per step), "warning".
Line = tuple[str, str]

RISKY = "RISKY: confirm by typing the account id"
NO_PARAMS = "(no parameters)"
NO_UNDO = "no undo call is known for this change"


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
    text = value if isinstance(value, str) else json.dumps(shown(value), default=str, ensure_ascii=False)
    if limit and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def call_params(call: Call, secret: tuple[str, ...] = ()) -> dict[str, Any]:
    """The exact parameters of a call as they will be sent, with secrets replaced by ***."""
    return redact(shown(dict(call.params)), secret)


def region_of(call: Call) -> str:
    return call.region or "global"


def param_lines(call: Call, secret: tuple[str, ...] = ()) -> list[Line]:
    """One ``Name = value`` line per parameter: the exact value, JSON for structures."""
    params = call_params(call, secret)
    if not params:
        return [("no-params", NO_PARAMS)]
    return [("param", f"{key} = {_exact(value)}") for key, value in params.items()]


def _exact(value: Any) -> str:
    """A parameter's value in full: a string as it is, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value, default=str, ensure_ascii=False)


def undo_line(change: Change) -> Line:
    """The call that reverses ``change`` with its parameters, or why there is none."""
    if change.undo is not None:  # a note with an undo call says what it cannot put back
        note = f"; {change.undo_note}" if change.undo_note else ""
        return ("undo", f"{change.undo.name} {compact(call_params(change.undo), 120)}{note}")
    return ("no-undo", change.undo_note or NO_UNDO)


def change_lines(change: Change) -> list[Line]:
    """Everything shown of one change, in order (see ``Line`` for the kinds)."""
    if change.manual or change.call is None:
        lines: list[Line] = [("manual", change.reason)]
        if change.console_url:
            lines.append(("console", change.console_url))
        lines += [("instruction", step) for step in change.instructions]
        return lines + ([("warning", change.warning)] if change.warning else [])
    call = change.call
    lines = [("call", call.name), ("region", region_of(call))]
    if change.risky:
        lines.append(("risky", RISKY))
    lines.append(("reason", change.reason))
    lines += param_lines(call, change.secret_params)
    if change.before is not None or change.after is not None:
        lines.append(("before", compact(redact(change.before, change.secret_params), 160)))
        lines.append(("after", compact(redact(change.after, change.secret_params), 160)))
    if change.warning:
        lines.append(("warning", change.warning))
    if change.cost_note:
        lines.append(("cost", change.cost_note))
    lines.append(undo_line(change))
    return lines


def text_of(lines: list[Line], kind: str) -> str:
    """The text of the first line of ``kind`` ("" when there is none)."""
    return next((text for k, text in lines if k == kind), "")


def plan_changes(plan: Plan) -> list[tuple[int, Change, list[Line]]]:
    """``(number, change, lines)`` for every change of ``plan``, numbered from 1 as every front end lists them."""
    return [(number, change, change_lines(change)) for number, change in enumerate(plan.changes, 1)]
