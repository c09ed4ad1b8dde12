"""The HTML report's framing sections: the executive page (first, one printed page), the contents,
the engagement and scope, the CIS v5.0 roll-up, the methodology and limitations, and the sign-off.
html.py puts them around the findings."""

from __future__ import annotations

from typing import Any, Sequence

from wizard.report.engagement import LIMITATIONS, METHODOLOGY, Engagement
from wizard.report.executive import (
    NOT_COVERED, NOT_RUN, ROLLUP_ORDER, Control, failing_by_severity, per_account_results, rollup_counts,
    since_last_visit,
)
from wizard.report.grouping import FindingGroup, plural, top_risks
from wizard.report.model import SEVERITY_ORDER, counts_line
from wizard.safe_text import html as _e

EXECUTIVE_NOT_ASSESSED = 3  # rows the first page names; the rest are in the "Not assessed" section
EXECUTIVE_RISKS = 6
ROLLUP_CLASS = {"PASS": "pass", "FAIL": "fail", "MANUAL": "manual", "UNKNOWN": "unknown", "N/A": "na",
                NOT_RUN: "notrun", NOT_COVERED: "notcovered"}
ROLLUP_WORD = {"PASS": "pass", "FAIL": "fail", "MANUAL": "manual", "UNKNOWN": "unknown", "N/A": "n/a",
               NOT_RUN: "not run", NOT_COVERED: "not covered"}


def _md_code(text: str) -> str:
    """Our own texts mark commands with backticks; in HTML they are <code>."""
    parts = _e(text).split("`")
    return "".join(f"<code>{p}</code>" if n % 2 else p for n, p in enumerate(parts))


def executive_html(document: dict[str, Any], groups: Sequence[FindingGroup], engagement: Engagement,
                   changes: int, controls: Sequence[Control], not_assessed: Sequence[tuple[str, str, str]]) -> str:
    """The first page: who and when, what was not assessed, the severity counts, the top risks, what
    changed and what remains, and the CIS roll-up at a glance. Sized for one printed A4 or Letter page."""
    org = bool(document.get("accounts"))
    failing = [g for g in groups if g.status == "FAIL"]
    findings = document["findings"]
    summary = document["summary"]
    decided = summary["PASS"] + summary["FAIL"]
    scope = (f"{plural(len(engagement.accounts), 'account')} · {plural(len(engagement.regions), 'region')}"
             + (f" ({len(engagement.regions_disabled)} disabled)" if engagement.regions_disabled else "")
             + (f" · {plural(len(engagement.steps_not_run), 'step')} not run" if engagement.steps_not_run else ""))
    out = ['<section id="executive" class="executive">',
           '<header class="report"><div class="kicker">AWS security essentials</div>',
           f"<h1>{_e(engagement.title)}</h1>",
           '<dl class="meta">',
           f"<dt>Customer</dt><dd>{_e(engagement.customer)}</dd>",
           *([f"<dt>Prepared by</dt><dd>{_e(engagement.prepared_by)}</dd>"] if engagement.prepared_by else []),
           f"<dt>Date</dt><dd>{_e(engagement.date)}</dd>",
           f'<dt>Scope</dt><dd>{_e(scope)} (<a href="#scope">details</a>)</dd>',
           "</dl></header>"]
    if not_assessed:  # before any count: an incomplete run must not read as a clean one
        shown = not_assessed[:EXECUTIVE_NOT_ASSESSED]
        more = len(not_assessed) - len(shown)
        out += ['<div class="incomplete"><h2>Not assessed</h2>',
                f'<p class="stepnote">This run is incomplete: {len(not_assessed)} account(s) or step(s) could not be '
                "assessed, so their checks are missing from every count below. Fix the cause and check again.</p>",
                '<table class="findings compact"><thead><tr><th style="width:26%">Account</th>'
                '<th style="width:22%">Not assessed</th><th>Why</th></tr></thead><tbody>',
                *(f"<tr><td>{_e(a)}</td><td>{_e(w)}</td><td>{_e(why)}</td></tr>" for a, w, why in shown),
                "</tbody></table>",
                *([f'<p class="note">…and {more} more: see <a href="#not-assessed">Not assessed</a>.</p>'] if more else []),
                "</div>"]
    severities = failing_by_severity(findings)
    checks_failing = {s: sum(g.severity == s for g in failing) for s in SEVERITY_ORDER}
    score = f"{100 * summary['PASS'] / decided:.0f}%" if decided else "—"
    out += ['<h2 class="exec">Executive summary</h2><div class="cards sevcards">',
            *(f'<div class="card {s}"><div class="n">{severities[s]}</div><div class="l">{s}</div>'
              f'<div class="s">{plural(checks_failing[s], "check")}</div></div>'
              for s in SEVERITY_ORDER if s != "info" or severities[s]),
            f'<div class="card score"><div class="n">{_e(score)}</div><div class="l">pass</div>'
            f'<div class="s">of {decided} decided</div></div></div>',
            f'<p class="legend">Failing findings by severity{" across the organization" if org else ""}; in all '
            f"{_e(counts_line(summary))}.</p>"]
    risks = top_risks(groups, EXECUTIVE_RISKS)
    out.append("<h3>Top risks</h3>")
    if risks:
        out.append('<table class="risks"><thead><tr><th style="width:11%">Severity</th><th>Risk</th>'
                   + ('<th class="num" style="width:11%">Accounts</th>' if org else "")
                   + '<th class="num" style="width:11%">Findings</th></tr></thead><tbody>')
        for g in risks:
            out.append(f'<tr><td><span class="sev {_e(g.severity)}">{_e(g.severity)}</span></td>'
                       f'<td><a href="#{g.anchor}">{_e(g.title)}</a></td>'
                       + (f'<td class="num">{len(g.accounts)}</td>' if org else "")
                       + f'<td class="num">{g.count}</td></tr>')
        out.append("</tbody></table>")
    else:
        out.append('<p class="empty">Nothing fails.</p>')
    fixable = sum(1 for g in failing if any(f.get("fixable") for f in g.findings))
    out += ['<div class="twocol"><div><h3>What changed</h3>',
            f'<p><b>{changes}</b> {"change" if changes == 1 else "changes"} made with aws-essentials '
            '(<a href="#changes">list</a>).'
            + (f' {_e(since_last_visit(document))} (<a href="#trend">details</a>).' if since_last_visit(document) else "")
            + "</p></div>",
            '<div><h3>What remains</h3>',
            f'<p><b>{summary["FAIL"]}</b> failing {"finding" if summary["FAIL"] == 1 else "findings"} in '
            f'{plural(len(failing), "check")}; {fixable} with a fix the wizard plans (<a href="#remaining">list</a>).'
            "</p></div></div>"]
    counts = rollup_counts(controls)
    out += ['<h3>CIS AWS Foundations Benchmark v5.0</h3><p class="legend">'
            + " · ".join(f'<i class="{ROLLUP_CLASS[s]}"></i>{counts[s]} {ROLLUP_WORD[s]}'
                         for s in ROLLUP_ORDER if counts[s])
            + ' (<a href="#cis">per control</a>)</p><div class="chips">',
            *(f'<span class="chip {ROLLUP_CLASS[c.status]}" title="{_e(c.title)}: {ROLLUP_WORD[c.status]}">'
              f"{_e(c.id)}</span>" for c in controls),
            "</div></section>"]
    return "\n".join(out)


