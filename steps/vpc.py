"""Network security: VPC flow logs, security groups, network ACLs, default VPCs, firewall and DDoS services."""

from __future__ import annotations

import json
import re
from typing import Any, Mapping

from steps import netrules
from steps import vpc_flow_logs as flow_logs
from steps.base import (
    Call, Change, Finding, Input, Plan, Severity, Status, StepInfo, is_unreadable, reason_of,
    unknown_finding,
)
from steps.propagation import with_retries

FLOW_ROLE = "aws-essentials-vpc-flow-logs"
FLOW_POLICY = "deliver-vpc-flow-logs"
LOG_GROUP = "/aws/vpc/flow-logs"
LOG_RETENTION_DAYS = 90
DESTINATIONS = ("cloudwatch", "s3")
TRAFFIC_TYPES = ("ALL", "REJECT")
VPC_CONSOLE = "https://console.aws.amazon.com/vpcconsole/home?region={region}#vpcs:"

_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


def validate_bucket_name(value: str) -> str | None:
    value = value.strip()
    if not _BUCKET.match(value) or ".." in value or value.startswith("xn--") or re.match(r"^\d+\.\d+\.\d+\.\d+$", value):
        return (f"'{value[:40]}' is not a valid S3 bucket name; use 3-63 lower-case letters, digits, dots "
                "or hyphens, e.g. my-company-flow-logs")
    return None


def _choice(_value: str) -> str | None:  # the choices themselves are checked by Input.check
    return None


INFO = StepInfo(
    id="vpc",
    title="Network security (VPC)",
    why=(
        "Your networks decide what on the internet can reach your servers. A security group or network "
        "ACL that lets the whole internet reach SSH or RDP is the most common way machines get broken into, "
        "and the default security group tends to collect rules nobody remembers adding. Flow logs are the "
        "record you will need to find out what talked to what after something goes wrong."
    ),
    guide_section="VPC Security; Security Groups; AWS Network Firewall and DDoS Protection",
    severity=Severity.HIGH,
    reads=(
        "sts:GetCallerIdentity", "ec2:DescribeRegions", "ec2:DescribeVpcs", "ec2:DescribeFlowLogs", "ec2:DescribeSecurityGroups",
        "ec2:DescribeSecurityGroupRules", "ec2:DescribeNetworkAcls", "ec2:DescribeNetworkInterfaces",
        "network-firewall:ListFirewalls", "logs:DescribeLogGroups", "iam:GetRole", "s3:ListAllMyBuckets",
        "shield:DescribeSubscription",
    ),
    writes=(
        "ec2:CreateFlowLogs", "iam:CreateRole", "iam:DeleteRole", "iam:PutRolePolicy",
        "iam:DeleteRolePolicy", "iam:PassRole", "logs:CreateLogGroup", "logs:DeleteLogGroup",
        "logs:PutRetentionPolicy", "logs:CreateLogDelivery", "s3:CreateBucket", "s3:DeleteBucket",
        "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress", "ec2:AuthorizeSecurityGroupIngress",
        "ec2:AuthorizeSecurityGroupEgress", "ec2:CreateNetworkAclEntry", "ec2:DeleteNetworkAclEntry",
    ),
    inputs=(
        Input("flow_log_destination", "Flow log destination", _choice, default="cloudwatch", choices=DESTINATIONS,
              help="cloudwatch: a log group (searchable at once, costs more per GB; the wizard creates the "
                   "delivery role). s3: a bucket (cheaper to keep, query with Athena)."),
        Input("flow_log_traffic", "Traffic to log", _choice, default="REJECT", choices=TRAFFIC_TYPES,
              help="REJECT logs only refused connections (smaller, cheaper; enough for CIS). ALL logs every "
                   "flow (best for investigations, more data)."),
        Input("flow_log_bucket", "Flow log bucket", validate_bucket_name, required=False,
              help="Only for the s3 destination: an existing bucket of yours, or a new name the wizard creates."),
        Input("admin_cidr", "Trusted range for SSH/RDP", netrules.validate_cidr, required=False,
              help="Optional. The open SSH/RDP rules are removed; give your office or VPN range (e.g. "
                   "203.0.113.0/24) to re-add them for that range only. Leave empty to just remove them."),
    ),
)

