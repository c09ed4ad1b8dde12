"""What the audit_logging step is: its screen text, the IAM actions it needs, and its input."""

from __future__ import annotations

from steps.audit_logging.alarms import ALARM_CHECKS
from steps.audit_logging.buckets import BUCKET_LOGGING, BUCKET_PUBLIC
from steps.audit_logging.config_recorder import CONFIG
from steps.audit_logging.data_events import S3_READ_EVENTS, S3_WRITE_EVENTS
from steps.audit_logging.detectors import GUARDDUTY, SECURITY_HUB
from steps.audit_logging.kms_key import READS as KEY_READS, WRITES as KEY_WRITES
from steps.audit_logging.trail import TRAIL, TRAIL_KMS, VALIDATION
from steps.base import Input, Severity, StepInfo, validate_email

# every check of the step, each declared in the module that makes it
CHECKS = (TRAIL, VALIDATION, TRAIL_KMS, BUCKET_PUBLIC, BUCKET_LOGGING, S3_WRITE_EVENTS, S3_READ_EVENTS, CONFIG,
          GUARDDUTY, SECURITY_HUB, *ALARM_CHECKS.values())

INFO = StepInfo(
    id="audit_logging",
    title="Audit logging and threat detection",
    short="Audit logging",
    why=(
        "When something goes wrong you need a record of who did what, and a warning while it is happening. "
        "CloudTrail keeps that record for every region, AWS Config keeps the history of how each resource "
        "was configured, GuardDuty and Security Hub watch for threats and bad settings, and the CIS alarms "
        "tell your security contact at once about root use, refused calls, sign-ins without MFA and changes "
        "to policies, logging, keys and the network."
    ),
    guide_section="Monitoring your environment",
    severity=Severity.HIGH,
    reads=(
        "cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors",
        "s3:ListAllMyBuckets", "s3:GetBucketLocation", "s3:GetBucketPublicAccessBlock", "s3:GetBucketPolicy",
        "s3:GetBucketAcl", "s3:GetBucketLogging",
        "iam:GetRole",
        "config:DescribeConfigurationRecorders", "config:DescribeConfigurationRecorderStatus",
        "config:DescribeDeliveryChannels",
        "guardduty:ListDetectors", "guardduty:GetDetector",
        "securityhub:DescribeHub", "securityhub:GetEnabledStandards",
        "logs:DescribeLogGroups", "logs:DescribeMetricFilters",
        "cloudwatch:DescribeAlarms",
        "sns:GetTopicAttributes", "sns:ListSubscriptionsByTopic", *KEY_READS,
    ),
    writes=(
        "s3:CreateBucket", "s3:DeleteBucket", "s3:PutBucketPublicAccessBlock",
        "s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutEncryptionConfiguration", "s3:PutBucketVersioning",
        "s3:PutBucketLogging",
        "kms:CreateKey", "kms:TagResource", "kms:EnableKeyRotation",
        "logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutMetricFilter", "logs:DeleteMetricFilter",
        "iam:CreateRole", "iam:DeleteRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy",
        "iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole", "iam:PassRole",
        "cloudtrail:CreateTrail", "cloudtrail:DeleteTrail", "cloudtrail:UpdateTrail", "cloudtrail:StartLogging",
        "cloudtrail:StopLogging", "cloudtrail:PutEventSelectors",
        "config:PutConfigurationRecorder", "config:DeleteConfigurationRecorder", "config:PutDeliveryChannel",
        "config:DeleteDeliveryChannel", "config:StartConfigurationRecorder", "config:StopConfigurationRecorder",
        "guardduty:CreateDetector", "guardduty:UpdateDetector", "guardduty:DeleteDetector",
        "securityhub:EnableSecurityHub", "securityhub:DisableSecurityHub", "securityhub:BatchEnableStandards",
        "securityhub:BatchDisableStandards",
        "sns:CreateTopic", "sns:DeleteTopic", "sns:Subscribe",
        "cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", *KEY_WRITES,
    ),
    inputs=(
        Input("alarm_email", "Security alarm email", validate_email,
              help="Who gets the CIS alarms (root use, refused API calls, sign-in without MFA, policy and network "
                   "changes); "
                   "usually the security contact's address. AWS sends a confirmation link first."),
    ),
    checks=CHECKS,
)
