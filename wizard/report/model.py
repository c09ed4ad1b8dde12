"""The report's model: the findings document of one account, and for each remaining FAIL the
planned changes that fix it (the findings/fix pairing). The renderings (markdown.py, table.py,
html.py, ocsf.py) read only what this module builds."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any, Iterable, Sequence

from steps.arns import account_resource
from steps.base import Change, Severity, summarize
from wizard.plan_text import change_lines
from wizard.report.json_text import dumps_indented

SCHEMA = "aws-essentials/findings/v1"
SEVERITY_ORDER = tuple(s.value for s in Severity)  # critical first, as steps/base.py declares them
STATUSES = ("PASS", "FAIL", "MANUAL", "UNKNOWN", "N/A")  # every finding status, in the reports' order


def findings_document(account_id: str, regions: Sequence[str], results: Iterable[Any],
                      caller_arn: str = "", regions_disabled: Sequence[dict[str, str]] = ()) -> dict[str, Any]:
    """The ``aws-essentials/findings/v1`` document for one account.

    ``not_assessed`` lists the steps whose collection failed as a whole (``result.error``), with
    the reason: their checks were not made, so the run is incomplete (see :func:`not_assessed`).
    ``regions_disabled`` lists the regions not assessed, with why (wizard/aws_regions.py).

    Findings about the operator's machine (``Finding.local``: its AWS CLI config, running as root)
    are advice for the TUI and plain mode, not facts about the account: they stay out of the document,
    its counts and so `check`'s exit code. A finding about an account or regional setting names the
    account as Security Hub does for such controls (``AWS::::Account:<id>``, type AwsAccount).
    ``steps`` maps each step run to its declared check ids: the run's scope, which the last-run
    comparison (wizard/lastrun.py) intersects with the previous run's.
    """
    findings = []
    all_findings = []
    skipped = []
    steps = {}
    for result in results:
        info = getattr(getattr(result, "step", None), "INFO", None)  # None: the scope's checks are not known
        steps[result.id] = [check.id for check in info.checks] if info else None
        if getattr(result, "error", None) is not None:
            skipped.append({"account_id": account_id, "step": result.id, "reason": str(result.error)})
        for finding in result.findings:
            if finding.local:
                continue
            if finding.resource is None and finding.scope in ("account", "region"):
                finding = replace(finding, resource=account_resource(account_id))
            all_findings.append(finding)
            findings.append({"account_id": account_id, "step": result.id, **finding.to_dict()})
    return {
        "schema": SCHEMA,
        "account_id": account_id,
        "caller_arn": caller_arn,
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "regions": list(regions),
        "steps": steps,
        "summary": summarize(all_findings),
        "findings": findings,
        "not_assessed": skipped,
        "regions_disabled": [dict(row) for row in regions_disabled],
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


def regions_disabled_lines(document: dict[str, Any]) -> list[str]:
    """One line per reason naming the regions the run did not assess ("not enabled for this account
    (an opt-in region): ap-east-1, me-central-1"), so a region never goes missing silently."""
    by_reason: dict[str, list[str]] = {}
    for row in document.get("regions_disabled") or []:
        by_reason.setdefault(row["reason"], []).append(row["region"])
    return [f"{reason}: {', '.join(regions)}" for reason, regions in by_reason.items()]


def render_json(document: dict[str, Any]) -> str:
    return dumps_indented(document) + "\n"  # json.dumps(indent=2)'s bytes, at half its CPU


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


# --- changes made: the journal ------------------------------------------------------------------


def entry_value(entry: Any, name: str, default: Any = "") -> Any:
    """A field of a journal entry: a :class:`wizard.journal.Entry` or a dict with the same fields."""
    if isinstance(entry, dict):
        return entry.get(name, default)
    return getattr(entry, name, default)


def changes_made(document: dict[str, Any], entries: Iterable[Any]) -> list[tuple[str, list[Any]]]:
    """The journal entries of the document's accounts as ``[(account id, entries newest first)]``: one
    group for one account, one per account (in the document's order) for an organization."""
    accounts = [row["account_id"] for row in document.get("accounts") or []] or [document["account_id"]]
    groups: dict[str, list[Any]] = {account: [] for account in accounts}
    for entry in entries:
        groups.get(entry_value(entry, "account_id", document["account_id"]), []).append(entry)
    return [(account, sorted(found, key=lambda e: str(entry_value(e, "time")), reverse=True))
            for account, found in groups.items() if found or len(groups) == 1]


# --- fixes: what would make each remaining FAIL pass ---------------------------------------------


def fixes_by_account(document: dict[str, Any], fixes: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """``{account id: {step id: fix}}``: an organization's fixes (``wizard.org.org_fixes``) as they are,
    one account's (:func:`fixes_for`) under its id."""
    if document.get("accounts") is not None:
        return dict(fixes or {})
    return {document["account_id"]: dict(fixes or {})}


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
    """One planned change as the report holds it: the checks it fixes and where (what the pairing
    matches on), and the lines every rendering shows (wizard/plan_text.py)."""
    call = change.to_dict()["call"] or {}
    return {
        "reason": change.reason,
        "manual": change.manual,
        "fixes": list(change.fixes or ()),
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


def fix_for_finding(finding: dict[str, Any], fix: dict[str, Any] | None,
                    others: Iterable[dict[str, Any]] = ()) -> list[dict[str, Any]] | None:
    """The changes of the step's plan that declare ``finding``'s check (``Change.fixes``), or None.

    Of those, the ones for the finding's region and resource: a change in another region, or one that
    names the resource of another finding of the same check (``others``: the step's findings in the
    same account) and not this one's, is that finding's fix. A change that names no such resource (an
    account-wide setting, a console task for several) stands for every finding of its check.
    """
    if not fix:
        return None
    region, resource = finding.get("region"), finding.get("resource")
    theirs = {o["resource"] for o in others
              if o["check"] == finding["check"] and o.get("resource") and o["resource"] != resource}
    paired = [c for c in fix["changes"] if finding["check"] in c.get("fixes", ())
              and (not region or region in (_regions(c) or {region}))
              and ((resource and _names(c, resource)) or not any(_names(c, other) for other in theirs))]
    return paired or None


def unpaired_reason(finding: dict[str, Any], fix: dict[str, Any] | None) -> str:
    """Why no planned change fixes ``finding`` (it has none: :func:`fix_for_finding` is None), in one line."""
    if fix and fix["needs"]:
        return f"The fix needs your answers first ({', '.join(fix['needs'])}); the wizard then plans it."
    if not finding.get("fixable"):
        return "aws-essentials has no fix for this: follow the finding's advice."
    if fix is None:
        return "This step was not planned in this run: see its plan with aws-essentials plan."
    return "Nothing is planned for it in this run (see the step's notes): check again after the other fixes."


_ID_KEY = re.compile(r"(Id|Ids|Name|Names|Arn|Arns|Bucket|Resource|Resources|UserName|GroupId)$")


def _names(change: dict[str, Any], resource: str) -> bool:
    """Whether ``change`` names ``resource``: the whole of it in its parameters, an identifier parameter
    found in it (a bucket name in an ARN), or, for a console task, its last part in the task's text."""
    params = change["params"]
    if resource in json.dumps(params, default=str):
        return True
    if change["manual"]:
        name = re.split(r"[:/]", resource)[-1]
        return bool(name) and name in " ".join([change["reason"], *change["instructions"]])
    return any(value in resource for value in _identifiers(params))


_REGION = re.compile(r"\b[a-z]{2}(?:-gov)?-[a-z]+-\d\b")


def _regions(change: dict[str, Any]) -> set[str]:
    """Where ``change`` acts: its call's region, or the regions a console task's text names; empty when
    it is global (IAM, an account-wide setting)."""
    if not change["manual"]:
        return {change["region"]} if change["region"] else set()
    return set(_REGION.findall(" ".join([change["reason"], change["console_url"], *change["instructions"]])))


def _identifiers(value: Any, key: str = "") -> list[str]:
    if isinstance(value, dict):
        return [found for k, v in value.items() for found in _identifiers(v, k)]
    if isinstance(value, list):
        return [found for v in value for found in _identifiers(v, key)]
    return [value] if _ID_KEY.search(key) and isinstance(value, str) and len(value) >= 3 else []
