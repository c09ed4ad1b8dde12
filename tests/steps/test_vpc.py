"""Pure tests of the vpc step on hand-written state (no sandbox)."""

from __future__ import annotations

import copy
import json

from steps import vpc
from steps.base import Status, unreadable

CW = {"flow_log_destination": "cloudwatch", "flow_log_traffic": "REJECT"}


def region_data():
    return {
        "vpcs": [{"VpcId": "vpc-1", "IsDefault": True, "CidrBlock": "172.31.0.0/16"}],
        "flow_logs": [],
        "groups": [{"GroupId": "sg-d", "GroupName": "default", "VpcId": "vpc-1"},
                   {"GroupId": "sg-web", "GroupName": "web", "VpcId": "vpc-1"}],
        "rules": [
            {"SecurityGroupRuleId": "sgr-out", "GroupId": "sg-d", "IsEgress": True, "IpProtocol": "-1",
             "FromPort": -1, "ToPort": -1, "CidrIpv4": "0.0.0.0/0"},
            {"SecurityGroupRuleId": "sgr-22", "GroupId": "sg-web", "IsEgress": False, "IpProtocol": "tcp",
             "FromPort": 22, "ToPort": 22, "CidrIpv4": "0.0.0.0/0"},
            {"SecurityGroupRuleId": "sgr-443", "GroupId": "sg-web", "IsEgress": False, "IpProtocol": "tcp",
             "FromPort": 443, "ToPort": 443, "CidrIpv4": "10.0.0.0/8"},
        ],
        "nacls": [{"NetworkAclId": "acl-1", "VpcId": "vpc-1", "IsDefault": True, "Subnets": ["subnet-1"], "Entries": [
            {"RuleNumber": 100, "RuleAction": "allow", "Protocol": "-1", "Egress": False, "CidrBlock": "0.0.0.0/0"},
            {"RuleNumber": 32767, "RuleAction": "deny", "Protocol": "-1", "Egress": False, "CidrBlock": "0.0.0.0/0"},
        ]}],
        "enis": [{"NetworkInterfaceId": "eni-1", "VpcId": "vpc-1", "Groups": ["sg-d"], "Description": "",
                  "InstanceId": "i-1"}],
        "firewalls": [],
        "log_group": False,
        "peering": {"connections": [], "routes": []},
    }


def state(**regions):
    return {"account_id": "111122223333", "partition": "aws", "home_region": "us-east-1",
            "regions": regions or {"us-east-1": region_data()}, "flow_role": False, "buckets": ["existing-bucket"],
            "shield": False}


