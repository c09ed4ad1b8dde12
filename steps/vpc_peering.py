"""CIS 5.6 (manual): routing tables for VPC peering are least access.

Whether a route is "least access" depends on which hosts must talk across the peering: the wizard lists
the peering connections and the routes that lead to them, and says what to look for.
"""

from __future__ import annotations

from typing import Any, Mapping, TypedDict

from steps.base import Finding, OrUnreadable, Severity, is_unreadable, reason_of
from steps.checks import NO_FIX, REGION, Check

PEERING_CONSOLE = "https://console.aws.amazon.com/vpcconsole/home?region={region}#PeeringConnections:"
PEERING_ROUTES = Check("peering-routes", "Routes to VPC peering connections are least access", Severity.LOW, ("5.6",),
                       (), NO_FIX, "VPC Security", scope=REGION)
# DescribeVpcPeeringConnections (EC2 API reference) keeps rejected, failed, expired and deleted
# connections listed for a while; they carry no traffic.
_GONE = ("deleted", "deleting", "rejected", "failed", "expired")


class Peering(TypedDict):
    id: str
    status: str | None
    requester: str | None  # "VPC id (CIDR, account)"
    accepter: str | None


class PeeringRoute(TypedDict):
    table: str
    vpc: str | None
    destination: str | None  # IPv4 or IPv6 CIDR, or prefix list id
    peering: str


class PeeringState(TypedDict):
    connections: OrUnreadable[list[Peering]]
    routes: OrUnreadable[list[PeeringRoute]]


def _side(info: Mapping[str, Any] | None) -> str | None:
    if not info:
        return None
    return f"{info.get('VpcId')} ({info.get('CidrBlock') or 'no IPv4'}, account {info.get('OwnerId')})"


def read_peering(aws: Any, region: str) -> PeeringState:
    """The live peering connections, and every route whose target is one (both reads paginate)."""
    found = aws.try_read("ec2", "DescribeVpcPeeringConnections", region, paginate=True)
    connections: Any = found if is_unreadable(found) else [
        {"id": p["VpcPeeringConnectionId"], "status": (p.get("Status") or {}).get("Code"),
         "requester": _side(p.get("RequesterVpcInfo")), "accepter": _side(p.get("AccepterVpcInfo"))}
        for p in found.get("VpcPeeringConnections", []) if (p.get("Status") or {}).get("Code") not in _GONE]
    routes: Any = []
    if isinstance(connections, list) and connections:  # no peering: no route can lead to one
        tables = aws.try_read("ec2", "DescribeRouteTables", region, paginate=True)
        routes = tables if is_unreadable(tables) else [
            {"table": t["RouteTableId"], "vpc": t.get("VpcId"), "peering": r["VpcPeeringConnectionId"],
             "destination": r.get("DestinationCidrBlock") or r.get("DestinationIpv6CidrBlock")
             or r.get("DestinationPrefixListId")}
            for t in tables.get("RouteTables", []) for r in t.get("Routes", []) if r.get("VpcPeeringConnectionId")]
    return {"connections": connections, "routes": routes}


def peering_finding(region: str, data: Any) -> Finding:
    if is_unreadable(data):
        return PEERING_ROUTES.unknown(reason_of(data), region=region)
    connections, routes = data["connections"], data["routes"]
    if is_unreadable(connections):
        return PEERING_ROUTES.unknown(reason_of(connections), region=region)
    if not connections:
        return PEERING_ROUTES.not_applicable("No VPC peering connections in this region.", region=region)
    listed = "; ".join(f"{c['id']} ({c['status']}): {c['requester']} <-> {c['accepter']}" for c in connections)
    if is_unreadable(routes):
        seen = f"The route tables could not be read ({reason_of(routes)})."
    else:
        seen = ("Routes to them: " + "; ".join(f"{r['table']} ({r['vpc']}): {r['destination']} -> {r['peering']}"
                                               for r in routes) + "." if routes else "No route leads to them.")
    return PEERING_ROUTES.manual(
        "CIS 5.6 is a manual check: each route to a peering connection should cover only the subnets or hosts "
        "that must talk to the other VPC, not the peer's whole CIDR (and never 0.0.0.0/0). In the VPC console "
        f"({PEERING_CONSOLE.format(region=region)}) open each connection's Route tables tab, and replace wide "
        f"routes with narrower ones in each subnet's route table. Peering connections: {listed}. {seen}",
        region=region)
