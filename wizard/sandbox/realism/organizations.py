"""Realism rules: Organizations enables a policy type in the background; SCPs spare the management account."""

from __future__ import annotations

import fnmatch
import json

from ..protocol import GapError, error_response
from .registry import ANY, after, rule
from .bodies import edit_json


def _backend(account_id: str):
    from moto.organizations.models import organizations_backends

    return organizations_backends[account_id]["aws"]


# Organizations API reference, EnablePolicyType: "This is an asynchronous request that AWS performs in the
# background"; the root's PolicyTypeSummary.Status is PENDING_ENABLE until it is ENABLED, and AttachPolicy
# answers PolicyTypeNotEnabledException meanwhile ("Use ListRoots to see the status of policy types").
@after("organizations", "EnablePolicyType")
def policy_type_starts_pending(call, response):
    policy_type = call.json().get("PolicyType", "")
    if response is not None and response.status == 200:
        call.realism.state.mark(call.info.account_id, "policy-type", policy_type)
    return edit_json(response, lambda data: _pending([data.get("Root", {})], lambda t: t == policy_type))


@after("organizations", "ListRoots")
def policy_type_still_pending(call, response):
    def fresh(policy_type: str) -> bool:
        return call.realism.state.fresh(call.info.account_id, "policy-type", policy_type)

    return edit_json(response, lambda data: _pending(data.get("Roots", []), fresh))


def _pending(roots: list, which) -> None:
    for root in roots:
        for summary in root.get("PolicyTypes", []):
            if which(summary.get("Type", "")):
                summary["Status"] = "PENDING_ENABLE"


@rule("organizations", "AttachPolicy")
def attach_waits_for_the_policy_type(call):
    try:
        policy = _backend(call.info.account_id).get_policy_by_id(call.json().get("PolicyId", ""))
    except Exception:  # noqa: BLE001 - moto gives its own error
        return None
    if call.realism.state.fresh(call.info.account_id, "policy-type", policy.type):
        raise GapError("PolicyTypeNotEnabledException",
                       "This operation can be performed only for enabled policy types.", 400)
    return None


# Organizations User Guide, "Service control policies (SCPs)": "SCPs don't affect users or roles in the
# management account. They affect only the member accounts in your organization." Modelled for region-deny
# SCPs (a Deny with a StringNotEquals aws:RequestedRegion, NotAction exemptions, ArnNotLike principal
# exemptions): a member account's request is refused when an SCP attached to it, its OUs or the root denies it.
@rule(*ANY)
def member_accounts_obey_region_deny_scps(call):
    info = call.info
    if not info.action or not info.region:
        return None
    try:
        from moto.organizations.models import organizations_backends

        management = (organizations_backends.master_accounts.get(info.account_id) or ("",))[0]
    except Exception:  # noqa: BLE001
        return None
    if not management or management == info.account_id:
        return None  # not in an organization, or the management account: never restricted
    for statement in _region_denies(management, info.account_id):
        if _denies(statement, info.action, info.region, _principal_arn(call)):
            return error_response(info, 403, "AccessDenied" if info.protocol not in ("json", "rest-json")
                                  else "AccessDeniedException",
                                  f"{info.action} is denied in {info.region} by a service control policy")
    return None


def _region_denies(management: str, account_id: str) -> list[dict]:
    backend = _backend(management)
    targets = {account_id}
    try:
        parent = backend.list_parents(ChildId=account_id)["Parents"][0]["Id"]
        while parent:
            targets.add(parent)
            if parent.startswith("r-"):
                break
            parent = backend.list_parents(ChildId=parent)["Parents"][0]["Id"]
    except Exception:  # noqa: BLE001
        pass
    out = []
    for policy in backend.policies:
        if policy.type != "SERVICE_CONTROL_POLICY" or not targets & {t.id for t in policy.attachments}:
            continue
        statements = json.loads(policy.content).get("Statement", [])
        out += [s for s in (statements if isinstance(statements, list) else [statements]) if s.get("Effect") == "Deny"
                and "aws:RequestedRegion" in (s.get("Condition") or {}).get("StringNotEquals", {})]
    return out


def _listed(value) -> list[str]:
    return value if isinstance(value, list) else [value] if value else []


def _denies(statement: dict, action: str, region: str, principal: str) -> bool:
    condition = statement.get("Condition") or {}
    if region in _listed(condition["StringNotEquals"]["aws:RequestedRegion"]):
        return False
    exempt = _listed((condition.get("ArnNotLike") or {}).get("aws:PrincipalARN"))
    if principal and any(fnmatch.fnmatchcase(principal, pattern) for pattern in exempt):
        return False
    if "NotAction" in statement:
        return not any(fnmatch.fnmatch(action.lower(), a.lower()) for a in _listed(statement["NotAction"]))
    return any(fnmatch.fnmatch(action.lower(), a.lower()) for a in _listed(statement.get("Action")))


def _principal_arn(call) -> str:
    """The role ARN of an assumed-role session (what aws:PrincipalARN holds), '' when unknown."""
    try:
        from moto.sts.models import sts_backends

        role = sts_backends[call.info.account_id]["aws"].get_assumed_role_from_access_key(call.info.access_key)
    except Exception:  # noqa: BLE001
        return ""
    return getattr(role, "role_arn", "") if role else ""