CIS = {
    "flow-logs": (("3.7",), ("EC2.6",)),
    "default-sg-closed": (("5.5",), ("EC2.2",)),
    "sg-admin-ipv4": (("5.3",), ("EC2.53",)),
    "sg-admin-ipv6": (("5.4",), ("EC2.54",)),
    "nacl-admin-ports": (("5.2",), ("EC2.21",)),
}


# --- collect ------------------------------------------------------------------------------------


def _rule(rule: Mapping[str, Any]) -> dict[str, Any]:
    keep = ("SecurityGroupRuleId", "GroupId", "IsEgress", "IpProtocol", "FromPort", "ToPort", "CidrIpv4",
            "CidrIpv6", "PrefixListId", "ReferencedGroupInfo", "Description")
    return {k: rule[k] for k in keep if k in rule}


def _region(aws: Any, region: str) -> dict[str, Any]:
    def read(operation: str, service: str = "ec2", **kw: Any) -> Any:
        return aws.try_read(service, operation, region, paginate=True, **kw)

    out: dict[str, Any] = {}
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
    return out


def collect(aws: Any) -> dict[str, Any]:
    """Per region (concurrently): VPCs, flow logs, security groups and rules, NACLs, ENIs, firewalls."""
    identity = aws.identity()
    regions = aws.per_region(lambda region: _region(aws, region))
    role = aws.try_read("iam", "GetRole", RoleName=FLOW_ROLE, missing=("NoSuchEntity",))
    buckets = aws.try_read("s3", "ListBuckets", paginate=True)  # the same read as the s3 step
    shield = aws.try_read("shield", "DescribeSubscription", missing=("ResourceNotFoundException",))
    return {
        "account_id": identity["Account"],
        "partition": identity["Arn"].split(":")[1] if identity.get("Arn", "").startswith("arn:") else "aws",
        "home_region": aws.home_region,
        "regions": regions,
        "flow_role": role if is_unreadable(role) else bool(role),
        "buckets": buckets if is_unreadable(buckets) else [b["Name"] for b in buckets.get("Buckets", [])],
        "shield": shield if is_unreadable(shield) else bool(shield and shield.get("Subscription")),
    }


# --- analysis (pure) ------------------------------------------------------------------------------


