"""Pure network-rule logic: which security group rules and network ACL entries expose admin ports
(and, for security groups, CIFS).

No AWS calls here: the functions take the plain dictionaries that ``DescribeSecurityGroupRules``
and ``DescribeNetworkAcls`` return, so they can be tested on hand-written data.

The admin ports are SSH (22) and RDP (3389). A rule counts when its protocol is TCP (``tcp``/``6``)
or "all traffic" (``-1``), its port range includes the port, and its source is the whole IPv4
(``0.0.0.0/0``) or IPv6 (``::/0``) internet. CIFS (SMB, 445) is judged the same way (CIS 5.1.2).
"""

from __future__ import annotations

import ipaddress
from typing import Any, Iterable, Mapping

from steps.base import Call, Change, is_unreadable

ADMIN_PORTS = (22, 3389)
CIFS_PORTS = (445,)  # Windows file sharing (SMB over TCP)
PORT_NAMES = {22: "SSH", 3389: "RDP", 445: "CIFS"}
WORLD = {"ipv4": "0.0.0.0/0", "ipv6": "::/0"}
_TCP = {"tcp", "6"}
_ALL = {"-1", "all"}


def covers(protocol: Any, from_port: Any, to_port: Any, port: int) -> bool:
    """Whether a rule on ``protocol`` from ``from_port`` to ``to_port`` lets TCP traffic reach ``port``.

    "All traffic" (-1) covers every port whatever the port fields say; TCP covers the ports of
    its range, where -1 (or a missing value) as a port means every port.
    """
    proto = str(protocol).lower()
    if proto in _ALL:
        return True
    if proto not in _TCP:
        return False
    low = _port(from_port, 0)
    high = _port(to_port, 65535)
    if low == -1 and high == -1:
        return True
    return low <= port <= high


def _port(value: Any, default: int) -> int:
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def exposed_ports(protocol: Any, from_port: Any, to_port: Any, ports: Iterable[int] = ADMIN_PORTS) -> tuple[int, ...]:
    """The admin ports a rule's protocol and port range reach."""
    return tuple(p for p in ports if covers(protocol, from_port, to_port, p))


def world_family(cidr_v4: Any = None, cidr_v6: Any = None) -> str | None:
    """``"ipv4"``/``"ipv6"`` when the source is the whole internet of that family, else None."""
    if cidr_v4 and _same_network(cidr_v4, WORLD["ipv4"]):
        return "ipv4"
    if cidr_v6 and _same_network(cidr_v6, WORLD["ipv6"]):
        return "ipv6"
    return None


def _same_network(value: str, world: str) -> bool:
    try:
        return ipaddress.ip_network(str(value), strict=False) == ipaddress.ip_network(world)
    except ValueError:
        return False


def open_admin_rule(rule: Mapping[str, Any], ports: Iterable[int] = ADMIN_PORTS) -> dict[str, Any] | None:
    """For one security group rule (DescribeSecurityGroupRules shape): what it opens, or None.

    Returns ``{"family": "ipv4"|"ipv6", "ports": (22, ...)}`` for an ingress rule from the whole
    internet that reaches one of ``ports`` (the admin ports unless told).
    """
    if rule.get("IsEgress"):
        return None
    family = world_family(rule.get("CidrIpv4"), rule.get("CidrIpv6"))
    if family is None:
        return None
    opened = exposed_ports(rule.get("IpProtocol"), rule.get("FromPort"), rule.get("ToPort"), ports)
    if not opened:
        return None
    return {"family": family, "ports": opened}


def _entry_ports(entry: Mapping[str, Any]) -> tuple[Any, Any]:
    rng = entry.get("PortRange") or {}
    return rng.get("From"), rng.get("To")


