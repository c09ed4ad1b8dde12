"""The reports' view of the grouped findings: one row per (step, check, status), from
wizard/findings_groups.py (the one grouping the TUI, plain mode and every human report share;
JSON and OCSF stay one finding per resource), ranked for the executive page, ordered by step,
and paired with the planned changes that fix them."""

from __future__ import annotations

from typing import Any, Iterable

from wizard.findings_groups import GLOBAL, STATUS_ORDER, FindingGroup, group_findings
from wizard.report.model import SEVERITY_ORDER

__all__ = ["GLOBAL", "STATUS_ORDER", "FindingGroup", "by_step", "changes_for_group", "group_findings", "group_fixes",
           "plural", "severity_rank", "status_rank", "step_findings", "top_risks"]


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


def step_findings(findings: Iterable[dict[str, Any]]) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """``{(account id, step id): findings}``: what the pairing compares a finding with (the step's other
    findings in the same account tell one resource's change from another's)."""
    out: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for f in findings:
        out.setdefault((f.get("account_id", ""), f.get("step", "")), []).append(f)
    return out


def changes_for_group(group: FindingGroup, plans: dict[str, dict[str, Any]],
                      others: dict[tuple[str, str], list[dict[str, Any]]]) -> list[tuple[tuple[str, ...], dict[str, Any]]]:
    """``[(accounts, change)]``: the planned changes (model.fix_change rows) that fix the group's
    findings, each planned in the finding's own account (``plans``: model.fixes_by_account) and paired
    by model.fix_for_finding; a change the same in several accounts (same lines) is listed once, with
    every account it is planned in, so no account is shown another account's change."""
    from wizard.report.model import fix_for_finding

    chosen: dict[tuple, tuple[list[str], dict[str, Any]]] = {}
    for finding in group.findings:
        account = finding.get("account_id") or next(iter(plans), "")
        fix = plans.get(account, {}).get(group.step)
        for change in fix_for_finding(dict(finding), fix, others.get((account, group.step), ())) or ():
            accounts, _ = chosen.setdefault(tuple(map(tuple, change["lines"])), ([], change))
            if account not in accounts:
                accounts.append(account)
    return [(tuple(accounts), change) for accounts, change in chosen.values()]


def group_fixes(groups: Iterable[FindingGroup], plans: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The step fixes (model.fixes_for rows) of the accounts the groups' findings are in."""
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for g in groups:
        for account in g.accounts or tuple(plans)[:1]:
            fix = plans.get(account, {}).get(g.step)
            if fix is not None:
                seen.setdefault((account, g.step), fix)
    return list(seen.values())
