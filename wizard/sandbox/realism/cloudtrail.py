"""Realism rules: CloudTrail refuses a role, bucket policy or key policy AWS has not propagated yet,
and event selectors beyond its limits or sent to another region than the trail's."""

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


# CloudTrail API reference, PutEventSelectors: "must be called from the Region in which the trail was
# created; otherwise, an InvalidHomeRegionException is thrown"; InvalidEventSelectorsException: "A
# trail can have up to 5 event selectors", "a maximum of 500 total values for all conditions in all
# advanced event selectors", "A trail is limited to 250 data resources".
@rule("cloudtrail", "PutEventSelectors")
def event_selector_limits(call):
    body = call.json()
    name = body.get("TrailName") or ""
    if name.startswith("arn:") and len(name.split(":")) > 5 and name.split(":")[3] != call.region:
        raise GapError("InvalidHomeRegionException",
                       "This operation must be called from the trail's home region.")
    classic = body.get("EventSelectors") or []
    advanced = body.get("AdvancedEventSelectors") or []
    values = sum(len(f.get(op) or []) for s in advanced for f in s.get("FieldSelectors") or []
                 for op in ("Equals", "NotEquals", "StartsWith", "NotStartsWith", "EndsWith", "NotEndsWith"))
    resources = sum(len(r.get("Values") or []) for s in classic for r in s.get("DataResources") or [])
    if len(classic) > 5 or values > 500 or resources > 250:
        raise GapError("InvalidEventSelectorsException",
                       "A trail can have up to 5 event selectors, 250 data resources, or 500 values in all "
                       "conditions of its advanced event selectors.")
    return None
