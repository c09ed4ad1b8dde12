"""Security groups in the vpc step's per-region state: the default groups, the rules open to the internet
on admin ports, and the changes that close them (each with the undo that re-creates the rules). Pure."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from steps import netrules
from steps.base import PREPARATION, Call, Change, is_unreadable
from steps.sg_usage import revoke_risk


def default_groups(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [g for g in data["groups"] if g.get("GroupName") == "default"]


def group_rules(data: Mapping[str, Any], group_id: str) -> list[dict[str, Any]]:
    return [r for r in data["rules"] if r.get("GroupId") == group_id]


def open_admin_rules(data: Mapping[str, Any], ports: Iterable[int] = netrules.ADMIN_PORTS) -> list[tuple[dict, dict]]:
    """(rule, what it opens) for every ingress rule open to the internet on ``ports`` (SSH/RDP unless told)."""
    out = []
    for rule in data["rules"]:
        opened = netrules.open_admin_rule(rule, ports)
        if opened:
            out.append((rule, opened))
    return out


def admin_checks(data: Mapping[str, Any], group_id: str) -> tuple[str, ...]:
    """The vpc step's checks that ``group_id``'s rules open to the internet on SSH/RDP fail (steps/vpc.py)."""
    families = {opened["family"] for rule, opened in open_admin_rules(data) if rule["GroupId"] == group_id}
    return tuple(f"sg-admin-{family}" for family in ("ipv4", "ipv6") if family in families)


def group_name(data: Mapping[str, Any], group_id: str) -> str:
    for g in data["groups"]:
        if g["GroupId"] == group_id:
            return f"{group_id} ({g.get('GroupName')})"
    return group_id


def permission(rule: Mapping[str, Any]) -> dict[str, Any]:
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


def rule_text(rule: Mapping[str, Any]) -> str:
    proto = str(rule.get("IpProtocol"))
    ports = "all ports" if proto == "-1" else f"{proto} {rule.get('FromPort')}-{rule.get('ToPort')}"
    source = (rule.get("CidrIpv4") or rule.get("CidrIpv6") or rule.get("PrefixListId")
              or (rule.get("ReferencedGroupInfo") or {}).get("GroupId") or "?")
    return f"{rule['SecurityGroupRuleId']}: {'out to' if rule.get('IsEgress') else 'in from'} {source}, {ports}"


def default_sg_changes(regions: Mapping[str, Any]) -> list[Change]:
    changes = []
    for region, data in regions.items():
        if is_unreadable(data["groups"]) or is_unreadable(data["rules"]):
            continue
        for group in default_groups(data):
            rules = group_rules(data, group["GroupId"])
            if not rules:
                continue
            warning, risky = revoke_risk(data, group["GroupId"], "removing its rules cuts the traffic they allow; "
                                         "give those resources their own security group first.")
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
                    before=[rule_text(r) for r in chosen], after=[],
                    undo=Call("ec2", undo_op, {"GroupId": group["GroupId"],
                                               "IpPermissions": [permission(r) for r in chosen]}, region),
                    warning=warning, risky=risky,
                    fixes=("default-sg-closed",) + (() if egress else admin_checks(data, group["GroupId"]))))
    return changes


def admin_rule_changes(regions: Mapping[str, Any], cidr: str) -> list[Change]:
    """Remove the rules open to the internet on SSH/RDP; with ``cidr`` (already checked), re-add them for that range
    first. The default groups are left out: they lose every rule in :func:`default_sg_changes`."""
    changes: list[Change] = []
    for region, data in regions.items():
        if is_unreadable(data["rules"]) or is_unreadable(data["groups"]):
            continue
        defaults = {g["GroupId"] for g in default_groups(data)}
        by_group: dict[str, list[dict]] = {}
        for rule, _opened in open_admin_rules(data):
            if rule["GroupId"] in defaults:
                continue  # the default group loses all its rules above
            by_group.setdefault(rule["GroupId"], []).append(rule)
        for group_id, rules in sorted(by_group.items()):
            warning, risky = revoke_risk(data, group_id, (
                f"anyone reaching those resources over SSH/RDP from outside {cidr} is cut off." if cidr else
                "anyone reaching those resources over SSH/RDP from the internet is cut off; use Session Manager, or "
                "give your range in 'Trusted range'."))
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
                        perm = {k: v for k, v in permission(rule).items()
                                if k in ("IpProtocol", "FromPort", "ToPort")}
                        perm[family] = [{field: cidr, "Description": "admin access (aws-essentials)"}]
                        perms.append(perm)
                    undo_perms = [{**p, family: [{field: cidr}]} for p in perms]
                    changes.append(Change(
                        reason=f"Allow the same ports from {cidr} only, before removing the open rules of "
                               f"{group_name(data, group_id)} in {region}.",
                        call=Call("ec2", "AuthorizeSecurityGroupIngress",
                                  {"GroupId": group_id, "IpPermissions": perms}, region),
                        before=None, after=[f"in from {cidr}" for _ in perms],
                        undo=Call("ec2", "RevokeSecurityGroupIngress",
                                  {"GroupId": group_id, "IpPermissions": undo_perms}, region),
                        fixes=PREPARATION))  # keeps the trusted range in; the removal below fixes the check
            changes.append(Change(
                reason=f"Remove the rules of {group_name(data, group_id)} in {region} that let the whole internet "
                       "reach SSH/RDP; other rules of the group stay as they are.",
                call=Call("ec2", "RevokeSecurityGroupIngress",
                          {"GroupId": group_id, "SecurityGroupRuleIds": [r["SecurityGroupRuleId"] for r in rules]},
                          region),
                before=[rule_text(r) for r in rules], after=[],
                undo=Call("ec2", "AuthorizeSecurityGroupIngress",
                          {"GroupId": group_id, "IpPermissions": [permission(r) for r in rules]}, region),
                warning=warning, risky=risky, fixes=admin_checks(data, group_id)))
    return changes
