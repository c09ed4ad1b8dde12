"""Realism rules: CloudTrail refuses a role, bucket policy or key policy AWS has not propagated yet."""

from __future__ import annotations

from ..protocol import GapError
from .registry import rule
from .iam import role_is_fresh
from .s3_kms import key_id_of


# CloudTrail API reference, CreateTrail / UpdateTrail errors: InvalidCloudWatchLogsLogGroupArnException.
# With a role IAM has not propagated yet, AWS answers it with "Access denied. Verify in IAM that the
# role has adequate permissions." (IAM eventual consistency, see iam.py).
# InsufficientS3BucketPolicyException / InsufficientEncryptionPolicyException: CloudTrail checks
# the bucket and key policy when the trail is created or pointed at them (see s3_kms.py).
@rule("cloudtrail", "CreateTrail", "UpdateTrail")
def destinations_not_propagated(call):
    body = call.json()
    state, acct = call.realism.state, call.info.account_id
    role = body.get("CloudWatchLogsRoleArn") or ""
    if role and role_is_fresh(call, role):
        raise GapError("InvalidCloudWatchLogsLogGroupArnException",
                       "Access denied. Verify in IAM that the role has adequate permissions.")
    bucket = body.get("S3BucketName") or ""
    if bucket and state.fresh(acct, "bucket-policy", bucket):
        raise GapError("InsufficientS3BucketPolicyException",
                       f"Incorrect S3 bucket policy is detected for bucket: {bucket}")
    key = key_id_of(call, body.get("KmsKeyId") or "")
    if key and state.fresh(acct, "key-policy", key):
        raise GapError("InsufficientEncryptionPolicyException",
                       "Insufficient permissions to access S3 bucket or KMS key.")
    return None
