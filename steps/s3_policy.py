"""Who can reach an S3 bucket: Block Public Access flags, public policy statements and ACL grants, the
TLS-only statement, default encryption. Pure: works on the s3 step's state and policy documents."""

from __future__ import annotations

import json
from typing import Any, Mapping

from steps.base import is_unreadable

BPA_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
FULL_BPA = {flag: True for flag in BPA_FLAGS}
TLS_SID = "DenyInsecureTransport"
PUBLIC_GROUPS = {
    "http://acs.amazonaws.com/groups/global/AllUsers": "everyone",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers": "any AWS user",
}
# Condition keys that tie an Allow for Principal "*" to something specific: AWS does not call such a
# statement public (a fixed source IP range, VPC endpoint, organization or account).
RESTRICTING_KEYS = {
    "aws:sourceip", "aws:sourcevpc", "aws:sourcevpce", "aws:sourcearn", "aws:sourceaccount",
    "aws:sourceowner", "aws:principalorgid", "aws:principalaccount", "aws:principalarn", "aws:userid",
    "aws:principalorgpaths", "aws:sourceorgid", "aws:sourceorgpaths", "aws:principalservicename",
    "s3:dataaccesspointaccount", "s3:dataaccesspointarn",
}


def missing_flags(config: Any) -> list[str]:
    config = config or {}
    return [flag for flag in BPA_FLAGS if not config.get(flag)]


def effective_bpa(account: Any, bucket: Any) -> dict[str, bool]:
    """What S3 enforces: a flag is on when the account or the bucket has it on."""
    account = account if isinstance(account, Mapping) and not is_unreadable(account) else {}
    bucket = bucket if isinstance(bucket, Mapping) and not is_unreadable(bucket) else {}
    return {flag: bool(account.get(flag) or bucket.get(flag)) for flag in BPA_FLAGS}


def parse_policy(text: Any) -> dict[str, Any] | None:
    if not text:
        return None
    try:
        doc = json.loads(text) if isinstance(text, str) else dict(text)
    except (TypeError, ValueError):
        return None
    return doc if isinstance(doc, dict) else None


def _statements(doc: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    if not doc:
        return []
    statements = doc.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    return [s for s in statements if isinstance(s, dict)]


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _everyone(principal: Any) -> bool:
    if principal == "*":
        return True
    if isinstance(principal, Mapping):
        return "*" in _as_list(principal.get("AWS"))
    return False


def _condition_keys(statement: Mapping[str, Any]) -> set[str]:
    keys = set()
    for block in (statement.get("Condition") or {}).values():
        if isinstance(block, Mapping):
            keys.update(k.lower() for k in block)
    return keys


def public_statements(doc: Mapping[str, Any] | None) -> list[str]:
    """The Sids (or positions) of Allow statements that grant access to anyone."""
    found = []
    for index, statement in enumerate(_statements(doc)):
        if statement.get("Effect") != "Allow" or not _everyone(statement.get("Principal")):
            continue
        if _condition_keys(statement) & RESTRICTING_KEYS:
            continue
        found.append(statement.get("Sid") or f"statement {index + 1}")
    return found


def public_grants(grants: Any) -> list[str]:
    if not isinstance(grants, list):
        return []
    out = []
    for grant in grants:
        who = PUBLIC_GROUPS.get((grant.get("Grantee") or {}).get("URI", ""))
        if who:
            out.append(f"{grant.get('Permission')} to {who}")
    return out


def _denies_insecure_transport(statement: Mapping[str, Any], bucket: str) -> bool:
    if statement.get("Effect") != "Deny" or not _everyone(statement.get("Principal")):
        return False
    actions = {str(a).lower() for a in _as_list(statement.get("Action"))}
    if not actions & {"s3:*", "*"}:
        return False
    for operator, block in (statement.get("Condition") or {}).items():
        if operator.lower() not in ("bool", "boolifexists") or not isinstance(block, Mapping):
            continue
        for key, value in block.items():
            if key.lower() == "aws:securetransport" and [str(v).lower() for v in _as_list(value)] == ["false"]:
                resources = {str(r) for r in _as_list(statement.get("Resource"))}
                arn = f"arn:aws:s3:::{bucket}"
                covers_bucket = bool(resources & {arn, "*", "arn:aws:s3:::*"})
                covers_objects = bool(resources & {f"{arn}/*", "*", "arn:aws:s3:::*", "arn:aws:s3:::*/*"})
                return covers_bucket and covers_objects
    return False


def has_tls_only(doc: Mapping[str, Any] | None, bucket: str) -> bool:
    """True when some statement denies every S3 action over plain HTTP on the bucket and its objects."""
    return any(_denies_insecure_transport(s, bucket) for s in _statements(doc))


def tls_statement(bucket: str) -> dict[str, Any]:
    arn = f"arn:aws:s3:::{bucket}"
    return {
        "Sid": TLS_SID,
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [arn, f"{arn}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def merged_tls_policy(text: Any, bucket: str) -> dict[str, Any]:
    """The bucket's policy with the TLS-only statement added; every other statement unchanged.

    A statement already carrying our Sid (an earlier, partial version) is replaced, since Sids must
    be unique within a policy.
    """
    doc = parse_policy(text) or {"Version": "2012-10-17"}
    doc = dict(doc)
    statements = [s for s in _statements(doc) if s.get("Sid") != TLS_SID]
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
    grants = public_grants(bucket.get("acl_grants"))
    if grants:
        reasons.append("ACL grants " + ", ".join(grants))
    statements = public_statements(parse_policy(bucket.get("policy")) if not is_unreadable(bucket.get("policy")) else None)
    if statements:
        reasons.append("policy allows anyone (" + ", ".join(statements) + ")")
    if bucket.get("website") is True:
        reasons.append("hosts a static website")
    return reasons


def exposed_buckets(state: Mapping[str, Any]) -> dict[str, list[str]]:
    buckets = state.get("buckets")
    if is_unreadable(buckets):
        return {}
    return {b["name"]: r for b in buckets if not is_unreadable(b) and (r := exposure(state, b))}


