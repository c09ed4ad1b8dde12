"""The catalogue of checks: every step's declared checks, and their CIS AWS Foundations v5.0 coverage.

Pure data, built from ``StepInfo.checks``; ``aws-essentials catalogue`` prints it and
docs/catalogue.md is generated from it.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any, Iterable

from steps import STEPS
from steps.checks import Check, cis_recommendations


def declared(step: ModuleType) -> tuple[Check, ...]:
    """The checks a step declares."""
    return tuple(step.INFO.checks)


def entries(steps: Iterable[ModuleType] = STEPS) -> list[dict[str, Any]]:
    """One row per check, in the wizard's order: the step, then every field of its declaration."""
    rows = []
    for step in steps:
        for check in declared(step):
            row = {"step": step.INFO.id, **check.to_dict()}
            row["guide_section"] = check.guide_section or step.INFO.guide_section
            rows.append(row)
    return rows


def cis_coverage(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every CIS v5.0 recommendation with the checks (``step.check``) that carry its id."""
    covering: dict[str, list[str]] = {}
    for row in rows:
        for cis_id in row["cis"]:
            covering.setdefault(cis_id, []).append(f"{row['step']}.{row['check']}")
    return [{**rec, "checks": covering.get(rec["id"], [])} for rec in cis_recommendations()]


def unknown_cis_ids(rows: Iterable[dict[str, Any]]) -> list[str]:
    """CIS ids used by a check that v5.0 does not have (a typo, or an id from an older version)."""
    known = {rec["id"] for rec in cis_recommendations()}
    return sorted({cis_id for row in rows for cis_id in row["cis"] if cis_id not in known})


def undeclared(step: ModuleType, findings: Iterable[Any]) -> list[str]:
    """What in ``findings`` differs from the step's declarations: an undeclared check id, or a title,
    severity, CIS or Security Hub id other than declared. Empty when every finding is as declared."""
    checks = {check.id: check for check in declared(step)}
    problems = []
    for finding in findings:
        check = checks.get(finding.check)
        if check is None:
            problems.append(f"{step.INFO.id}.{finding.check}: not declared")
            continue
        if not check.matches_title(finding.title):
            problems.append(f"{step.INFO.id}.{finding.check}: title {finding.title!r}, declared {check.title!r}")
        for field in ("severity", "cis", "securityhub"):
            if getattr(finding, field) != getattr(check, field):
                problems.append(f"{step.INFO.id}.{finding.check}: {field} {getattr(finding, field)!r}, "
                                f"declared {getattr(check, field)!r}")
        if finding.fixable and not check.fixable:
            problems.append(f"{step.INFO.id}.{finding.check}: fixable, declared without a fix")
    return problems
