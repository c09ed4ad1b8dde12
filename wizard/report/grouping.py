"""Findings grouped for people: one row per (step, check, status) with the accounts, regions and
resources it covers, so 85 identical "Access Analyzer is off" rows of an organization read as one.

`group_findings` is the one grouping every human rendering shares (HTML, Markdown, the terminal
table, and the TUI and plain mode's lists, issue 16); JSON and OCSF stay one finding per resource.
It is pure: findings/v1 rows in, :class:`FindingGroup` rows out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from wizard.report.model import SEVERITY_ORDER

# what a reader acts on first: failures, then what could not be read, then what a person must look at
STATUS_ORDER = ("FAIL", "UNKNOWN", "MANUAL", "PASS")
GLOBAL = "global"  # the region shown for a finding without one (IAM, the account, S3's account settings)
NAME = "{name}"


@dataclass(frozen=True)
class FindingGroup:
    """The findings of one check of one step with one status, across accounts, regions and resources."""

    step: str
    check: str
    title: str
    status: str
    severity: str
    accounts: tuple[str, ...]  # sorted, distinct
    regions: tuple[str, ...]  # sorted, distinct; GLOBAL for a finding without a region
    resources: tuple[str, ...]  # in first-seen order, distinct, non-empty
    findings: tuple[dict[str, Any], ...]  # the member rows, as given

    @property
    def count(self) -> int:
        return len(self.findings)

    @property
    def anchor(self) -> str:
        """An id for links (HTML anchors): letters, digits and dashes only."""
        return "g-" + "-".join("".join(c if c.isalnum() else "-" for c in part)
                               for part in (self.step, self.check, self.status.lower()))

    def where(self, limit: int = 8, with_accounts: bool = True) -> str:
        """"3 accounts · 19 regions: af-south-1, ... · 4 resources", naming up to ``limit`` of each
        (of resources, whose ARNs run long, half as many)."""
        parts = []
        if with_accounts and self.accounts:
            parts.append(_named(self.accounts, "account", limit))
        parts.append(_named(self.regions, "region", limit) if self.regions != (GLOBAL,) else GLOBAL)
        if self.resources:
            parts.append(_named(self.resources, "resource", max(1, limit // 2)))
        return " · ".join(parts)


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _named(values: tuple[str, ...], noun: str, limit: int) -> str:
    shown = ", ".join(values[:limit]) + (f", … ({len(values) - limit} more)" if len(values) > limit else "")
    return f"{plural(len(values), noun)}: {shown}"


def severity_rank(severity: str) -> int:
    return SEVERITY_ORDER.index(severity) if severity in SEVERITY_ORDER else len(SEVERITY_ORDER)


def status_rank(status: str) -> int:
    return STATUS_ORDER.index(status) if status in STATUS_ORDER else len(STATUS_ORDER)


def group_findings(findings: Iterable[dict[str, Any]],
                   generic_titles: dict[tuple[str, str], str] | None = None) -> list[FindingGroup]:
    """One :class:`FindingGroup` per (step, check, status), failures first, then UNKNOWN, MANUAL and
    PASS; within a status the most severe first, then the most findings, then the step's order.

    A check whose title names its resource ("Bucket b1 is not public") gets one title for the group:
    ``generic_titles[(step, check)]`` when given, else the declared title with the name left out.
    """
    members: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for finding in findings:
        members.setdefault((finding.get("step", ""), finding["check"], finding["status"]), []).append(finding)
    order = {step: n for n, step in enumerate(dict.fromkeys(step for step, _, _ in members))}
    generic = generic_titles if generic_titles is not None else declared_titles()
    groups = []
    for (step, check, status), rows in members.items():
        titles = {row["title"] for row in rows}
        title = rows[0]["title"] if len(titles) == 1 else generic.get((step, check), rows[0]["title"])
        groups.append(FindingGroup(
            step=step, check=check, title=title, status=status,
            severity=min((row["severity"] for row in rows), key=severity_rank),
            accounts=tuple(sorted({row["account_id"] for row in rows if row.get("account_id")})),
            regions=tuple(sorted({row.get("region") or GLOBAL for row in rows})),
            resources=tuple(dict.fromkeys(row["resource"] for row in rows if row.get("resource"))),
            findings=tuple(rows),
        ))
    groups.sort(key=lambda g: (status_rank(g.status), severity_rank(g.severity), -g.count, order[g.step], g.check))
    return groups


def top_risks(groups: Iterable[FindingGroup], limit: int = 8) -> list[FindingGroup]:
    """The failing groups an executive reads first: most severe, then most accounts, then most findings."""
    failing = [g for g in groups if g.status == "FAIL"]
    failing.sort(key=lambda g: (severity_rank(g.severity), -len(g.accounts), -g.count, g.step, g.check))
    return failing[:limit]


def declared_titles() -> dict[tuple[str, str], str]:
    """``{(step, check): title}`` for the checks whose title names a resource: the declared title for
    all of them (``title_all``), else the title with the name left out ("Bucket … is not public")."""
    try:
        from steps.catalogue import entries
    except Exception:  # noqa: BLE001 - titles are cosmetic; the first member's title stands in
        return {}
    return {(row["step"], row["check"]): row["title_all"] or row["title"].replace(NAME, "…")
            for row in entries() if NAME in row["title"]}


def by_step(groups: Iterable[FindingGroup]) -> dict[str, list[FindingGroup]]:
    """The groups per step, steps in the wizard's order, each step's groups in the given order."""
    from steps import STEPS

    order = {s.INFO.id: n for n, s in enumerate(STEPS)}
    steps: dict[str, list[FindingGroup]] = {}
    for g in groups:
        steps.setdefault(g.step, []).append(g)
    return dict(sorted(steps.items(), key=lambda item: order.get(item[0], len(order))))


def changes_for_group(group: FindingGroup, fix: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The planned changes (model.fix_change rows) of the step's ``fix`` that address the group's
    findings, each once, in the plan's order (model.fix_for_finding pairs each finding)."""
    from wizard.report.model import fix_for_finding

    chosen: dict[int, dict[str, Any]] = {}
    for finding in group.findings:
        for change in fix_for_finding(finding, fix) or ():
            chosen[id(change)] = change
    return [c for c in (fix or {}).get("changes", ()) if id(c) in chosen]
