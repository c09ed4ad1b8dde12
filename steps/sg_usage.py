"""Which network interfaces use a security group, and what removing its rules could cut off.

Pure: works on the vpc step's per-region state. Its ``enis`` list is one paginated
``DescribeNetworkInterfaces`` of the whole region, each interface with the ids of its groups: the
interfaces that use a group are exactly those the ``group-id`` filter of that call would return
(EC2 API reference, DescribeNetworkInterfaces filters), without one more call per group. When that
read failed, every group counts as in use: an unread list never proves that nothing depends on a rule.
"""

from __future__ import annotations

from typing import Any, Mapping

from steps.base import is_unreadable, reason_of

SHOWN = 10  # interfaces named in a warning; the rest are counted


def interface_users(data: Mapping[str, Any], group_id: str) -> Any:
    """The network interfaces using ``group_id``, or the unreadable marker when they were not read."""
    if is_unreadable(data["enis"]):
        return data["enis"]
    return [e for e in data["enis"] if group_id in e["Groups"]]


def _listed(users: list[Mapping[str, Any]]) -> str:
    names = []
    for eni in users[:SHOWN]:
        owner = eni.get("InstanceId") or eni.get("Description")
        names.append(f"{eni['NetworkInterfaceId']} ({owner})" if owner else eni["NetworkInterfaceId"])
    more = f" and {len(users) - SHOWN} more" if len(users) > SHOWN else ""
    return ", ".join(names) + more


def revoke_risk(data: Mapping[str, Any], group_id: str, cut_off: str) -> tuple[str, bool]:
    """(warning, risky) for removing rules of ``group_id``; ``cut_off`` says what traffic stops.

    Risky when any network interface uses the group, or when the interfaces could not be read.
    """
    users = interface_users(data, group_id)
    if is_unreadable(users):
        return (f"Could not list the network interfaces that use this group ({reason_of(users)}), so something may "
                f"rely on these rules: {cut_off}"), True
    if users:
        return (f"{len(users)} network interface(s) use this group: {_listed(users)}. {cut_off}"), True
    return "", False
