"""The Markdown report's framing sections, as html_sections.py has them for HTML: the executive
summary, the engagement and scope, the CIS v5.0 roll-up, the methodology and limitations, and the
sign-off. Every value from the account or the user goes through safe_text.markdown."""

from __future__ import annotations

from typing import Any, Sequence

from wizard.report.engagement import LIMITATIONS, METHODOLOGY, Engagement
from wizard.report.executive import (
    ROLLUP_ORDER, Control, failing_by_severity, per_account_results, rollup_counts, since_last_visit,
)
from wizard.report.grouping import FindingGroup, top_risks
from wizard.report.model import SEVERITY_ORDER, counts_line
from wizard.safe_text import markdown as _md

WORD = {"PASS": "pass", "FAIL": "fail", "MANUAL": "manual", "UNKNOWN": "unknown", "N/A": "not applicable",
        "NOT RUN": "not run", "NOT COVERED": "not covered"}


def _row(cells: Sequence[Any]) -> str:
    return "| " + " | ".join(_md(c) for c in cells) + " |"


def executive_markdown(document: dict[str, Any], groups: Sequence[FindingGroup], engagement: Engagement,
                       changes: int, controls: Sequence[Control]) -> list[str]:
    org = bool(document.get("accounts"))
    failing = [g for g in groups if g.status == "FAIL"]
    summary = document["summary"]
    severities = failing_by_severity(document["findings"])
    out = ["", "## Executive summary", "",
           f"{len(engagement.accounts)} account(s), {len(engagement.regions)} region(s)"
           + (f" ({len(engagement.regions_disabled)} disabled)" if engagement.regions_disabled else "")
           + ".", "", f"**{counts_line(summary)}.**", "",
           "| Severity | Failing findings | Failing checks |", "|---|---|---|"]
    out += [_row([s, severities[s], sum(g.severity == s for g in failing)]) for s in SEVERITY_ORDER]
    out += ["", "### Top risks", ""]
    risks = top_risks(groups, 6)
    out += [f"{n}. **{_md(g.severity)}**: {_md(g.title)}"
            + (f" ({len(g.accounts)} account(s), {g.count} finding(s))" if org else f" ({g.count} finding(s))")
            for n, g in enumerate(risks, 1)] or ["Nothing fails."]
    fixable = sum(1 for g in failing if any(f.get("fixable") for f in g.findings))
    counts = rollup_counts(controls)
    trend = since_last_visit(document)
    out += ["", "### What changed", "", f"{changes} change(s) made with aws-essentials (see Changes made)."
            + (f" {_md(trend)} (see Since last visit)." if trend else ""),
            "", "### What remains", "",
            f"{summary['FAIL']} failing finding(s) in {len(failing)} check(s); {fixable} with a fix the wizard plans "
            "(see What remains to fix).", "", "### CIS AWS Foundations Benchmark v5.0", "",
            ", ".join(f"{counts[s]} {WORD[s]}" for s in ROLLUP_ORDER if counts[s]) + " (see the roll-up)."]
    failed = [c.id for c in controls if c.status == "FAIL"]
    if failed:
        out += ["", "Failing: " + ", ".join(failed) + "."]
    return out


def scope_markdown(engagement: Engagement) -> list[str]:
    return ["", "## Engagement and scope", "", "| Item | Value |", "|---|---|", *(_row(r) for r in engagement.rows())]


def cis_markdown(controls: Sequence[Control], accounts: Sequence[tuple[str, str]]) -> list[str]:
    org = len(accounts) > 1
    names = dict(accounts)
    out = ["", "## CIS AWS Foundations Benchmark v5.0 roll-up", "",
           "The worst result over every finding that carries the recommendation's id. Not run: its checks did "
           "not run here. Not covered: no check of aws-essentials carries it; a person must assess it.", "",
           "| Id | Recommendation | Result |" + (" Per account |" if org else ""),
           "|---|---|---|" + ("---|" if org else "")]
    for c in controls:
        cells = [c.id, c.title, WORD[c.status]]
        if org:
            cells.append("; ".join(f"{WORD[s]}: {text}" for s, text in per_account_results(c, names)) or "-")
        out.append(_row(cells))
    return out


def methodology_markdown() -> list[str]:
    # our own texts: their `commands` are meant as code spans, so only the rest is escaped
    return ["", "## Methodology and limitations", "", *(p + "\n" for p in METHODOLOGY), "### Limitations", "",
            *(f"- {p}" for p in LIMITATIONS)]


def signoff_markdown(engagement: Engagement) -> list[str]:
    return ["", "## Sign-off", "", "| | |", "|---|---|", _row(["Prepared by", engagement.prepared_by]),
            _row(["For", engagement.customer]), _row(["Date", engagement.date]), "| Signature | |"]
