"""Administrator rights in an identity policy: ``*`` on ``*``, NotAction tricks, and all of IAM.

CIS 1.15 / Security Hub IAM.1 look for "a statement with Effect Allow and Action * over Resource *".
Two more shapes give the same power and are counted here too (decided for issue 15):

- ``NotAction`` with Allow on every resource allows everything it does not name. It is admin unless
  what it names covers every IAM policy writer below (AWS's PowerUserAccess, NotAction ``iam:*``,
  ``organizations:*``, ``account:*``, is not admin; NotAction ``s3:*`` is).
- Every IAM action (``iam:*``) on every resource: the holder can attach AdministratorAccess to itself
  (IAM User Guide, "Permissions required to access IAM resources": AttachUserPolicy, PutUserPolicy,
  CreatePolicyVersion ... change what a principal may do), so it is admin one call later.

A statement gated by a Condition (MFA, source IP) is not counted: the finding is about standing
administrator rights, and the team's tests fix that reading.

``full_admin_reasons`` is CIS's letter (``*`` on ``*`` only), for the findings that carry CIS 1.15 and
IAM.1 (their status follows the standard); ``admin_reasons`` adds the other shapes, for the advice.
"""

from __future__ import annotations

from typing import Any, Iterable

from steps.policy import Reason, as_list, effect, reasons, statements, wildcard_match

# With any one of these on "*", a principal can give itself (or anyone) any permission.
POLICY_WRITERS = (
    "iam:PutUserPolicy", "iam:AttachUserPolicy", "iam:PutGroupPolicy", "iam:AttachGroupPolicy",
    "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion",
    "iam:AddUserToGroup",
)
# Probes: a pattern that matches all of them matches every action (or every IAM action).
_ANY_ACTION = ("iam:PutUserPolicy", "ec2:RunInstances", "zzz-new-service:SomeFutureAction")
_ANY_IAM_ACTION = ("iam:PutUserPolicy", "iam:CreateUser", "iam:SomeFutureAction")


def matches(patterns: Iterable[Any], action: str) -> bool:
    """True when one of the IAM action ``patterns`` (wildcards allowed, any case) matches ``action``."""
    return any(isinstance(p, str) and wildcard_match(p, action, ignore_case=True) for p in patterns)


def _every_resource(statement: dict[str, Any]) -> bool:
    # NotResource with Allow grants all resources but the ones it names.
    return "*" in as_list(statement.get("Resource")) or "NotResource" in statement


def statement_admin(statement: dict[str, Any]) -> str | None:
    """Why this one statement gives administrator rights, or None."""
    if effect(statement) != "allow" or statement.get("Condition") or not _every_resource(statement):
        return None
    where = "every resource" if "NotResource" not in statement else "every resource but those in NotResource"
    if "NotAction" in statement:
        excluded = as_list(statement.get("NotAction"))
        left = [a for a in POLICY_WRITERS if not matches(excluded, a)]
        if left:
            return (f"NotAction leaves every other action allowed on {where}, "
                    f"including {left[0]} (enough to grant itself anything)")
        return None
    actions = as_list(statement.get("Action"))
    if all(matches(actions, probe) for probe in _ANY_ACTION):
        return f"allows every action (*) on {where}"
    if all(matches(actions, probe) for probe in _ANY_IAM_ACTION):
        return f"allows every IAM action on {where}: it can attach AdministratorAccess to itself"
    return None


def statement_full_admin(statement: dict[str, Any]) -> str | None:
    """CIS 1.15's letter: Allow, Action * (or *:*), Resource *, no condition; None otherwise."""
    if (effect(statement) != "allow" or statement.get("Condition") or "NotAction" in statement
            or "*" not in as_list(statement.get("Resource"))):
        return None
    actions = as_list(statement.get("Action"))
    return "allows every action (*) on every resource" if all(matches(actions, p) for p in _ANY_ACTION) else None


def full_admin_reasons(value: Any) -> list[Reason]:
    """The statements that allow *:* as CIS 1.15 and Security Hub IAM.1 audit it (a subset of admin_reasons)."""
    return reasons(value, statement_full_admin)


def admin_reasons(value: Any) -> list[Reason]:
    """The statements of an identity policy (dict, JSON or URL-encoded JSON text) that make it admin."""
    return reasons(value, statement_admin)


def allowed_actions(value: Any, candidates: Iterable[str]) -> list[str]:
    """The ``candidates`` an Allow statement of the policy grants by name or wildcard (sorted)."""
    patterns = [p for s in statements(value) if effect(s) == "allow" for p in as_list(s.get("Action"))]
    return sorted(a for a in set(candidates) if matches(patterns, a))
