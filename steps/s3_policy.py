"""Who can reach an S3 bucket: Block Public Access flags, public policy statements and ACL grants, the
TLS-only statement, default encryption. Pure: works on the s3 step's state and policy documents.

What is public and what refuses plain HTTP is decided by steps.policy (S3's own "meaning of public");
this module puts its answers in the s3 step's words.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from steps.base import is_unreadable
from steps.policy import document, public_acl_grants, public_reasons, refuses_plain_http
from steps.policy import statements as policy_statements
from steps.policy_documents import TLS_SID, tls_statement

BPA_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
FULL_BPA = {flag: True for flag in BPA_FLAGS}


def missing_flags(config: Any) -> list[str]:
    config = config or {}
    return [flag for flag in BPA_FLAGS if not config.get(flag)]


def effective_bpa(account: Any, bucket: Any) -> dict[str, bool]:
    """What S3 enforces: a flag is on when the account or the bucket has it on."""
    account = account if isinstance(account, Mapping) and not is_unreadable(account) else {}
    bucket = bucket if isinstance(bucket, Mapping) and not is_unreadable(bucket) else {}
    return {flag: bool(account.get(flag) or bucket.get(flag)) for flag in BPA_FLAGS}


def parse_policy(text: Any) -> dict[str, Any] | None:
    """The bucket policy as a dict (from its JSON text), None when absent or not a JSON object."""
    return document(text)


def has_tls_only(doc: Mapping[str, Any] | None, bucket: str) -> bool:
    """True when some statement denies every S3 action over plain HTTP on the bucket and its objects."""
    return refuses_plain_http(doc, bucket) is not None


def policy_exposure(text: Any) -> str:
    """Why the bucket policy lets anyone in ("" when it does not), naming each statement."""
    return "; ".join(map(str, public_reasons(text)))


def acl_exposure(grants: Any) -> str:
    """The ACL's public grants ("READ to everyone, WRITE to any AWS user"), "" when none."""
    return ", ".join(public_acl_grants(grants))


def merged_tls_policy(text: Any, bucket: str) -> dict[str, Any]:
    """The bucket's policy with the TLS-only statement added; every other statement unchanged.

    A statement already carrying our Sid (an earlier, partial version) is replaced, since Sids must
    be unique within a policy.
    """
    doc = parse_policy(text) or {"Version": "2012-10-17"}
    doc = dict(doc)
    statements = [s for s in policy_statements(doc) if s.get("Sid") != TLS_SID]
    doc.setdefault("Version", "2012-10-17")
    doc["Statement"] = statements + [tls_statement(bucket)]
    return doc


def encryption_kind(rules: Any) -> str | None:
    for rule in rules or []:
        algorithm = (rule.get("ApplyServerSideEncryptionByDefault") or {}).get("SSEAlgorithm")
        if algorithm == "AES256":
            return "SSE-S3"
        if algorithm == "aws:kms":
            return "SSE-KMS"
        if algorithm == "aws:kms:dsse":
            return "DSSE-KMS"
    return None


def exposure(state: Mapping[str, Any], bucket: Mapping[str, Any]) -> list[str]:
    """Why this bucket may be reachable anonymously today (public ACL, public policy, website)."""
    reasons = []
    grants = acl_exposure(bucket.get("acl_grants"))
    if grants:
        reasons.append("ACL grants " + grants)
    statements = policy_exposure(bucket.get("policy")) if not is_unreadable(bucket.get("policy")) else ""
    if statements:
        reasons.append("policy allows anyone: " + statements)
    if bucket.get("website") is True:
        reasons.append("hosts a static website")
    return reasons


def exposed_buckets(state: Mapping[str, Any]) -> dict[str, list[str]]:
    buckets = state.get("buckets")
    if is_unreadable(buckets):
        return {}
    return {b["name"]: r for b in buckets if not is_unreadable(b) and (r := exposure(state, b))}


