"""Pure tests of the port-range logic behind CIS 5.2-5.4."""

from __future__ import annotations

import pytest

from steps import netrules


def rule(proto, low, high, v4=None, v6=None, egress=False, rid="sgr-1"):
    r = {"SecurityGroupRuleId": rid, "GroupId": "sg-1", "IsEgress": egress, "IpProtocol": proto,
         "FromPort": low, "ToPort": high}
    if v4:
        r["CidrIpv4"] = v4
    if v6:
        r["CidrIpv6"] = v6
    return r


@pytest.mark.parametrize("proto,low,high,expected", [
    ("tcp", 0, 65535, (22, 3389)),       # every port
    ("tcp", 20, 25, (22,)),              # a range that contains 22 only
    ("-1", -1, -1, (22, 3389)),          # all traffic
    ("-1", None, None, (22, 3389)),
    ("tcp", 2222, 2222, ()),             # 2222 is not 22
    ("tcp", 3389, 3389, (3389,)),
    ("6", 3000, 4000, (3389,)),          # protocol number
    ("udp", 0, 65535, ()),               # not TCP
    ("icmp", -1, -1, ()),
    ("tcp", 23, 3388, ()),               # the gap between the two
])
def test_exposed_ports(proto, low, high, expected):
    assert netrules.exposed_ports(proto, low, high) == expected


def test_open_rule_ipv4_and_ipv6():
    assert netrules.open_admin_rule(rule("tcp", 22, 22, v4="0.0.0.0/0")) == {"family": "ipv4", "ports": (22,)}
    assert netrules.open_admin_rule(rule("tcp", 3389, 3389, v6="::/0")) == {"family": "ipv6", "ports": (3389,)}
    assert netrules.open_admin_rule(rule("-1", -1, -1, v6="::/0"))["ports"] == (22, 3389)


@pytest.mark.parametrize("r", [
    rule("tcp", 22, 22, v4="10.0.0.0/8"),            # restricted source
    rule("tcp", 22, 22, v4="0.0.0.0/1"),             # half the internet is not "the internet" rule
    rule("tcp", 2222, 2222, v4="0.0.0.0/0"),         # other port
    rule("tcp", 443, 443, v6="::/0"),
    rule("-1", -1, -1, v4="0.0.0.0/0", egress=True),  # outbound
])
def test_not_open(r):
    assert netrules.open_admin_rule(r) is None


def entry(number, action, proto="-1", cidr="0.0.0.0/0", ports=None, egress=False, v6=False):
    e = {"RuleNumber": number, "RuleAction": action, "Protocol": proto, "Egress": egress}
    e["Ipv6CidrBlock" if v6 else "CidrBlock"] = "::/0" if v6 and cidr == "0.0.0.0/0" else cidr
    if ports:
        e["PortRange"] = {"From": ports[0], "To": ports[1]}
    return e


DEFAULT_NACL = [entry(100, "allow"), entry(32767, "deny"), entry(100, "allow", egress=True),
                entry(32767, "deny", egress=True)]


def test_nacl_allow_all_exposes_both_ports():
    exposed = netrules.nacl_exposure(DEFAULT_NACL)
    assert {(e["family"], e["port"], e["rule_number"]) for e in exposed} == {("ipv4", 22, 100), ("ipv4", 3389, 100)}


def test_nacl_deny_ahead_of_allow_hides_it():
    entries = DEFAULT_NACL + [entry(90, "deny", "6", ports=(22, 22)), entry(91, "deny", "6", ports=(3389, 3389))]
    assert netrules.nacl_exposure(entries) == []


def test_nacl_deny_after_allow_does_not_help():
    entries = DEFAULT_NACL + [entry(110, "deny", "6", ports=(22, 22))]
    assert {e["port"] for e in netrules.nacl_exposure(entries)} == {22, 3389}


def test_nacl_ipv6_range_and_narrow_sources():
    entries = [entry(100, "allow", "6", ports=(20, 25), v6=True), entry(50, "allow", "6", cidr="10.0.0.0/8", ports=(0, 65535)),
               entry(120, "allow", "6", ports=(2222, 2222))]
    assert netrules.nacl_exposure(entries) == [{"family": "ipv6", "port": 22, "rule_number": 100}]


def test_nacl_egress_ignored():
    assert netrules.nacl_exposure([entry(100, "allow", egress=True)]) == []


def test_free_rule_numbers():
    assert netrules.free_rule_numbers(DEFAULT_NACL, 100, 2) == [98, 99]
    assert netrules.free_rule_numbers([entry(99, "deny"), entry(100, "allow")], 100, 2) == [97, 98]
    assert netrules.free_rule_numbers([entry(1, "allow")], 1, 1) is None


@pytest.mark.parametrize("value,ok", [
    ("203.0.113.0/24", True), ("2001:db8::/32", True), ("198.51.100.7/32", True),
    ("0.0.0.0/0", False), ("::/0", False), ("203.0.113.5", False), ("203.0.113.5/24", False), ("nonsense/8", False),
])
def test_validate_cidr(value, ok):
    assert (netrules.validate_cidr(value) is None) is ok
