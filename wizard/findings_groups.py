"""Findings grouped for people: one row per (step, check, status) instead of one per region and resource.

The insecure demo has 19 identical "IAM Access Analyzer is active" failures, one per region; on
screen they are one row ("fail in 19 regions: af-south-1, ...") that opens to the 19. Pure, on
findings/v1 rows (``Finding.to_dict()``, plus ``step`` and ``account_id`` when known), so the
screens, plain mode and the reports can share it; `check --format json`/`ocsf` stay one finding per
resource (machines want that). The reports (wizard/report/grouping.py) rank and lay out these same
groups, naming the accounts too (``spread``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from steps.base import Severity

STATUS_ORDER = {"FAIL": 0, "UNKNOWN": 1, "MANUAL": 2, "PASS": 3, "N/A": 4}
SEVERITY_ORDER = {s.value: rank for rank, s in enumerate(Severity)}  # critical first, as steps/base.py declares them
GLOBAL = "global"  # a finding without a region (IAM, the account) is global


@dataclass(frozen=True)
class FindingGroup:
    """The findings of one check with one status: ``findings`` are the member rows, in their order."""

    step: str
    check: str
    title: str
    status: str
    severity: str
    findings: tuple[Mapping[str, Any], ...]

    @property
    def count(self) -> int:
        return len(self.findings)

    @property
    def regions(self) -> tuple[str, ...]:
        """Sorted: a reader looks a region up in the list."""
        return tuple(sorted(_unique(f.get("region") or GLOBAL for f in self.findings)))

    @property
    def resources(self) -> tuple[str, ...]:
        return _unique(f.get("resource") for f in self.findings if f.get("resource"))

    @property
    def accounts(self) -> tuple[str, ...]:
        return tuple(sorted(_unique(f.get("account_id") for f in self.findings if f.get("account_id"))))

    @property
    def anchor(self) -> str:
        """An id for links (the HTML report's anchors): letters, digits and dashes only."""
        return "g-" + "-".join("".join(c if c.isalnum() else "-" for c in part)
                               for part in (self.step, self.check, self.status.lower()))

    @property
    def ids(self) -> tuple[str, ...]:
        """CIS and Security Hub ids (the same for every member: they come from the check's declaration)."""
        first = self.findings[0]
        return tuple([f"CIS {c}" for c in first.get("cis") or ()] + list(first.get("securityhub") or ()))

    def where(self, shown: int = 4) -> str:
        """Where the members are, e.g. "19 regions: af-south-1, ap-east-1, ap-northeast-1, ap-south-1, ..."."""
        regions, resources = self.regions, _unique(short_name(r) for r in self.resources)
        if len(self.resources) > 1:
            inside = "" if regions == (GLOBAL,) else (f" in {regions[0]}" if len(regions) == 1
                                                      else f" in {_counted(regions, 'region')}")
            return f"{_counted(self.resources, 'resource')}{inside}: {_first(resources, shown)}"
        return f"{_counted(regions, 'region')}: {_first(regions, shown)}"

    def spread(self, limit: int = 8, with_accounts: bool = True) -> str:
        """"3 accounts: a, b, c · 19 regions: af-south-1, … (11 more) · 4 resources: ...", naming up
        to ``limit`` of each (of resources, whose ARNs run long, half as many): the reports' "where"."""
        parts = [_named(self.accounts, "account", limit)] if with_accounts and self.accounts else []
        parts.append(_named(self.regions, "region", limit) if self.regions != (GLOBAL,) else GLOBAL)
        if self.resources:
            parts.append(_named(self.resources, "resource", max(1, limit // 2)))
        return " · ".join(parts)


def _named(values: tuple[str, ...], word: str, limit: int) -> str:
    shown = ", ".join(values[:limit]) + (f", … ({len(values) - limit} more)" if len(values) > limit else "")
    return f"{_counted(values, word)}: {shown}"


def short_name(resource: str) -> str:
    """A resource's name as people say it: the end of an ARN ("arn:aws:iam::1:user/alice" -> "alice",
    "arn:aws:rds:eu-west-1:1:db:legacy-db" -> "legacy-db"); anything else as it is."""
    if not resource.startswith("arn:") or resource.count(":") < 5:
        return resource
    return re.split(r"[/:]", resource.split(":", 5)[5])[-1] or resource


def _unique(values: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(dict.fromkeys(values))


def _counted(values: tuple[str, ...], word: str) -> str:
    return f"{len(values)} {word}{'' if len(values) == 1 else 's'}"


def _first(values: tuple[str, ...], shown: int) -> str:
    return ", ".join(values[:shown]) + (", ..." if len(values) > shown else "")


def group_findings(findings: Iterable[Mapping[str, Any]],
                   generic_titles: Mapping[tuple[str, str], str] | None = None) -> list[FindingGroup]:
    """Group findings/v1 rows by (step, check, status): failing first, then UNKNOWN, MANUAL and PASS;
    within a status the most severe first, then the group with the most findings, then the title.

    A check whose title names its resource ("Bucket b1 is not public") gets one title for the group:
    ``generic_titles[(step, check)]``, by default the declared one (:func:`declared_titles`)."""
    members: dict[tuple[str, str, str], list[Mapping[str, Any]]] = {}
    for finding in findings:
        key = (finding.get("step") or "", finding["check"], finding["status"])
        members.setdefault(key, []).append(finding)
    generic: Mapping[tuple[str, str], str] | None = generic_titles
    groups = []
    for (step, check, status), rows in members.items():
        title = rows[0]["title"]
        if any(row["title"] != title for row in rows):
            generic = declared_titles() if generic is None else generic
            title = generic.get((step, check), title)
        severity = min((row.get("severity") or "medium" for row in rows), key=lambda s: SEVERITY_ORDER.get(s, 9))
        groups.append(FindingGroup(step, check, title, status, severity, tuple(rows)))
    return sorted(groups, key=lambda g: (STATUS_ORDER.get(g.status, 9), SEVERITY_ORDER.get(g.severity, 9),
                                         -g.count, g.title))


def declared_titles() -> dict[tuple[str, str], str]:
    """``{(step, check): title}`` for the checks whose title names a resource: the declared title for
    all of them (``title_all``), else the title with the name left out ("Bucket … is not public")."""
    from steps.catalogue import entries

    return {(row["step"], row["check"]): row["title_all"] or row["title"].replace("{name}", "…")
            for row in entries() if "{name}" in row["title"]}
