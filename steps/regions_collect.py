"""Region control's reads: which regions are enabled, what runs in each, and the organization's
or the account's region-deny policy as it stands. The only part of the step that calls AWS."""

from __future__ import annotations

from typing import Any, Mapping, TypedDict

from steps import region_deny_policy as deny
from steps.base import OrUnreadable, StepError, is_unreadable, unreadable
from steps.organization_facts import active_members

POLICY_NAME = "aws-essentials-region-deny"
SCP_TYPE = "SERVICE_CONTROL_POLICY"


# What runs in one region (the reads of the compute, vpc and sso steps). Functional form: "lambda" is a keyword.
Inventory = TypedDict("Inventory", {
    "ec2": "OrUnreadable[list[str]]",  # instances not terminated, "id (Name)"
    "vpc": "OrUnreadable[list[str]]",  # non-default VPC ids
    "rds": "OrUnreadable[list[str]]",  # DB instance ids
    "lambda": "OrUnreadable[list[str]]",  # function names
    "identity_center": "OrUnreadable[bool]",  # whether an Identity Center instance lives here
})


class ScpPolicy(TypedDict):
    id: str
    name: str | None
    content: OrUnreadable[str]  # the policy text
    targets: OrUnreadable[list[str]]  # where it is attached


class OrganizationSeen(TypedDict):
    id: str
    feature_set: str | None  # ALL, or CONSOLIDATED_BILLING
    management_account_id: str | None
    is_management: bool  # whether this account manages it; the rest is read only then


class Organization(OrganizationSeen, total=False):
    root: OrUnreadable[dict[str, Any]]  # {"id", "scp_enabled"}
    targets: OrUnreadable[dict[str, str]]  # root, OU and account ids -> what they are
    members: OrUnreadable[list[dict[str, Any]]]  # active member accounts
    control_tower: OrUnreadable[bool]  # whether AWS Control Tower's roles exist
    policies: OrUnreadable[list[ScpPolicy]]  # customer-managed SCPs


class IamPolicy(TypedDict):
    arn: str
    default_version: str | None
    document: OrUnreadable[Any]
    groups: OrUnreadable[list[str]]  # the groups it is attached to


class State(TypedDict):
    account_id: str | None
    caller_arn: str | None
    home_region: str
    regions: OrUnreadable[dict[str, str]]  # ListRegions: region -> RegionOptStatus
    inventory: OrUnreadable[dict[str, OrUnreadable[Inventory]]]  # every enabled region, even with --regions
    organization: OrUnreadable[Organization | None]  # None: not in an organization
    iam_policy: OrUnreadable[IamPolicy | None]  # the standalone region-deny IAM policy; None: none (or not read)


# --- collect ------------------------------------------------------------------------------------


def collect(aws: Any) -> State:
    identity = aws.try_read("sts", "GetCallerIdentity")
    account_id = None if is_unreadable(identity) else identity.get("Account")
    regions = aws.try_read("account", "ListRegions", paginate=True)
    if not is_unreadable(regions):
        regions = {r["RegionName"]: r["RegionOptStatus"] for r in (regions or {}).get("Regions", [])}
    try:
        # every enabled region, even with --regions: a region cannot be judged unused unseen
        inventory = aws.per_region(lambda region: _inventory(aws, region), aws.enabled_regions())
    except StepError as error:
        inventory = unreadable(str(error))
    state: State = {
        "account_id": account_id,
        "caller_arn": None if is_unreadable(identity) else identity.get("Arn"),
        "home_region": aws.home_region,
        "regions": regions,
        "inventory": inventory,
        "organization": _organization(aws, account_id),
        "iam_policy": None,
    }
    org = state["organization"]
    if account_id and (org is None or (isinstance(org, dict) and org.get("is_management")
                                       and not deny.has_members(org))):
        state["iam_policy"] = _iam_policy(aws, account_id)
    return state


def _inventory(aws: Any, region: str) -> Inventory:
    """What runs in one region: EC2 instances, non-default VPCs, RDS instances, Lambda functions.

    The reads are those of the compute, vpc and sso steps, with the same parameters, so a full run
    makes each once."""
    out: Any = {}
    answer = aws.try_read("ec2", "DescribeInstances", region, paginate=True)
    out["ec2"] = answer if is_unreadable(answer) else [
        _instance_label(i) for r in (answer or {}).get("Reservations", []) for i in r.get("Instances", [])
        if i.get("State", {}).get("Name") not in ("terminated", "shutting-down")]
    answer = aws.try_read("ec2", "DescribeVpcs", region, paginate=True)
    out["vpc"] = answer if is_unreadable(answer) else [
        v["VpcId"] for v in (answer or {}).get("Vpcs", []) if not v.get("IsDefault")]
    answer = aws.try_read("rds", "DescribeDBInstances", region, paginate=True)
    out["rds"] = answer if is_unreadable(answer) else [
        d["DBInstanceIdentifier"] for d in (answer or {}).get("DBInstances", [])]
    answer = aws.try_read("lambda", "ListFunctions", region, paginate=True)
    out["lambda"] = answer if is_unreadable(answer) else [
        f["FunctionName"] for f in (answer or {}).get("Functions", [])]
    answer = aws.try_read("sso-admin", "ListInstances", region, paginate=True)
    out["identity_center"] = answer if is_unreadable(answer) else bool((answer or {}).get("Instances"))
    return out


