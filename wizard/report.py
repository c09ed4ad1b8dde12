"""Findings documents and their renderings (table, Markdown, JSON, HTML, OCSF)."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from typing import Any, Iterable, Sequence

from steps.base import summarize
from wizard.safe_text import html as _e, markdown as _md, rich_text as _t

SCHEMA = "aws-essentials/findings/v1"
GLYPH = {"PASS": "✔", "FAIL": "✘", "MANUAL": "✋", "UNKNOWN": "?"}


def findings_document(account_id: str, regions: Sequence[str], results: Iterable[Any],
                      caller_arn: str = "") -> dict[str, Any]:
    """The ``aws-essentials/findings/v1`` document for one account."""
    findings = []
    all_findings = []
    for result in results:
        for finding in result.findings:
            all_findings.append(finding)
            findings.append({"account_id": account_id, "step": result.id, **finding.to_dict()})
    return {
        "schema": SCHEMA,
        "account_id": account_id,
        "caller_arn": caller_arn,
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "regions": list(regions),
        "summary": summarize(all_findings),
        "findings": findings,
    }


def render_json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=False) + "\n"


def _ids(finding: dict[str, Any]) -> str:
    ids = [f"CIS {c}" for c in finding["cis"]] + list(finding["securityhub"])
    return ", ".join(ids)


def render_markdown(document: dict[str, Any]) -> str:
    """A Markdown report: summary, then one table per step."""
    s = document["summary"]
    lines = [
        f"# AWS security essentials: account {_md(document['account_id'])}",
        "",
        f"Generated {document['generated_at']} over {len(document['regions'])} regions.",
        "",
        f"**{s['PASS']} passed, {s['FAIL']} failed, {s['MANUAL']} manual, {s['UNKNOWN']} unknown.**",
    ]
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
                 f["message"], _ids(f)]
        lines.append("| " + " | ".join(_md(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def render_table(document: dict[str, Any], width: int = 120) -> str:
    """A terminal table for people, grouped by step."""
    from io import StringIO

    from rich.console import Console
    from rich.table import Table

    style = {"PASS": "green", "FAIL": "red", "MANUAL": "yellow", "UNKNOWN": "magenta"}
    accounts = document.get("accounts")
    title = f"Organization of account {document['account_id']}" if accounts else f"Account {document['account_id']}"
    table = Table(title=_t(title), expand=False)  # account text as Text, never parsed as markup
    for column in (("Account",) if accounts else ()) + ("Step", "Status", "Check", "Region", "Message", "Ids"):
        table.add_column(column, overflow="fold")
    for f in document["findings"]:
        table.add_row(*map(_t, (f["account_id"],) if accounts else ()), _t(f["step"]),
                      f"[{style[f['status']]}]{f['status']}[/]",
                      *map(_t, (f["title"], f["region"] or "global", f["message"], _ids(f))))
    s = document["summary"]
    buffer = StringIO()
    console = Console(file=buffer, width=width, force_terminal=False, color_system=None)
    console.print(table)
    if accounts:
        per_account = Table(title="Per account", expand=False)
        for column in ("Account", "Name", "Pass", "Fail", "Manual", "Unknown", "Note"):
            per_account.add_column(column, overflow="fold")
        for row in accounts:
            per_account.add_row(_t(row["account_id"]), _t(row.get("name") or ""),
                                *(str(row["summary"][k]) for k in ("PASS", "FAIL", "MANUAL", "UNKNOWN")),
                                _t(row.get("error") or ""))
        console.print(per_account)
    console.print(f"{s['PASS']} passed, {s['FAIL']} failed, {s['MANUAL']} manual, {s['UNKNOWN']} unknown")
    return buffer.getvalue()


RENDERERS = {"json": render_json, "markdown": render_markdown, "table": render_table}


# --- fixes: what would make each remaining FAIL pass ---------------------------------------------

SEVERITY_ORDER = ("critical", "high", "medium", "low", "info")


def fixes_for(results: Iterable[Any]) -> dict[str, dict[str, Any]]:
    """``{step id: {"changes": [...], "notes": [...], "needs": [...]}}`` from each step's plan.

    Every step is planned once with no answers (pure and cheap: the states are already collected).
    A step whose plan needs answers lists the labels of the inputs it asks for in ``needs``.
    """
    fixes: dict[str, dict[str, Any]] = {}
    for result in results:
        if getattr(result, "state", None) is None:
            continue
        try:
            plan = result.plan({})
        except Exception as error:  # noqa: BLE001 - a report must not die on one step's planning bug
            fixes[result.id] = {"changes": [], "notes": [f"Could not plan this step: {error}"], "needs": []}
            continue
        labels = {i.name: i.label for i in result.step.INFO.inputs}
        fixes[result.id] = {
            "changes": [_fix_change(c) for c in plan.changes],
            "notes": [] if plan.needs else list(plan.notes),
            "needs": [labels.get(name, name) for name in plan.needs],
        }
    return fixes


def _fix_change(change: Any) -> dict[str, Any]:
    data = change.to_dict()
    call = data["call"] or {}
    return {
        "reason": change.reason,
        "manual": change.manual,
        "call": f"{call['service']}.{call['operation']}" if call else "",
        "region": call.get("region") or "",
        "params": call.get("params") or {},
        "risky": change.risky,
        "warning": change.warning,
        "cost_note": change.cost_note,
        "console_url": change.console_url,
        "instructions": list(change.instructions),
    }


def fix_for_finding(finding: dict[str, Any], fix: dict[str, Any] | None) -> list[dict[str, Any]] | None:
    """The changes of the step's plan that address ``finding``, or None when none can be told apart.

    A change addresses a finding when it is in the finding's region (or has none) and its
    parameters name the finding's resource (or an identifier inside it, e.g. a bucket name in an
    ARN); among those, the ones whose operation and reason share the most words with the check win.
    """
    if not fix or not fix["changes"]:
        return None
    region, resource = finding.get("region"), finding.get("resource")
    candidates = [c for c in fix["changes"] if not c["manual"]
                  and (not region or not c["region"] or c["region"] == region)
                  and (not resource or _names(c["params"], resource))]
    if not candidates or (not region and not resource):
        candidates = [c for c in fix["changes"] if c["manual"]] or candidates
    if not candidates:
        return None
    words = {w for w in re.split(r"[^a-z0-9]+", f"{finding['check']} {finding.get('title', '')}".lower())
             if len(w) >= 3}
    scored = [(sum(w in (c["call"] + " " + c["reason"]).lower().replace(" ", "") for w in words), c) for c in candidates]
    best = max(score for score, _ in scored)
    return [c for score, c in scored if score == best]


_ID_KEY = re.compile(r"(Id|Ids|Name|Names|Arn|Arns|Bucket|Resource|Resources|UserName|GroupId)$")


def _names(params: Any, resource: str) -> bool:
    """Whether ``params`` name ``resource``: the whole of it, or an identifier parameter found in it."""
    if resource in json.dumps(params, default=str):
        return True

    def walk(value: Any, key: str = "") -> bool:
        if isinstance(value, dict):
            return any(walk(v, k) for k, v in value.items())
        if isinstance(value, list):
            return any(walk(v, key) for v in value)
        return bool(_ID_KEY.search(key)) and isinstance(value, str) and len(value) >= 3 and value in resource

    return walk(params)


def _fix_text(finding: dict[str, Any], fix: dict[str, Any] | None, step_id: str) -> list[str]:
    """The fix as plain lines (used by the HTML report and by tests)."""
    lines = []
    for change in fix_for_finding(finding, fix) or (fix or {}).get("changes", []):
        if change["manual"]:
            lines.append(f"Manual: {change['reason']}")
        else:
            lines.append(f"{change['reason']} ({change['call']})")
    if fix and fix["needs"]:
        lines.append(f"Needs your answers first ({', '.join(fix['needs'])}): run the wizard on the {step_id} "
                     f"step, or `aws-essentials fix --steps {step_id} --yes --set {step_id}.INPUT=VALUE`.")
    return lines


# --- HTML ----------------------------------------------------------------------------------------

_STATUS_CLASS = {"PASS": "pass", "FAIL": "fail", "MANUAL": "manual", "UNKNOWN": "unknown"}
_STATUS_WORD = {"PASS": "Passed", "FAIL": "Failed", "MANUAL": "Manual", "UNKNOWN": "Unknown"}

_CSS = """
:root { --pass:#1e7f4f; --fail:#c0392b; --manual:#b7791f; --unknown:#6b7280; --ink:#1f2933; --muted:#5f6b7a;
  --line:#e3e7ec; --soft:#f5f7fa; --accent:#1d4e89; }
* { box-sizing:border-box; }
body { margin:0; font:14px/1.5 -apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif; color:var(--ink);
  background:#fff; }
main { max-width:1080px; margin:0 auto; padding:32px 40px 48px; }
header.report { border-bottom:3px solid var(--accent); padding-bottom:16px; margin-bottom:24px; }
header.report .kicker { text-transform:uppercase; letter-spacing:.08em; font-size:12px; color:var(--accent);
  font-weight:600; }
h1 { font-size:26px; margin:4px 0 12px; }
h2 { font-size:19px; margin:32px 0 12px; padding-bottom:6px; border-bottom:1px solid var(--line); }
h3 { font-size:15px; margin:20px 0 8px; }
dl.meta { display:grid; grid-template-columns:max-content 1fr; gap:4px 16px; margin:0; }
dl.meta dt { color:var(--muted); }
dl.meta dd { margin:0; font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; font-size:13px;
  word-break:break-all; }
.cards { display:flex; gap:12px; flex-wrap:wrap; margin:8px 0 4px; }
.card { flex:1 1 140px; border:1px solid var(--line); border-radius:8px; padding:12px 16px; background:var(--soft); }
.card .n { font-size:28px; font-weight:700; line-height:1.1; }
.card .l { color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.06em; }
.card.pass .n { color:var(--pass); } .card.fail .n { color:var(--fail); }
.card.manual .n { color:var(--manual); } .card.unknown .n { color:var(--unknown); }
.card.score .n { color:var(--accent); }
table { width:100%; border-collapse:collapse; margin:4px 0 8px; }
th, td { text-align:left; vertical-align:top; padding:6px 8px; border-bottom:1px solid var(--line); }
th { font-size:12px; text-transform:uppercase; letter-spacing:.05em; color:var(--muted); background:var(--soft); }
td.num { text-align:right; font-variant-numeric:tabular-nums; white-space:nowrap; }
.bar { display:flex; height:14px; min-width:220px; border-radius:3px; overflow:hidden; background:var(--line); }
.bar span { display:block; height:100%; }
.bar .pass, .legend .pass { background:var(--pass); } .bar .fail, .legend .fail { background:var(--fail); }
.bar .manual, .legend .manual { background:var(--manual); } .bar .unknown, .legend .unknown { background:var(--unknown); }
.legend { color:var(--muted); font-size:12px; margin:0 0 8px; }
.legend i { display:inline-block; width:10px; height:10px; border-radius:2px; margin:0 4px 0 12px; vertical-align:-1px; }
.badge { display:inline-block; padding:1px 7px; border-radius:10px; font-size:11px; font-weight:700;
  letter-spacing:.03em; color:#fff; white-space:nowrap; }
.badge.pass { background:var(--pass); } .badge.fail { background:var(--fail); }
.badge.manual { background:var(--manual); } .badge.unknown { background:var(--unknown); }
.sev { display:inline-block; padding:0 6px; border-radius:3px; font-size:11px; border:1px solid currentColor;
  text-transform:uppercase; white-space:nowrap; }
.sev.critical { color:#8e1b10; } .sev.high { color:var(--fail); } .sev.medium { color:var(--manual); }
.sev.low { color:var(--accent); } .sev.info { color:var(--unknown); }
.ids { font-size:12px; color:var(--muted); }
.where { font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; font-size:12px; color:var(--muted);
  word-break:break-all; }
  margin:0 0 10px; }
td.how ul, td.how ol { margin:0; padding-left:16px; }
td.how li { margin:0 0 3px; }
.note { color:var(--muted); font-size:12px; font-style:italic; }
.count { font-size:12px; font-weight:600; color:var(--fail); margin-left:8px; }
.stepnote { background:var(--soft); border-left:3px solid var(--accent); padding:6px 10px; margin:4px 0 8px; }
code { font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; font-size:12px; }
.empty { color:var(--muted); font-style:italic; }
footer { margin-top:36px; color:var(--muted); font-size:12px; border-top:1px solid var(--line); padding-top:10px; }
@media print {
  @page { size:A4; margin:14mm 12mm; }
  body { font-size:11px; }
  main { max-width:none; padding:0; }
  * { -webkit-print-color-adjust:exact; print-color-adjust:exact; }
  h2 { break-after:avoid; }
  .item, tr, .card { break-inside:avoid; }
  a { color:inherit; text-decoration:none; }
}
"""


def _entry_value(entry: Any, name: str, default: Any = "") -> Any:
    if isinstance(entry, dict):
        return entry.get(name, default)
    return getattr(entry, name, default)


def _step_titles() -> dict[str, str]:
    try:
        from steps import STEPS
    except Exception:  # noqa: BLE001 - titles are cosmetic
        return {}
    return {s.INFO.id: s.INFO.title for s in STEPS}


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
        for s in ("PASS", "FAIL", "MANUAL", "UNKNOWN") if counts.get(s)
    )
    return f'<div class="bar" role="img" aria-label="{_e(_counts_text(counts))}">{spans}</div>'


def _counts_text(counts: dict[str, int]) -> str:
    return ", ".join(f"{counts.get(s, 0)} {_STATUS_WORD[s].lower()}" for s in ("PASS", "FAIL", "MANUAL", "UNKNOWN"))


def render_html(document: dict[str, Any], journal_entries: Iterable[Any] = (),
                fixes: dict[str, dict[str, Any]] | None = None, *, title: str = "AWS security essentials report",
                max_changes: int = 200) -> str:
    """A self-contained HTML report (no scripts, no external assets, printable).

    ``document``: a :func:`findings_document`. ``journal_entries``: :class:`wizard.journal.Entry`
    objects (or dicts with the same fields) of this account; they are shown newest first.
    ``fixes``: :func:`fixes_for` of the same results, for the "how to fix" of every remaining FAIL.
    """
    fixes = fixes or {}
    titles = _step_titles()
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
        f"<style>{_CSS}</style></head><body><main>",
        '<header class="report"><div class="kicker">AWS security essentials</div>',
        f"<h1>Security report for account {_e(account)}</h1>",
        '<dl class="meta">',
        f"<dt>Account</dt><dd>{_e(account)}</dd>",
        f"<dt>Generated</dt><dd>{_e(document.get('generated_at'))}</dd>",
        f"<dt>Checked by</dt><dd>{_e(document.get('caller_arn') or 'unknown caller')}</dd>",
        f"<dt>Regions</dt><dd>{_e(', '.join(document.get('regions') or []) or 'none')}</dd>",
        "</dl></header>",
        "<section><h2>Summary</h2>",
        '<div class="cards">',
        f'<div class="card score"><div class="n">{_e(score)}</div><div class="l">of decided checks pass</div></div>',
    ]
    for status in ("PASS", "FAIL", "MANUAL", "UNKNOWN"):
        out.append(f'<div class="card {_STATUS_CLASS[status]}"><div class="n">{summary[status]}</div>'
                   f'<div class="l">{_STATUS_WORD[status]}</div></div>')
    out.append("</div>")
    out.append('<h3>Per step</h3><p class="legend">' + "".join(
        f'<i class="{_STATUS_CLASS[s]}"></i>{_STATUS_WORD[s]}' for s in ("PASS", "FAIL", "MANUAL", "UNKNOWN")) + "</p>")
    out.append('<table class="steps"><thead><tr><th>Step</th><th style="width:45%">Result</th>'
               '<th class="num">Pass</th><th class="num">Fail</th><th class="num">Manual</th>'
               '<th class="num">Unknown</th></tr></thead><tbody>')
    for step_id, items in steps.items():
        counts = {s: 0 for s in ("PASS", "FAIL", "MANUAL", "UNKNOWN")}
        for f in items:
            counts[f["status"]] += 1
        out.append(f"<tr><td>{_e(titles.get(step_id, step_id))}</td><td>{_bar(counts)}</td>"
                   + "".join(f'<td class="num">{counts[s]}</td>' for s in ("PASS", "FAIL", "MANUAL", "UNKNOWN"))
                   + "</tr>")
    out.append("</tbody></table>")
    if document.get("accounts"):
        out.append('<h3>Per account</h3><table class="steps"><thead><tr><th>Account</th>'
                   '<th style="width:45%">Result</th><th class="num">Pass</th><th class="num">Fail</th>'
                   '<th class="num">Manual</th><th class="num">Unknown</th></tr></thead><tbody>')
        for row in document["accounts"]:
            name = f" ({row['name']})" if row.get("name") else ""
            note = f'<br><span class="where">{_e(row["error"])}</span>' if row.get("error") else ""
            out.append(f"<tr><td>{_e(row['account_id'] + name)}{note}</td><td>{_bar(row['summary'])}</td>"
                       + "".join(f'<td class="num">{row["summary"][s]}</td>'
                                 for s in ("PASS", "FAIL", "MANUAL", "UNKNOWN")) + "</tr>")
        out.append("</tbody></table>")
    out.append("</section>")

    # What remains: every FAIL, per step, most severe first, each with its fix.
    remaining = [f for f in findings if f["status"] == "FAIL"]
    out.append(f"<section><h2>What remains to fix ({len(remaining)})</h2>")
    if not remaining:
        out.append('<p class="empty">Nothing fails. Keep an eye on the manual items in the findings below.</p>')
    for step_id, items in steps.items():
        failing = sorted((f for f in items if f["status"] == "FAIL"), key=_severity_rank)
        if failing:
            out.append(_remaining_step(step_id, failing, fixes.get(step_id), titles,
                                       with_account=bool(document.get("accounts"))))
    out.append("</section>")

    # What was changed (journal), newest first.
    entries = sorted((e for e in journal_entries if _entry_value(e, "account_id", account) == account),
                     key=lambda e: str(_entry_value(e, "time")), reverse=True)
    out.append(f"<section><h2>Changes made with aws-essentials ({len(entries)})</h2>")
    if not entries:
        out.append('<p class="empty">No changes have been made to this account with aws-essentials.</p>')
    else:
        out.append('<table class="journal"><thead><tr><th>When (UTC)</th><th>Step</th><th>Change</th>'
                   "<th>Result</th></tr></thead><tbody>")
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


def _severity_rank(finding: dict[str, Any]) -> int:
    return SEVERITY_ORDER.index(finding["severity"]) if finding["severity"] in SEVERITY_ORDER else len(SEVERITY_ORDER)


def _change_html(change: dict[str, Any]) -> str:
    if change["manual"]:
        steps_html = "".join(f"<li>{_e(i)}</li>" for i in change["instructions"])
        link = f' <span class="where">{_e(change["console_url"])}</span>' if change["console_url"] else ""
        return (f"In the console: {_e(change['reason'])}{link}" + (f"<ol>{steps_html}</ol>" if steps_html else ""))
    extra = ""
    if change["risky"]:
        extra += " <b>(confirm with the account id, in the wizard)</b>"
    if change["warning"]:
        extra += f'<br><span class="note">Warning: {_e(change["warning"])}</span>'
    if change["cost_note"]:
        extra += f'<br><span class="note">Cost: {_e(change["cost_note"])}</span>'
    where = f' <span class="where">{_e(change["region"])}</span>' if change["region"] else ""
    return f"{_e(change['reason'])} <code>{_e(change['call'])}</code>{where}{extra}"


def _remaining_step(step_id: str, failing: list[dict[str, Any]], fix: dict[str, Any] | None,
                    titles: dict[str, str], with_account: bool = False) -> str:
    """One step's remaining FAILs: a table whose last column says how to fix each one."""
    title = titles.get(step_id, step_id)
    parts = [f'<div class="remain"><h3>{_e(title)} <span class="count">{len(failing)} failing</span></h3>']
    notes = []
    if fix and fix["needs"]:
        notes.append(f"The fix needs your answers first ({_e(', '.join(fix['needs']))}): run the wizard on this "
                     f"step, or <code>aws-essentials fix --steps {_e(step_id)} --yes --set "
                     f"{_e(step_id)}.INPUT=VALUE</code>.")
    notes += [_e(n) for n in (fix or {}).get("notes", [])]
    if notes:
        parts.append('<p class="stepnote">' + "<br>".join(notes) + "</p>")
    parts.append('<table class="remaining"><thead><tr><th style="width:8%">Severity</th><th style="width:40%">Finding</th>'
                 '<th style="width:14%">Ids</th><th>How to fix</th></tr></thead><tbody>')
    total = len((fix or {}).get("changes", []))
    for f in failing:
        matched = fix_for_finding(f, fix)
        if matched:
            how = "<ul>" + "".join(f"<li>{_change_html(c)}</li>" for c in matched[:4]) + "</ul>"
            if len(matched) > 4:
                how += f'<span class="note">…and {len(matched) - 4} more changes of this step.</span>'
        elif total and total <= 3:
            how = "<ul>" + "".join(f"<li>{_change_html(c)}</li>" for c in fix["changes"]) + "</ul>"
        elif total:
            how = (f"Part of this step's {total} planned changes: see them with "
                   f"<code>aws-essentials plan --steps {_e(step_id)}</code>.")
        elif fix and fix["needs"]:
            how = f"Give the step's answers ({_e(', '.join(fix['needs']))}); the wizard then plans the fix."
        else:
            how = "Open this step in the wizard for the console route."
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


# --- OCSF ----------------------------------------------------------------------------------------

OCSF_VERSION = "1.3.0"
_OCSF_SEVERITY = {"info": (1, "Informational"), "low": (2, "Low"), "medium": (3, "Medium"), "high": (4, "High"),
                  "critical": (5, "Critical")}
# compliance.status_id: 0 Unknown, 1 Pass, 2 Warning, 3 Fail
_OCSF_COMPLIANCE = {"PASS": (1, "Pass"), "FAIL": (3, "Fail"), "MANUAL": (2, "Warning"), "UNKNOWN": (0, "Unknown")}
CIS_STANDARD = "CIS AWS Foundations Benchmark v5.0.0"
FSBP_STANDARD = "AWS Foundational Security Best Practices"


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("aws-essentials")
    except Exception:  # noqa: BLE001 - running from a checkout without metadata
        return "0.0.0"


def ocsf_findings(document: dict[str, Any]) -> list[dict[str, Any]]:
    """One OCSF 1.3 Detection Finding (class 2004, activity Create) per finding of ``document``."""
    generated = datetime.fromisoformat(document["generated_at"])
    time_ms = int(generated.timestamp() * 1000)
    home = (document.get("regions") or [None])[0]
    product = {"name": "aws-essentials", "vendor_name": "aws-essentials", "version": _version()}
    out = []
    for f in document["findings"]:
        severity_id, severity = _OCSF_SEVERITY.get(f["severity"], (0, "Unknown"))
        compliance_id, compliance = _OCSF_COMPLIANCE[f["status"]]
        account = f.get("account_id") or document["account_id"]  # organization runs: the finding's own
        uid = ":".join(["aws-essentials", account, f["step"], f["check"], f["region"] or "global",
                        f["resource"] or "account"])
        requirements = [f"CIS {c}" for c in f["cis"]] + list(f["securityhub"])
        standards = ([CIS_STANDARD] if f["cis"] else []) + ([FSBP_STANDARD] if f["securityhub"] else [])
        resource = f["resource"] or account
        out.append({
            "class_uid": 2004,
            "class_name": "Detection Finding",
            "category_uid": 2,
            "category_name": "Findings",
            "activity_id": 1,
            "activity_name": "Create",
            "type_uid": 200401,
            "type_name": "Detection Finding: Create",
            "severity_id": severity_id,
            "severity": severity,
            "status_id": 1,
            "status": "New",
            "status_code": f["status"],
            "status_detail": f["message"],
            "message": f["message"],
            "time": time_ms,
            "time_dt": document["generated_at"],
            "metadata": {"version": OCSF_VERSION, "product": product, "event_code": f"{f['step']}.{f['check']}",
                         "profiles": ["cloud"]},
            "finding_info": {"uid": uid, "title": f["title"], "desc": f["message"], "types": [f["step"]],
                             "created_time": time_ms},
            "cloud": {"provider": "AWS", "region": f["region"] or home,
                      "account": {"uid": account, "type": "AWS Account", "type_id": 10}},
            "resources": [{"uid": resource, "name": resource, "type": f["step"], "region": f["region"] or home,
                           "cloud_partition": "aws"}],
            "compliance": {"status_id": compliance_id, "status": compliance, "control": f["check"],
                           "requirements": requirements, "standards": standards or ["aws-essentials"]},
            "unmapped": {"cis": list(f["cis"]), "securityhub": list(f["securityhub"]), "fixable": f["fixable"],
                         "caller_arn": document.get("caller_arn", "")},
        })
    return out


def render_ocsf(document: dict[str, Any]) -> str:
    return json.dumps(ocsf_findings(document), indent=2) + "\n"


RENDERERS["ocsf"] = render_ocsf