def contents_html(entries: Sequence[tuple[str, str]]) -> str:
    """The table of contents: ``(anchor, heading)`` rows."""
    items = "".join(f'<li><a href="#{_e(anchor)}">{_e(text)}</a></li>' for anchor, text in entries)
    return f'<nav id="contents" class="contents"><h2>Contents</h2><ol>{items}</ol></nav>'


def scope_html(engagement: Engagement) -> str:
    body = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in engagement.rows())
    return f'<section id="scope"><h2>Engagement and scope</h2><dl class="meta scope">{body}</dl></section>'


def cis_html(controls: Sequence[Control], accounts: Sequence[tuple[str, str]]) -> str:
    """Every CIS v5.0 recommendation: its result, and for an organization the accounts per result."""
    org = len(accounts) > 1
    names = dict(accounts)
    out = ['<section id="cis"><h2>CIS AWS Foundations Benchmark v5.0 roll-up</h2>',
           '<p class="legend">The worst result over every finding that carries the recommendation\'s id: fail, '
           "then unknown, manual, pass, n/a (not applicable: what it checks does not exist). Not run: its "
           "checks did not run here. Not covered: no check of "
           "aws-essentials carries it; a person must assess it.</p>",
           '<table class="cis"><thead><tr><th style="width:7%">Id</th><th>Recommendation</th>'
           '<th style="width:11%">Result</th>' + ('<th style="width:34%">Per account</th>' if org else "")
           + "</tr></thead><tbody>"]
    for c in controls:
        cell = f"<td>{per_account_html(c, names)}</td>" if org else ""
        out.append(f"<tr><td>{_e(c.id)}</td><td>{_e(c.title)}</td>"
                   f'<td><span class="badge {ROLLUP_CLASS[c.status]}">{_e(ROLLUP_WORD[c.status])}</span></td>'
                   f"{cell}</tr>")
    out.append("</tbody></table></section>")
    return "\n".join(out)


def per_account_html(control: Control, names: dict[str, str]) -> str:
    return "<br>".join(f'<span class="badge {ROLLUP_CLASS[status]}">{_e(ROLLUP_WORD[status])}</span> '
                       f'<span class="where">{_e(text)}</span>'
                       for status, text in per_account_results(control, names)) or "—"


def methodology_html() -> str:
    return ('<section id="methodology"><h2>Methodology and limitations</h2>'
            + "".join(f"<p>{_md_code(p)}</p>" for p in METHODOLOGY)
            + "<h3>Limitations</h3><ul>" + "".join(f"<li>{_md_code(p)}</li>" for p in LIMITATIONS)
            + "</ul></section>")


def signoff_html(engagement: Engagement) -> str:
    return ('<section id="signoff" class="signoff"><h2>Sign-off</h2><table class="sign"><tbody>'
            f"<tr><th>Prepared by</th><td>{_e(engagement.prepared_by)}</td></tr>"
            f"<tr><th>For</th><td>{_e(engagement.customer)}</td></tr>"
            f"<tr><th>Date</th><td>{_e(engagement.date)}</td></tr>"
            '<tr><th>Signature</th><td class="line"></td></tr>'
            "</tbody></table></section>")
