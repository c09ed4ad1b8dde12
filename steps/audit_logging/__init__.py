"""Audit logging and threat detection: CloudTrail, AWS Config, GuardDuty, Security Hub, CIS alarms.

What it reads is typed in ``steps.audit_logging.state`` (``AuditState``).

What it fixes, in order: a log bucket with the bucket policy CloudTrail and Config need (limited by
``aws:SourceArn``/``aws:SourceAccount``) and public access blocked; the trail (reused when one
exists, created otherwise: multi-region, global events, log file validation, KMS, CloudWatch Logs),
then StartLogging; Config per region (service-linked role, recorder, delivery channel, start);
a GuardDuty detector per region; Security Hub with the CIS v5.0.0 standard per region; an SNS
topic with the security contact subscribed, and a metric filter plus alarm for each CIS rule.

The parts live in the modules of this package, one per thing they look after; this module composes
them into the step (``INFO``, ``collect``, ``evaluate``, ``plan``).
"""

from __future__ import annotations

from typing import Any, Mapping

from steps.audit_logging.alarms import alarm_changes, alarm_findings, read_alarms, rule_status
from steps.audit_logging.buckets import (
    access_logging_changes, block_public_changes, bucket_findings, log_bucket_changes, read_bucket,
)
from steps.audit_logging.config_recorder import CONFIG, COST_CONFIG, config_changes, config_finding, read_config
from steps.audit_logging.data_events import COST_DATA_EVENTS, data_event_findings
from steps.audit_logging.decision import Decision
from steps.audit_logging.detectors import (
    COST_GUARDDUTY, COST_SECURITYHUB, GUARDDUTY, SECURITY_HUB, guardduty_changes, guardduty_finding, read_guardduty,
    read_securityhub, securityhub_changes, securityhub_finding,
)
from steps.audit_logging.info import CHECKS, INFO
from steps.audit_logging.kms_key import read_trail_key
from steps.audit_logging.names import (
    BPA_ALL, CHANNEL_NAME, CIS_STANDARD, CLOUDTRAIL_LOGS_ROLE, CONFIG_ROLE, LOG_GROUP, RECORDER_NAME, TLS_SID,
    TOPIC_NAME, TRAIL_NAME, access_bucket_name, config_role_arn, log_group_arn, logs_bucket_name, topic_arn,
    trail_arn,
)
from steps.audit_logging.plan_decision import decide
from steps.audit_logging.policies import (
    access_bucket_policy, cloudtrail_logs_role_policies, kms_key_policy, logs_bucket_policy,
)
from steps.audit_logging.state import AuditState, RegionState
from steps.audit_logging.trail import (
    COST_LOGS, COST_TRAIL, primary_trail, read_trails, setting_findings, trail_changes,
    trail_finding, trail_problems,
)
from steps.base import Change, Finding, Plan, Status, is_unreadable, reason_of
from steps.propagation import with_retries
from steps.shared_reads import list_buckets

__all__ = [
    "INFO", "collect", "evaluate", "plan", "Decision", "decide", "primary_trail", "trail_problems", "rule_status",
    "BPA_ALL", "CHANNEL_NAME", "CIS_STANDARD", "CLOUDTRAIL_LOGS_ROLE", "CONFIG_ROLE", "LOG_GROUP", "RECORDER_NAME",
    "TLS_SID", "TOPIC_NAME", "TRAIL_NAME", "COST_CONFIG", "COST_GUARDDUTY", "COST_SECURITYHUB",
    "COST_LOGS", "COST_TRAIL", "access_bucket_name", "config_role_arn", "log_group_arn", "logs_bucket_name",
    "topic_arn", "trail_arn", "access_bucket_policy", "cloudtrail_logs_role_policies", "kms_key_policy",
    "logs_bucket_policy", "CHECKS",
]


# --- collect ------------------------------------------------------------------------------------


def _read_region(aws: Any, region: str) -> RegionState:
    return {"config": read_config(aws, region), "guardduty": read_guardduty(aws, region),
            "securityhub": read_securityhub(aws, region)}


