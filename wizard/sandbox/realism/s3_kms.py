"""Realism rules: S3 bucket policies and KMS key policies take a while to reach the services that read them.

The changes are recorded here; CloudTrail (cloudtrail.py) and flow logs (ec2.py) refuse a
destination whose policy changed moments ago. Sources: CloudTrail API reference, CreateTrail errors
InsufficientS3BucketPolicyException / InsufficientEncryptionPolicyException ("the policy on the S3
bucket or KMS key is not sufficient"), seen right after a policy change on fresh accounts
(hashicorp/terraform#5051: "caused by IAM eventual consistency").
"""

from __future__ import annotations

import json

from .registry import after


def bucket_of(call) -> str:
    """The bucket of an S3 request, path style (the sandbox keeps the endpoint host) or virtual-hosted."""
    host = call.environ.get("HTTP_HOST", "")
    first = host.split(".", 1)[0]
    if ".s3." in host or host.startswith(first + ".s3"):
        return first
    return call.path.lstrip("/").split("/", 1)[0]


@after("s3", "PutBucketPolicy", "DeleteBucketPolicy")
def remember_bucket_policy(call, response):
    if response is not None and response.status in (200, 204):
        call.realism.state.mark(call.info.account_id, "bucket-policy", bucket_of(call))
    return response


@after("kms", "CreateKey", "PutKeyPolicy")
def remember_key_policy(call, response):
    if response is None or response.status != 200:
        return response
    key_id = call.json().get("KeyId") or ""
    if call.info.operation == "CreateKey":
        key_id = json.loads(response.body or b"{}").get("KeyMetadata", {}).get("KeyId", "")
    call.realism.state.mark(call.info.account_id, "key-policy", key_id_of(call, key_id) or key_id)
    return response


def key_id_of(call, any_id: str) -> str:
    """A key id from an id, key ARN, alias name or alias ARN ('' when there is no such key)."""
    if not any_id:
        return ""
    from moto.kms.models import kms_backends

    region = any_id.split(":")[3] if any_id.startswith("arn:") else call.region
    try:
        return kms_backends[call.info.account_id][region].any_id_to_key_id(any_id)
    except Exception:  # noqa: BLE001 - no such key: the service's own validation answers
        return ""
