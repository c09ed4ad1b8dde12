"""The HTML report: a self-contained page (no scripts, no external assets, printable), in this
order: the executive page (html_sections.py), the contents, the engagement and scope, what was not
assessed, the summary, every failing check once (grouping.py) with the change that fixes it, the
journal of changes made, the CIS v5.0 roll-up, every check's result grouped, the methodology and the
sign-off."""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from wizard.plan_text import text_of
from wizard.report.engagement import Engagement
from wizard.report.executive import ReportParts, report_parts
from wizard.report.grouping import FindingGroup, by_step, changes_for_group, group_fixes, plural
from wizard.report.html_sections import (
    cis_html, contents_html, executive_html, methodology_html, scope_html, signoff_html,
)
from wizard.report.html_style import CSS, print_css
from wizard.report.model import (
    STATUSES, entry_value, not_assessed_rows, unpaired_reason,
)
from wizard.report.trend import trend_html
from wizard.safe_text import html as _e

_STATUS_CLASS = {"PASS": "pass", "FAIL": "fail", "MANUAL": "manual", "UNKNOWN": "unknown", "N/A": "na"}
_STATUS_WORD = {"PASS": "Passed", "FAIL": "Failed", "MANUAL": "Manual", "UNKNOWN": "Unknown", "N/A": "Not applicable"}
_STATUS_HEAD = {"PASS": "Pass", "FAIL": "Fail", "MANUAL": "Manual", "UNKNOWN": "Unknown"}  # narrow columns


def _ids_html(finding: dict[str, Any]) -> str:
    ids = [f"CIS {c}" for c in finding.get("cis") or []] + [f"Security Hub {c}" for c in finding.get("securityhub") or []]
    return _e(", ".join(ids)) if ids else "—"


def _where(finding: dict[str, Any], with_account: bool = False) -> str:
    parts = ([finding["account_id"]] if with_account and finding.get("account_id") else []) + [
        finding.get("region") or "global"]
    if finding.get("resource"):
        parts.append(finding["resource"])
    return " · ".join(parts)


def _bar(counts: dict[str, int]) -> str:
    total = sum(counts.values()) or 1
    spans = "".join(
        f'<span class="{_STATUS_CLASS[s]}" style="width:{100 * counts[s] / total:.2f}%" '
        f'title="{_STATUS_WORD[s]}: {counts[s]}"></span>'
        for s in STATUSES if counts.get(s)
    )
    return f'<div class="bar" role="img" aria-label="{_e(_counts_text(counts))}">{spans}</div>'


def _counts_text(counts: dict[str, int]) -> str:
    return ", ".join(f"{counts.get(s, 0)} {_STATUS_WORD[s].lower()}" for s in STATUSES)


def render_html(document: dict[str, Any], journal_entries: Iterable[Any] = (),
                fixes: dict[str, dict[str, Any]] | None = None, *, engagement: Engagement | None = None,
                max_changes: int = 200) -> str:
    """A self-contained HTML report (no scripts, no external assets, printable on A4 and Letter).

    ``document``: a :func:`findings_document`. ``journal_entries``: :class:`wizard.journal.Entry`
    objects (or dicts with the same fields); those of the document's accounts are shown newest first,
    per account for an organization. ``fixes``: :func:`fixes_for` of the same results (an
    organization's: ``{account id: fixes}``), for the "how to fix" of every remaining FAIL.
    ``engagement``: who it is for and by whom, and the scope (engagement.py); else from the document.
    """
    parts = report_parts(document, journal_entries, engagement, fixes)
    engagement, titles, org, groups = parts.engagement, parts.titles, parts.org, parts.groups
    skipped = parts.not_assessed
    trend = trend_html(document)
    sections = [("scope", "Engagement and scope"), *([("not-assessed", "Not assessed")] if skipped else []),
                *([("trend", "Since last visit")] if trend else []),
                ("summary", "Summary per step" + (" and account" if org else "")),
                ("remaining", "What remains to fix"), ("changes", "Changes made with aws-essentials"),
                ("cis", "CIS v5.0 roll-up"), ("findings", "Other results, grouped"),
                ("methodology", "Methodology and limitations"), ("signoff", "Sign-off")]
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(engagement.title)}: {_e(engagement.customer)}</title>",
        f"<style>{CSS}{print_css(engagement.header)}</style></head><body><main>",
        executive_html(document, groups, engagement, parts.changes_count, parts.controls, skipped),
        contents_html(sections),
        scope_html(engagement),
        *_not_assessed_html(document),
        *(['<div id="trend">', *trend, "</div>"] if trend else []),
        *_summary_html(document, titles),
        *_remaining_html(parts),
        *_changes_html(parts.changes, titles, max_changes, org),
        cis_html(parts.controls, engagement.accounts),
        *_all_findings_html(groups, titles, org),
        methodology_html(),
        signoff_html(engagement),
        f"<footer>Made by aws-essentials ({_e(document.get('schema'))}). CIS ids refer to the CIS AWS "
        "Foundations Benchmark v5.0.0; Security Hub ids to AWS Foundational Security Best Practices "
        "controls. Re-run <code>aws-essentials check</code> to verify.</footer>",
        "</main></body></html>",
    ]
    return "\n".join(out) + "\n"


