"""The Markdown report (the HTML report's sections, markdown_sections.py for the framing ones), and
the Markdown of a planned change, which `aws-essentials plan` prints too."""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from wizard.plan_text import Line, text_of
from wizard.report.engagement import Engagement
from wizard.report.executive import ReportParts, report_parts
from wizard.report.grouping import FindingGroup, by_step, changes_for_group, plural
from wizard.report.markdown_sections import (
    cis_markdown, executive_markdown, methodology_markdown, scope_markdown, signoff_markdown,
)
from wizard.report.model import STATUSES, entry_value, ids_text, unpaired_reason
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


def _row(cells: Sequence[Any]) -> str:
    return "| " + " | ".join(_md(c) for c in cells) + " |"


def _table(head: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[str]:
    return ["", "| " + " | ".join(head) + " |", "|" + "---|" * len(head), *(_row(r) for r in rows)]


def render_markdown(document: dict[str, Any], fixes: dict[str, dict[str, Any]] | None = None, *,
                    journal_entries: Iterable[Any] = (), engagement: Engagement | None = None) -> str:
    """The Markdown report, with the HTML report's sections: what was not assessed, the executive
    summary, the scope, the summary, every failing check once with its fix (and the full plans),
    the changes made, the CIS v5.0 roll-up, every check grouped, the methodology, the sign-off,
    and an appendix with every finding. Headings are the steps' titles."""
    parts = report_parts(document, journal_entries, engagement, fixes)
    engagement, titles, org, groups = parts.engagement, parts.titles, parts.org, parts.groups
    lines = [f"# {_md(engagement.title)}: {_md(engagement.customer)}", "",
             "AWS security essentials · " + " · ".join(_md(p) for p in (
                 f"prepared by {engagement.prepared_by}" if engagement.prepared_by else "", engagement.date) if p)]
    skipped = parts.not_assessed
    if skipped:  # first, before any count: an incomplete run must not read as a clean one
        lines += ["", "## Not assessed", "",
                  f"This run is incomplete: {len(skipped)} account(s) or step(s) could not be assessed, so their "
                  "checks are missing from every count below."]
        lines += _table(["Account", "Not assessed", "Why"], skipped)
    lines += executive_markdown(document, groups, engagement, parts.changes_count, parts.controls)
    lines += trend_markdown(document)
    lines += scope_markdown(engagement)
    lines += _summary_markdown(document, titles)
    lines += _remaining_markdown(parts)
    how: list[str] = []  # an organization's: per account, each planned where it was read
    for account, plans in parts.plans.items():
        mine = [f for f in document["findings"] if f.get("account_id", account) == account]
        how += _fixes_markdown(mine, plans, titles, f"{account}: " if org else "")
    if how:
        lines += ["", "## How to fix", "", "Every change the wizard plans for each step (planned with no answers)"
                  + (", in each account" if org else "") + "."] + how
    lines += _changes_markdown(parts)
    lines += cis_markdown(parts.controls, engagement.accounts)
    lines += _grouped_markdown(groups, titles, org)
    lines += methodology_markdown() + signoff_markdown(engagement)
    lines += _appendix_markdown(document["findings"], titles, org)
    return "\n".join(lines) + "\n"


def _summary_markdown(document: dict[str, Any], titles: dict[str, str]) -> list[str]:
    counts: dict[str, dict[str, int]] = {}
    for f in document["findings"]:
        counts.setdefault(f["step"], dict.fromkeys(STATUSES, 0))[f["status"]] += 1
    out = ["", "## Summary", "", "Findings are counted one per account, region and resource."]
    out += _table(["Step", "Pass", "Fail", "Manual", "Unknown", "N/A"],
                  ([titles.get(step, step), *c.values()] for step, c in counts.items()))
    accounts = document.get("accounts")
    if accounts:  # an organization run: the per-account summary
        out += ["", "## Accounts"]
        out += _table(["Account", "Name", "Pass", "Fail", "Manual", "Unknown", "N/A", "Note"],
                      ([row["account_id"], row.get("name") or "", *(row["summary"].get(k, 0) for k in STATUSES),
                        row.get("error") or ""] for row in accounts))
    return out


def _how(group: FindingGroup, parts: ReportParts) -> str:
    """The fix of a failing check in one table cell: the changes that declare its check, else why none."""
    matched = changes_for_group(group, parts.plans, parts.others)
    if matched:
        text = "; ".join((f"{', '.join(a)}: " if parts.org else "")
                         + f"{c['reason']} ({c['call'] or 'console'}{', ' + c['region'] if c['region'] else ''})"
                         for a, c in matched[:3])
        return text + (f"; and {len(matched) - 3} more (see How to fix)" if len(matched) > 3 else "")
    first = group.findings[0]
    account = first.get("account_id") or next(iter(parts.plans), "")
    return unpaired_reason(first, parts.plans.get(account, {}).get(group.step))


def _remaining_markdown(parts: ReportParts) -> list[str]:
    failing = [g for g in parts.groups if g.status == "FAIL"]
    out = ["", f"## What remains to fix ({plural(len(failing), 'check')}, "
               f"{plural(sum(g.count for g in failing), 'finding')})"]
    if not failing:
        return out + ["", "Nothing fails."]
    for step_id, items in by_step(failing).items():
        out += ["", f"### {_md(parts.titles.get(step_id, step_id))}"]
        out += _table(["Severity", "Finding", "Where", "Ids", "How to fix"],
                      ([g.severity, g.title, g.spread(with_accounts=parts.org), ids_text(g.findings[0]), _how(g, parts)]
                       for g in items))
    return out


def _changes_markdown(parts: ReportParts) -> list[str]:
    """The journal of changes made, newest first (with the account for an organization)."""
    out = ["", f"## Changes made with aws-essentials ({parts.changes_count})"]
    rows = []
    for account, entries in parts.changes:
        for entry in entries:
            change = entry_value(entry, "change", {}) or {}
            call = change.get("call") or {}
            step = entry_value(entry, "step")
            rows.append([entry_value(entry, "time"), *([account] if parts.org else []), parts.titles.get(step, step),
                         (f"{call.get('service')}.{call.get('operation')}" if call else "manual")
                         + f": {change.get('reason', '')}", call.get("region") or "global",
                         entry_value(entry, "result")])
    if not rows:
        return out + ["", "No changes have been made with aws-essentials."]
    return out + _table(["When (UTC)", *(["Account"] if parts.org else []), "Step", "Change", "Region", "Result"], rows)


def _grouped_markdown(groups: Sequence[FindingGroup], titles: dict[str, str], org: bool) -> list[str]:
    out = ["", "## Other results, grouped", "", "Every check that does not fail (failures are in What remains to "
           "fix), one row per check and result; the appendix lists each finding to act on."]
    for step_id, items in by_step(g for g in groups if g.status != "FAIL").items():
        out += ["", f"### {_md(titles.get(step_id, step_id))}"]
        out += _table(["Status", "Check", "Severity", "Where", "Ids"],
                      ([f"{GLYPH.get(g.status, '')} {g.status}", g.title, g.severity, g.spread(with_accounts=org),
                        ids_text(g.findings[0])] for g in items))
    return out


def _appendix_markdown(findings: Sequence[dict[str, Any]], titles: dict[str, str], org: bool) -> list[str]:
    """Every finding to act on (FAIL, MANUAL, UNKNOWN), per step: the per-region and per-resource
    detail the grouped rows summarize (passes and N/A stay grouped: nothing to do there)."""
    out = ["", "## Appendix: every finding to act on", "",
           "Each failing, manual and unknown finding by account, region and resource."]
    steps: dict[str, list[dict[str, Any]]] = {}
    for f in (f for f in findings if f["status"] in ("FAIL", "MANUAL", "UNKNOWN")):
        steps.setdefault(f["step"], []).append(f)
    for step_id, items in steps.items():
        out += ["", f"### {_md(titles.get(step_id, step_id))}"]
        out += _table(["Status", "Check", *(["Account"] if org else []), "Region", "Resource", "Message"],
                      ([f"{GLYPH.get(f['status'], '')} {f['status']}", f["title"], *([f["account_id"]] if org else []),
                        f["region"] or "global", f["resource"] or "", f["message"]] for f in items))
    return out


def _fixes_markdown(findings: list[dict[str, Any]], fixes: dict[str, dict[str, Any]],
                    titles: dict[str, str], account: str = "") -> list[str]:
    """For each step with a FAIL, its planned changes (planned with no answers) or what it needs first;
    headed by the step's title (after ``account``, for an organization's)."""
    out: list[str] = []
    for step_id in dict.fromkeys(f["step"] for f in findings if f["status"] == "FAIL"):
        fix = fixes.get(step_id)
        if not fix or not (fix["changes"] or fix["needs"] or fix["notes"]):
            continue
        out += ["", f"### {_md(account + titles.get(step_id, step_id))}", ""]
        if fix["needs"]:
            command = f"aws-essentials fix --steps {step_id} --yes --set {step_id}.INPUT=VALUE"
            out.append(f"Needs your answers first ({_md(', '.join(fix['needs']))}): run the wizard on this step, "
                       f"or {_code(command)}.")
        out += [f"> {_md(note)}" for note in fix["notes"]]
        for number, change in enumerate(fix["changes"], 1):
            out += change_markdown(number, change["lines"])
    return out
