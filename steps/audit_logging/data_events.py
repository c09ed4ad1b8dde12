"""S3 object-level logging (CIS 3.8 writes, 3.9 reads): CloudTrail data events on every bucket,
assessed from the trails' event selectors and added to the wizard's trail by PutEventSelectors."""

from __future__ import annotations

from typing import Any, Mapping

from steps.audit_logging.names import own
from steps.base import Finding, Severity, is_unreadable, reason_of
from steps.checks import ACCOUNT, AUTOMATIC, Check
from steps.trail_rules import s3_data_coverage

# CloudTrail pricing: data events are "charged at $0.10 per 100,000 events", every delivery including
# the first; the trail also sends them to its CloudWatch Logs group, which charges per GB ingested.
COST_DATA_EVENTS = ("S3 data events cost $0.10 per 100,000 events recorded (there is no free copy), and the "
                    "trail also sends them to CloudWatch Logs (about $0.50 per GB ingested); a busy bucket can "
                    "make this the largest cost of this step.")
S3_WRITE_EVENTS = Check("s3-object-write-logging", "S3 object-level write events are logged in every bucket",
                        Severity.MEDIUM, ("3.8",), ("S3.22",), AUTOMATIC, scope=ACCOUNT)
S3_READ_EVENTS = Check("s3-object-read-logging", "S3 object-level read events are logged in every bucket",
                       Severity.MEDIUM, ("3.9",), ("S3.23",), AUTOMATIC, scope=ACCOUNT)
# each check, with its index into s3_data_coverage's (reads, writes)
CHECKS = ((S3_WRITE_EVENTS, 1), (S3_READ_EVENTS, 0))


def _covering(trails: list[Mapping[str, Any]], index: int) -> list[Mapping[str, Any]]:
    """The multi-region trails that are logging and record this kind of S3 object event everywhere."""
    out = []
    for trail in trails:
        status, selectors = trail.get("status"), trail.get("selectors")
        if is_unreadable(status) or is_unreadable(selectors) or not status.get("IsLogging"):
            continue
        if trail.get("IsMultiRegionTrail") and s3_data_coverage(
                selectors.get("EventSelectors"), selectors.get("AdvancedEventSelectors"))[index]:
            out.append(trail)
    return out


def fixed_by(s3_data: str | None) -> tuple[str, ...]:
    """The checks a selector adding ``s3_data`` ("All", "WriteOnly", "ReadOnly") makes pass."""
    return tuple(check.id for check, kind in ((S3_WRITE_EVENTS, "WriteOnly"), (S3_READ_EVENTS, "ReadOnly"))
                 if s3_data in ("All", kind))


def missing(state: Mapping[str, Any]) -> str | None:
    """What the wizard's trail must add: "All", "WriteOnly", "ReadOnly", or None (covered, or not known)."""
    trails = state["trails"]
    if is_unreadable(trails) or any(is_unreadable(t.get("selectors")) or is_unreadable(t.get("status"))
                                    for t in trails):
        return None
    write, read = (not _covering(trails, index) for _, index in CHECKS)
    return "All" if write and read else "WriteOnly" if write else "ReadOnly" if read else None


def data_event_findings(state: Mapping[str, Any], trail: Mapping[str, Any] | None) -> list[Finding]:
    """``trail`` is the primary trail: the fix changes it when it is this account's (or creates one)."""
    trails = state["trails"]
    out = []
    where = {"region": state["home_region"]}
    for check, index in CHECKS:
        if is_unreadable(trails):
            out.append(check.unknown(reason_of(trails), **where))
            continue
        covering = _covering(trails, index)
        unread = [t for t in trails if is_unreadable(t.get("selectors")) or is_unreadable(t.get("status"))]
        if covering:
            t = sorted(covering, key=lambda t: t.get("Name") or "")[0]
            out.append(check.passed(f"Trail '{t['Name']}' records them in every region.", resource=t.get("TrailARN"),
                                    **where))
        elif unread:
            t = unread[0]
            out.append(check.unknown(reason_of(t.get("selectors")) or reason_of(t.get("status")),
                                     resource=t.get("TrailARN"), **where))
        elif trail is None or own(trail, state["account_id"]):
            out.append(check.failed("No logging multi-region trail records S3 object-level "
                                    f"{'writes' if index else 'reads'} (data events) in every bucket.",
                                    resource=(trail or {}).get("TrailARN"), **where))
        else:
            out.append(check.manual(f"Trail '{trail['Name']}' does not record S3 object-level "
                                    f"{'writes' if index else 'reads'}; it belongs to another account (organization or "
                                    "Control Tower): add the data events there.", resource=trail.get("TrailARN"),
                                    **where))
    return out