def _default_groups(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [g for g in data["groups"] if g.get("GroupName") == "default"]


def _group_rules(data: Mapping[str, Any], group_id: str) -> list[dict[str, Any]]:
    return [r for r in data["rules"] if r.get("GroupId") == group_id]


def _open_admin_rules(data: Mapping[str, Any]) -> list[tuple[dict, dict]]:
    """(rule, what it opens) for every ingress rule open to the internet on SSH/RDP."""
    out = []
    for rule in data["rules"]:
        opened = netrules.open_admin_rule(rule)
        if opened:
            out.append((rule, opened))
    return out


def _group_name(data: Mapping[str, Any], group_id: str) -> str:
    for g in data["groups"]:
        if g["GroupId"] == group_id:
            return f"{group_id} ({g.get('GroupName')})"
    return group_id


def _ports_text(ports) -> str:
    return " and ".join(f"{netrules.PORT_NAMES[p]} {p}" for p in ports)


def _unused_default_vpcs(regions: Mapping[str, Any]) -> list[tuple[str, str]]:
    out = []
    for region, data in sorted(regions.items()):
        if is_unreadable(data) or is_unreadable(data.get("vpcs")) or is_unreadable(data.get("enis")):
            continue
        if data["enis"]:
            continue
        out.extend((region, v["VpcId"]) for v in data["vpcs"] if v["IsDefault"])
    return out


def evaluate(state: Mapping[str, Any]) -> list[Finding]:
    findings: list[Finding] = []
    for region, data in sorted(state["regions"].items()):
        if is_unreadable(data):
            for check, title in (("flow-logs", "VPC flow logs are on"),
                                 ("default-sg-closed", "Default security groups have no rules"),
                                 ("sg-admin-ipv4", "No security group opens SSH/RDP to 0.0.0.0/0"),
                                 ("sg-admin-ipv6", "No security group opens SSH/RDP to ::/0"),
                                 ("nacl-admin-ports", "No network ACL opens SSH/RDP to the internet")):
                cis, hub = CIS[check]
                findings.append(unknown_finding(check, title, reason_of(data), region=region, cis=cis,
                                                securityhub=hub))
            continue
        findings += _flow_log_findings(region, data)
        findings += _default_sg_findings(region, data)
        findings += _admin_rule_findings(region, data)
        findings += _nacl_findings(region, data)
    findings += _info_findings(state)
    return findings


def _finding(check: str, title: str, status: Status, message: str, region: str | None, resource: str | None = None,
             severity: Severity = Severity.HIGH, fixable: bool = False) -> Finding:
    cis, hub = CIS.get(check, ((), ()))
    return Finding(check, title, status, message, severity=severity, region=region, resource=resource, cis=cis,
                   securityhub=hub, fixable=fixable)


def _flow_log_findings(region: str, data: Mapping[str, Any]) -> list[Finding]:
    title = "VPC flow logs are on"
    for key in ("vpcs", "flow_logs"):
        if is_unreadable(data[key]):
            return [_finding_unknown("flow-logs", title, data[key], region)]
    logged, failing = flow_logs.delivering(data["flow_logs"]), flow_logs.failing(data["flow_logs"])
    missing = [v for v in data["vpcs"] if v["VpcId"] not in logged and v["VpcId"] not in failing]
    broken = [_finding("flow-logs", title, Status.FAIL, f"VPC {vpc}'s flow logs cannot deliver: {why}; check the "
                       "delivery role and destination, then the status in the VPC console.", region, vpc,
                       Severity.MEDIUM) for vpc, why in failing.items()]
    if not missing and not broken:
        count = len(data["vpcs"])
        return [_finding("flow-logs", title, Status.PASS,
                         f"All {count} VPCs record flow logs." if count else "No VPCs in this region.",
                         region, severity=Severity.MEDIUM)]
    return broken + [_finding("flow-logs", title, Status.FAIL,
                     f"VPC {v['VpcId']}{' (default VPC)' if v['IsDefault'] else ''} records no flow logs: "
                     "there would be no record of its traffic to investigate.",
                     region, v["VpcId"], Severity.MEDIUM, fixable=True) for v in missing]


def _finding_unknown(check: str, title: str, value: Any, region: str | None) -> Finding:
    cis, hub = CIS.get(check, ((), ()))
    return unknown_finding(check, title, reason_of(value), region=region, cis=cis, securityhub=hub)


def _default_sg_findings(region: str, data: Mapping[str, Any]) -> list[Finding]:
    title = "Default security groups have no rules"
    for key in ("groups", "rules"):
        if is_unreadable(data[key]):
            return [_finding_unknown("default-sg-closed", title, data[key], region)]
    out = []
    for group in _default_groups(data):
        rules = _group_rules(data, group["GroupId"])
        if not rules:
            continue
        users = _eni_users(data, group["GroupId"])
        used = (f" {len(users)} network interface(s) use it." if isinstance(users, list) and users else "")
        ingress = sum(1 for r in rules if not r.get("IsEgress"))
        out.append(_finding(
            "default-sg-closed", title, Status.FAIL,
            f"The default security group of {group.get('VpcId')} has {ingress} inbound and "
            f"{len(rules) - ingress} outbound rule(s); anything launched without a group gets them.{used}",
            region, group["GroupId"], Severity.MEDIUM, fixable=True))
    if not out:
        out.append(_finding("default-sg-closed", title, Status.PASS,
                            f"The {len(_default_groups(data))} default security group(s) have no rules.",
                            region, severity=Severity.MEDIUM))
    return out


def _eni_users(data: Mapping[str, Any], group_id: str) -> Any:
    if is_unreadable(data["enis"]):
        return data["enis"]
    return [e for e in data["enis"] if group_id in e["Groups"]]


def _admin_rule_findings(region: str, data: Mapping[str, Any]) -> list[Finding]:
    if is_unreadable(data["rules"]):
        return [_finding_unknown("sg-admin-ipv4", "No security group opens SSH/RDP to 0.0.0.0/0", data["rules"], region),
                _finding_unknown("sg-admin-ipv6", "No security group opens SSH/RDP to ::/0", data["rules"], region)]
    by_check: dict[str, dict[str, list]] = {"sg-admin-ipv4": {}, "sg-admin-ipv6": {}}
    for rule, opened in _open_admin_rules(data):
        check = "sg-admin-ipv4" if opened["family"] == "ipv4" else "sg-admin-ipv6"
        by_check[check].setdefault(rule["GroupId"], []).append((rule, opened))
    out = []
    for check, world in (("sg-admin-ipv4", "0.0.0.0/0"), ("sg-admin-ipv6", "::/0")):
        title = f"No security group opens SSH/RDP to {world}"
        if not by_check[check]:
            out.append(_finding(check, title, Status.PASS, f"No inbound rule opens SSH or RDP to {world}.", region))
        for group_id, items in sorted(by_check[check].items()):
            ports = sorted({p for _, o in items for p in o["ports"]})
            ids = ", ".join(r["SecurityGroupRuleId"] for r, _ in items)
            out.append(_finding(
                check, title, Status.FAIL,
                f"Security group {_group_name(data, group_id)} lets anyone on the internet ({world}) reach "
                f"{_ports_text(ports)} (rules {ids}).",
                region, group_id, Severity.HIGH, fixable=True))
    return out


def _nacl_findings(region: str, data: Mapping[str, Any]) -> list[Finding]:
    title = "No network ACL opens SSH/RDP to the internet"
    if is_unreadable(data["nacls"]):
        return [_finding_unknown("nacl-admin-ports", title, data["nacls"], region)]
    out = []
    for nacl in data["nacls"]:
        exposed = netrules.nacl_exposure(nacl["Entries"])
        if not exposed:
            continue
        parts = [f"{netrules.PORT_NAMES[e['port']]} {e['port']} from {netrules.WORLD[e['family']]} "
                 f"(rule {e['rule_number']})" for e in sorted(exposed, key=lambda e: (e["family"], e["port"]))]
        out.append(_finding(
            "nacl-admin-ports", title, Status.FAIL,
            f"Network ACL {nacl['NetworkAclId']} of {nacl.get('VpcId')} allows inbound " + "; ".join(parts) + ".",
            region, nacl["NetworkAclId"], Severity.MEDIUM, fixable=True))
    if not out:
        out.append(_finding("nacl-admin-ports", title, Status.PASS,
                            "No network ACL lets the internet reach SSH or RDP.", region, severity=Severity.MEDIUM))
    return out


def _info_findings(state: Mapping[str, Any]) -> list[Finding]:
    regions = state["regions"]
    out = []
    unused = _unused_default_vpcs(regions)
    title = "Default VPCs in regions without workloads"
    if unused:
        names = ", ".join(r for r, _ in unused)
        out.append(Finding(
            "default-vpc-unused", title, Status.MANUAL,
            f"{len(unused)} region(s) have a default VPC and nothing running in it: {names}. Deleting an unused "
            "default VPC removes a ready-made public network that someone could launch into by mistake; it can "
            "be re-created later (CreateDefaultVpc).", severity=Severity.LOW))
    else:
        out.append(Finding("default-vpc-unused", title, Status.PASS,
                           "No default VPC sits unused in a region without workloads.", severity=Severity.LOW))
    readable = {r: d for r, d in regions.items() if not is_unreadable(d) and not is_unreadable(d.get("firewalls"))}
    title = "AWS Network Firewall"
    if not readable and regions:
        out.append(unknown_finding("network-firewall", title, "no region's firewalls could be read",
                                   severity=Severity.INFO))
    else:
        used = sorted(r for r, d in readable.items() if d["firewalls"])
        if used:
            out.append(Finding("network-firewall", title, Status.PASS,
                               f"Network Firewall is deployed in: {', '.join(used)}.", severity=Severity.INFO))
        else:
            out.append(Finding(
                "network-firewall", title, Status.MANUAL,
                "No Network Firewall is deployed. Security groups and NACLs match ports and addresses; Network "
                "Firewall adds inspection rules (Suricata-compatible) for traffic leaving or entering a VPC, such as "
                "blocking known malware domains. Consider it once workloads handle sensitive traffic. Cost: billed "
                "per firewall endpoint hour (roughly US$0.40/hour each, about US$290/month) plus per GB inspected.",
                severity=Severity.INFO))
    shield = state.get("shield")
    title = "AWS Shield Advanced"
    if is_unreadable(shield):
        out.append(unknown_finding("shield-advanced", title, reason_of(shield), severity=Severity.INFO))
    elif shield:
        out.append(Finding("shield-advanced", title, Status.PASS, "Shield Advanced is subscribed.",
                           severity=Severity.INFO))
    else:
        out.append(Finding(
            "shield-advanced", title, Status.MANUAL,
            "No Shield Advanced subscription. Every account already has Shield Standard against common network "
            "floods at no charge. Shield Advanced adds DDoS response help and cost protection for public "
            "applications; it costs US$3,000 per month with a one-year commitment, so it suits businesses whose "
            "public endpoints must stay up.", severity=Severity.INFO))
    return out


# --- plan (pure) ------------------------------------------------------------------------------------


def _answer(answers: Mapping[str, str], name: str) -> str:
    for item in INFO.inputs:
        if item.name == name:
            return (answers.get(name) or item.default or "").strip()
    raise KeyError(name)


def _input(name: str) -> Input:
    return next(i for i in INFO.inputs if i.name == name)


def plan(state: Mapping[str, Any], answers: Mapping[str, str]) -> Plan:
    regions = {r: d for r, d in sorted(state["regions"].items()) if not is_unreadable(d)}
    changes: list[Change] = []
    notes: list[str] = []
    needs: list[str] = []

    flow = _flow_log_changes(state, regions, answers, needs, notes)
    changes += flow
    changes += _default_sg_changes(regions)
    admin, admin_needs = _admin_rule_changes(regions, answers, notes)
    changes += admin
    needs += admin_needs
    changes += _nacl_changes(regions, notes)
    if needs:
        return Plan(INFO.id, needs=tuple(dict.fromkeys(needs)), notes=tuple(notes))
    return with_retries(Plan(INFO.id, changes=tuple(changes), notes=tuple(notes)))


def _flow_log_changes(state, regions, answers, needs, notes) -> list[Change]:
    missing = flow_logs.missing_flow_logs(regions)
    if not missing:
        return []
    errors = {}
    for name in ("flow_log_destination", "flow_log_traffic"):
        error = _input(name).check(_answer(answers, name))
        if error:
            errors[name] = error
    destination = _answer(answers, "flow_log_destination")
    bucket = _answer(answers, "flow_log_bucket")
    if destination == "s3":
        error = _input("flow_log_bucket").check(bucket) if bucket else "Flow log bucket is required for the s3 destination"
        if error:
            errors["flow_log_bucket"] = error
    if errors:
        needs.extend(errors)
        notes.extend(errors.values())
        return []
    traffic = _answer(answers, "flow_log_traffic")
    account, partition = state["account_id"], state.get("partition", "aws")
    cost = ("Flow logs are billed per GB of log data delivered (vended logs, about US$0.50/GB into CloudWatch Logs "
            "or US$0.25/GB to S3 in us-east-1, less at volume) plus storage. REJECT logs much less data than ALL.")
    changes: list[Change] = []
    if destination == "cloudwatch":
        role_arn = f"arn:{partition}:iam::{account}:role/{FLOW_ROLE}"
        if is_unreadable(state["flow_role"]):
            notes.append(f"Could not check whether the role {FLOW_ROLE} exists ({reason_of(state['flow_role'])}); "
                         "the plan creates it.")
        if state["flow_role"] is not True:
            trust = {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": account},
                              "ArnLike": {"aws:SourceArn": f"arn:{partition}:ec2:*:{account}:vpc-flow-log/*"}}}]}
            policy = {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups",
                           "logs:DescribeLogStreams"],
                "Resource": [f"arn:{partition}:logs:*:{account}:log-group:{LOG_GROUP}",
                             f"arn:{partition}:logs:*:{account}:log-group:{LOG_GROUP}:*"]}]}
            changes.append(Change(
                reason=f"Create the role {FLOW_ROLE} that the flow logs service assumes to write into CloudWatch Logs "
                       "(trusted by vpc-flow-logs.amazonaws.com, for this account's flow logs only).",
                call=Call("iam", "CreateRole", {"RoleName": FLOW_ROLE, "AssumeRolePolicyDocument": json.dumps(trust),
                                                "Description": "Delivers VPC flow logs (made by aws-essentials)"}),
                before=None, after={"RoleName": FLOW_ROLE, "trust": "vpc-flow-logs.amazonaws.com"},
                undo=Call("iam", "DeleteRole", {"RoleName": FLOW_ROLE})))
            changes.append(Change(
                reason=f"Let the role write only to the {LOG_GROUP} log groups.",
                call=Call("iam", "PutRolePolicy", {"RoleName": FLOW_ROLE, "PolicyName": FLOW_POLICY,
                                                   "PolicyDocument": json.dumps(policy)}),
                before=None, after=policy,
                undo=Call("iam", "DeleteRolePolicy", {"RoleName": FLOW_ROLE, "PolicyName": FLOW_POLICY})))
        for region, vpcs in missing.items():
            if regions[region].get("log_group") is not True:
                changes.append(Change(
                    reason=f"Create the log group {LOG_GROUP} in {region} for the flow logs.",
                    call=Call("logs", "CreateLogGroup", {"logGroupName": LOG_GROUP}, region),
                    before=None, after=LOG_GROUP, cost_note=cost,
                    undo=Call("logs", "DeleteLogGroup", {"logGroupName": LOG_GROUP}, region)))
                changes.append(Change(
                    reason=f"Keep flow logs {LOG_RETENTION_DAYS} days, so storage does not grow for ever.",
                    call=Call("logs", "PutRetentionPolicy",
                              {"logGroupName": LOG_GROUP, "retentionInDays": LOG_RETENTION_DAYS}, region),
                    before="never expire", after=f"{LOG_RETENTION_DAYS} days",
                    undo_note="removed together with the log group when that is undone"))
            changes.append(Change(
                reason=f"Record {traffic} traffic of {', '.join(vpcs)} in {region} to CloudWatch Logs ({LOG_GROUP}).",
                call=Call("ec2", "CreateFlowLogs", {
                    "ResourceIds": list(vpcs), "ResourceType": "VPC", "TrafficType": traffic,
                    "LogDestinationType": "cloud-watch-logs", "LogGroupName": LOG_GROUP,
                    "DeliverLogsPermissionArn": role_arn}, region),
                before="no flow logs", after=f"{traffic} -> {LOG_GROUP}", cost_note=cost,
                warning="A new role can take a minute to be usable; if delivery shows an access error at first, "
                        "it clears by itself.",
                undo_note="DeleteFlowLogs with the flow log ids shown in the journal's response for this change"))
    else:
        buckets = state.get("buckets")
        if is_unreadable(buckets):
            notes.append(f"Could not list buckets ({reason_of(buckets)}); the plan assumes {bucket} exists.")
        elif bucket not in buckets:
            home = state.get("home_region") or "us-east-1"
            params: dict[str, Any] = {"Bucket": bucket}
            if home != "us-east-1":
                params["CreateBucketConfiguration"] = {"LocationConstraint": home}
            changes.append(Change(
                reason=f"Create the bucket {bucket} in {home} for the flow logs (new buckets block public access).",
                call=Call("s3", "CreateBucket", params, home), before=None, after=bucket, cost_note=cost,
                undo=Call("s3", "DeleteBucket", {"Bucket": bucket}, home),
                undo_note="DeleteBucket works only once the bucket is empty"))
        for region, vpcs in missing.items():
            changes.append(Change(
                reason=f"Record {traffic} traffic of {', '.join(vpcs)} in {region} to s3://{bucket}.",
                call=Call("ec2", "CreateFlowLogs", {
                    "ResourceIds": list(vpcs), "ResourceType": "VPC", "TrafficType": traffic,
                    "LogDestinationType": "s3", "LogDestination": f"arn:{partition}:s3:::{bucket}"}, region),
                before="no flow logs", after=f"{traffic} -> s3://{bucket}", cost_note=cost,
                warning="AWS adds a statement to the bucket policy so that log delivery can write to it.",
                undo_note="DeleteFlowLogs with the flow log ids shown in the journal's response for this change"))
    return changes