def _summary_html(document: dict[str, Any], titles: dict[str, str]) -> list[str]:
    """Pass/fail/manual/unknown bars per step and, for an organization, per account."""
    summary = document["summary"]
    steps: dict[str, dict[str, int]] = {}
    for f in document["findings"]:
        steps.setdefault(f["step"], dict.fromkeys(STATUSES, 0))[f["status"]] += 1
    head = ('<th style="width:30%">Result</th>' + "".join(f'<th class="num">{_STATUS_HEAD.get(s, s)}</th>' for s in STATUSES)
            + "</tr></thead><tbody>")
    out = ['<section id="summary"><h2>Summary</h2>',
           f'<p>{_e(_counts_text(summary))} findings (one per account, region and resource).</p>',
           '<h3>Per step</h3><p class="legend">' + "".join(
               f'<i class="{_STATUS_CLASS[s]}"></i>{_STATUS_WORD[s]}' for s in STATUSES) + "</p>",
           '<table class="steps"><thead><tr><th style="width:24%">Step</th>' + head]
    for step_id, counts in steps.items():
        out.append(f"<tr><td>{_e(titles.get(step_id, step_id))}</td><td>{_bar(counts)}</td>"
                   + "".join(f'<td class="num">{counts[s]}</td>' for s in STATUSES) + "</tr>")
    out.append("</tbody></table>")
    if document.get("accounts"):
        out.append('<h3>Per account</h3><table class="steps"><thead><tr><th style="width:24%">Account</th>' + head)
        for row in document["accounts"]:
            name = f" ({row['name']})" if row.get("name") else ""
            note = f'<br><span class="where">{_e(row["error"])}</span>' if row.get("error") else ""
            out.append(f"<tr><td>{_e(row['account_id'] + name)}{note}</td><td>{_bar(row['summary'])}</td>"
                       + "".join(f'<td class="num">{row["summary"].get(s, 0)}</td>' for s in STATUSES) + "</tr>")
        out.append("</tbody></table>")
    out.append("</section>")
    return out


def _members_html(group: FindingGroup, org: bool) -> str:
    """Every finding of a group, in a <details> (closed, so print shows the group's one row)."""
    rows = "".join(f'<li><span class="where">{_e(_where(f, org))}</span> {_e(f["message"])}</li>' for f in group.findings)
    return (f'<details><summary>{"The finding" if group.count == 1 else f"All {group.count} findings"}'
            f"</summary><ul class=\"members\">{rows}</ul></details>")


def _remaining_html(parts: ReportParts) -> list[str]:
    """Every failing check once, per step, most severe first, with where it fails and how to fix it."""
    failing = [g for g in parts.groups if g.status == "FAIL"]
    count = sum(g.count for g in failing)
    out = [f'<section id="remaining"><h2>What remains to fix ({plural(len(failing), "check")}, '
           f'{plural(count, "finding")})</h2>']
    if not failing:
        out.append('<p class="empty">Nothing fails. Keep an eye on the manual items in the findings below.</p>')
    for step_id, items in by_step(failing).items():
        out.append(_remaining_step(step_id, items, parts))
    out.append("</section>")
    return out


