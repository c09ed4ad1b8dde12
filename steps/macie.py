"""CIS 2.1.3 (manual): S3 data is discovered, classified and secured; Amazon Macie's status per region.

CIS v5.0 marks 2.1.3 manual: whether data is "classified and secured when necessary" is a judgement no
API answers. The wizard says where to look and, where it can read it, whether Macie runs in each region.
"""

from __future__ import annotations

from typing import Any, Mapping

from steps.base import Finding, Severity, is_unreadable, reason_of
from steps.checks import ACCOUNT, NO_FIX, Check

MACIE_CONSOLE = "https://console.aws.amazon.com/macie/home"
MACIE = Check("macie-discovery", "S3 data is discovered, classified and secured (Amazon Macie)", Severity.LOW,
              ("2.1.3",), ("Macie.1",), NO_FIX, "S3 Security", scope=ACCOUNT)
ENABLED, PAUSED, OFF = "ENABLED", "PAUSED", "OFF"


def read_macie(aws: Any, region: str) -> Any:
    """ENABLED, PAUSED or OFF for ``region``, or the unreadable marker.

    GetMacieSession (Macie API reference, Account Administration): one session per account and region;
    a suspended Macie keeps its session with status PAUSED. Without a session AWS answers
    AccessDeniedException "Macie is not enabled" (moto: ResourceNotFoundException); both mean OFF.
    Macie charges per bucket and per GB inspected once enabled, so the wizard never turns it on.
    """
    answer = aws.try_read("macie2", "GetMacieSession", region,
                          missing=("ResourceNotFoundException", "AccessDeniedException: Macie is not enabled"))
    if is_unreadable(answer):
        return answer
    return OFF if answer is None else (answer.get("status") or OFF)


def macie_finding(regions: Mapping[str, Any]) -> Finding:
    """One MANUAL finding: where to look, and Macie's status in each region (``{region: status}``)."""
    by_status: dict[str, list[str]] = {}
    for region, status in sorted(regions.items()):
        key = "unreadable" if is_unreadable(status) else status
        by_status.setdefault(key, []).append(region)
    seen = "; ".join(f"{label}: {', '.join(by_status[key])}" for key, label in (
        (ENABLED, "Macie enabled in"), (PAUSED, "Macie suspended in"), (OFF, "Macie not enabled in"),
        ("unreadable", "Macie status unreadable in")) if key in by_status)
    unread = [reason_of(regions[r]) for r in by_status.get("unreadable", [])]
    why = f" ({unread[0]})" if unread else ""
    return MACIE.manual(
        "CIS 2.1.3 is a manual check: confirm that the S3 data holding personal or secret information is known "
        f"and protected. In the Amazon Macie console ({MACIE_CONSOLE}) open Summary and S3 buckets: look for "
        "automated sensitive data discovery turned on, buckets flagged as holding sensitive data, and whether "
        "those buckets are encrypted, private and kept only as long as needed. Macie is billed per bucket and "
        f"per GB inspected. {seen or 'No region in scope'}{why}.")