def nacl_exposure(entries: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The admin ports a network ACL lets in from the whole internet, honouring rule order.

    Network ACL entries are evaluated from the lowest rule number up, and the first entry that
    matches decides. For each family and admin port, the first inbound entry whose source is the
    whole internet of that family and whose protocol and ports cover the port decides; when it is
    an allow, the port is exposed. A deny with a lower number hides a later allow-all.

    Returns one item per exposed (family, port): ``{"family", "port", "rule_number"}``, where
    ``rule_number`` is the allowing entry's number.
    """
    inbound = sorted((e for e in entries if not e.get("Egress")), key=lambda e: int(e.get("RuleNumber", 0)))
    exposed = []
    for family in ("ipv4", "ipv6"):
        for port in ADMIN_PORTS:
            for entry in inbound:
                fam = world_family(entry.get("CidrBlock"), entry.get("Ipv6CidrBlock"))
                if fam != family:
                    continue
                low, high = _entry_ports(entry)
                if not covers(entry.get("Protocol"), low, high, port):
                    continue
                if str(entry.get("RuleAction", "")).lower() == "allow":
                    exposed.append({"family": family, "port": port, "rule_number": int(entry["RuleNumber"])})
                break
    return exposed


def free_rule_numbers(entries: Iterable[Mapping[str, Any]], below: int, count: int) -> list[int] | None:
    """``count`` unused inbound rule numbers lower than ``below``, the highest first-fitting ones.

    Numbers are taken just under ``below`` (so existing lower deny/allow entries keep their
    precedence) and returned ascending; None when there is no room.
    """
    used = {int(e["RuleNumber"]) for e in entries if not e.get("Egress")}
    picked = []
    candidate = below - 1
    while candidate >= 1 and len(picked) < count:
        if candidate not in used:
            picked.append(candidate)
        candidate -= 1
    return sorted(picked) if len(picked) == count else None


def validate_cidr(value: str) -> str | None:
    """An IPv4 or IPv6 CIDR that is narrower than the whole internet (e.g. 203.0.113.0/24)."""
    value = value.strip()
    if "/" not in value:
        return f"'{value[:40]}' needs a prefix length, e.g. 203.0.113.10/32 for one address"
    try:
        network = ipaddress.ip_network(value, strict=True)
    except ValueError as error:
        if "host bits set" in str(error):
            return f"'{value[:40]}' has host bits set; use the network address, e.g. 203.0.113.0/24"
        return f"'{value[:40]}' is not an IPv4 or IPv6 CIDR; write it as 203.0.113.0/24 or 2001:db8::/32"
    if network.prefixlen == 0:
        return "that is the whole internet; give your office or VPN range instead, e.g. 203.0.113.0/24"
    return None


def nacl_changes(regions: Mapping[str, Any], notes: list[str]) -> list[Change]:
    """Deny entries, ahead of the first allow, for every admin port a network ACL opens to the internet."""
    changes = []
    warning = ("Network ACLs are stateless and apply to whole subnets: these deny entries refuse every inbound "
               "SSH/RDP connection from the internet to any instance in the subnets using this ACL, whatever their "
               "security groups say. Make sure nobody administers those instances over the internet (use Session "
               "Manager or a VPN). Type the account id to confirm.")
    for region, data in regions.items():
        if is_unreadable(data["nacls"]):
            continue
        for nacl in data["nacls"]:
            exposed = nacl_exposure(nacl["Entries"])
            if not exposed:
                continue
            first_allow = min(e["rule_number"] for e in exposed)
            pairs = sorted({(e["family"], e["port"]) for e in exposed})
            numbers = free_rule_numbers(nacl["Entries"], first_allow, len(pairs))
            if numbers is None:
                notes.append(f"Network ACL {nacl['NetworkAclId']} in {region} has no free rule number below "
                             f"{first_allow}; renumber its entries in the console, then run this step again.")
                continue
            for number, (family, port) in zip(numbers, pairs):
                cidr_key = "CidrBlock" if family == "ipv4" else "Ipv6CidrBlock"
                params = {"NetworkAclId": nacl["NetworkAclId"], "RuleNumber": number, "Protocol": "6",
                          "RuleAction": "deny", "Egress": False, cidr_key: WORLD[family],
                          "PortRange": {"From": port, "To": port}}
                changes.append(Change(
                    reason=f"Refuse {PORT_NAMES[port]} ({port}) from {WORLD[family]} in network ACL "
                           f"{nacl['NetworkAclId']} ({nacl.get('VpcId')}, {region}), ahead of the allow entry "
                           f"{first_allow}.",
                    call=Call("ec2", "CreateNetworkAclEntry", params, region),
                    before=f"rule {first_allow} allows it", after=f"rule {number} denies it",
                    undo=Call("ec2", "DeleteNetworkAclEntry", {"NetworkAclId": nacl["NetworkAclId"],
                                                                "RuleNumber": number, "Egress": False}, region),
                    warning=warning, risky=True, fixes=("nacl-admin-ports",)))
    return changes

