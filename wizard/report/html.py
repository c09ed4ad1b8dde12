"""The HTML report: a self-contained page (no scripts, no external assets, printable) with the
summary, every remaining FAIL with the change that fixes it, the journal of changes made, and
every finding."""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from wizard.plan_text import text_of
from wizard.report.html_style import CSS
from wizard.report.trend import trend_html
from wizard.report.model import (
    STATUSES, changes_made, entry_value as _entry_value, findings_document, fix_for_finding, fixes_by_account,
    fixes_for, not_assessed_rows, regions_disabled_lines, severity_rank, step_titles, unpaired_reason,
)
from wizard.safe_text import html as _e

_STATUS_CLASS = {"PASS": "pass", "FAIL": "fail", "MANUAL": "manual", "UNKNOWN": "unknown", "N/A": "na"}
_STATUS_WORD = {"PASS": "Passed", "FAIL": "Failed", "MANUAL": "Manual", "UNKNOWN": "Unknown", "N/A": "Not applicable"}


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
                fixes: dict[str, dict[str, Any]] | None = None, *, title: str = "AWS security essentials report",
                max_changes: int = 200) -> str:
    """A self-contained HTML report (no scripts, no external assets, printable).

    ``document``: a :func:`findings_document`. ``journal_entries``: :class:`wizard.journal.Entry`
    objects (or dicts with the same fields); those of the document's accounts are shown newest first,
    per account for an organization. ``fixes``: :func:`fixes_for` of the same results (an
    organization's: ``{account id: fixes}``), for the "how to fix" of every remaining FAIL.
    """
    plans = fixes_by_account(document, fixes)
    titles = step_titles()
    findings = document["findings"]
    summary = document["summary"]
    account = document["account_id"]
    steps: dict[str, list[dict[str, Any]]] = {}
    for f in findings:
        steps.setdefault(f["step"], []).append(f)
    decided = summary["PASS"] + summary["FAIL"]
    score = f"{100 * summary['PASS'] / decided:.0f}%" if decided else "—"

    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}: account {_e(account)}</title>",
        f"<style>{CSS}</style></head><body><main>",
        '<header class="report"><div class="kicker">AWS security essentials</div>',
        f"<h1>Security report for account {_e(account)}</h1>",
        '<dl class="meta">',
        f"<dt>Account</dt><dd>{_e(account)}</dd>",
        f"<dt>Generated</dt><dd>{_e(document.get('generated_at'))}</dd>",
        f"<dt>Checked by</dt><dd>{_e(document.get('caller_arn') or 'unknown caller')}</dd>",
        f"<dt>Regions</dt><dd>{_e(', '.join(document.get('regions') or []) or 'none')}</dd>",
        *(f"<dt>Regions not assessed</dt><dd>{_e(line)}</dd>" for line in regions_disabled_lines(document)),
        "</dl></header>",
        *_not_assessed_html(document),
        *trend_html(document),
        "<section><h2>Summary</h2>",
        '<div class="cards">',
        f'<div class="card score"><div class="n">{_e(score)}</div><div class="l">of decided checks pass</div></div>',
    ]
    for status in STATUSES:
        out.append(f'<div class="card {_STATUS_CLASS[status]}"><div class="n">{summary.get(status, 0)}</div>'
                   f'<div class="l">{_STATUS_WORD[status]}</div></div>')
    out.append("</div>")
    out.append('<h3>Per step</h3><p class="legend">' + "".join(
        f'<i class="{_STATUS_CLASS[s]}"></i>{_STATUS_WORD[s]}' for s in STATUSES) + "</p>")
    out.append('<table class="steps"><thead><tr><th>Step</th><th style="width:45%">Result</th>'
               '<th class="num">Pass</th><th class="num">Fail</th><th class="num">Manual</th>'
               '<th class="num">Unknown</th><th class="num">N/A</th></tr></thead><tbody>')
    for step_id, items in steps.items():
        counts = {s: 0 for s in STATUSES}
        for f in items:
            counts[f["status"]] += 1
        out.append(f"<tr><td>{_e(titles.get(step_id, step_id))}</td><td>{_bar(counts)}</td>"
                   + "".join(f'<td class="num">{counts[s]}</td>' for s in STATUSES)
                   + "</tr>")
    out.append("</tbody></table>")
    if document.get("accounts"):
        out.append('<h3>Per account</h3><table class="steps"><thead><tr><th>Account</th>'
                   '<th style="width:45%">Result</th><th class="num">Pass</th><th class="num">Fail</th>'
                   '<th class="num">Manual</th><th class="num">Unknown</th><th class="num">N/A</th></tr></thead><tbody>')
        for row in document["accounts"]:
            name = f" ({row['name']})" if row.get("name") else ""
            note = f'<br><span class="where">{_e(row["error"])}</span>' if row.get("error") else ""
            out.append(f"<tr><td>{_e(row['account_id'] + name)}{note}</td><td>{_bar(row['summary'])}</td>"
                       + "".join(f'<td class="num">{row["summary"].get(s, 0)}</td>'
                                 for s in STATUSES) + "</tr>")
        out.append("</tbody></table>")
    out.append("</section>")

    # What remains: every FAIL, per step, most severe first, each with its fix.
    remaining = [f for f in findings if f["status"] == "FAIL"]
    out.append(f"<section><h2>What remains to fix ({len(remaining)})</h2>")
    if not remaining:
        out.append('<p class="empty">Nothing fails. Keep an eye on the manual items in the findings below.</p>')
    for step_id, items in steps.items():
        failing = sorted((f for f in items if f["status"] == "FAIL"), key=severity_rank)
        if failing:
            out.append(_remaining_step(step_id, failing, items, plans, titles, bool(document.get("accounts"))))
    out.append("</section>")

    # What was changed (journal), newest first, per account.
    groups = changes_made(document, journal_entries)
    out.append(f"<section><h2>Changes made with aws-essentials ({sum(len(e) for _, e in groups)})</h2>")
    for group_account, entries in groups:
        if document.get("accounts"):
            out.append(f"<h3>Account {_e(group_account)} ({len(entries)})</h3>")
        out += _journal_html(entries, titles, max_changes)
    if not any(entries for _, entries in groups):
        which = "these accounts" if document.get("accounts") else "this account"
        out.append(f'<p class="empty">No changes have been made to {which} with aws-essentials.</p>')
    out.append("</section>")

    # Every finding, per step.
    out.append("<section><h2>All findings</h2>")
    for step_id, items in steps.items():
        out.append(f"<h3>{_e(titles.get(step_id, step_id))}</h3>")
        out.append('<table class="findings"><thead><tr><th>Status</th><th>Check</th><th>Severity</th>'
                   "<th>Where</th><th>Details</th><th>Ids</th></tr></thead><tbody>")
        for f in items:
            cls = _STATUS_CLASS.get(f["status"], "unknown")
            out.append(f'<tr><td><span class="badge {cls}">{_e(f["status"])}</span></td><td>{_e(f["title"])}</td>'
                       f'<td><span class="sev {_e(f["severity"])}">{_e(f["severity"])}</span></td>'
                       f'<td class="where">{_e(_where(f, bool(document.get("accounts"))))}</td><td>{_e(f["message"])}</td>'
                       f'<td class="ids">{_ids_html(f)}</td></tr>')
        out.append("</tbody></table>")
    out.append("</section>")
    out.append(f"<footer>Made by aws-essentials ({_e(document.get('schema'))}). CIS ids refer to the CIS AWS "
               "Foundations Benchmark v5.0.0; Security Hub ids to AWS Foundational Security Best Practices "
               "controls. Re-run <code>aws-essentials check</code> to verify.</footer>")
    out.append("</main></body></html>")
    return "\n".join(out) + "\n"


