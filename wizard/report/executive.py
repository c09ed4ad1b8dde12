"""What the executive page says, computed from a findings document: severity counts, the top risks,
and the CIS AWS Foundations v5.0 roll-up per control (and per account for an organization); and
``report_parts``, everything the HTML and Markdown reports compute before they lay it out.

Pure: the renderings (html*.py, markdown*.py) only lay it out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from wizard.report.engagement import Engagement, engagement_for
from wizard.report.grouping import STATUS_ORDER, FindingGroup, group_findings, status_rank, step_findings
from wizard.report.model import SEVERITY_ORDER, changes_made, fixes_by_account, not_assessed_rows, step_titles

NOT_RUN = "NOT RUN"  # the run made no check of this control (steps narrowed, or the account not reached)
NOT_COVERED = "NOT COVERED"  # no check of aws-essentials carries this control: a person must assess it
ROLLUP_ORDER = (*STATUS_ORDER, NOT_RUN, NOT_COVERED)


def failing_by_severity(findings: Iterable[dict[str, Any]]) -> dict[str, int]:
    """FAIL findings per severity, every severity present (zero when none)."""
    counts = Counter(f["severity"] for f in findings if f["status"] == "FAIL")
    return {severity: counts.get(severity, 0) for severity in SEVERITY_ORDER}


def failing_groups_by_severity(groups: Iterable[FindingGroup]) -> dict[str, int]:
    """Failing checks (groups) per severity: what a reader has to act on, not resource-regions."""
    counts = Counter(g.severity for g in groups if g.status == "FAIL")
    return {severity: counts.get(severity, 0) for severity in SEVERITY_ORDER}


@dataclass(frozen=True)
class Control:
    """One CIS v5.0 recommendation and what this run found for it."""

    id: str
    title: str
    section: str
    status: str  # the worst over every account: one of ROLLUP_ORDER
    per_account: dict[str, str]  # account id -> status (org reports); the same roll-up per account
    checks: tuple[str, ...]  # the checks (step.check) that carry this id


def _worst(statuses: Iterable[str]) -> str | None:
    found = set(statuses)
    return min(found, key=status_rank) if found else None


def cis_rollup(findings: Iterable[dict[str, Any]], accounts: Iterable[str] = (),
               recommendations: Iterable[dict[str, Any]] | None = None,
               coverage: dict[str, tuple[str, ...]] | None = None) -> list[Control]:
    """Every CIS v5.0 recommendation with its status: FAIL when any finding carrying its id fails,
    else UNKNOWN, MANUAL, PASS in that order; NOT RUN when a check covers it but none ran;
    NOT COVERED when no check of ours carries it. ``accounts`` adds a per-account status."""
    if recommendations is None or coverage is None:
        from steps.catalogue import cis_coverage, entries

        rows = cis_coverage(entries())
        recommendations = rows if recommendations is None else recommendations
        coverage = {row["id"]: tuple(row["checks"]) for row in rows} if coverage is None else coverage
    statuses: dict[str, dict[str, list[str]]] = {}
    for f in findings:
        for cis_id in f.get("cis") or ():
            statuses.setdefault(cis_id, {}).setdefault(f.get("account_id", ""), []).append(f["status"])
    accounts = list(accounts)
    controls = []
    for rec in recommendations:
        by_account = statuses.get(rec["id"], {})
        covered = bool(coverage.get(rec["id"]))
        absent = NOT_RUN if covered else NOT_COVERED
        overall = _worst(s for found in by_account.values() for s in found) or absent
        per_account = {a: _worst(by_account.get(a, ())) or absent for a in accounts}
        controls.append(Control(rec["id"], rec["title"], rec.get("section", ""), overall, per_account,
                                tuple(coverage.get(rec["id"], ()))))
    return controls


def rollup_counts(controls: Iterable[Control]) -> dict[str, int]:
    counts = Counter(c.status for c in controls)
    return {status: counts.get(status, 0) for status in ROLLUP_ORDER}


def per_account_results(control: Control, names: dict[str, str], limit: int = 6) -> list[tuple[str, str]]:
    """``(status, accounts)`` for one control: the accounts named for fail, unknown and manual (up to
    ``limit``), counted for pass and not run, so 20 accounts stay a line or two. Empty when the
    control was not run or is not covered at all."""
    if control.status in (NOT_RUN, NOT_COVERED):
        return []
    by_status: dict[str, list[str]] = {}
    for account, status in control.per_account.items():
        by_status.setdefault(status, []).append(names.get(account) or account)
    out = []
    for status in (s for s in ROLLUP_ORDER if s in by_status):
        accounts = by_status[status]
        if status in ("FAIL", "UNKNOWN", "MANUAL"):
            text = ", ".join(accounts[:limit]) + (f", … ({len(accounts) - limit} more)" if len(accounts) > limit else "")
        else:
            text = f"{len(accounts)} account{'' if len(accounts) == 1 else 's'}"
        out.append((status, text))
    return out


@dataclass(frozen=True)
class ReportParts:
    """What the HTML and the Markdown report both show, computed once from the document."""

    engagement: Engagement
    titles: dict[str, str]  # step id -> the step's title
    org: bool
    groups: list[FindingGroup]
    changes: list[tuple[str, list[Any]]]  # model.changes_made: (account id, its journal entries newest first)
    controls: list[Control]
    not_assessed: list[tuple[str, str, str]]  # (account, what, why)
    plans: dict[str, dict[str, Any]]  # model.fixes_by_account: {account id: {step id: fix}}
    others: dict[tuple[str, str], list[dict[str, Any]]]  # grouping.step_findings, for the pairing

    @property
    def changes_count(self) -> int:
        return sum(len(entries) for _, entries in self.changes)


def report_parts(document: dict[str, Any], journal_entries: Iterable[Any] = (), engagement: Engagement | None = None,
                 fixes: dict[str, Any] | None = None) -> ReportParts:
    engagement = engagement or engagement_for(document)
    org = bool(document.get("accounts"))
    accounts: Sequence[str] = [a for a, _ in engagement.accounts]
    return ReportParts(
        engagement=engagement, titles=step_titles(), org=org, groups=group_findings(document["findings"]),
        changes=changes_made(document, journal_entries),
        controls=cis_rollup(document["findings"], accounts if org else ()),
        not_assessed=not_assessed_rows(document), plans=fixes_by_account(document, fixes),
        others=step_findings(document["findings"]))


def since_last_visit(document: dict[str, Any]) -> str:
    """The "Since last visit" comparison (wizard/report/trend.py) in one sentence, "" without one."""
    from wizard.report.trend import headline, org_headline

    data = document.get("since_last_visit")
    if not data:
        return ""
    return org_headline(data) if data.get("organization") else "Since the last visit: " + headline(data)
