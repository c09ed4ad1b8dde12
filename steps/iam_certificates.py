"""CIS 1.18: no expired SSL/TLS server certificate is stored in IAM.

ListServerCertificates pages with Marker/IsTruncated (IAM API reference); the certificates are global.
Expiry is compared with the time of the read, kept in the state, so evaluate stays pure.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Mapping, TypedDict

from steps.base import Call, Change, Finding, OrUnreadable, Severity, is_unreadable, reason_of
from steps.checks import AUTOMATIC, Check

EXPIRED_CERTS = Check("expired-server-certificates", "No expired server certificate is stored in IAM",
                      Severity.LOW, ("1.18",), (), AUTOMATIC)


class ServerCertificate(TypedDict):
    name: str
    arn: str  # ServerCertificateMetadata.Arn
    expiration: str | None  # ISO 8601, as IAM gives it


class CertificateState(TypedDict):
    read_at: str  # ISO 8601, UTC: the "now" expiry is judged against
    certificates: OrUnreadable[list[ServerCertificate]]


def read_certificates(aws: Any) -> CertificateState:
    found = aws.try_read("iam", "ListServerCertificates", paginate=True)
    certificates: Any = found if is_unreadable(found) else [
        {"name": c["ServerCertificateName"], "arn": c.get("Arn") or "", "expiration": _iso(c.get("Expiration"))}
        for c in found.get("ServerCertificateMetadataList", [])]
    return {"read_at": datetime.now(timezone.utc).isoformat(), "certificates": certificates}


def _iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else (str(value) if value else None)


def _when(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def expired(state: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The certificates that had expired when they were read (none when they could not be read)."""
    certs = state["certificates"]
    if is_unreadable(certs):
        return []
    now = _when(state["read_at"])
    return [c for c in certs if c.get("expiration") and _when(c["expiration"]) < now]


def certificate_findings(state: Any) -> list[Finding]:
    if is_unreadable(state):
        return [EXPIRED_CERTS.unknown(reason_of(state))]
    if is_unreadable(state["certificates"]):
        return [EXPIRED_CERTS.unknown(reason_of(state["certificates"]))]
    old = expired(state)
    out = [EXPIRED_CERTS.failed(
        f"Server certificate {c['name']} expired on {c['expiration'][:10]}: anything still serving it shows "
        "browsers an error, and it only adds clutter to review.", resource=c.get("arn") or c["name"]) for c in old]
    total = len(state["certificates"])
    if not total:
        return [EXPIRED_CERTS.not_applicable("No server certificates are stored in IAM.")]
    return out or [EXPIRED_CERTS.passed(f"None of the {total} server certificates in IAM has expired.")]


def certificate_changes(state: Any) -> list[Change]:
    if is_unreadable(state):
        return []
    return [Change(
        reason=f"Delete the expired server certificate {c['name']} from IAM.",
        call=Call("iam", "DeleteServerCertificate", {"ServerCertificateName": c["name"]}),
        before=f"expired {c['expiration'][:10]}", after="deleted",
        # IAM API reference, DeleteServerCertificate: Elastic Load Balancing may keep using a deleted
        # certificate it has not noticed was deleted, and then stop accepting traffic.
        warning="A load balancer (or CloudFront distribution) listener that still refers to this certificate can "
                "stop accepting HTTPS traffic. Check that no listener uses it before applying; replace it there "
                "with a valid certificate first.",
        undo_note="IAM never gives a certificate's private key back, so the wizard cannot upload it again; only "
                  "someone holding the key and certificate files can (UploadServerCertificate).",
        risky=True, fixes=(EXPIRED_CERTS.id,)) for c in expired(state)]