def compliant_region():
    data = region_data()
    data["flow_logs"] = [{"ResourceId": "vpc-1", "FlowLogId": "fl-1"}]
    data["rules"] = [r for r in data["rules"] if r["SecurityGroupRuleId"] == "sgr-443"]
    data["nacls"][0]["Entries"].insert(0, {"RuleNumber": 90, "RuleAction": "deny", "Protocol": "6", "Egress": False,
                                           "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 22, "To": 22}})
    data["nacls"][0]["Entries"].insert(0, {"RuleNumber": 91, "RuleAction": "deny", "Protocol": "6", "Egress": False,
                                           "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 3389, "To": 3389}})
    return data


def by_check(findings):
    out = {}
    for f in findings:
        out.setdefault(f.check, []).append(f)
    return out


def test_insecure_region_fails_each_check_with_ids():
    found = by_check(vpc.evaluate(state()))
    for check, cis, hub in (("flow-logs", "3.7", "EC2.6"), ("default-sg-closed", "5.5", "EC2.2"),
                            ("sg-admin-ipv4", "5.3", "EC2.53"), ("nacl-admin-ports", "5.2", "EC2.21")):
        fail = [f for f in found[check] if f.status is Status.FAIL]
        assert fail, check
        assert fail[0].cis == (cis,) and fail[0].securityhub == (hub,) and fail[0].fixable
        assert fail[0].region == "us-east-1"
    assert [f.status for f in found["sg-admin-ipv6"]] == [Status.PASS]
    assert "sgr-22" in found["sg-admin-ipv4"][0].message and "sgr-443" not in found["sg-admin-ipv4"][0].message
    assert "1 network interface" in found["default-sg-closed"][0].message


def test_compliant_region_passes_and_plans_nothing():
    st = state(**{"us-east-1": compliant_region()})
    findings = vpc.evaluate(st)
    assert not [f for f in findings if f.status in (Status.FAIL, Status.UNKNOWN)]
    assert not vpc.plan(st, CW).changes


def test_unreadable_region_is_unknown_never_fail():
    findings = vpc.evaluate(state(**{"us-east-1": unreadable("access denied: the caller lacks ec2:DescribeVpcs")}))
    assert findings and not [f for f in findings if f.status is Status.FAIL]
    assert {f.check for f in findings if f.status is Status.UNKNOWN} >= {"flow-logs", "nacl-admin-ports"}


def test_one_unreadable_read_only_affects_its_check():
    data = region_data()
    data["nacls"] = unreadable("denied")
    found = by_check(vpc.evaluate(state(**{"us-east-1": data})))
    assert [f.status for f in found["nacl-admin-ports"]] == [Status.UNKNOWN]
    assert found["flow-logs"][0].status is Status.FAIL


def test_flow_logs_cloudwatch_plan_creates_role_group_and_flow_log():
    plan = vpc.plan(state(), CW)
    ops = [c.call.operation for c in plan.automatic]
    assert ops[:4] == ["CreateRole", "PutRolePolicy", "CreateLogGroup", "PutRetentionPolicy"]
    trust = json.loads(plan.automatic[0].call.params["AssumeRolePolicyDocument"])
    assert trust["Statement"][0]["Principal"] == {"Service": "vpc-flow-logs.amazonaws.com"}
    flow = next(c for c in plan.automatic if c.call.operation == "CreateFlowLogs")
    assert flow.call.params["TrafficType"] == "REJECT" and flow.call.params["ResourceIds"] == ["vpc-1"]
    assert flow.call.params["DeliverLogsPermissionArn"] == f"arn:aws:iam::111122223333:role/{vpc.FLOW_ROLE}"
    assert flow.cost_note and flow.call.region == "us-east-1"


def test_flow_logs_existing_role_and_group_are_reused():
    st = state()
    st["flow_role"] = True
    st["regions"]["us-east-1"]["log_group"] = True
    ops = [c.call.operation for c in vpc.plan(st, CW).automatic]
    assert "CreateRole" not in ops and "CreateLogGroup" not in ops and "CreateFlowLogs" in ops


def test_flow_logs_s3_needs_a_valid_bucket():
    plan = vpc.plan(state(), {"flow_log_destination": "s3", "flow_log_traffic": "ALL"})
    assert plan.needs == ("flow_log_bucket",) and not plan.changes
    plan = vpc.plan(state(), {"flow_log_destination": "s3", "flow_log_traffic": "ALL", "flow_log_bucket": "Bad_Name"})
    assert plan.needs == ("flow_log_bucket",) and "bucket name" in plan.notes[0]
    plan = vpc.plan(state(), {"flow_log_destination": "s3", "flow_log_traffic": "ALL", "flow_log_bucket": "new-logs"})
    assert plan.automatic[0].call.operation == "CreateBucket"
    flow = next(c for c in plan.automatic if c.call.operation == "CreateFlowLogs")
    assert flow.call.params["LogDestination"] == "arn:aws:s3:::new-logs" and flow.call.params["TrafficType"] == "ALL"
    plan = vpc.plan(state(), {"flow_log_destination": "s3", "flow_log_traffic": "ALL",
                              "flow_log_bucket": "existing-bucket"})
    assert "CreateBucket" not in [c.call.operation for c in plan.automatic]


def test_bad_traffic_type_is_asked_again():
    plan = vpc.plan(state(), {"flow_log_destination": "cloudwatch", "flow_log_traffic": "SOME"})
    assert plan.needs == ("flow_log_traffic",) and "ALL, REJECT" in plan.notes[0]


def test_open_rule_revoked_by_id_leaving_restricted_rule():
    plan = vpc.plan(state(), CW)
    revoke = [c for c in plan.automatic if c.call.operation == "RevokeSecurityGroupIngress"]
    assert len(revoke) == 1
    assert revoke[0].call.params == {"GroupId": "sg-web", "SecurityGroupRuleIds": ["sgr-22"]}
    assert revoke[0].undo.operation == "AuthorizeSecurityGroupIngress"
    assert revoke[0].undo.params["IpPermissions"] == [
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]


def test_open_rule_readded_for_trusted_cidr_first():
    plan = vpc.plan(state(), {**CW, "admin_cidr": "203.0.113.0/24"})
    ops = [(c.call.operation, c.call.params.get("GroupId")) for c in plan.automatic]
    i_auth = ops.index(("AuthorizeSecurityGroupIngress", "sg-web"))
    i_rev = ops.index(("RevokeSecurityGroupIngress", "sg-web"))
    assert i_auth < i_rev
    perm = plan.automatic[i_auth].call.params["IpPermissions"][0]
    assert perm["FromPort"] == 22 and perm["IpRanges"][0]["CidrIp"] == "203.0.113.0/24"


def test_whole_internet_as_trusted_cidr_is_refused():
    plan = vpc.plan(state(), {**CW, "admin_cidr": "0.0.0.0/0"})
    assert "admin_cidr" in plan.needs and not plan.changes


def test_default_group_in_use_warns_and_is_risky():
    plan = vpc.plan(state(), CW)
    egress = next(c for c in plan.automatic if c.call.operation == "RevokeSecurityGroupEgress")
    assert egress.call.params == {"GroupId": "sg-d", "SecurityGroupRuleIds": ["sgr-out"]}
    assert egress.risky and "eni-1" in egress.warning and "i-1" in egress.warning
    data = region_data()
    data["enis"] = []
    plan = vpc.plan(state(**{"us-east-1": data}), CW)
    egress = next(c for c in plan.automatic if c.call.operation == "RevokeSecurityGroupEgress")
    assert not egress.risky and not egress.warning


def test_nacl_gets_risky_deny_entries_ahead_of_allow():
    plan = vpc.plan(state(), CW)
    entries = [c for c in plan.automatic if c.call.operation == "CreateNetworkAclEntry"]
    assert {c.call.params["PortRange"]["From"] for c in entries} == {22, 3389}
    for c in entries:
        assert c.risky and "stateless" in c.warning
        assert c.call.params["RuleAction"] == "deny" and c.call.params["RuleNumber"] < 100
        assert c.undo.operation == "DeleteNetworkAclEntry"
    # applying them (simulated) makes the NACL compliant
    data = region_data()
    data["nacls"][0]["Entries"] += [{**c.call.params, "CidrBlock": "0.0.0.0/0"} for c in entries]
    assert not vpc._nacl_changes({"us-east-1": data}, [])


def test_default_vpcs_unused_is_information():
    st = state(**{"us-east-1": compliant_region(), "eu-west-3": {**compliant_region(), "enis": []}})
    info = by_check(vpc.evaluate(st))["default-vpc-unused"]
    assert [f.status for f in info] == [Status.MANUAL] and "eu-west-3" in info[0].message
    assert "us-east-1" not in info[0].message


def test_firewall_and_shield_are_information_with_costs():
    found = by_check(vpc.evaluate(state()))
    assert found["network-firewall"][0].status is Status.MANUAL and "US$" in found["network-firewall"][0].message
    assert found["shield-advanced"][0].status is Status.MANUAL and "3,000" in found["shield-advanced"][0].message
    st = state()
    st["shield"] = True
    st["regions"]["us-east-1"]["firewalls"] = ["edge"]
    found = by_check(vpc.evaluate(st))
    assert found["network-firewall"][0].status is Status.PASS and found["shield-advanced"][0].status is Status.PASS


def test_plan_is_pure_and_deterministic():
    st = state()
    before = copy.deepcopy(st)
    assert vpc.plan(st, CW).fingerprint == vpc.plan(st, CW).fingerprint
    assert st == before


# --- CIS 5.1.2: CIFS (445) open to the internet ----------------------------------------------------


def _with_rules(*rules):
    data = compliant_region()
    data["rules"] = data["rules"] + [{"SecurityGroupRuleId": f"sgr-{i}", "GroupId": "sg-web", "IsEgress": False,
                                      **rule} for i, rule in enumerate(rules)]
    return state(**{"us-east-1": data})


def test_cifs_open_to_either_internet_fails_cis_5_1_2_per_group():
    st = _with_rules({"IpProtocol": "tcp", "FromPort": 445, "ToPort": 445, "CidrIpv4": "0.0.0.0/0"},
                     {"IpProtocol": "6", "FromPort": 440, "ToPort": 450, "CidrIpv6": "::/0"})
    found = by_check(vpc.evaluate(st))["sg-cifs"]
    assert [f.status for f in found] == [Status.FAIL]
    fail = found[0]
    assert fail.cis == ("5.1.2",) and fail.region == "us-east-1"
    assert fail.resource == "arn:aws:ec2:us-east-1:111122223333:security-group/sg-web"  # the group's ARN
    assert "sgr-0, sgr-1" in fail.message and "0.0.0.0/0 and ::/0" in fail.message
    assert not fail.fixable and not vpc.plan(st, CW).changes  # reported, never revoked behind anyone's back
    # the SSH/RDP checks are not fooled into failing by a CIFS-only rule
    assert {f.status for f in vpc.evaluate(st) if f.check.startswith("sg-admin")} == {Status.PASS}


def test_all_traffic_from_the_internet_opens_cifs_too():
    st = _with_rules({"IpProtocol": "-1", "FromPort": -1, "ToPort": -1, "CidrIpv4": "0.0.0.0/0"})
    assert [f.status for f in by_check(vpc.evaluate(st))["sg-cifs"]] == [Status.FAIL]


def test_cifs_from_a_private_range_outbound_or_over_udp_passes():
    st = _with_rules({"IpProtocol": "tcp", "FromPort": 445, "ToPort": 445, "CidrIpv4": "10.0.0.0/8"},
                     {"IpProtocol": "udp", "FromPort": 445, "ToPort": 445, "CidrIpv4": "0.0.0.0/0"},
                     {"IpProtocol": "tcp", "FromPort": 446, "ToPort": 3000, "CidrIpv4": "0.0.0.0/0"},
                     {"IpProtocol": "tcp", "FromPort": 445, "ToPort": 445, "CidrIpv4": "0.0.0.0/0", "IsEgress": True})
    assert [f.status for f in by_check(vpc.evaluate(st))["sg-cifs"]] == [Status.PASS]


def test_cifs_is_unknown_when_the_rules_or_the_region_could_not_be_read():
    data = compliant_region()
    data["rules"] = unreadable("ec2:DescribeSecurityGroupRules denied")
    found = by_check(vpc.evaluate(state(**{"us-east-1": data})))["sg-cifs"]
    assert [f.status for f in found] == [Status.UNKNOWN] and found[0].cis == ("5.1.2",)
    whole = by_check(vpc.evaluate(state(**{"us-east-1": unreadable("region denied")})))["sg-cifs"]
    assert [f.status for f in whole] == [Status.UNKNOWN]
