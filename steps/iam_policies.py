"""Pure facts about IAM policies in the groups step's state: which documents grant full administrator,
who the caller is and how it is administrator today, and every user's effective policies."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from steps.base import is_unreadable
from steps.policy_admin import full_admin_reasons

ADMIN_POLICY = "arn:aws:iam::aws:policy/AdministratorAccess"
SUPPORT_POLICY = "arn:aws:iam::aws:policy/AWSSupportAccess"
SUPPORT_ROLE = "AWSSupportRole"


def grants_full_admin(document: Any) -> bool:
    """True when a statement allows every action on every resource, without a condition (CIS 1.15's *:*).

    steps.policy_admin decides; its admin_reasons also sees NotAction and iam:* (the findings' advice).
    """
    return bool(full_admin_reasons(document))


def _is_admin_arn(arn: str, custom: Mapping[str, Any]) -> bool:
    if arn == ADMIN_POLICY:
        return True
    policy = custom.get(arn) if isinstance(custom, Mapping) else None
    return bool(policy) and not is_unreadable(policy) and grants_full_admin(policy.get("document"))


def caller_user(state: Mapping[str, Any]) -> str | None:
    """The IAM user name of the caller, or None when the caller is root, a role or unknown."""
    caller = state.get("caller")
    if not isinstance(caller, Mapping) or is_unreadable(caller):
        return None
    arn = caller.get("Arn", "")
    if ":user/" not in arn or not arn.startswith("arn:aws"):
        return None
    return arn.rsplit("/", 1)[-1]


def caller_admin_paths(state: Mapping[str, Any], user: str) -> dict[str, list[str]]:
    """The caller's paths to administrator, as they are before any change: direct managed policy
    ARNs, direct inline policy names, and groups that grant it."""
    info = state["users"][user]
    custom = state.get("custom_policies") or {}
    groups = state.get("groups") if isinstance(state.get("groups"), Mapping) else {}
    admin_groups = []
    for name in info.get("groups", []):
        g = groups.get(name)
        if not g or is_unreadable(g):
            continue
        if any(_is_admin_arn(a, custom) for a in g["attached"]) or any(
                grants_full_admin(d) for d in g["inline"].values()):
            admin_groups.append(name)
    return {
        "attached": [a for a in info["attached"] if _is_admin_arn(a, custom)],
        "inline": [n for n, d in info["inline"].items() if grants_full_admin(d)],
        "groups": admin_groups,
    }


def effective_policies(state: Mapping[str, Any]) -> dict[str, set[str]]:
    """Per user: the managed policy ARNs attached directly or through groups, and inline policies
    as ``inline:<json>`` (documents compared, not names)."""
    out: dict[str, set[str]] = {}
    groups = state["groups"]
    for user, info in state["users"].items():
        policies = set(info["attached"]) | {"inline:" + canon(d) for d in info["inline"].values()}
        for g in info["groups"]:
            group = groups.get(g) or {}
            policies |= set(group.get("attached", ()))
            policies |= {"inline:" + canon(d) for d in group.get("inline", {}).values()}
        out[user] = policies
    return out


def canon(document: Any) -> str:
    return json.dumps(document, sort_keys=True, separators=(",", ":"))