def _permission(rule: Mapping[str, Any]) -> dict[str, Any]:
    """The IpPermissions item that re-creates one security group rule (for undo)."""
    perm: dict[str, Any] = {"IpProtocol": rule.get("IpProtocol", "-1")}
    if str(perm["IpProtocol"]) not in ("-1",) and rule.get("FromPort") is not None:
        perm["FromPort"] = rule["FromPort"]
        perm["ToPort"] = rule.get("ToPort")
    desc = {"Description": rule["Description"]} if rule.get("Description") else {}
    if rule.get("CidrIpv4"):
        perm["IpRanges"] = [{"CidrIp": rule["CidrIpv4"], **desc}]
    elif rule.get("CidrIpv6"):
        perm["Ipv6Ranges"] = [{"CidrIpv6": rule["CidrIpv6"], **desc}]
    elif rule.get("PrefixListId"):
        perm["PrefixListIds"] = [{"PrefixListId": rule["PrefixListId"], **desc}]
    elif rule.get("ReferencedGroupInfo"):
        perm["UserIdGroupPairs"] = [{"GroupId": rule["ReferencedGroupInfo"].get("GroupId"), **desc}]
    return perm


def _rule_text(rule: Mapping[str, Any]) -> str:
    proto = str(rule.get("IpProtocol"))
    ports = "all ports" if proto == "-1" else f"{proto} {rule.get('FromPort')}-{rule.get('ToPort')}"
    source = (rule.get("CidrIpv4") or rule.get("CidrIpv6") or rule.get("PrefixListId")
              or (rule.get("ReferencedGroupInfo") or {}).get("GroupId") or "?")
    return f"{rule['SecurityGroupRuleId']}: {'out to' if rule.get('IsEgress') else 'in from'} {source}, {ports}"


