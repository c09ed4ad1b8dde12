"""The sso step's reads; what they hold is :class:`State`. The CLI config file is the one piece of
local state: read-only, its secrets masked, with its digest (steps/cli_config.py)."""

from __future__ import annotations

from typing import Any, Mapping, TypedDict

from steps import cli_config
from steps.base import OrUnreadable, is_unreadable

ADMIN_POLICY = "arn:aws:iam::aws:policy/AdministratorAccess"
ADMIN_GROUP = "AccountAdmins"  # not "AWSAdministrators": Identity Center reserves it (see sso_guidance)


class Instance(TypedDict):
    region: str  # Identity Center's home region
    arn: str
    store: str  # its identity store id
    owner: str | None  # the account that owns it (an account instance belongs to one account)


class Assignment(TypedDict):
    type: str  # USER or GROUP
    id: str


class PermissionSet(TypedDict):
    name: str | None
    session: str | None  # ISO 8601 duration
    policies: list[str]  # managed policy ARNs
    assignments: list[Assignment]  # to this account


class _Always(TypedDict):
    caller: OrUnreadable[dict[str, str]]  # GetCallerIdentity
    organization: OrUnreadable[dict[str, Any] | None]  # DescribeOrganization; None: not in one
    instances: dict[str, OrUnreadable[list[dict[str, Any]]]]  # ListInstances of every region
    instance: Instance | None  # the first instance found; None: Identity Center is not enabled
    cli: cli_config.ConfigFile  # the AWS CLI config file


# (total=False, not NotRequired: under postponed annotations NotRequired is not seen in Python 3.11.)
class State(_Always, total=False):
    """Read only when there is an instance and the caller is known: its sets, groups and users."""

    permission_sets: OrUnreadable[dict[str, PermissionSet]]  # by ARN; only this one when it is unreadable
    groups: OrUnreadable[dict[str, str]]  # group id -> display name
    users: OrUnreadable[dict[str, str]]  # user id -> user name
    members: dict[str, OrUnreadable[list[str]]]  # admin group id -> member user ids


def collect(aws: Any) -> State:
    caller = aws.try_read("sts", "GetCallerIdentity")
    org = aws.try_read("organizations", "DescribeOrganization", missing=("AWSOrganizationsNotInUseException",))
    if not is_unreadable(org):
        org = (org or {}).get("Organization")
    instances = aws.per_region(
        lambda region: aws.read("sso-admin", "ListInstances", region, paginate=True).get("Instances", []))
    state: Any = {
        "caller": caller, "organization": org, "instances": instances, "instance": None,
        "cli": cli_config.read_config(),
    }
    found = [(r, i) for r, rows in sorted(instances.items()) if not is_unreadable(rows) for i in rows]
    if not found:
        return state
    region, instance = found[0]
    state["instance"] = {"region": region, "arn": instance["InstanceArn"],
                         "store": instance["IdentityStoreId"], "owner": instance.get("OwnerAccountId")}
    if is_unreadable(caller):
        return state
    state.update(_instance_state(aws, region, instance, caller["Account"]))
    return state


def _instance_state(aws: Any, region: str, instance: Mapping[str, Any], account: str) -> dict[str, Any]:
    arn, store = instance["InstanceArn"], instance["IdentityStoreId"]
    listed = aws.try_read("sso-admin", "ListPermissionSets", region, paginate=True, InstanceArn=arn)
    if is_unreadable(listed):
        return {"permission_sets": listed}
    sets = {}
    for set_arn in sorted(listed.get("PermissionSets", [])):
        described = aws.read("sso-admin", "DescribePermissionSet", region, InstanceArn=arn,
                             PermissionSetArn=set_arn)["PermissionSet"]
        policies = aws.read("sso-admin", "ListManagedPoliciesInPermissionSet", region, paginate=True,
                            InstanceArn=arn, PermissionSetArn=set_arn)
        assigned = aws.read("sso-admin", "ListAccountAssignments", region, paginate=True, InstanceArn=arn,
                            AccountId=account, PermissionSetArn=set_arn)
        sets[set_arn] = {
            "name": described.get("Name"),
            "session": described.get("SessionDuration"),
            "policies": sorted(p["Arn"] for p in policies.get("AttachedManagedPolicies", [])),
            "assignments": sorted(
                ({"type": a["PrincipalType"], "id": a["PrincipalId"]} for a in assigned.get("AccountAssignments", [])),
                key=lambda a: (a["type"], a["id"])),
        }
    groups = aws.try_read("identitystore", "ListGroups", region, paginate=True, IdentityStoreId=store)
    users = aws.try_read("identitystore", "ListUsers", region, paginate=True, IdentityStoreId=store)
    state: dict[str, Any] = {"permission_sets": sets}
    state["groups"] = groups if is_unreadable(groups) else {
        g["GroupId"]: g.get("DisplayName", "") for g in groups.get("Groups", [])}
    state["users"] = users if is_unreadable(users) else {
        u["UserId"]: u.get("UserName", "") for u in users.get("Users", [])}
    members: dict[str, Any] = {}
    if not is_unreadable(groups):
        relevant = {a["id"] for s in sets.values() if ADMIN_POLICY in s["policies"] for a in s["assignments"]
                    if a["type"] == "GROUP"}
        relevant |= {gid for gid, name in state["groups"].items() if name == ADMIN_GROUP}
        for gid in sorted(relevant):
            rows = aws.try_read("identitystore", "ListGroupMemberships", region, paginate=True,
                                IdentityStoreId=store, GroupId=gid)
            members[gid] = rows if is_unreadable(rows) else sorted(
                m.get("MemberId", {}).get("UserId", "") for m in rows.get("GroupMemberships", []))
    state["members"] = members
    return state
