"""Policy documents the tool WRITES (planned statements), kept apart from the code that judges policies.

The judging lives in ``steps.policy`` and ``steps.policy_admin``; no other step module may mention
aws:SecureTransport or the public ACL groups (tests/steps/test_policy.py scans for it). A statement
we write is not a judgement, so the writers live here.
"""

from __future__ import annotations

from typing import Any

TLS_SID = "DenyInsecureTransport"


def tls_statement(bucket: str) -> dict[str, Any]:
    """Deny every S3 action on the bucket and its objects to requests without TLS (CIS 2.1.1, S3.5)."""
    arn = f"arn:aws:s3:::{bucket}"
    return {
        "Sid": TLS_SID,
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [arn, f"{arn}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