def _default_sg_changes(regions: Mapping[str, Any]) -> list[Change]:
    changes = []
    for region, data in regions.items():
        if is_unreadable(data["groups"]) or is_unreadable(data["rules"]):
            continue
        for group in _default_groups(data):
            rules = _group_rules(data, group["GroupId"])
            if not rules:
                continue
            users = _eni_users(data, group["GroupId"])
            warning, risky = "", False
            if is_unreadable(users):
                warning = (f"Could not list the network interfaces that use this group ({reason_of(users)}); "
                           "anything relying on these rules loses them.")
                risky = True
            elif users:
                listed = ", ".join(f"{e['NetworkInterfaceId']}"
                                   + (f" ({e['InstanceId']})" if e.get("InstanceId") else
                                      f" ({e['Description']})" if e.get("Description") else "")
                                   for e in users[:10])
                more = f" and {len(users) - 10} more" if len(users) > 10 else ""
                warning = (f"{len(users)} network interface(s) use this default group: {listed}{more}. Removing its "
                           "rules cuts the traffic they allow; give those resources their own security group first.")
                risky = True
            for egress, operation, undo_op in ((False, "RevokeSecurityGroupIngress", "AuthorizeSecurityGroupIngress"),
                                               (True, "RevokeSecurityGroupEgress", "AuthorizeSecurityGroupEgress")):
                chosen = [r for r in rules if bool(r.get("IsEgress")) == egress]
                if not chosen:
                    continue
                changes.append(Change(
                    reason=f"Remove every {'outbound' if egress else 'inbound'} rule of the default security group "
                           f"{group['GroupId']} ({group.get('VpcId')}) in {region}: resources should use groups "
                           "made for them.",
                    call=Call("ec2", operation, {"GroupId": group["GroupId"],
                                                 "SecurityGroupRuleIds": [r["SecurityGroupRuleId"] for r in chosen]},
                              region),
                    before=[_rule_text(r) for r in chosen], after=[],
                    undo=Call("ec2", undo_op, {"GroupId": group["GroupId"],
                                               "IpPermissions": [_permission(r) for r in chosen]}, region),
                    warning=warning, risky=risky))
    return changes


