"""The Markdown report (summary, then one table per step, then how to fix each step), and the
Markdown of a planned change, which `aws-essentials plan` prints too."""

from __future__ import annotations

from typing import Any

from wizard.plan_text import Line, text_of
from wizard.report.model import counts_line, ids_text, not_assessed_rows, regions_disabled_lines
from wizard.report.trend import trend_markdown
from wizard.safe_text import markdown as _md, markdown_code as _code

GLYPH = {"PASS": "✔", "FAIL": "✘", "MANUAL": "✋", "UNKNOWN": "?", "N/A": "–"}
# How each kind of a change's lines is written under its heading (the heading holds its call,
# region, risk and reason); parameters, values and calls are code spans, shown verbatim.
_ITEMS = {"param": "{code}", "no-params": "{text}", "before": "before: {code}", "after": "after: {code}",
          "warning": "warning: {text}", "cost": "cost: {text}", "undo": "undo: {code}",
          "no-undo": "cannot be undone: {text}", "console": "open: {text}"}


def change_markdown(number: int, lines: list[Line]) -> list[str]:
    """One planned change as a numbered Markdown list item with its details below."""
    manual = text_of(lines, "manual")
    if manual:
        out = [f"{number}. **In the console**: {_md(manual)}"]
    else:
        risky = text_of(lines, "risky")
        out = [f"{number}. {_code(text_of(lines, 'call'))} ({_md(text_of(lines, 'region'))})"
               + (f" **{_md(risky)}**" if risky else "") + f": {_md(text_of(lines, 'reason'))}"]
    for kind, text in lines:
        if kind == "instruction":
            out.append(f"   - {_md(text)}")
        elif kind in _ITEMS:
            out.append("   - " + _ITEMS[kind].format(code=_code(text), text=_md(text)))
    return out


def render_markdown(document: dict[str, Any], fixes: dict[str, dict[str, Any]] | None = None) -> str:
    """A Markdown report: summary, then one table per step; with ``fixes`` (model.fixes_for), each
    step with a FAIL is followed by the changes that fix it."""
    s = document["summary"]
    lines = [
        f"# AWS security essentials: account {_md(document['account_id'])}",
        "",
        f"Generated {document['generated_at']} over {len(document['regions'])} regions.",
        "",
        f"**{counts_line(s)}.**",
    ]
    lines[3:3] = [f"Regions not assessed, {_md(line)}.  " for line in regions_disabled_lines(document)]
    skipped = not_assessed_rows(document)
    if skipped:  # first, before any table: an incomplete run must not read as a clean one
        lines += ["", "## Not assessed", "",
                  f"This run is incomplete: {len(skipped)} account(s) or step(s) could not be assessed, so their "
                  "checks are missing from the counts above.", "", "| Account | Not assessed | Why |", "|---|---|---|"]
        lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in skipped]
    lines += trend_markdown(document)
    accounts = document.get("accounts")
    if accounts:  # an organization run: the per-account summary first, then every finding with its account
        lines[0] = f"# AWS security essentials: organization of account {_md(document['account_id'])}"
        lines += ["", "## Accounts", "", "| Account | Name | Pass | Fail | Manual | Unknown | Note |",
                  "|---|---|---|---|---|---|---|"]
        for row in accounts:
            cells = [row["account_id"], row.get("name") or "", *(row["summary"][k] for k in
                     ("PASS", "FAIL", "MANUAL", "UNKNOWN")), row.get("error") or ""]
            lines.append("| " + " | ".join(_md(c) for c in cells) + " |")
    step = None
    for f in document["findings"]:
        section = f"{f['account_id']} {f['step']}" if accounts else f["step"]
        if section != step:
            step = section
            lines += ["", f"## {step}", "", "| Status | Check | Region | Resource | Message | Ids |",
                      "|---|---|---|---|---|---|"]
        cells = [f"{GLYPH[f['status']]} {f['status']}", f["title"], f["region"] or "global", f["resource"] or "",
                 f["message"], ids_text(f)]
        lines.append("| " + " | ".join(_md(c) for c in cells) + " |")
    if fixes and not accounts:  # an organization's fixes are planned per account, in the wizard
        lines += _fixes_markdown(document["findings"], fixes)
    return "\n".join(lines) + "\n"


def _fixes_markdown(findings: list[dict[str, Any]], fixes: dict[str, dict[str, Any]]) -> list[str]:
    """For each step with a FAIL, its planned changes (planned with no answers) or what it needs first."""
    out: list[str] = []
    for step_id in dict.fromkeys(f["step"] for f in findings if f["status"] == "FAIL"):
        fix = fixes.get(step_id)
        if not fix or not (fix["changes"] or fix["needs"] or fix["notes"]):
            continue
        out += ["", f"### {_md(step_id)}", ""]
        if fix["needs"]:
            command = f"aws-essentials fix --steps {step_id} --yes --set {step_id}.INPUT=VALUE"
            out.append(f"Needs your answers first ({_md(', '.join(fix['needs']))}): run the wizard on this step, "
                       f"or {_code(command)}.")
        out += [f"> {_md(note)}" for note in fix["notes"]]
        for number, change in enumerate(fix["changes"], 1):
            out += change_markdown(number, change["lines"])
    return ["", "## How to fix"] + out if out else []
