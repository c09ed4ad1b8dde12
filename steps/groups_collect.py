"""The groups step's reads; what they hold is :class:`State`."""

from __future__ import annotations

from typing import Any, Mapping, TypedDict

from steps.base import OrUnreadable, is_unreadable
from steps.cloudshell_access import Holders, read_holders
from steps.iam_certificates import CertificateState, read_certificates
from steps.iam_policies import ADMIN_POLICY, SUPPORT_POLICY, SUPPORT_ROLE
from steps.policy import document as policy_document


class UserState(TypedDict):
    attached: list[str]  # managed policy ARNs attached to the user directly
    inline: dict[str, Any]  # inline policy name -> document
    groups: list[str]
    mfa_devices: int
    console: bool  # whether it has a console password (a login profile)


class GroupState(TypedDict):
    attached: list[str]
    inline: dict[str, Any]


class CustomPolicy(TypedDict):
    name: str
    document: Any  # the default version's document


class Analyzer(TypedDict):
    name: str
    type: str
    status: str


class State(TypedDict):
    caller: OrUnreadable[dict[str, str]]  # GetCallerIdentity
    users: OrUnreadable[dict[str, OrUnreadable[UserState]]]  # by user name
    groups: OrUnreadable[dict[str, OrUnreadable[GroupState]]]  # by group name
    custom_policies: OrUnreadable[dict[str, OrUnreadable[CustomPolicy]]]  # attached local policies, by ARN
    support_roles: OrUnreadable[list[str]]  # roles with AWSSupportAccess attached
    admin_roles: OrUnreadable[list[str]]  # roles with AdministratorAccess as a permissions policy
    support_role_exists: OrUnreadable[bool]  # whether SUPPORT_ROLE exists
    arns: dict[str, str]  # "user/NAME" and "group/NAME" -> its ARN (ListUsers, ListGroups), for the findings
    analyzers: dict[str, OrUnreadable[list[Analyzer]]]  # Access Analyzer analyzers by region
    server_certificates: CertificateState  # ListServerCertificates (steps/iam_certificates.py)
    cloudshell: OrUnreadable[Holders]  # who holds AWSCloudShellFullAccess (steps/cloudshell_access.py)


def collect(aws: Any) -> State:
    caller = aws.try_read("sts", "GetCallerIdentity")
    users = aws.try_read("iam", "ListUsers", paginate=True)
    groups = aws.try_read("iam", "ListGroups", paginate=True)
    state: Any = {"caller": caller, "arns": {}}

    if is_unreadable(users):
        state["users"] = users
    else:
        names = sorted(u["UserName"] for u in users.get("Users", []))
        state["users"] = aws.per_region(lambda name: _user(aws, name), names)
        state["arns"].update((f"user/{u['UserName']}", u["Arn"]) for u in users.get("Users", []) if u.get("Arn"))
    if is_unreadable(groups):
        state["groups"] = groups
    else:
        names = sorted(g["GroupName"] for g in groups.get("Groups", []))
        state["groups"] = aws.per_region(lambda name: _group(aws, name), names)
        state["arns"].update((f"group/{g['GroupName']}", g["Arn"]) for g in groups.get("Groups", []) if g.get("Arn"))

    policies = aws.try_read("iam", "ListPolicies", paginate=True, Scope="Local", OnlyAttached=True)
    if is_unreadable(policies):
        state["custom_policies"] = policies
    else:
        rows = {p["Arn"]: p for p in policies.get("Policies", [])}
        state["custom_policies"] = aws.per_region(lambda arn: _policy(aws, rows[arn]), sorted(rows))

    support = aws.try_read("iam", "ListEntitiesForPolicy", paginate=True, PolicyArn=SUPPORT_POLICY,
                           EntityFilter="Role", missing=("NoSuchEntity",))
    if not is_unreadable(support):
        support = sorted(r["RoleName"] for r in (support or {}).get("PolicyRoles", []))
    # Roles holding AdministratorAccess (CIS 1.15 counts AWS managed policies too). Users and groups come
    # with their attached lists above. PermissionsPolicy only: without the filter IAM also lists the
    # entities that use the policy as a permissions boundary, which grants nothing (IAM API Reference,
    # ListEntitiesForPolicy, PolicyUsageFilter).
    admin_roles = aws.try_read("iam", "ListEntitiesForPolicy", paginate=True, PolicyArn=ADMIN_POLICY,
                               EntityFilter="Role", PolicyUsageFilter="PermissionsPolicy")
    state["admin_roles"] = admin_roles if is_unreadable(admin_roles) else sorted(
        r["RoleName"] for r in (admin_roles or {}).get("PolicyRoles", []))
    role = aws.try_read("iam", "GetRole", RoleName=SUPPORT_ROLE, missing=("NoSuchEntity",))
    state["support_roles"] = support
    state["support_role_exists"] = role if is_unreadable(role) else role is not None

    def analyzers(region: str) -> list[dict[str, str]]:
        answer = aws.read("accessanalyzer", "ListAnalyzers", region, paginate=True)
        return [{"name": a["name"], "type": a["type"], "status": a.get("status", "")}
                for a in answer.get("analyzers", [])]

    state["analyzers"] = aws.per_region(analyzers)
    state["server_certificates"] = read_certificates(aws)
    state["cloudshell"] = read_holders(aws)
    return state


def _direct_policies(aws: Any, kind: str, name: str) -> GroupState:
    """The managed policies attached to an IAM user or group (``kind`` "User" or "Group") and its inline ones."""
    who = {f"{kind}Name": name}
    attached = aws.read("iam", f"ListAttached{kind}Policies", paginate=True, **who)
    inline_names = aws.read("iam", f"List{kind}Policies", paginate=True, **who).get("PolicyNames", [])
    inline = {policy: _doc(aws.read("iam", f"Get{kind}Policy", PolicyName=policy, **who)["PolicyDocument"])
              for policy in sorted(inline_names)}
    return {"attached": sorted(p["PolicyArn"] for p in attached.get("AttachedPolicies", [])), "inline": inline}


def _user(aws: Any, name: str) -> UserState:
    policies = _direct_policies(aws, "User", name)
    groups = aws.read("iam", "ListGroupsForUser", paginate=True, UserName=name).get("Groups", [])
    mfa = aws.read("iam", "ListMFADevices", paginate=True, UserName=name).get("MFADevices", [])
    login = aws.read("iam", "GetLoginProfile", UserName=name, missing=("NoSuchEntity",))
    return {
        **policies,
        "groups": sorted(g["GroupName"] for g in groups),
        "mfa_devices": len(mfa),
        "console": login is not None,
    }


def _group(aws: Any, name: str) -> GroupState:
    return _direct_policies(aws, "Group", name)


def _policy(aws: Any, row: Mapping[str, Any]) -> CustomPolicy:
    version = aws.read("iam", "GetPolicyVersion", PolicyArn=row["Arn"], VersionId=row["DefaultVersionId"])
    return {"name": row["PolicyName"], "document": _doc(version["PolicyVersion"]["Document"])}


def _doc(document: Any) -> Any:
    """A policy document as a dict (botocore decodes IAM's URL-encoded JSON; be lenient anyway)."""
    if isinstance(document, str):
        return policy_document(document) or {"unparsed": document}
    return document