def _changes_html(groups: list[tuple[str, list[Any]]], titles: dict[str, str], max_changes: int,
                  org: bool) -> list[str]:
    """The journal of changes made (model.changes_made), newest first, per account for an organization."""
    total = sum(len(entries) for _, entries in groups)
    out = [f'<section id="changes"><h2>Changes made with aws-essentials ({total})</h2>']
    for account, entries in groups:
        if org and entries:
            out.append(f"<h3>Account {_e(account)} ({len(entries)})</h3>")
        out += _journal_html(entries, titles, max_changes)
    if not total:
        which = "these accounts" if org else "this account"
        out.append(f'<p class="empty">No changes have been made to {which} with aws-essentials.</p>')
    out.append("</section>")
    return out


def _all_findings_html(groups: Sequence[FindingGroup], titles: dict[str, str], org: bool) -> list[str]:
    """Every result but the failures (which "What remains" lists), one row per check and status, per
    step; each row opens to its findings."""
    out = ['<section id="findings"><h2>Other results, grouped</h2>',
           '<p class="legend">Every check that does not fail (failures are in <a href="#remaining">What remains to '
           "fix</a>): one row per check and result; open a row for every account, region and resource.</p>"]
    for step_id, items in by_step(g for g in groups if g.status != "FAIL").items():
        out.append(f"<h3>{_e(titles.get(step_id, step_id))}</h3>")
        out.append('<table class="findings"><thead><tr><th style="width:10%">Status</th><th style="width:11%">Severity'
                   '</th><th>Check</th><th style="width:17%">Ids</th></tr></thead><tbody>')
        for g in items:
            cls = _STATUS_CLASS.get(g.status, "unknown")
            out.append(f'<tr><td><span class="badge {cls}">{_e(g.status)}</span></td>'
                       f'<td><span class="sev {_e(g.severity)}">{_e(g.severity)}</span></td>'
                       f'<td><b>{_e(g.title)}</b><br><span class="where">{_e(g.spread(with_accounts=org))}</span>'
                       f"{_members_html(g, org)}</td><td class=\"ids\">{_ids_html(g.findings[0])}</td></tr>")
        out.append("</tbody></table>")
    out.append("</section>")
    return out


def _journal_html(entries: list[Any], titles: dict[str, str], max_changes: int) -> list[str]:
    """One account's journal entries (newest first) as a table, at most ``max_changes`` rows."""
    if not entries:
        return []
    out = ['<table class="journal"><thead><tr><th style="width:20%">When (UTC)</th><th style="width:20%">Step</th>'
           '<th>Change</th><th style="width:12%">Result</th></tr></thead><tbody>']
    for entry in entries[:max_changes]:
        change = entry_value(entry, "change", {}) or {}
        call = change.get("call") or {}
        call_name = f"{call.get('service')}.{call.get('operation')}" if call else "manual"
        region = call.get("region") or ""
        result = entry_value(entry, "result", "")
        step = entry_value(entry, "step")
        where = f' <span class="where">{_e(region)}</span>' if region else ""
        out.append(f'<tr><td class="where">{_e(entry_value(entry, "time"))}</td>'
                   f"<td>{_e(titles.get(step, step))}</td>"
                   f"<td><code>{_e(call_name)}</code>{where}<br>{_e(change.get('reason', ''))}</td>"
                   f"<td>{_e(result)}</td></tr>")
    out.append("</tbody></table>")
    if len(entries) > max_changes:
        out.append(f'<p class="empty">…and {len(entries) - max_changes} earlier changes (see '
                   "<code>aws-essentials history</code>).</p>")
    return out


def _not_assessed_html(document: dict[str, Any]) -> list[str]:
    """First, before any count: what the run could not assess and why (its counts leave it out)."""
    rows = not_assessed_rows(document)
    if not rows:
        return []
    body = "".join(f"<tr><td>{_e(account)}</td><td>{_e(what)}</td><td>{_e(why)}</td></tr>" for account, what, why in rows)
    return ['<section id="not-assessed" class="incomplete"><h2>Not assessed: every account and step</h2>',
            f'<p class="stepnote">This run is incomplete: {len(rows)} account(s) or step(s) could not be assessed, '
            "so their checks are missing from every count below. Fix the cause and check again.</p>",
            '<table class="findings"><thead><tr><th>Account</th><th>Not assessed</th><th>Why</th></tr></thead>'
            f"<tbody>{body}</tbody></table></section>"]