def _admin_rule_changes(regions: Mapping[str, Any], answers: Mapping[str, str], notes: list[str]):
    cidr = _answer(answers, "admin_cidr")
    if cidr:
        error = _input("admin_cidr").check(cidr)
        if error:
            notes.append(error)
            return [], ["admin_cidr"]
    changes: list[Change] = []
    for region, data in regions.items():
        if is_unreadable(data["rules"]) or is_unreadable(data["groups"]):
            continue
        defaults = {g["GroupId"] for g in _default_groups(data)}
        by_group: dict[str, list[dict]] = {}
        for rule, _opened in _open_admin_rules(data):
            if rule["GroupId"] in defaults:
                continue  # the default group loses all its rules above
            by_group.setdefault(rule["GroupId"], []).append(rule)
        for group_id, rules in sorted(by_group.items()):
            if cidr:
                existing = {(str(r.get("IpProtocol")), r.get("FromPort"), r.get("ToPort"),
                             r.get("CidrIpv4") or r.get("CidrIpv6")) for r in data["rules"]
                            if r.get("GroupId") == group_id and not r.get("IsEgress")}
                wanted = []
                for rule in rules:
                    key = (str(rule.get("IpProtocol")), rule.get("FromPort"), rule.get("ToPort"), cidr)
                    if key not in existing and key not in {k for k, _ in wanted}:
                        wanted.append((key, rule))
                if wanted:
                    family = "Ipv6Ranges" if ":" in cidr else "IpRanges"
                    field = "CidrIpv6" if ":" in cidr else "CidrIp"
                    perms = []
                    for _key, rule in wanted:
                        perm = {k: v for k, v in _permission(rule).items()
                                if k in ("IpProtocol", "FromPort", "ToPort")}
                        perm[family] = [{field: cidr, "Description": "admin access (aws-essentials)"}]
                        perms.append(perm)
                    undo_perms = [{**p, family: [{field: cidr}]} for p in perms]
                    changes.append(Change(
                        reason=f"Allow the same ports from {cidr} only, before removing the open rules of "
                               f"{_group_name(data, group_id)} in {region}.",
                        call=Call("ec2", "AuthorizeSecurityGroupIngress",
                                  {"GroupId": group_id, "IpPermissions": perms}, region),
                        before=None, after=[f"in from {cidr}" for _ in perms],
                        undo=Call("ec2", "RevokeSecurityGroupIngress",
                                  {"GroupId": group_id, "IpPermissions": undo_perms}, region)))
            changes.append(Change(
                reason=f"Remove the rules of {_group_name(data, group_id)} in {region} that let the whole internet "
                       "reach SSH/RDP; other rules of the group stay as they are.",
                call=Call("ec2", "RevokeSecurityGroupIngress",
                          {"GroupId": group_id, "SecurityGroupRuleIds": [r["SecurityGroupRuleId"] for r in rules]},
                          region),
                before=[_rule_text(r) for r in rules], after=[],
                undo=Call("ec2", "AuthorizeSecurityGroupIngress",
                          {"GroupId": group_id, "IpPermissions": [_permission(r) for r in rules]}, region),
                warning="" if cidr else ("Anyone connecting over SSH/RDP from the internet to instances in this group "
                                         "is cut off; use Session Manager, or give your range in 'Trusted range'.")))
    return changes, []


