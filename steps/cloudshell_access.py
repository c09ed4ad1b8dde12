"""CIS 1.21: access to AWSCloudShellFullAccess is restricted.

CloudShell gives a shell with the caller's credentials and file upload and download: a path for data
to leave the account. CIS fails any user, group or role holding the AWS managed policy.
"""

from __future__ import annotations

from typing import Any, Mapping, TypedDict

from steps.base import Call, Change, Finding, OrUnreadable, Severity, is_unreadable, reason_of
from steps.checks import AUTOMATIC, Check

CLOUDSHELL_POLICY = "arn:aws:iam::aws:policy/AWSCloudShellFullAccess"
CLOUDSHELL = Check("cloudshell-full-access", "Nobody holds AWSCloudShellFullAccess", Severity.MEDIUM, ("1.21",), (),
                   AUTOMATIC)
KINDS = ("User", "Group", "Role")


class Holders(TypedDict):
    User: list[str]
    Group: list[str]
    Role: list[str]


def read_holders(aws: Any) -> OrUnreadable[Holders]:
    """ListEntitiesForPolicy (IAM API reference): pages with Marker; PermissionsPolicy only, a permissions
    boundary grants nothing. A partition without the policy answers NoSuchEntity: nobody holds it."""
    found = aws.try_read("iam", "ListEntitiesForPolicy", paginate=True, PolicyArn=CLOUDSHELL_POLICY,
                         PolicyUsageFilter="PermissionsPolicy", missing=("NoSuchEntity",))
    if is_unreadable(found):
        return found
    found = found or {}
    return {kind: sorted(e[f"{kind}Name"] for e in found.get(f"Policy{kind}s", [])) for kind in KINDS}


def cloudshell_findings(holders: Any) -> list[Finding]:
    if is_unreadable(holders):
        return [CLOUDSHELL.unknown(reason_of(holders))]
    out = [CLOUDSHELL.failed(
        f"{kind} {name} holds AWSCloudShellFullAccess: a browser shell with its credentials that can upload and "
        "download files, a quiet way for data to leave the account. Give only the CloudShell actions it needs, "
        "without file transfer, if it needs CloudShell at all.", resource=f"{kind.lower()}/{name}")
        for kind in KINDS for name in holders[kind]]
    return out or [CLOUDSHELL.passed("No user, group or role holds AWSCloudShellFullAccess.")]


def cloudshell_changes(holders: Any) -> list[Change]:
    """One detach per holder; undo attaches it again (both take effect within seconds: IAM is eventually
    consistent, IAM User Guide "Changes that I make are not always immediately visible")."""
    if is_unreadable(holders):
        return []
    return [Change(
        reason=f"Detach AWSCloudShellFullAccess from {kind.lower()} {name}.",
        call=Call("iam", f"Detach{kind}Policy", {f"{kind}Name": name, "PolicyArn": CLOUDSHELL_POLICY}),
        before="attached", after="detached",
        undo=Call("iam", f"Attach{kind}Policy", {f"{kind}Name": name, "PolicyArn": CLOUDSHELL_POLICY}),
        warning=f"The {kind.lower()} can no longer open AWS CloudShell (its other permissions stay); grant a "
                "narrower CloudShell policy if it needs the shell.",
        fixes=(CLOUDSHELL.id,))
        for kind in KINDS for name in holders[kind]]


def without_detached(state: Mapping[str, Any]) -> dict[str, Any]:
    """``state`` as the group migration must see it once the detaches above have run: a user or group
    losing AWSCloudShellFullAccess no longer has it to move (or to detach a second time)."""
    holders = state.get("cloudshell")
    if not isinstance(holders, Mapping) or is_unreadable(holders):
        return dict(state)
    out = dict(state)
    for kind, key in (("User", "users"), ("Group", "groups")):
        entities = state.get(key)
        if not isinstance(entities, Mapping) or is_unreadable(entities):
            continue
        out[key] = {name: ({**info, "attached": [a for a in info["attached"] if a != CLOUDSHELL_POLICY]}
                           if name in holders[kind] and not is_unreadable(info) else info)
                    for name, info in entities.items()}
    return out
