"""The names the step gives what it creates, and the ARNs built from them."""

from __future__ import annotations

from typing import Any, Mapping

from steps.policy_documents import TLS_SID  # noqa: F401  (the TLS-only statement's Sid, for the step's callers)

TRAIL_NAME = "aws-essentials-trail"
LOG_GROUP = "aws-essentials/cloudtrail"
CLOUDTRAIL_LOGS_ROLE = "aws-essentials-cloudtrail-to-logs"
TOPIC_NAME = "aws-essentials-security-alarms"
RECORDER_NAME = "default"
CHANNEL_NAME = "default"
CONFIG_ROLE = "AWSServiceRoleForConfig"
CIS_STANDARD = "arn:aws:securityhub:{region}::standards/cis-aws-foundations-benchmark/v/5.0.0"
BPA_ALL = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
           "RestrictPublicBuckets": True}


def logs_bucket_name(account_id: str, region: str) -> str:
    return f"aws-essentials-logs-{account_id}-{region}"


def access_bucket_name(account_id: str, region: str) -> str:
    return f"aws-essentials-access-logs-{account_id}-{region}"


def trail_arn(account_id: str, region: str, name: str = TRAIL_NAME) -> str:
    return f"arn:aws:cloudtrail:{region}:{account_id}:trail/{name}"


def log_group_arn(account_id: str, region: str, name: str = LOG_GROUP) -> str:
    return f"arn:aws:logs:{region}:{account_id}:log-group:{name}:*"


def topic_arn(account_id: str, region: str) -> str:
    return f"arn:aws:sns:{region}:{account_id}:{TOPIC_NAME}"


def config_role_arn(account_id: str) -> str:
    return f"arn:aws:iam::{account_id}:role/aws-service-role/config.amazonaws.com/{CONFIG_ROLE}"


def arn_account(arn: str) -> str:
    parts = (arn or "").split(":")
    return parts[4] if len(parts) > 4 else ""


def arn_region(arn: str) -> str:
    parts = (arn or "").split(":")
    return parts[3] if len(parts) > 3 else ""


def log_group_name(arn: str) -> str:
    # arn:aws:logs:REGION:ACCOUNT:log-group:NAME[:*]
    parts = (arn or "").split(":")
    return parts[6] if len(parts) > 6 else ""


def own(trail: Mapping[str, Any], account_id: str) -> bool:
    """True when the trail belongs to this account (not an organization or Control Tower trail)."""
    return arn_account(trail.get("TrailARN", "")) == account_id
