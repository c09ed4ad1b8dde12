"""The vpc step's reads; what they hold is :class:`State`. The regions are read concurrently."""

from __future__ import annotations

from typing import Any, Mapping, TypedDict

from steps import vpc_flow_logs as flow_logs
from steps.base import OrUnreadable, is_unreadable
from steps.vpc_flow_logs import FLOW_ROLE, LOG_GROUP
from steps.vpc_peering import PeeringState, read_peering
from steps.shared_reads import list_buckets


class Vpc(TypedDict):
    VpcId: str
    IsDefault: bool
    CidrBlock: str | None


class SecurityGroup(TypedDict):
    GroupId: str
    GroupName: str | None
    VpcId: str | None


class NetworkAcl(TypedDict):
    NetworkAclId: str
    VpcId: str | None
    IsDefault: bool
    Entries: list[dict[str, Any]]  # as DescribeNetworkAcls returns them
    Subnets: list[str]


class NetworkInterface(TypedDict):
    NetworkInterfaceId: str
    VpcId: str | None
    Groups: list[str]  # the ids of the security groups it uses
    Description: str
    InstanceId: str | None


class RegionState(TypedDict):
    vpcs: OrUnreadable[list[Vpc]]
    flow_logs: OrUnreadable[list[dict[str, Any]]]  # DescribeFlowLogs, the fields of vpc_flow_logs.FIELDS
    groups: OrUnreadable[list[SecurityGroup]]
    rules: OrUnreadable[list[dict[str, Any]]]  # DescribeSecurityGroupRules, the fields _rule keeps
    nacls: OrUnreadable[list[NetworkAcl]]
    enis: OrUnreadable[list[NetworkInterface]]  # every network interface of the region
    firewalls: OrUnreadable[list[str]]  # Network Firewall names
    log_group: OrUnreadable[bool | None]  # whether LOG_GROUP exists; None: not read (every VPC has flow logs)
    peering: PeeringState  # VPC peering connections and the routes to them (steps/vpc_peering.py)


class State(TypedDict):
    account_id: str
    partition: str  # "aws", "aws-cn", ... from the caller's ARN
    home_region: str
    regions: dict[str, OrUnreadable[RegionState]]
    flow_role: OrUnreadable[bool]  # whether FLOW_ROLE exists
    buckets: OrUnreadable[list[str]]  # every bucket name (the same read as the s3 step's)
    shield: OrUnreadable[bool]  # whether Shield Advanced is subscribed


def _rule(rule: Mapping[str, Any]) -> dict[str, Any]:
    keep = ("SecurityGroupRuleId", "GroupId", "IsEgress", "IpProtocol", "FromPort", "ToPort", "CidrIpv4",
            "CidrIpv6", "PrefixListId", "ReferencedGroupInfo", "Description")
    return {k: rule[k] for k in keep if k in rule}


def _region(aws: Any, region: str) -> RegionState:
    def read(operation: str, service: str = "ec2", **kw: Any) -> Any:
        return aws.try_read(service, operation, region, paginate=True, **kw)

    out: Any = {}
    vpcs = read("DescribeVpcs")
    out["vpcs"] = vpcs if is_unreadable(vpcs) else [
        {"VpcId": v["VpcId"], "IsDefault": bool(v.get("IsDefault")), "CidrBlock": v.get("CidrBlock")}
        for v in vpcs.get("Vpcs", [])]
    logs = read("DescribeFlowLogs")
    out["flow_logs"] = logs if is_unreadable(logs) else [
        {k: f.get(k) for k in flow_logs.FIELDS} for f in logs.get("FlowLogs", [])]
    groups = read("DescribeSecurityGroups")
    out["groups"] = groups if is_unreadable(groups) else [
        {"GroupId": g["GroupId"], "GroupName": g.get("GroupName"), "VpcId": g.get("VpcId")}
        for g in groups.get("SecurityGroups", [])]
    rules = read("DescribeSecurityGroupRules")
    out["rules"] = rules if is_unreadable(rules) else [_rule(r) for r in rules.get("SecurityGroupRules", [])]
    nacls = read("DescribeNetworkAcls")
    out["nacls"] = nacls if is_unreadable(nacls) else [
        {"NetworkAclId": n["NetworkAclId"], "VpcId": n.get("VpcId"), "IsDefault": bool(n.get("IsDefault")),
         "Entries": n.get("Entries", []), "Subnets": [a.get("SubnetId") for a in n.get("Associations", [])]}
        for n in nacls.get("NetworkAcls", [])]
    enis = read("DescribeNetworkInterfaces")
    out["enis"] = enis if is_unreadable(enis) else [
        {"NetworkInterfaceId": e["NetworkInterfaceId"], "VpcId": e.get("VpcId"),
         "Groups": [g["GroupId"] for g in e.get("Groups", [])], "Description": e.get("Description", ""),
         "InstanceId": (e.get("Attachment") or {}).get("InstanceId")}
        for e in enis.get("NetworkInterfaces", [])]
    firewalls = read("ListFirewalls", "network-firewall")
    out["firewalls"] = firewalls if is_unreadable(firewalls) else [
        f.get("FirewallName") for f in firewalls.get("Firewalls", [])]
    # The flow-log log group matters only where a VPC still lacks flow logs: read it only there.
    out["log_group"] = None
    if isinstance(out["vpcs"], list) and isinstance(out["flow_logs"], list):
        logged = {f["ResourceId"] for f in out["flow_logs"]}
        if any(v["VpcId"] not in logged for v in out["vpcs"]):
            found = aws.try_read("logs", "DescribeLogGroups", region, logGroupNamePrefix=LOG_GROUP)
            out["log_group"] = found if is_unreadable(found) else any(
                g.get("logGroupName") == LOG_GROUP for g in found.get("logGroups", []))
    out["peering"] = read_peering(aws, region)
    return out


def collect(aws: Any) -> State:
    identity = aws.identity()
    # The account-wide reads as the first jobs of the regions' fan-out, not reads after it: the region
    # pool serves jobs in turn, and a read after the fan-out waits for all of it (benchmarks/README.md,
    # "Eighth session: the large account's wall time").
    account_wide = {
        "role": lambda: aws.try_read("iam", "GetRole", RoleName=FLOW_ROLE, missing=("NoSuchEntity",)),
        "buckets": lambda: list_buckets(aws),  # the same read as the s3 step
        "shield": lambda: aws.try_read("shield", "DescribeSubscription", missing=("ResourceNotFoundException",)),
    }
    in_scope = aws.regions()
    done = aws.per_region(lambda job: account_wide[job[1]]() if job[0] == "account" else _region(aws, job[1]),
                          [("account", name) for name in account_wide] + [("region", r) for r in in_scope])
    regions = {region: done[("region", region)] for region in in_scope}
    role, buckets, shield = (done[("account", name)] for name in ("role", "buckets", "shield"))
    return {
        "account_id": identity["Account"],
        "partition": identity["Arn"].split(":")[1] if identity.get("Arn", "").startswith("arn:") else "aws",
        "home_region": aws.home_region,
        "regions": regions,
        "flow_role": role if is_unreadable(role) else bool(role),
        "buckets": buckets if is_unreadable(buckets) else [b["Name"] for b in buckets.get("Buckets", [])],
        "shield": shield if is_unreadable(shield) else bool(shield and shield.get("Subscription")),
    }
