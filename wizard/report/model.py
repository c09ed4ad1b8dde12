"""The report's model: the findings document of one account, and for each remaining FAIL the
planned changes that fix it (the findings/fix pairing). The renderings (markdown.py, table.py,
html.py, ocsf.py) read only what this module builds."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from typing import Any, Iterable, Sequence

from steps.base import Change, summarize
from wizard.plan_text import change_lines

SCHEMA = "aws-essentials/findings/v1"
SEVERITY_ORDER = ("critical", "high", "medium", "low", "info")
STATUSES = ("PASS", "FAIL", "MANUAL", "UNKNOWN", "N/A")  # every finding status, in the reports' order


def findings_document(account_id: str, regions: Sequence[str], results: Iterable[Any],
                      caller_arn: str = "") -> dict[str, Any]:
    """The ``aws-essentials/findings/v1`` document for one account.

    ``not_assessed`` lists the steps whose collection failed as a whole (``result.error``), with
    the reason: their checks were not made, so the run is incomplete (see :func:`not_assessed`).
    """
    findings = []
    all_findings = []
    skipped = []
    for result in results:
        if getattr(result, "error", None) is not None:
            skipped.append({"account_id": account_id, "step": result.id, "reason": str(result.error)})
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
        "not_assessed": skipped,
    }


def not_assessed(document: dict[str, Any]) -> list[dict[str, Any]]:
    """What the run could not assess: ``{"account_id", "step", "reason"}`` rows, ``step`` empty
    when the whole account could not be reached. An incomplete run must never pass for a clean one."""
    return list(document.get("not_assessed") or [])


def not_assessed_rows(document: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The report's "Not assessed" rows: (account, what was not assessed, why), in plain text."""
    names = {row["account_id"]: row.get("name") or "" for row in document.get("accounts") or []}
    titles = step_titles()
    rows = []
    for item in not_assessed(document):
        account = item["account_id"] + (f" ({names[item['account_id']]})" if names.get(item["account_id"]) else "")
        what = titles.get(item["step"], item["step"]) if item["step"] else "the whole account"
        rows.append((account, what, item["reason"]))
    return rows


def counts_line(summary: dict[str, int]) -> str:
    """"3 passed, 2 failed, 1 manual, 0 unknown" and ", 4 not applicable" when there are any (N/A is no
    failure: a check about something the account does not have)."""
    line = (f"{summary.get('PASS', 0)} passed, {summary.get('FAIL', 0)} failed, {summary.get('MANUAL', 0)} manual, "
            f"{summary.get('UNKNOWN', 0)} unknown")
    return line + (f", {summary['N/A']} not applicable" if summary.get("N/A") else "")


def render_json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=False) + "\n"


def ids_text(finding: dict[str, Any]) -> str:
    """The finding's CIS and Security Hub ids, in one line."""
    ids = [f"CIS {c}" for c in finding["cis"]] + list(finding["securityhub"])
    return ", ".join(ids)


def severity_rank(finding: dict[str, Any]) -> int:
    return SEVERITY_ORDER.index(finding["severity"]) if finding["severity"] in SEVERITY_ORDER else len(SEVERITY_ORDER)


def step_titles() -> dict[str, str]:
    try:
        from steps import STEPS
    except Exception:  # noqa: BLE001 - titles are cosmetic
        return {}
    return {s.INFO.id: s.INFO.title for s in STEPS}


# --- fixes: what would make each remaining FAIL pass ---------------------------------------------


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
            "changes": [fix_change(c) for c in plan.changes],
            "notes": [] if plan.needs else list(plan.notes),
            "needs": [labels.get(name, name) for name in plan.needs],
        }
    return fixes



def fix_change(change: Change) -> dict[str, Any]:
    """One planned change as the report holds it: what the pairing matches on, and the lines every
    rendering shows (wizard/plan_text.py)."""
    call = change.to_dict()["call"] or {}
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
        "lines": change_lines(change),
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

