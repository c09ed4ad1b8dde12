"""Who a region deny really restricts, and whom it must spare; pure, used by the regions step.

- AWS Control Tower's own region deny exempts its roles, which must keep working in every region:
  ``ArnNotLike aws:PrincipalARN`` on ``arn:*:iam::*:role/AWSControlTowerExecution``,
  ``aws-controltower-ConfigRecorderRole``, ``aws-controltower-ForwardSnsNotificationRole`` and
  ``AWSControlTower_VPCFlowLogsRole`` (AWS Control Tower Controls Reference, "Deny access to AWS
  based on the requested AWS Region", control AWS-GR_REGION_DENY / CT.MULTISERVICE.PV.1). A landing
  zone is recognised by its roles: ``AWSControlTowerAdmin`` in the management account,
  ``AWSControlTowerExecution`` in the accounts it enrolled.
- "SCPs don't affect users or roles in the management account" (Organizations User Guide, SCPs):
  an SCP attached only to the management account restricts nobody.
- A region the tool's own IAM deny policy denies cannot be read by the groups it is attached to;
  such a region is not "in use": it is hidden by our own policy.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

SID = "DenyOutsideKeptRegions"
DATA_FILE = Path(__file__).parent / "data" / "region_deny_exemptions.json"

CONTROL_TOWER_ROLES = ("AWSControlTowerAdmin", "AWSControlTowerExecution")
CONTROL_TOWER_EXEMPT = (
    "arn:*:iam::*:role/AWSControlTowerExecution",
    "arn:*:iam::*:role/aws-controltower-ConfigRecorderRole",
    "arn:*:iam::*:role/aws-controltower-ForwardSnsNotificationRole",
    "arn:*:iam::*:role/AWSControlTower_VPCFlowLogsRole",
)


@lru_cache(maxsize=1)
def exemptions() -> tuple[str, ...]:
    """The actions a region deny never denies (global services), from the data file."""
    data = json.loads(DATA_FILE.read_text())
    return tuple(data["not_actions"])


def region_deny_document(allowed: list[str], break_glass: list[str] = (), *, scp: bool = True) -> dict[str, Any]:
    """The deny statement: everything outside ``allowed`` except the exempt global actions."""
    condition: dict[str, Any] = {"StringNotEquals": {"aws:RequestedRegion": sorted(set(allowed))}}
    if break_glass and scp:
        condition["ArnNotLike"] = {"aws:PrincipalARN": sorted(set(break_glass))}
    return {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": SID,
            "Effect": "Deny",
            "NotAction": list(exemptions()),
            "Resource": "*",
            "Condition": condition,
        }],
    }


def render(document: Mapping[str, Any]) -> str:
    """The policy text as sent: compact JSON (SCP size counts every character)."""
    return json.dumps(document, separators=(",", ":"))


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _parse_doc(content: Any) -> dict | None:
    if isinstance(content, dict):
        return content
    try:
        parsed = json.loads(content) if isinstance(content, str) else None
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def deny_statements(content: Any) -> list[dict[str, Any]]:
    """The region-deny statements of a policy: Deny + a StringNotEquals on aws:RequestedRegion."""
    doc = _parse_doc(content)
    out = []
    for st in _as_list((doc or {}).get("Statement")):
        if not isinstance(st, dict) or st.get("Effect") != "Deny":
            continue
        cond = st.get("Condition") or {}
        regions = (cond.get("StringNotEquals") or {}).get("aws:RequestedRegion")
        if regions:
            out.append({
                "regions": sorted(set(_as_list(regions))),
                "not_actions": sorted(set(_as_list(st.get("NotAction")))),
                "break_glass": sorted(set(_as_list((cond.get("ArnNotLike") or {}).get("aws:PrincipalARN")))),
                "resource": _as_list(st.get("Resource")),
            })
    return out


def equivalent(content: Any, allowed: list[str], break_glass: list[str]) -> bool:
    """True when ``content`` denies exactly what our document would deny."""
    want = {
        "regions": sorted(set(allowed)),
        "not_actions": sorted(set(exemptions())),
        "break_glass": sorted(set(break_glass)),
        "resource": ["*"],
    }
    return any(st == want for st in deny_statements(content))


def control_tower_present(org: Mapping[str, Any]) -> bool:
    return org.get("control_tower") is True


def exempt_principals(org: Mapping[str, Any], break_glass: list[str]) -> list[str]:
    """The principal ARNs the region-deny SCP never applies to: the break-glass role(s), and Control
    Tower's roles when a landing zone is there (denying them breaks Control Tower's own work)."""
    return sorted(set(break_glass) | (set(CONTROL_TOWER_EXEMPT) if control_tower_present(org) else set()))


def has_members(org: Mapping[str, Any]) -> bool:
    """False when the organization's only active account is the management account (or unknown: None
    is treated as having members, so nothing is concluded from a read that failed)."""
    members = org.get("members")
    return not isinstance(members, list) or bool(members)


def restricting_targets(targets: list[str], org: Mapping[str, Any]) -> list[str]:
    """The targets of an attached SCP that restrict someone: not the management account itself."""
    return [t for t in targets if t != org.get("management_account_id")]


def self_denied_regions(policy: Any, statements: list[dict[str, Any]], enabled: list[str]) -> set[str]:
    """Enabled regions the tool's own IAM region-deny policy (``policy``, with its ``statements`` as
    ``deny_statements`` reads them) denies once it is attached to a group."""
    if not isinstance(policy, Mapping) or not isinstance(policy.get("groups"), list) or not policy["groups"]:
        return set()
    return {r for st in statements for r in enabled if r not in st["regions"]}