def _instance_label(instance: Mapping[str, Any]) -> str:
    name = next((t["Value"] for t in instance.get("Tags", []) if t.get("Key") == "Name"), "")
    return f"{instance['InstanceId']} ({name})" if name else instance["InstanceId"]


def _organization(aws: Any, account_id: str | None) -> Any:
    org = aws.try_read("organizations", "DescribeOrganization", missing=("AWSOrganizationsNotInUseException",))
    if org is None or is_unreadable(org):
        return org
    org = org["Organization"]
    info: dict[str, Any] = {
        "id": org["Id"],
        "feature_set": org.get("FeatureSet"),
        "management_account_id": org.get("MasterAccountId"),
        "is_management": org.get("MasterAccountId") == account_id,
    }
    if not info["is_management"]:
        return info
    roots = aws.try_read("organizations", "ListRoots", paginate=True)
    if is_unreadable(roots):
        info["root"] = roots
        return info
    root = (roots or {}).get("Roots", [{}])[0]
    info["root"] = {"id": root.get("Id"), "scp_enabled": any(
        t.get("Type") == SCP_TYPE and t.get("Status") == "ENABLED" for t in root.get("PolicyTypes", []))}
    info["targets"] = _targets(aws, root.get("Id"))
    accounts = aws.try_read("organizations", "ListAccounts", paginate=True)  # the read _targets made
    info["members"] = accounts if is_unreadable(accounts) else active_members(
        (accounts or {}).get("Accounts", []), account_id)
    roles = [aws.try_read("iam", "GetRole", RoleName=name, missing=("NoSuchEntity",))
             for name in deny.CONTROL_TOWER_ROLES]
    info["control_tower"] = next((r for r in roles if is_unreadable(r)), any(r is not None for r in roles))
    policies = aws.try_read("organizations", "ListPolicies", paginate=True, Filter=SCP_TYPE)
    if is_unreadable(policies):
        info["policies"] = policies
        return info
    found = []
    for summary in (policies or {}).get("Policies", []):
        if summary.get("AwsManaged"):
            continue
        described = aws.try_read("organizations", "DescribePolicy", PolicyId=summary["Id"])
        targets = aws.try_read("organizations", "ListTargetsForPolicy", paginate=True, PolicyId=summary["Id"])
        found.append({
            "id": summary["Id"],
            "name": summary.get("Name"),
            "content": described if is_unreadable(described) else described["Policy"].get("Content"),
            "targets": targets if is_unreadable(targets) else [t["TargetId"] for t in targets.get("Targets", [])],
        })
    info["policies"] = found
    return info


def _targets(aws: Any, root_id: str | None) -> Any:
    """Every place an SCP can be attached: the root, the OUs (walked down), the accounts."""
    targets: dict[str, str] = {root_id: "Root"} if root_id else {}
    parents, seen = [root_id] if root_id else [], 0
    while parents and seen < 100:
        parent = parents.pop(0)
        seen += 1
        answer = aws.try_read("organizations", "ListOrganizationalUnitsForParent", paginate=True, ParentId=parent)
        if is_unreadable(answer):
            return answer
        for ou in (answer or {}).get("OrganizationalUnits", []):
            targets[ou["Id"]] = f"OU {ou.get('Name', '')}".strip()
            parents.append(ou["Id"])
    accounts = aws.try_read("organizations", "ListAccounts", paginate=True)
    if is_unreadable(accounts):
        return accounts
    for acct in (accounts or {}).get("Accounts", []):
        targets[acct["Id"]] = f"account {acct.get('Name', '')}".strip()
    return targets


def _iam_policy(aws: Any, account_id: str) -> Any:
    arn = iam_policy_arn(account_id)
    policy = aws.try_read("iam", "GetPolicy", PolicyArn=arn, missing=("NoSuchEntity",))
    if policy is None or is_unreadable(policy):
        return policy
    version = policy["Policy"].get("DefaultVersionId")
    doc = aws.try_read("iam", "GetPolicyVersion", PolicyArn=arn, VersionId=version)
    entities = aws.try_read("iam", "ListEntitiesForPolicy", paginate=True, PolicyArn=arn)
    document = doc if is_unreadable(doc) else doc["PolicyVersion"].get("Document")
    if isinstance(document, str):
        from urllib.parse import unquote

        document = unquote(document)
    return {
        "arn": arn,
        "default_version": version,
        "document": document,
        "groups": entities if is_unreadable(entities) else [g["GroupName"] for g in entities.get("PolicyGroups", [])],
    }


def iam_policy_arn(account_id: str) -> str:
    return f"arn:aws:iam::{account_id}:policy/{POLICY_NAME}"
