"""Network security: VPC flow logs, security groups, network ACLs, default VPCs, firewall and DDoS services.

The reads are in steps/vpc_collect.py; the changes in steps/vpc_flow_logs.py (flow logs),
steps/security_groups.py (security group rules) and steps/netrules.py (network ACL entries).
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from steps import netrules
from steps import vpc_flow_logs as flow_logs
from steps.base import Change, Finding, Input, Plan, Severity, StepInfo, is_unreadable, reason_of, unreadable
from steps.arns import with_ec2_arns
from steps.checks import ACCOUNT, AUTOMATIC, Check
from steps.netrules import nacl_changes as _nacl_changes
from steps.propagation import with_retries
from steps.security_groups import (
    admin_rule_changes, default_groups as _default_groups, default_sg_changes, group_name as _group_name,
    group_rules as _group_rules, open_admin_rules as _open_admin_rules,
)
from steps.sg_usage import interface_users
from steps.vpc_collect import State, collect  # noqa: F401  (the step's read and its state)
from steps.vpc_peering import PEERING_ROUTES, peering_finding
from steps.vpc_flow_logs import FLOW_POLICY, FLOW_ROLE, LOG_GROUP, LOG_RETENTION_DAYS  # noqa: F401

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


FLOW_LOGS = Check("flow-logs", "VPC flow logs are on", Severity.MEDIUM, ("3.7",), ("EC2.6",), AUTOMATIC)
DEFAULT_SG = Check("default-sg-closed", "Default security groups have no rules", Severity.MEDIUM, ("5.5",), ("EC2.2",),
                   AUTOMATIC)
SG_ADMIN_IPV4 = Check("sg-admin-ipv4", "No security group opens SSH/RDP to 0.0.0.0/0", Severity.HIGH, ("5.3",),
                      ("EC2.53",), AUTOMATIC)
SG_ADMIN_IPV6 = Check("sg-admin-ipv6", "No security group opens SSH/RDP to ::/0", Severity.HIGH, ("5.4",),
                      ("EC2.54",), AUTOMATIC)
NACL_ADMIN = Check("nacl-admin-ports", "No network ACL opens SSH/RDP to the internet", Severity.MEDIUM, ("5.2",),
                   ("EC2.21",), AUTOMATIC)
# CIS 5.1.2: Windows file sharing (SMB) open to the internet. Reported, not fixed: unlike SSH/RDP there is no
# trusted range to move it to, and removing it can stop file shares something still mounts.
SG_CIFS = Check("sg-cifs", "No security group opens CIFS (445) to the internet", Severity.HIGH, ("5.1.2",))
DEFAULT_VPC_UNUSED = Check("default-vpc-unused", "Default VPCs in regions without workloads", Severity.LOW,
                           scope=ACCOUNT)
FIREWALL = Check("network-firewall", "AWS Network Firewall", Severity.INFO, scope=ACCOUNT)
SHIELD = Check("shield-advanced", "AWS Shield Advanced", Severity.INFO, scope=ACCOUNT)
CHECKS = (FLOW_LOGS, DEFAULT_SG, SG_ADMIN_IPV4, SG_ADMIN_IPV6, NACL_ADMIN, SG_CIFS, DEFAULT_VPC_UNUSED, FIREWALL, SHIELD,
          PEERING_ROUTES)


INFO = StepInfo(
    id="vpc",
    title="Network security (VPC)",
    short="Network",
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
        "shield:DescribeSubscription", "ec2:DescribeVpcPeeringConnections", "ec2:DescribeRouteTables",
    ),
    writes=(
        "ec2:CreateFlowLogs", "iam:CreateRole", "iam:DeleteRole", "iam:PutRolePolicy",
        "iam:DeleteRolePolicy", "iam:PassRole", "logs:CreateLogGroup", "logs:DeleteLogGroup",
        "logs:PutRetentionPolicy", "logs:CreateLogDelivery", "s3:CreateBucket", "s3:DeleteBucket",
        "s3:GetBucketPolicy", "s3:PutBucketPolicy",  # flow logs to S3: AWS adds the log delivery's statement
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
    checks=CHECKS,
)

REGIONAL = (FLOW_LOGS, DEFAULT_SG, SG_ADMIN_IPV4, SG_ADMIN_IPV6, NACL_ADMIN, SG_CIFS, PEERING_ROUTES)


# --- analysis (pure) ------------------------------------------------------------------------------


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
            findings += [check.unknown(reason_of(data), region=region) for check in REGIONAL]
            continue
        findings += _flow_log_findings(region, data)
        findings += _default_sg_findings(region, data)
        findings += _admin_rule_findings(region, data)
        findings += _cifs_findings(region, data)
        findings += _nacl_findings(region, data)
        findings.append(peering_finding(region, data.get("peering", unreadable("not read"))))
    findings += _info_findings(state)
    return with_ec2_arns(findings, state.get("partition"), state.get("account_id"))


def _flow_log_findings(region: str, data: Mapping[str, Any]) -> list[Finding]:
    for key in ("vpcs", "flow_logs"):
        if is_unreadable(data[key]):
            return [FLOW_LOGS.unknown(reason_of(data[key]), region=region)]
    logged, failing = flow_logs.delivering(data["flow_logs"]), flow_logs.failing(data["flow_logs"])
    missing = [v for v in data["vpcs"] if v["VpcId"] not in logged and v["VpcId"] not in failing]
    # a flow log that cannot deliver is not fixed by adding another: the same role or place would fail too
    broken = [FLOW_LOGS.failed(f"VPC {vpc}'s flow logs cannot deliver: {why}; check the delivery role and "
                               "destination, then the status in the VPC console.", region=region, resource=vpc,
                               fixable=False) for vpc, why in failing.items()]
    if not missing and not broken:
        count = len(data["vpcs"])
        return [FLOW_LOGS.passed(f"All {count} VPCs record flow logs.", region=region) if count else
                FLOW_LOGS.not_applicable("No VPCs in this region.", region=region)]
    return broken + [FLOW_LOGS.failed(
        f"VPC {v['VpcId']}{' (default VPC)' if v['IsDefault'] else ''} records no flow logs: there would be no "
        "record of its traffic to investigate.", region=region, resource=v["VpcId"]) for v in missing]


def _default_sg_findings(region: str, data: Mapping[str, Any]) -> list[Finding]:
    for key in ("groups", "rules"):
        if is_unreadable(data[key]):
            return [DEFAULT_SG.unknown(reason_of(data[key]), region=region)]
    out = []
    for group in _default_groups(data):
        rules = _group_rules(data, group["GroupId"])
        if not rules:
            continue
        users = interface_users(data, group["GroupId"])
        used = (f" {len(users)} network interface(s) use it." if isinstance(users, list) and users else "")
        ingress = sum(1 for r in rules if not r.get("IsEgress"))
        out.append(DEFAULT_SG.failed(
            f"The default security group of {group.get('VpcId')} has {ingress} inbound and "
            f"{len(rules) - ingress} outbound rule(s); anything launched without a group gets them.{used}",
            region=region, resource=group["GroupId"]))
    if not out:
        out.append(DEFAULT_SG.passed(f"The {len(_default_groups(data))} default security group(s) have no rules.",
                                     region=region))
    return out


def _admin_rule_findings(region: str, data: Mapping[str, Any]) -> list[Finding]:
    if is_unreadable(data["rules"]):
        return [check.unknown(reason_of(data["rules"]), region=region) for check in (SG_ADMIN_IPV4, SG_ADMIN_IPV6)]
    by_check: dict[Check, dict[str, list]] = {SG_ADMIN_IPV4: {}, SG_ADMIN_IPV6: {}}
    for rule, opened in _open_admin_rules(data):
        check = SG_ADMIN_IPV4 if opened["family"] == "ipv4" else SG_ADMIN_IPV6
        by_check[check].setdefault(rule["GroupId"], []).append((rule, opened))
    out = []
    for check, world in ((SG_ADMIN_IPV4, "0.0.0.0/0"), (SG_ADMIN_IPV6, "::/0")):
        if not by_check[check]:
            out.append(check.passed(f"No inbound rule opens SSH or RDP to {world}.", region=region))
        for group_id, items in sorted(by_check[check].items()):
            ports = sorted({p for _, o in items for p in o["ports"]})
            ids = ", ".join(r["SecurityGroupRuleId"] for r, _ in items)
            out.append(check.failed(
                f"Security group {_group_name(data, group_id)} lets anyone on the internet ({world}) reach "
                f"{_ports_text(ports)} (rules {ids}).", region=region, resource=group_id))
    return out


def _cifs_findings(region: str, data: Mapping[str, Any]) -> list[Finding]:
    """CIS 5.1.2: Windows file sharing reachable from 0.0.0.0/0 or ::/0 (the admin-port machinery, on port 445)."""
    if is_unreadable(data["rules"]):
        return [SG_CIFS.unknown(reason_of(data["rules"]), region=region)]
    by_group: dict[str, list] = {}
    for rule, opened in _open_admin_rules(data, netrules.CIFS_PORTS):
        by_group.setdefault(rule["GroupId"], []).append((rule, opened))
    if not by_group:
        return [SG_CIFS.passed("No inbound rule opens CIFS (445) to 0.0.0.0/0 or ::/0.", region=region)]
    out = []
    for group_id, items in sorted(by_group.items()):
        worlds = " and ".join(netrules.WORLD[f] for f in sorted({o["family"] for _, o in items}))
        ids = ", ".join(r["SecurityGroupRuleId"] for r, _ in items)
        out.append(SG_CIFS.failed(
            f"Security group {_group_name(data, group_id)} lets anyone on the internet ({worlds}) reach CIFS 445 "
            f"(rules {ids}). Windows file shares must stay inside trusted networks: remove these rules, or narrow "
            "them to your own range (a VPN's, for example), in the VPC console.", region=region, resource=group_id))
    return out


def _nacl_findings(region: str, data: Mapping[str, Any]) -> list[Finding]:
    if is_unreadable(data["nacls"]):
        return [NACL_ADMIN.unknown(reason_of(data["nacls"]), region=region)]
    out = []
    for nacl in data["nacls"]:
        exposed = netrules.nacl_exposure(nacl["Entries"])
        if not exposed:
            continue
        parts = [f"{netrules.PORT_NAMES[e['port']]} {e['port']} from {netrules.WORLD[e['family']]} "
                 f"(rule {e['rule_number']})" for e in sorted(exposed, key=lambda e: (e["family"], e["port"]))]
        out.append(NACL_ADMIN.failed(
            f"Network ACL {nacl['NetworkAclId']} of {nacl.get('VpcId')} allows inbound " + "; ".join(parts) + ".",
            region=region, resource=nacl["NetworkAclId"]))
    if not out:
        out.append(NACL_ADMIN.passed("No network ACL lets the internet reach SSH or RDP.", region=region))
    return out


def _info_findings(state: Mapping[str, Any]) -> list[Finding]:
    regions = state["regions"]
    out = []
    unused = _unused_default_vpcs(regions)
    if unused:
        names = ", ".join(r for r, _ in unused)
        out.append(DEFAULT_VPC_UNUSED.manual(
            f"{len(unused)} region(s) have a default VPC and nothing running in it: {names}. Deleting an unused "
            "default VPC removes a ready-made public network that someone could launch into by mistake; it can "
            "be re-created later (CreateDefaultVpc)."))
    else:
        out.append(DEFAULT_VPC_UNUSED.passed("No default VPC sits unused in a region without workloads."))
    readable = {r: d for r, d in regions.items() if not is_unreadable(d) and not is_unreadable(d.get("firewalls"))}
    if not readable and regions:
        out.append(FIREWALL.unknown("no region's firewalls could be read"))
    else:
        used = sorted(r for r, d in readable.items() if d["firewalls"])
        if used:
            out.append(FIREWALL.passed(f"Network Firewall is deployed in: {', '.join(used)}."))
        else:
            out.append(FIREWALL.manual(
                "No Network Firewall is deployed. Security groups and NACLs match ports and addresses; Network "
                "Firewall adds inspection rules (Suricata-compatible) for traffic leaving or entering a VPC, such as "
                "blocking known malware domains. Consider it once workloads handle sensitive traffic. Cost: billed "
                "per firewall endpoint hour (roughly US$0.40/hour each, about US$290/month) plus per GB inspected."))
    shield = state.get("shield")
    if is_unreadable(shield):
        out.append(SHIELD.unknown(reason_of(shield)))
    elif shield:
        out.append(SHIELD.passed("Shield Advanced is subscribed."))
    else:
        out.append(SHIELD.manual(
            "No Shield Advanced subscription. Every account already has Shield Standard against common network "
            "floods at no charge. Shield Advanced adds DDoS response help and cost protection for public "
            "applications; it costs US$3,000 per month with a one-year commitment, so it suits businesses whose "
            "public endpoints must stay up."))
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
    changes += default_sg_changes(regions)
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
    return flow_logs.flow_log_changes(state, regions, missing, destination, traffic, bucket, notes)


def _admin_rule_changes(regions: Mapping[str, Any], answers: Mapping[str, str], notes: list[str]):
    cidr = _answer(answers, "admin_cidr")
    if cidr:
        error = _input("admin_cidr").check(cidr)
        if error:
            notes.append(error)
            return [], ["admin_cidr"]
    return admin_rule_changes(regions, cidr), []
