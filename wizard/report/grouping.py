"""The reports' view of the grouped findings: one row per (step, check, status), from
wizard/findings_groups.py (the one grouping the TUI, plain mode and every human report share;
JSON and OCSF stay one finding per resource), ranked for the executive page, ordered by step,
and paired with the planned changes that fix them."""

from __future__ import annotations

from typing import Any, Iterable

from wizard.findings_groups import GLOBAL, STATUS_ORDER, FindingGroup, group_findings
from wizard.report.model import SEVERITY_ORDER

__all__ = ["GLOBAL", "STATUS_ORDER", "FindingGroup", "by_step", "changes_for_group", "group_findings", "plural",
           "severity_rank", "status_rank", "top_risks"]


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def severity_rank(severity: str) -> int:
    return SEVERITY_ORDER.index(severity) if severity in SEVERITY_ORDER else len(SEVERITY_ORDER)


def status_rank(status: str) -> int:
    return STATUS_ORDER.get(status, len(STATUS_ORDER))


def top_risks(groups: Iterable[FindingGroup], limit: int = 8) -> list[FindingGroup]:
    """The failing groups an executive reads first: most severe, then most accounts, then most findings."""
    failing = [g for g in groups if g.status == "FAIL"]
    failing.sort(key=lambda g: (severity_rank(g.severity), -len(g.accounts), -g.count, g.step, g.check))
    return failing[:limit]


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

    chosen: set[int] = set()
    for finding in group.findings:
        chosen.update(id(change) for change in fix_for_finding(dict(finding), fix) or ())
    return [c for c in (fix or {}).get("changes", ()) if id(c) in chosen]
