"""Which VPCs a flow log really records: one that cannot deliver (DeliverLogsStatus FAILED) does not count.

EC2 API reference, FlowLog: ``DeliverLogsStatus`` SUCCESS | FAILED, and ``DeliverLogsErrorMessage``
("Access error": the role cannot publish to CloudWatch Logs; "Rate limited"; "Unknown error").
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from steps.base import is_unreadable

FIELDS = ("FlowLogId", "ResourceId", "TrafficType", "LogDestinationType", "FlowLogStatus", "DeliverLogsStatus",
          "DeliverLogsErrorMessage")


def delivering(flow_logs: Sequence[Mapping[str, Any]]) -> set[str]:
    """The resources with at least one flow log that is not failing to deliver."""
    return {f["ResourceId"] for f in flow_logs if f.get("DeliverLogsStatus") != "FAILED"}


def failing(flow_logs: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """``{resource: "fl-1 (Access error)"}`` for resources whose every flow log fails to deliver."""
    ok = delivering(flow_logs)
    out: dict[str, list[str]] = {}
    for f in flow_logs:
        if f.get("DeliverLogsStatus") == "FAILED" and f["ResourceId"] not in ok:
            out.setdefault(f["ResourceId"], []).append(
                f"{f.get('FlowLogId')} ({f.get('DeliverLogsErrorMessage') or 'delivery failed'})")
    return {resource: ", ".join(logs) for resource, logs in out.items()}


def missing_flow_logs(regions: Mapping[str, Any]) -> dict[str, list[str]]:
    """``{region: [vpc ids]}`` of VPCs with no flow log at all (a failing one is fixed by a person, not re-created)."""
    out = {}
    for region, data in regions.items():
        if is_unreadable(data["vpcs"]) or is_unreadable(data["flow_logs"]):
            continue
        logged = {f["ResourceId"] for f in data["flow_logs"]}
        missing = [v["VpcId"] for v in data["vpcs"] if v["VpcId"] not in logged]
        if missing:
            out[region] = missing
    return out
