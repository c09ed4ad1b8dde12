"""The policy documents the step writes: the log buckets', the trail key's, and the role CloudTrail
uses to deliver to CloudWatch Logs."""

from __future__ import annotations

import json
from typing import Any

from steps.audit_logging.names import LOG_GROUP, trail_arn
from steps.policy_documents import tls_statement


def statement_sids(policy: Any) -> set[str]:
    try:
        doc = json.loads(policy) if isinstance(policy, str) else (policy or {})
    except ValueError:
        return set()
    statements = doc.get("Statement", [])
    return {s.get("Sid") for s in ([statements] if isinstance(statements, dict) else statements) if s.get("Sid")}


def logs_bucket_policy(bucket: str, account_id: str, region: str, existing: Any = None) -> dict[str, Any]:
    """The log bucket's policy: CloudTrail and Config may write (each only for this account, and
    CloudTrail only for our trail), nobody may use plain HTTP; other statements are kept."""
    arn = f"arn:aws:s3:::{bucket}"
    source_trail = {"aws:SourceArn": trail_arn(account_id, region)}
    source_account = {"aws:SourceAccount": account_id}
    ours = [
        {"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:GetBucketAcl", "Resource": arn, "Condition": {"StringEquals": source_trail}},
        {"Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": f"{arn}/AWSLogs/{account_id}/*",
         "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", **source_trail}}},
        {"Sid": "AWSConfigBucketPermissionsCheck", "Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"},
         "Action": "s3:GetBucketAcl", "Resource": arn, "Condition": {"StringEquals": source_account}},
        {"Sid": "AWSConfigBucketExistenceCheck", "Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"},
         "Action": "s3:ListBucket", "Resource": arn, "Condition": {"StringEquals": source_account}},
        {"Sid": "AWSConfigBucketDelivery", "Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": f"{arn}/AWSLogs/{account_id}/Config/*",
         "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", **source_account}}},
        tls_statement(bucket),
    ]
    return _merge_statements(existing, ours)


def access_bucket_policy(bucket: str, account_id: str, existing: Any = None) -> dict[str, Any]:
    arn = f"arn:aws:s3:::{bucket}"
    ours = [
        {"Sid": "S3ServerAccessLogs", "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": f"{arn}/*", "Condition": {"StringEquals": {"aws:SourceAccount": account_id}}},
        tls_statement(bucket),
    ]
    return _merge_statements(existing, ours)


def _merge_statements(existing: Any, ours: list[dict[str, Any]]) -> dict[str, Any]:
    try:
        doc = json.loads(existing) if isinstance(existing, str) else dict(existing or {})
    except ValueError:
        doc = {}
    statements = doc.get("Statement", [])
    statements = [statements] if isinstance(statements, dict) else list(statements)
    sids = {s["Sid"] for s in ours}
    kept = [s for s in statements if s.get("Sid") not in sids]
    return {"Version": doc.get("Version", "2012-10-17"), "Statement": kept + ours}


def kms_key_policy(account_id: str, trail: str) -> dict[str, Any]:
    """A key CloudTrail may encrypt this trail's logs with; people in the account may read them."""
    context = {"kms:EncryptionContext:aws:cloudtrail:arn": f"arn:aws:cloudtrail:*:{account_id}:trail/*"}
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "KeyAdministration", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "CloudTrailEncrypt", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "kms:GenerateDataKey*", "Resource": "*",
         "Condition": {"StringEquals": {"aws:SourceArn": trail}, "StringLike": context}},
        {"Sid": "CloudTrailDescribe", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "kms:DescribeKey", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceArn": trail}}},
        {"Sid": "AccountReadsLogs", "Effect": "Allow", "Principal": {"AWS": "*"},
         "Action": ["kms:Decrypt", "kms:ReEncryptFrom"], "Resource": "*",
         "Condition": {"StringEquals": {"kms:CallerAccount": account_id}, "StringLike": context}},
    ]}


def cloudtrail_logs_role_policies(account_id: str, region: str) -> tuple[dict[str, Any], dict[str, Any]]:
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "sts:AssumeRole",
         "Condition": {"StringEquals": {"aws:SourceAccount": account_id}}}]}
    group = f"arn:aws:logs:{region}:{account_id}:log-group:{LOG_GROUP}:log-stream:*"
    permissions = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": group}]}
    return trust, permissions