def _change_html(change: dict[str, Any]) -> str:
    """A change in the "how to fix" column: its lines (wizard/plan_text.py) without the parameters,
    which `aws-essentials plan` shows in full."""
    lines = change["lines"]
    manual = text_of(lines, "manual")
    if manual:
        steps_html = "".join(f"<li>{_e(text)}</li>" for kind, text in lines if kind == "instruction")
        url = text_of(lines, "console")
        link = f' <span class="where">{_e(url)}</span>' if url else ""
        return f"In the console: {_e(manual)}{link}" + (f"<ol>{steps_html}</ol>" if steps_html else "")
    extra = "".join(_EXTRA[kind].format(_e(text)) for kind, text in lines if kind in _EXTRA)
    return (f"{_e(text_of(lines, 'reason'))} <code>{_e(text_of(lines, 'call'))}</code>"
            f' <span class="where">{_e(text_of(lines, "region"))}</span>{extra}')


# How a change's other lines follow its reason, call and region in the report.
_EXTRA = {"risky": " <b>({})</b>", "warning": '<br><span class="note">Warning: {}</span>',
          "cost": '<br><span class="note">Cost: {}</span>'}


def _remaining_step(step_id: str, failing: list[FindingGroup], parts: ReportParts) -> str:
    """One step's failing checks: a row per check, its last column says how to fix it, from the plan of
    the step in each finding's own account."""
    count = sum(g.count for g in failing)
    parts_html = [f'<div class="remain"><h3>{_e(parts.titles.get(step_id, step_id))} <span class="count">'
                  f'{plural(len(failing), "check")}, {count} failing</span></h3>']
    fixes = group_fixes(failing, parts.plans)
    needs = list(dict.fromkeys(label for fix in fixes for label in fix["needs"]))
    notes = []
    if needs:
        notes.append(f"The fix needs your answers first ({_e(', '.join(needs))}): run the wizard on this "
                     f"step, or <code>aws-essentials fix --steps {_e(step_id)} --yes --set "
                     f"{_e(step_id)}.INPUT=VALUE</code>.")
    notes += [_e(n) for n in dict.fromkeys(n for fix in fixes for n in fix["notes"])]
    if notes:
        parts_html.append('<p class="stepnote">' + "<br>".join(notes) + "</p>")
    parts_html.append('<table class="remaining"><thead><tr><th style="width:11%">Severity</th><th style="width:41%">'
                      'Finding</th><th style="width:16%">Ids</th><th>How to fix</th></tr></thead><tbody>')
    for g in failing:
        parts_html.append(f'<tr id="{g.anchor}"><td><span class="sev {_e(g.severity)}">{_e(g.severity)}</span></td>'
                          f'<td><b>{_e(g.title)}</b><br><span class="where">{_e(g.spread(with_accounts=parts.org))}'
                          f'</span>{_members_html(g, parts.org)}</td><td class="ids">{_ids_html(g.findings[0])}</td>'
                          f'<td class="how">{_how_html(g, step_id, parts)}</td></tr>')
    parts_html.append("</tbody></table></div>")
    return "".join(parts_html)


def _how_html(group: FindingGroup, step_id: str, parts: ReportParts) -> str:
    """How to fix a failing check: the planned changes that declare its check, else why there are none."""
    matched = changes_for_group(group, parts.plans, parts.others)
    if not matched:
        first = group.findings[0]
        account = first.get("account_id") or next(iter(parts.plans), "")
        return _e(unpaired_reason(first, parts.plans.get(account, {}).get(step_id)))
    def where(accounts: tuple[str, ...]) -> str:  # an organization's change names the accounts it is planned in
        return f'<span class="acct">{_e(", ".join(accounts))}</span>: ' if parts.org else ""

    how = "<ul>" + "".join(f"<li>{where(a)}{_change_html(c)}</li>" for a, c in matched[:4]) + "</ul>"
    if len(matched) > 4:
        how += (f'<span class="note">…and {len(matched) - 4} more changes: '
                f"<code>aws-essentials plan --steps {_e(step_id)}</code>.</span>")
    return how