def _nacl_changes(regions: Mapping[str, Any], notes: list[str]) -> list[Change]:
    changes = []
    warning = ("Network ACLs are stateless and apply to whole subnets: these deny entries refuse every inbound "
               "SSH/RDP connection from the internet to any instance in the subnets using this ACL, whatever their "
               "security groups say. Make sure nobody administers those instances over the internet (use Session "
               "Manager or a VPN). Type the account id to confirm.")
    for region, data in regions.items():
        if is_unreadable(data["nacls"]):
            continue
        for nacl in data["nacls"]:
            exposed = netrules.nacl_exposure(nacl["Entries"])
            if not exposed:
                continue
            first_allow = min(e["rule_number"] for e in exposed)
            pairs = sorted({(e["family"], e["port"]) for e in exposed})
            numbers = netrules.free_rule_numbers(nacl["Entries"], first_allow, len(pairs))
            if numbers is None:
                notes.append(f"Network ACL {nacl['NetworkAclId']} in {region} has no free rule number below "
                             f"{first_allow}; renumber its entries in the console, then run this step again.")
                continue
            for number, (family, port) in zip(numbers, pairs):
                cidr_key = "CidrBlock" if family == "ipv4" else "Ipv6CidrBlock"
                params = {"NetworkAclId": nacl["NetworkAclId"], "RuleNumber": number, "Protocol": "6",
                          "RuleAction": "deny", "Egress": False, cidr_key: netrules.WORLD[family],
                          "PortRange": {"From": port, "To": port}}
                changes.append(Change(
                    reason=f"Refuse {netrules.PORT_NAMES[port]} ({port}) from {netrules.WORLD[family]} in network ACL "
                           f"{nacl['NetworkAclId']} ({nacl.get('VpcId')}, {region}), ahead of the allow entry "
                           f"{first_allow}.",
                    call=Call("ec2", "CreateNetworkAclEntry", params, region),
                    before=f"rule {first_allow} allows it", after=f"rule {number} denies it",
                    undo=Call("ec2", "DeleteNetworkAclEntry", {"NetworkAclId": nacl["NetworkAclId"],
                                                                "RuleNumber": number, "Egress": False}, region),
                    warning=warning, risky=True))
    return changes