def _journal_html(entries: list[Any], titles: dict[str, str], max_changes: int) -> list[str]:
    """One account's journal entries (newest first) as a table, at most ``max_changes`` rows."""
    if not entries:
        return []
    out = ['<table class="journal"><thead><tr><th>When (UTC)</th><th>Step</th><th>Change</th>'
           "<th>Result</th></tr></thead><tbody>"]
    for entry in entries[:max_changes]:
        change = _entry_value(entry, "change", {}) or {}
        call = change.get("call") or {}
        call_name = f"{call.get('service')}.{call.get('operation')}" if call else "manual"
        region = call.get("region") or ""
        result = _entry_value(entry, "result", "")
        step = _entry_value(entry, "step")
        where = f' <span class="where">{_e(region)}</span>' if region else ""
        out.append(f'<tr><td class="where">{_e(_entry_value(entry, "time"))}</td>'
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
    return ['<section class="incomplete"><h2>Not assessed</h2>',
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


def _remaining_step(step_id: str, failing: list[dict[str, Any]], items: list[dict[str, Any]],
                    plans: dict[str, dict[str, Any]], titles: dict[str, str], with_account: bool = False) -> str:
    """One step's remaining FAILs: a table whose last column says how to fix each one, from the plan of
    the step in the finding's account (``plans``: :func:`fixes_by_account`; ``items``: all the step's
    findings, which tell one resource's change from another's)."""
    title = titles.get(step_id, step_id)
    parts = [f'<div class="remain"><h3>{_e(title)} <span class="count">{len(failing)} failing</span></h3>']
    fixes = [plans[a][step_id] for a in dict.fromkeys(f["account_id"] for f in failing)
             if step_id in plans.get(a, {})]
    needs = list(dict.fromkeys(label for fix in fixes for label in fix["needs"]))
    notes = []
    if needs:
        notes.append(f"The fix needs your answers first ({_e(', '.join(needs))}): run the wizard on this "
                     f"step, or <code>aws-essentials fix --steps {_e(step_id)} --yes --set "
                     f"{_e(step_id)}.INPUT=VALUE</code>.")
    notes += [_e(n) for n in dict.fromkeys(n for fix in fixes for n in fix["notes"])]
    if notes:
        parts.append('<p class="stepnote">' + "<br>".join(notes) + "</p>")
    parts.append('<table class="remaining"><thead><tr><th style="width:8%">Severity</th><th style="width:40%">Finding</th>'
                 '<th style="width:14%">Ids</th><th>How to fix</th></tr></thead><tbody>')
    for f in failing:
        fix = plans.get(f["account_id"], {}).get(step_id)
        matched = fix_for_finding(f, fix, [o for o in items if o["account_id"] == f["account_id"]])
        if matched:
            how = "<ul>" + "".join(f"<li>{_change_html(c)}</li>" for c in matched[:4]) + "</ul>"
            if len(matched) > 4:
                how += f'<span class="note">…and {len(matched) - 4} more changes of this step.</span>'
        else:
            how = _e(unpaired_reason(f, fix))
        parts.append(f'<tr><td><span class="sev {_e(f["severity"])}">{_e(f["severity"])}</span></td>'
                     f'<td><b>{_e(f["title"])}</b><br><span class="where">{_e(_where(f, with_account))}</span><br>'
                     f'{_e(f["message"])}</td><td class="ids">{_ids_html(f)}</td><td class="how">{how}</td></tr>')
    parts.append("</tbody></table></div>")
    return "".join(parts)


def html_report(account_id: str, regions: Sequence[str], results: Sequence[Any], caller_arn: str = "",
                journal_entries: Iterable[Any] | None = None) -> str:
    """Everything in one call (for the TUI's export): document, fixes and this account's journal."""
    document = findings_document(account_id, regions, results, caller_arn=caller_arn)
    if journal_entries is None:
        from wizard.journal import Journal

        journal_entries = Journal(account_id).entries()
    return render_html(document, journal_entries, fixes_for(results))