def collect(aws: Any) -> AuditState:
    account_id = aws.account_id
    home = aws.home_region
    regions = aws.regions()
    state: Any = {"account_id": account_id, "home_region": home, "regions": regions}
    state["trails"] = read_trails(aws, home)
    listing = list_buckets(aws)
    state["buckets"] = listing if is_unreadable(listing) else [b["Name"] for b in listing.get("Buckets", [])]
    trail = primary_trail(state)
    state["trail_bucket"] = None
    bucket = (trail or {}).get("S3BucketName")
    if bucket and not is_unreadable(state["buckets"]) and bucket in state["buckets"]:
        state["trail_bucket"] = read_bucket(aws, bucket)
    ours = logs_bucket_name(account_id, home)
    state["logs_bucket_policy"] = None
    if not is_unreadable(state["buckets"]) and ours in state["buckets"] and ours != bucket:
        policy = aws.try_read("s3", "GetBucketPolicy", home, Bucket=ours, missing=("NoSuchBucketPolicy",))
        state["logs_bucket_policy"] = policy if is_unreadable(policy) else (policy or {}).get("Policy")
    elif state["trail_bucket"] and ours == bucket:
        state["logs_bucket_policy"] = state["trail_bucket"].get("policy")
    role = aws.try_read("iam", "GetRole", RoleName=CONFIG_ROLE, missing=("NoSuchEntity",))
    state["config_role"] = role if is_unreadable(role) else role is not None
    state["trail_key"] = read_trail_key(aws, home)
    state["regional"] = aws.per_region(lambda region: _read_region(aws, region), regions)
    state["alarms"] = read_alarms(aws, state, trail) if not is_unreadable(state["trails"]) else state["trails"]
    return state


# --- evaluate -----------------------------------------------------------------------------------


def evaluate(state: AuditState) -> list[Finding]:
    findings = [trail_finding(state)]
    if findings[0].status is not Status.UNKNOWN:  # the settings of a trail not seen are not judged
        trail = primary_trail(state)
        findings += setting_findings(state, trail) + bucket_findings(state, trail)
    findings += data_event_findings(state, primary_trail(state))
    for region in state["regions"]:
        findings.extend(_regional_findings(state, region))
    findings.extend(alarm_findings(state, primary_trail(state)))
    return findings


def _regional_findings(state: AuditState, region: str) -> list[Finding]:
    data = state["regional"].get(region)
    if data is None or is_unreadable(data):
        reason = reason_of(data) or "the region was not read"
        return [check.unknown(reason, region=region) for check in (CONFIG, GUARDDUTY, SECURITY_HUB)]
    return [config_finding(data, region), guardduty_finding(data["guardduty"], region),
            securityhub_finding(data["securityhub"], region)]


# --- plan ---------------------------------------------------------------------------------------


def plan(state: AuditState, answers: Mapping[str, str]) -> Plan:
    if is_unreadable(state["trails"]) or is_unreadable(state["buckets"]):
        return Plan(INFO.id, notes=("The trails or buckets could not be read; nothing is planned.",))
    d = decide(state, answers)
    changes: list[Change] = []
    changes += log_bucket_changes(state, d)  # 1. the log bucket (for a new trail, and for Config delivery)
    changes += access_logging_changes(state, d)  # 2. access logging for the trail bucket
    changes += block_public_changes(state, d)  # 3. the trail bucket must not be public
    trail_auto, manual_changes = trail_changes(state, d)  # 4. the trail: created, or our own reused
    changes += trail_auto
    changes += config_changes(state, d.config_regions, d.logs_bucket)  # 5. AWS Config per region
    for region in state["regions"]:  # 6. GuardDuty and Security Hub per region
        data = state["regional"].get(region)
        if data is None or is_unreadable(data):
            continue
        changes += guardduty_changes(data["guardduty"], region)
        changes += securityhub_changes(data["securityhub"], region, d.account_id)
    alarm_auto, alarm_manual = alarm_changes(state, d)  # 7. the CIS alarms, routed to an SNS topic
    if alarm_auto is None:
        return Plan(INFO.id, needs=tuple(d.answer_errors), notes=tuple(d.answer_errors.values()))
    return with_retries(Plan(INFO.id, changes=tuple(changes + alarm_auto + manual_changes + alarm_manual)))
