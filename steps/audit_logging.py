"""Audit logging and threat detection: CloudTrail, AWS Config, GuardDuty, Security Hub, CIS alarms.

What it reads: every trail the account sees (its own, an organization or Control Tower trail),
each trail's status and event selectors from the trail's home region, the trail bucket, and in
every enabled region the Config recorder, GuardDuty detector and Security Hub subscription; then
the CloudWatch Logs metric filters, alarms and SNS subscribers behind the CIS 4.1-4.3 alarms.

What it fixes, in order: a log bucket with the bucket policy CloudTrail and Config need (limited by
``aws:SourceArn``/``aws:SourceAccount``) and public access blocked; the trail (reused when one
exists, created otherwise: multi-region, global events, log file validation, KMS, CloudWatch Logs),
then StartLogging; Config per region (service-linked role, recorder, delivery channel, start);
a GuardDuty detector per region; Security Hub with the CIS v5.0.0 standard per region; an SNS
topic with the security contact subscribed, and a metric filter plus alarm for each CIS rule.
"""

from __future__ import annotations

import json
from typing import Any, Mapping, Sequence

from steps.base import (
    Call, Change, Finding, Input, Plan, Ref, Severity, Status, StepInfo, check_answers, is_unreadable,
    manual, reason_of, unknown_finding, validate_email,
)
from steps.audit_logging_lookup import READS as KEY_READS, WRITES as KEY_WRITES, read_trail_key, trail_key_changes
from steps.propagation import with_retries
from steps.shared_reads import bucket_exposure, bucket_read
from steps.trail_rules import (
    METRIC_FILTER_RULES, METRIC_NAMESPACE, MetricFilterRule, management_selector_to_add, matching_filters,
    records_all_management_events,
)

TRAIL_NAME = "aws-essentials-trail"
LOG_GROUP = "aws-essentials/cloudtrail"
CLOUDTRAIL_LOGS_ROLE = "aws-essentials-cloudtrail-to-logs"
TOPIC_NAME = "aws-essentials-security-alarms"
RECORDER_NAME = "default"
CHANNEL_NAME = "default"
CONFIG_ROLE = "AWSServiceRoleForConfig"
TLS_SID = "DenyInsecureTransport"
CIS_STANDARD = "arn:aws:securityhub:{region}::standards/cis-aws-foundations-benchmark/v/5.0.0"
BPA_ALL = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
           "RestrictPublicBuckets": True}
PUBLIC_GROUPS = ("http://acs.amazonaws.com/groups/global/AllUsers",
                 "http://acs.amazonaws.com/groups/global/AuthenticatedUsers")

COST_CONFIG = ("AWS Config charges per configuration item recorded (about $0.003 each) and per rule "
               "evaluation; a quiet account usually costs a few dollars a month per region.")
COST_GUARDDUTY = ("GuardDuty has a 30-day free trial, then charges by the volume of CloudTrail events, "
                  "VPC flow logs and DNS logs it analyses; small accounts typically pay a few dollars a month.")
COST_SECURITYHUB = ("Security Hub has a 30-day free trial, then charges per security check and finding "
                    "ingested (about $0.001 per check); it also needs AWS Config recording.")
COST_TRAIL = ("The first copy of management events in a trail is free; S3 storage of the log files is "
              "charged (cents a month for most accounts).")
COST_LOGS = ("CloudWatch Logs charges about $0.50 per GB ingested and $0.03 per GB stored; alarms cost "
             "$0.10 a month each.")

INFO = StepInfo(
    id="audit_logging",
    title="Audit logging and threat detection",
    why=(
        "When something goes wrong you need a record of who did what, and a warning while it is happening. "
        "CloudTrail keeps that record for every region, AWS Config keeps the history of how each resource "
        "was configured, GuardDuty and Security Hub watch for threats and bad settings, and a few alarms "
        "tell your security contact at once about root use, refused calls and sign-ins without MFA."
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
              help="Who gets the CIS alarms (root use, refused API calls, sign-in without MFA); "
                   "usually the security contact's address. AWS sends a confirmation link first."),
    ),
)

CT_IDS = {
    "trail": (("3.1",), ("CloudTrail.1",)),
    "validation": (("3.2",), ("CloudTrail.4",)),
    "bucket-public": ((), ("CloudTrail.6",)),
    "bucket-logging": (("3.4",), ("CloudTrail.7",)),
    "kms": (("3.5",), ("CloudTrail.2",)),
}


# --- names --------------------------------------------------------------------------------------


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


def _arn_account(arn: str) -> str:
    parts = (arn or "").split(":")
    return parts[4] if len(parts) > 4 else ""


def _arn_region(arn: str) -> str:
    parts = (arn or "").split(":")
    return parts[3] if len(parts) > 3 else ""


def _log_group_name(arn: str) -> str:
    # arn:aws:logs:REGION:ACCOUNT:log-group:NAME[:*]
    parts = (arn or "").split(":")
    return parts[6] if len(parts) > 6 else ""


# --- collect ------------------------------------------------------------------------------------


def _read_trail(aws: Any, trail: Mapping[str, Any]) -> dict[str, Any]:
    arn = trail.get("TrailARN", "")
    region = trail.get("HomeRegion") or _arn_region(arn)
    status = aws.try_read("cloudtrail", "GetTrailStatus", region, Name=arn)
    selectors = aws.try_read("cloudtrail", "GetEventSelectors", region, TrailName=arn)
    if not is_unreadable(status):
        status = {"IsLogging": bool(status.get("IsLogging"))}
    if not is_unreadable(selectors):
        selectors = {"EventSelectors": selectors.get("EventSelectors") or [],
                     "AdvancedEventSelectors": selectors.get("AdvancedEventSelectors") or []}
    keep = ("Name", "TrailARN", "HomeRegion", "S3BucketName", "IsMultiRegionTrail", "IncludeGlobalServiceEvents",
            "LogFileValidationEnabled", "KmsKeyId", "CloudWatchLogsLogGroupArn", "CloudWatchLogsRoleArn",
            "IsOrganizationTrail", "HasCustomEventSelectors")
    row = {k: trail.get(k) for k in keep}
    row["HomeRegion"] = region
    row["status"], row["selectors"] = status, selectors
    return row


def _read_bucket(aws: Any, name: str) -> dict[str, Any]:
    """The trail bucket's exposure and access logging (same reads as the s3 step, so they are shared)."""
    bucket = bucket_exposure(aws, name)
    if "unreadable" in bucket:
        return bucket
    logging = bucket_read(aws, bucket, "GetBucketLogging")
    return {**bucket, "logging": logging if is_unreadable(logging) else logging.get("LoggingEnabled")}


def _read_region(aws: Any, region: str) -> dict[str, Any]:
    def rows(service: str, operation: str, field: str, **kw: Any) -> Any:
        answer = aws.try_read(service, operation, region, **kw)
        return answer if is_unreadable(answer) else answer.get(field) or []

    config = {
        "recorders": rows("config", "DescribeConfigurationRecorders", "ConfigurationRecorders"),
        "status": rows("config", "DescribeConfigurationRecorderStatus", "ConfigurationRecordersStatus"),
        "channels": rows("config", "DescribeDeliveryChannels", "DeliveryChannels"),
    }
    detector_ids = rows("guardduty", "ListDetectors", "DetectorIds", paginate=True)
    if is_unreadable(detector_ids):
        detectors: Any = detector_ids
    else:
        detectors = []
        for detector_id in detector_ids:
            answer = aws.try_read("guardduty", "GetDetector", region, DetectorId=detector_id)
            detectors.append({"DetectorId": detector_id,
                              "Status": answer if is_unreadable(answer) else answer.get("Status")})
    hub = aws.try_read("securityhub", "DescribeHub", region,
                       missing=("InvalidAccessException", "ResourceNotFoundException"))
    standards: Any = None
    if hub and not is_unreadable(hub):
        standards = rows("securityhub", "GetEnabledStandards", "StandardsSubscriptions", paginate=True)
        if not is_unreadable(standards):
            standards = [{"StandardsArn": s.get("StandardsArn"), "StandardsStatus": s.get("StandardsStatus"),
                          "StandardsSubscriptionArn": s.get("StandardsSubscriptionArn")} for s in standards]
        hub = {"HubArn": hub.get("HubArn")}
    return {"config": config, "guardduty": detectors, "securityhub": {"hub": hub, "standards": standards}}


def _read_alarms(aws: Any, state: Mapping[str, Any], trail: Mapping[str, Any] | None) -> dict[str, Any]:
    """Metric filters, alarms and SNS subscribers in the region of the trail's log group (or where ours
    would go)."""
    account_id, home = state["account_id"], state["home_region"]
    group_arn = (trail or {}).get("CloudWatchLogsLogGroupArn") or ""
    if group_arn:
        region, group = _arn_region(group_arn), _log_group_name(group_arn)
    else:
        region = (trail or {}).get("HomeRegion") or home if trail and _own(trail, account_id) else home
        group = ""
    out: dict[str, Any] = {"region": region, "log_group": group, "filters": [], "alarms": [], "topics": {}}
    if group:
        filters = aws.try_read("logs", "DescribeMetricFilters", region, paginate=True, logGroupName=group)
        out["filters"] = filters if is_unreadable(filters) else filters.get("metricFilters", [])
        alarms = aws.try_read("cloudwatch", "DescribeAlarms", region, paginate=True)
        out["alarms"] = alarms if is_unreadable(alarms) else [
            {k: a.get(k) for k in ("AlarmName", "MetricName", "Namespace", "AlarmActions", "ActionsEnabled")}
            for a in alarms.get("MetricAlarms", [])]
    else:
        groups = aws.try_read("logs", "DescribeLogGroups", region, paginate=True, logGroupNamePrefix=LOG_GROUP)
        out["our_group_exists"] = groups if is_unreadable(groups) else any(
            g.get("logGroupName") == LOG_GROUP for g in groups.get("logGroups", []))
        role = aws.try_read("iam", "GetRole", RoleName=CLOUDTRAIL_LOGS_ROLE, missing=("NoSuchEntity",))
        out["our_role_arn"] = role if is_unreadable(role) else (role or {}).get("Role", {}).get("Arn")
    topics = set()
    if not is_unreadable(out["alarms"]):
        topics = {arn for a in out["alarms"] for arn in a.get("AlarmActions") or [] if arn.startswith("arn:aws:sns:")}
    ours = topic_arn(account_id, region)
    exists = aws.try_read("sns", "GetTopicAttributes", region, TopicArn=ours, missing=("NotFound", "NotFoundException"))
    out["our_topic_exists"] = exists if is_unreadable(exists) else exists is not None
    if exists and not is_unreadable(exists):
        topics.add(ours)
    for arn in sorted(topics):
        subs = aws.try_read("sns", "ListSubscriptionsByTopic", _arn_region(arn) or region, paginate=True,
                            TopicArn=arn, missing=("NotFound", "NotFoundException"))
        out["topics"][arn] = subs if is_unreadable(subs) else [
            {"SubscriptionArn": s.get("SubscriptionArn"), "Protocol": s.get("Protocol"), "Endpoint": s.get("Endpoint")}
            for s in (subs or {}).get("Subscriptions", [])]
    return out


def collect(aws: Any) -> dict[str, Any]:
    account_id = aws.account_id
    home = aws.home_region
    regions = aws.regions()
    state: dict[str, Any] = {"account_id": account_id, "home_region": home, "regions": regions}
    described = aws.try_read("cloudtrail", "DescribeTrails", home, includeShadowTrails=True)
    if is_unreadable(described):
        state["trails"] = described
    else:
        rows = described.get("trailList", [])
        read = aws.per_region(lambda i: _read_trail(aws, rows[i]), range(len(rows)))
        state["trails"] = [read[i] if not is_unreadable(read[i]) else dict(rows[i], status=read[i], selectors=read[i])
                           for i in range(len(rows))]
    listing = aws.try_read("s3", "ListBuckets", paginate=True)
    state["buckets"] = listing if is_unreadable(listing) else [b["Name"] for b in listing.get("Buckets", [])]
    trail = primary_trail(state)
    state["trail_bucket"] = None
    bucket = (trail or {}).get("S3BucketName")
    if bucket and not is_unreadable(state["buckets"]) and bucket in state["buckets"]:
        state["trail_bucket"] = _read_bucket(aws, bucket)
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
    state["alarms"] = _read_alarms(aws, state, trail) if not is_unreadable(state["trails"]) else state["trails"]
    return state


# --- pure analysis ------------------------------------------------------------------------------


def _own(trail: Mapping[str, Any], account_id: str) -> bool:
    return _arn_account(trail.get("TrailARN", "")) == account_id


def trail_problems(trail: Mapping[str, Any]) -> list[str] | None:
    """Why this trail does not meet CIS 3.1 (empty when it does), or None when it could not be read."""
    status, selectors = trail.get("status"), trail.get("selectors")
    if is_unreadable(status) or is_unreadable(selectors):
        return None
    problems = []
    if not trail.get("IsMultiRegionTrail"):
        problems.append("it covers one region only")
    if not records_all_management_events(selectors.get("EventSelectors"), selectors.get("AdvancedEventSelectors"),
                                         bool(trail.get("HasCustomEventSelectors"))):
        problems.append("it does not record all management events (reads and writes)")
    if not status.get("IsLogging"):
        problems.append("it is not logging")
    return problems


def primary_trail(state: Mapping[str, Any]) -> dict[str, Any] | None:
    """The trail the other checks look at: a compliant one (the account's own first), otherwise the
    account's own trail to reuse (multi-region first); None when a new trail is needed."""
    trails = state.get("trails")
    if is_unreadable(trails) or not trails:
        return None
    account_id = state["account_id"]
    compliant = [t for t in trails if trail_problems(t) == []]
    if compliant:
        return sorted(compliant, key=lambda t: (not _own(t, account_id), t.get("Name") or ""))[0]
    own = [t for t in trails if _own(t, account_id)]
    if own:
        return sorted(own, key=lambda t: (not t.get("IsMultiRegionTrail"), t.get("Name") != TRAIL_NAME,
                                          t.get("Name") or ""))[0]
    return None


def _public_reasons(bucket: Mapping[str, Any]) -> list[str]:
    bpa = bucket.get("bpa") or {}
    reasons = []
    if not bpa.get("IgnorePublicAcls"):
        for grant in bucket.get("acl_grants") or []:
            if (grant.get("Grantee") or {}).get("URI") in PUBLIC_GROUPS:
                reasons.append(f"its ACL grants {grant.get('Permission')} to everyone")
    if not bpa.get("RestrictPublicBuckets"):
        try:
            doc = json.loads(bucket.get("policy") or "{}")
        except ValueError:
            doc = {}
        statements = doc.get("Statement", [])
        for s in [statements] if isinstance(statements, dict) else statements:
            principal = s.get("Principal")
            anyone = principal == "*" or (isinstance(principal, dict) and principal.get("AWS") in ("*", ["*"]))
            if s.get("Effect") == "Allow" and anyone and not s.get("Condition"):
                reasons.append(f"its policy allows anyone ({s.get('Sid') or 'a statement without Sid'})")
    return reasons


def _regional_config(region_state: Mapping[str, Any]) -> tuple[str | None, str]:
    """(problem or None, detail) for AWS Config in one region; problem is 'unknown' when unreadable."""
    config = region_state["config"]
    for value in config.values():
        if is_unreadable(value):
            return "unknown", reason_of(value)
    if not config["recorders"]:
        return "no recorder", "There is no configuration recorder."
    recorder = config["recorders"][0]
    group = recorder.get("recordingGroup") or {}
    strategy = (group.get("recordingStrategy") or {}).get("useOnly")
    problems = []
    if not (group.get("allSupported") or strategy == "ALL_SUPPORTED_RESOURCE_TYPES"):
        problems.append("it records only some resource types")
    if not config["channels"]:
        problems.append("it has no delivery channel")
    status = next((s for s in config["status"] if s.get("name") == recorder.get("name")), {})
    if not status.get("recording"):
        problems.append("it is stopped")
    if problems:
        return "partial", f"Recorder '{recorder.get('name')}': " + "; ".join(problems) + "."
    return None, f"Recorder '{recorder.get('name')}' records all supported resources."


def _cis_subscriptions(standards: Sequence[Mapping[str, Any]]) -> list[str]:
    return [s["StandardsArn"] for s in standards or [] if "cis-aws-foundations-benchmark" in (s.get("StandardsArn") or "")
            and s.get("StandardsStatus") in ("READY", "PENDING", "INCOMPLETE")]


def _confirmed(subs: Any) -> list[dict]:
    if is_unreadable(subs):
        return []
    return [s for s in subs or [] if (s.get("SubscriptionArn") or "").startswith("arn:")]


def rule_status(state: Mapping[str, Any], rule: MetricFilterRule) -> tuple[Status, str, dict[str, Any]]:
    """The status of one CIS alarm rule, a message, and facts the plan reuses (filter metric, alarms)."""
    alarms = state["alarms"]
    facts: dict[str, Any] = {"metric": None, "alarms": []}
    if not alarms.get("log_group"):
        return Status.FAIL, "The trail does not send its events to CloudWatch Logs, so nothing can raise an alarm.", facts
    if is_unreadable(alarms["filters"]):
        return Status.UNKNOWN, reason_of(alarms["filters"]), facts
    filters = matching_filters(rule, alarms["filters"])
    if not filters:
        return Status.FAIL, f"No metric filter on {alarms['log_group']} uses the CIS {rule.cis} pattern.", facts
    metrics = [(t.get("metricName"), t.get("metricNamespace"))
               for f in filters for t in f.get("metricTransformations") or []]
    facts["metric"] = metrics[0] if metrics else None
    if is_unreadable(alarms["alarms"]):
        return Status.UNKNOWN, reason_of(alarms["alarms"]), facts
    matched = [a for a in alarms["alarms"] if (a.get("MetricName"), a.get("Namespace")) in metrics]
    facts["alarms"] = matched
    if not matched:
        return Status.FAIL, f"Metric filter '{filters[0].get('filterName')}' has no alarm.", facts
    topics = [t for a in matched for t in a.get("AlarmActions") or [] if t.startswith("arn:aws:sns:")]
    if not topics:
        return Status.FAIL, f"Alarm '{matched[0].get('AlarmName')}' notifies no SNS topic.", facts
    subs = [alarms["topics"].get(t) for t in topics]
    if any(is_unreadable(s) for s in subs) and not any(_confirmed(s) for s in subs):
        return Status.UNKNOWN, next(reason_of(s) for s in subs if is_unreadable(s)), facts
    if any(_confirmed(s) for s in subs):
        return Status.PASS, f"Alarm '{matched[0].get('AlarmName')}' notifies a confirmed subscriber.", facts
    if any(s for s in subs):
        return (Status.MANUAL, "The alarm's SNS subscription is waiting for confirmation: open the email from AWS "
                "Notifications and click the link.", facts)
    return Status.FAIL, "The alarm's SNS topic has no subscriber, so nobody would be told.", facts


def evaluate(state: Mapping[str, Any]) -> list[Finding]:
    findings = _trail_findings(state)
    for region in state["regions"]:
        findings.extend(_regional_findings(state, region))
    findings.extend(_alarm_findings(state))
    return findings


def _trail_findings(state: Mapping[str, Any]) -> list[Finding]:
    account_id = state["account_id"]
    cis, hub = CT_IDS["trail"]
    title = "A multi-region CloudTrail trail records all management events"
    ids = {"cis": cis, "securityhub": hub, "severity": Severity.CRITICAL, "region": state["home_region"]}
    trails = state["trails"]
    if is_unreadable(trails):
        return [unknown_finding("cloudtrail", title, reason_of(trails), **ids)]
    checked = [(t, trail_problems(t)) for t in trails]
    good = [t for t, p in checked if p == []]
    out = []
    if good:
        trail = primary_trail(state)
        kind = " (an organization trail)" if trail.get("IsOrganizationTrail") else ""
        out.append(Finding("cloudtrail", title, Status.PASS, f"Trail '{trail['Name']}'{kind} is logging all "
                           "management events in every region.", resource=trail["TrailARN"], **ids))
    elif any(p is None for _, p in checked):
        t = next(t for t, p in checked if p is None)
        out.append(unknown_finding("cloudtrail", title, reason_of(t["status"]) or reason_of(t["selectors"]),
                                   resource=t.get("TrailARN"), **ids))
        return out
    else:
        trail = primary_trail(state)
        if trail is None:
            message = ("No trail in this account records activity in every region." if not trails else
                       "No usable trail: " + "; ".join(f"'{t['Name']}': {', '.join(p)}" for t, p in checked) + ".")
        else:
            message = f"Trail '{trail['Name']}' falls short: {', '.join(trail_problems(trail))}."
        out.append(Finding("cloudtrail", title, Status.FAIL, message, fixable=True,
                           resource=(trail or {}).get("TrailARN"), **ids))
    trail = primary_trail(state)
    out.extend(_trail_detail_findings(state, trail, account_id))
    return out


def _trail_detail_findings(state: Mapping[str, Any], trail: Mapping[str, Any] | None, account_id: str) -> list[Finding]:
    out = []
    checks = (
        ("validation", "cloudtrail-log-validation", "CloudTrail log file validation is on", Severity.MEDIUM),
        ("kms", "cloudtrail-kms", "CloudTrail logs are encrypted with a KMS key", Severity.MEDIUM),
        ("bucket-public", "cloudtrail-bucket-not-public", "The CloudTrail bucket is not public", Severity.CRITICAL),
        ("bucket-logging", "cloudtrail-bucket-access-logging", "The CloudTrail bucket has access logging",
         Severity.LOW),
    )
    for key, check, title, severity in checks:
        cis, hub = CT_IDS[key]
        ids = {"cis": cis, "securityhub": hub, "severity": severity, "region": (trail or {}).get("HomeRegion")
               or state["home_region"], "resource": (trail or {}).get("TrailARN")}
        if trail is None:
            out.append(Finding(check, title, Status.FAIL, "There is no trail yet; the fix creates one with this set.",
                               fixable=True, **ids))
            continue
        own = _own(trail, account_id)
        if key == "validation":
            ok = bool(trail.get("LogFileValidationEnabled"))
            good, bad = "Digest files let you prove the logs were not changed.", "Log file validation is off."
        elif key == "kms":
            ok = bool(trail.get("KmsKeyId"))
            good, bad = f"Encrypted with {trail.get('KmsKeyId')}.", "Log files are encrypted with S3-managed keys only."
        else:
            bucket = state.get("trail_bucket")
            name = trail.get("S3BucketName")
            ids["resource"] = f"arn:aws:s3:::{name}"
            if bucket is None:
                out.append(Finding(check, title, Status.MANUAL, f"Bucket {name} belongs to another account (for an "
                                   "organization trail, the log archive account); check it there.", **ids))
                continue
            if bucket.get("unreadable"):
                out.append(unknown_finding(check, title, bucket["unreadable"], **ids))
                continue
            field = ("bpa", "policy", "acl_grants") if key == "bucket-public" else ("logging",)
            unread = [bucket[f] for f in field if is_unreadable(bucket[f])]
            if unread:
                out.append(unknown_finding(check, title, reason_of(unread[0]), **ids))
                continue
            own = True  # the bucket is in this account
            if key == "bucket-public":
                reasons = _public_reasons(bucket)
                ok = not reasons
                good = "Neither its ACL nor its policy lets anyone in." if ok else ""
                bad = f"Bucket {name} is public: {'; '.join(reasons)}."
            else:
                ok = bool(bucket.get("logging"))
                target = (bucket.get("logging") or {}).get("TargetBucket")
                good, bad = f"Access logs go to {target}.", f"Requests to bucket {name} are not logged."
        if ok:
            out.append(Finding(check, title, Status.PASS, good, **ids))
        elif own:
            out.append(Finding(check, title, Status.FAIL, bad, fixable=True, **ids))
        else:
            out.append(Finding(check, title, Status.MANUAL, bad + " The trail belongs to another account "
                               "(organization or Control Tower); change it there.", **ids))
    return out


def _regional_findings(state: Mapping[str, Any], region: str) -> list[Finding]:
    data = state["regional"].get(region)
    out = []
    titles = {"config": "AWS Config records resources", "guardduty": "GuardDuty is enabled",
              "securityhub": "Security Hub is enabled with the CIS standard"}
    ids = {
        "config": {"cis": ("3.3",), "securityhub": ("Config.1",), "severity": Severity.MEDIUM},
        "guardduty": {"securityhub": ("GuardDuty.1",), "severity": Severity.HIGH},
        "securityhub": {"cis": ("4.16",), "severity": Severity.MEDIUM},
    }
    if data is None or is_unreadable(data):
        reason = reason_of(data) or "the region was not read"
        return [unknown_finding(k, titles[k], reason, region=region, **ids[k]) for k in titles]
    problem, detail = _regional_config(data)
    if problem == "unknown":
        out.append(unknown_finding("config", titles["config"], detail, region=region, **ids["config"]))
    else:
        out.append(Finding("config", titles["config"], Status.FAIL if problem else Status.PASS, detail,
                           fixable=bool(problem), region=region, **ids["config"]))
    detectors = data["guardduty"]
    if is_unreadable(detectors):
        out.append(unknown_finding("guardduty", titles["guardduty"], reason_of(detectors), region=region,
                                   **ids["guardduty"]))
    elif any(d.get("Status") == "ENABLED" for d in detectors):
        out.append(Finding("guardduty", titles["guardduty"], Status.PASS, "A detector is enabled.", region=region,
                           **ids["guardduty"]))
    elif any(is_unreadable(d.get("Status")) for d in detectors):
        d = next(d for d in detectors if is_unreadable(d.get("Status")))
        out.append(unknown_finding("guardduty", titles["guardduty"], reason_of(d["Status"]), region=region,
                                   **ids["guardduty"]))
    else:
        message = "The detector is suspended." if detectors else "There is no GuardDuty detector."
        out.append(Finding("guardduty", titles["guardduty"], Status.FAIL, message, fixable=True, region=region,
                           **ids["guardduty"]))
    hub = data["securityhub"]
    if is_unreadable(hub["hub"]) or is_unreadable(hub["standards"]):
        reason = reason_of(hub["hub"]) or reason_of(hub["standards"])
        out.append(unknown_finding("securityhub", titles["securityhub"], reason, region=region, **ids["securityhub"]))
    elif not hub["hub"]:
        out.append(Finding("securityhub", titles["securityhub"], Status.FAIL, "Security Hub is not enabled.",
                           fixable=True, region=region, **ids["securityhub"]))
    elif not _cis_subscriptions(hub["standards"]):
        out.append(Finding("securityhub", titles["securityhub"], Status.FAIL, "Security Hub is on, but the CIS AWS "
                           "Foundations Benchmark standard is not enabled.", fixable=True, region=region,
                           resource=hub["hub"].get("HubArn"), **ids["securityhub"]))
    else:
        version = _cis_subscriptions(hub["standards"])[0].rsplit("/", 1)[-1]
        out.append(Finding("securityhub", titles["securityhub"], Status.PASS,
                           f"Security Hub checks the CIS benchmark v{version}.", region=region,
                           resource=hub["hub"].get("HubArn"), **ids["securityhub"]))
    return out


def _alarm_findings(state: Mapping[str, Any]) -> list[Finding]:
    alarms = state["alarms"]
    out = []
    trail = primary_trail(state)
    fixable_route = trail is None or _own(trail, state["account_id"]) or bool(alarms.get("log_group")
                                                                               if not is_unreadable(alarms) else False)
    for rule in METRIC_FILTER_RULES:
        ids = {"cis": (rule.cis,), "securityhub": (rule.securityhub,), "severity": Severity.MEDIUM}
        if is_unreadable(alarms):
            out.append(unknown_finding(f"alarm-{rule.key}", rule.title, reason_of(alarms), **ids))
            continue
        status, message, _ = rule_status(state, rule)
        where = {"region": alarms["region"], "resource": alarms.get("log_group") or None}
        if status is Status.UNKNOWN:
            out.append(unknown_finding(f"alarm-{rule.key}", rule.title, message, **where, **ids))
        elif status is Status.FAIL and not fixable_route:
            out.append(Finding(f"alarm-{rule.key}", rule.title, Status.MANUAL, message + " The trail belongs to "
                               "another account; add the alarm where its logs are.", **where, **ids))
        else:
            out.append(Finding(f"alarm-{rule.key}", rule.title, status, message, fixable=status is Status.FAIL,
                               **where, **ids))
    return out


# --- plan -------------------------------------------------------------------------------------


def _statement_sids(policy: Any) -> set[str]:
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
        _tls_statement(arn),
    ]
    return _merge_statements(existing, ours)


def access_bucket_policy(bucket: str, account_id: str, existing: Any = None) -> dict[str, Any]:
    arn = f"arn:aws:s3:::{bucket}"
    ours = [
        {"Sid": "S3ServerAccessLogs", "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": f"{arn}/*", "Condition": {"StringEquals": {"aws:SourceAccount": account_id}}},
        _tls_statement(arn),
    ]
    return _merge_statements(existing, ours)


def _tls_statement(arn: str) -> dict[str, Any]:
    return {"Sid": TLS_SID, "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [arn, f"{arn}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}


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


def _bucket_changes(name: str, region: str, policy: dict[str, Any], exists: bool, old_policy: Any,
                    purpose: str) -> list[Change]:
    """Create (when missing) a private, encrypted, versioned bucket with ``policy``."""
    out = []
    if not exists:
        params: dict[str, Any] = {"Bucket": name}
        if region != "us-east-1":
            params["CreateBucketConfiguration"] = {"LocationConstraint": region}
        out += [
            Change(f"Create bucket {name} for {purpose}.", Call("s3", "CreateBucket", params, region), after=name,
                   undo=Call("s3", "DeleteBucket", {"Bucket": name}, region)),
            Change(f"Block all public access to {name}.",
                   Call("s3", "PutPublicAccessBlock", {"Bucket": name, "PublicAccessBlockConfiguration": BPA_ALL},
                        region), after=BPA_ALL, undo=Call("s3", "DeletePublicAccessBlock", {"Bucket": name}, region)),
            Change(f"Encrypt new objects in {name} by default (SSE-S3).",
                   Call("s3", "PutBucketEncryption", {"Bucket": name, "ServerSideEncryptionConfiguration": {
                       "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}}, region),
                   after="AES256", undo_note="The bucket is new; deleting it removes this setting."),
            Change(f"Keep object versions in {name}, so a deleted log can be recovered.",
                   Call("s3", "PutBucketVersioning", {"Bucket": name, "VersioningConfiguration": {"Status": "Enabled"}},
                        region), after="Enabled",
                   undo=Call("s3", "PutBucketVersioning", {"Bucket": name, "VersioningConfiguration":
                                                          {"Status": "Suspended"}}, region)),
        ]
    if exists and _statement_sids(old_policy) >= {s["Sid"] for s in policy["Statement"] if s.get("Sid")}:
        return out
    out.append(Change(
        f"Let only the AWS services that deliver logs write to {name}, and refuse plain HTTP.",
        Call("s3", "PutBucketPolicy", {"Bucket": name, "Policy": json.dumps(policy)}, region),
        before=old_policy, after=policy,
        undo=Call("s3", "PutBucketPolicy", {"Bucket": name, "Policy": old_policy}, region) if old_policy
        else Call("s3", "DeleteBucketPolicy", {"Bucket": name}, region),
    ))
    return out


def plan(state: Mapping[str, Any], answers: Mapping[str, str]) -> Plan:
    account_id, home = state["account_id"], state["home_region"]
    if is_unreadable(state["trails"]) or is_unreadable(state["buckets"]):
        return Plan(INFO.id, notes=("The trails or buckets could not be read; nothing is planned.",))
    buckets = set(state["buckets"])
    trail = primary_trail(state)
    trail_ok = trail is not None and trail_problems(trail) == []
    own_trail = trail is not None and _own(trail, account_id)
    create_trail = not trail_ok and not own_trail
    changes: list[Change] = []
    manual_changes: list[Change] = []

    # Which regions need a Config delivery channel (they go to our log bucket).
    config_regions = {}
    for region in state["regions"]:
        data = state["regional"].get(region)
        if data is None or is_unreadable(data):
            continue
        problem, _ = _regional_config(data)
        if problem in ("no recorder", "partial"):
            config_regions[region] = data["config"]
    need_channel = any(not c["channels"] for c in config_regions.values())

    # 1. The log bucket (for a new trail, and for Config delivery).
    logs_bucket = logs_bucket_name(account_id, home)
    if create_trail or need_channel:
        existing = state.get("logs_bucket_policy")
        if not is_unreadable(existing):
            policy = logs_bucket_policy(logs_bucket, account_id, home, existing)
            changes += _bucket_changes(logs_bucket, home, policy, logs_bucket in buckets, existing,
                                       "CloudTrail and AWS Config log files")

    # 2. Access logging for the trail bucket (CIS 3.4), through a bucket of its own in the same region.
    trail_bucket = state.get("trail_bucket")
    if create_trail:
        target_region, source = home, logs_bucket
        needs_access_logging = True
    elif trail_bucket and not trail_bucket.get("unreadable") and not is_unreadable(trail_bucket.get("logging")):
        target_region, source = trail_bucket["region"], trail_bucket["name"]
        needs_access_logging = not trail_bucket.get("logging")
    else:
        needs_access_logging = False
    if needs_access_logging:
        access = access_bucket_name(account_id, target_region)
        if access not in buckets:  # an existing one is reused as it is
            changes += _bucket_changes(access, target_region, access_bucket_policy(access, account_id), False, None,
                                       "S3 server access logs")
        changes.append(Change(
            f"Log every request to {source} into {access} (who read or changed the audit logs).",
            Call("s3", "PutBucketLogging", {"Bucket": source, "BucketLoggingStatus": {"LoggingEnabled": {
                "TargetBucket": access, "TargetPrefix": f"{source}/"}}}, target_region),
            after={"TargetBucket": access},
            undo=Call("s3", "PutBucketLogging", {"Bucket": source, "BucketLoggingStatus": {}}, target_region),
        ))

    # 3. The trail bucket must not be public.
    if (not create_trail and trail_bucket and not trail_bucket.get("unreadable")
            and not any(is_unreadable(trail_bucket[f]) for f in ("bpa", "policy", "acl_grants"))
            and _public_reasons(trail_bucket)):
        old = trail_bucket.get("bpa")
        changes.append(Change(
            f"Block all public access to the CloudTrail bucket {trail_bucket['name']}.",
            Call("s3", "PutPublicAccessBlock", {"Bucket": trail_bucket["name"],
                                                "PublicAccessBlockConfiguration": BPA_ALL}, trail_bucket["region"]),
            before=old, after=BPA_ALL,
            undo=Call("s3", "PutPublicAccessBlock", {"Bucket": trail_bucket["name"],
                                                     "PublicAccessBlockConfiguration": old}, trail_bucket["region"])
            if old else Call("s3", "DeletePublicAccessBlock", {"Bucket": trail_bucket["name"]}, trail_bucket["region"]),
            warning="Anything that reads these log files anonymously will stop working.",
        ))

    # 4. The trail: created, or the account's own trail reused.
    trail_region = trail["HomeRegion"] if trail and own_trail else home
    the_trail_arn = trail["TrailARN"] if trail and own_trail else trail_arn(account_id, home)
    name = trail["Name"] if trail and own_trail else TRAIL_NAME
    alarms = state["alarms"]
    rules = [(rule, *rule_status(state, rule)) for rule in METRIC_FILTER_RULES]
    alarms_needed = any(status is Status.FAIL for _, status, _, _ in rules)
    logs_route = alarms_needed and not alarms.get("log_group") and (create_trail or own_trail)
    kms_needed = create_trail or (own_trail and not trail.get("KmsKeyId"))
    kms_ref: Any = None
    if kms_needed:
        key_changes, kms_ref = trail_key_changes(state.get("trail_key"), name, trail_region,
                                                 kms_key_policy(account_id, the_trail_arn))
        changes += key_changes
    if logs_route:
        trust, permissions = cloudtrail_logs_role_policies(account_id, trail_region)
        if not alarms.get("our_group_exists"):
            changes.append(Change(
                f"Create log group {LOG_GROUP}, where the trail's events arrive for the alarms.",
                Call("logs", "CreateLogGroup", {"logGroupName": LOG_GROUP}, trail_region), cost_note=COST_LOGS,
                undo=Call("logs", "DeleteLogGroup", {"logGroupName": LOG_GROUP}, trail_region)))
        role_arn: Any = alarms.get("our_role_arn")
        if not role_arn:
            changes += [
                Change(f"Create role {CLOUDTRAIL_LOGS_ROLE}, which lets CloudTrail write to the log group.",
                       Call("iam", "CreateRole", {"RoleName": CLOUDTRAIL_LOGS_ROLE,
                                                  "AssumeRolePolicyDocument": json.dumps(trust),
                                                  "Description": "CloudTrail delivery to CloudWatch Logs"}),
                       key="logs-role", undo=Call("iam", "DeleteRole", {"RoleName": CLOUDTRAIL_LOGS_ROLE})),
                Change("Allow the role to write log streams in that group only.",
                       Call("iam", "PutRolePolicy", {"RoleName": CLOUDTRAIL_LOGS_ROLE, "PolicyName": "write-trail-logs",
                                                     "PolicyDocument": json.dumps(permissions)}),
                       undo=Call("iam", "DeleteRolePolicy", {"RoleName": CLOUDTRAIL_LOGS_ROLE,
                                                             "PolicyName": "write-trail-logs"})),
            ]
            role_arn = Ref("logs-role", "Role.Arn")
    if create_trail:
        params: dict[str, Any] = {"Name": TRAIL_NAME, "S3BucketName": logs_bucket, "IsMultiRegionTrail": True,
                                  "IncludeGlobalServiceEvents": True, "EnableLogFileValidation": True,
                                  "KmsKeyId": kms_ref}
        if logs_route:
            params.update(CloudWatchLogsLogGroupArn=log_group_arn(account_id, trail_region),
                          CloudWatchLogsRoleArn=role_arn)
        changes.append(Change(
            "Create a trail that records management events in every region, with validation and encryption.",
            Call("cloudtrail", "CreateTrail", params, home), key="trail", after=params, cost_note=COST_TRAIL,
            undo=Call("cloudtrail", "DeleteTrail", {"Name": TRAIL_NAME}, home),
            warning="A role just created can take a few seconds to be usable; if CreateTrail refuses it, apply again."
            if logs_route else ""))
        changes.append(Change(
            "Start logging: a trail records nothing until it is started.",
            Call("cloudtrail", "StartLogging", {"Name": Ref("trail", "TrailARN")}, home), after={"IsLogging": True},
            undo=Call("cloudtrail", "StopLogging", {"Name": TRAIL_NAME}, home)))
    elif own_trail:
        changes += _reuse_trail(trail, kms_needed, kms_ref, logs_route, role_arn if logs_route else None, account_id)
    elif trail is not None:  # an organization / Control Tower trail from another account: manual only
        if not trail.get("LogFileValidationEnabled") or not trail.get("KmsKeyId"):
            manual_changes.append(manual(
                f"Turn on log file validation and KMS encryption on trail {trail['Name']} in the account that owns it.",
                "https://console.aws.amazon.com/cloudtrail/home#/trails",
                "Sign in to the organization's management (or log archive) account.",
                f"Open CloudTrail, choose trail {trail['Name']}, edit its general details.",
                "Enable log file validation and SSE-KMS encryption."))

    # 5. AWS Config per region.
    changes += _config_changes(state, config_regions, logs_bucket)

    # 6. GuardDuty and Security Hub per region.
    for region in state["regions"]:
        data = state["regional"].get(region)
        if data is None or is_unreadable(data):
            continue
        changes += _guardduty_changes(data["guardduty"], region)
        changes += _securityhub_changes(data["securityhub"], region, account_id)

    # 7. The CIS alarms, routed to an SNS topic the security contact subscribes to.
    alarm_changes, alarm_manual = _alarm_changes(state, rules, alarms_needed, create_trail or own_trail, answers)
    if alarm_changes is None:
        errors = check_answers(INFO.inputs, answers)
        return Plan(INFO.id, needs=tuple(errors), notes=tuple(errors.values()))
    changes += alarm_changes
    manual_changes += alarm_manual
    return with_retries(Plan(INFO.id, changes=tuple(changes + manual_changes)))


def _reuse_trail(trail: Mapping[str, Any], kms_needed: bool, kms_ref: Ref, logs_route: bool, role_arn: Any,
                 account_id: str) -> list[Change]:
    region, name = trail["HomeRegion"], trail["Name"]
    out = []
    if not trail.get("IsMultiRegionTrail"):
        out.append(Change(
            f"Extend trail {name} to every region, with global service events (IAM, STS, CloudFront).",
            Call("cloudtrail", "UpdateTrail", {"Name": name, "IsMultiRegionTrail": True,
                                               "IncludeGlobalServiceEvents": True}, region),
            before={"IsMultiRegionTrail": False}, after={"IsMultiRegionTrail": True},
            undo=Call("cloudtrail", "UpdateTrail", {"Name": name, "IsMultiRegionTrail": False,
                                                    "IncludeGlobalServiceEvents": bool(
                                                        trail.get("IncludeGlobalServiceEvents"))}, region)))
    selectors = trail["selectors"]
    if not records_all_management_events(selectors["EventSelectors"], selectors["AdvancedEventSelectors"],
                                         bool(trail.get("HasCustomEventSelectors"))):
        params = management_selector_to_add(selectors["EventSelectors"], selectors["AdvancedEventSelectors"])
        old = ({"AdvancedEventSelectors": selectors["AdvancedEventSelectors"]} if selectors["AdvancedEventSelectors"]
               else {"EventSelectors": selectors["EventSelectors"]})
        out.append(Change(
            f"Add a selector so trail {name} records every management event, keeping its other selectors.",
            Call("cloudtrail", "PutEventSelectors", {"TrailName": name, **params}, region), before=old, after=params,
            undo=Call("cloudtrail", "PutEventSelectors", {"TrailName": name, **old}, region)
            if any(old.values()) else None,
            undo_note="" if any(old.values()) else "The trail had no selectors to restore."))
    if not trail.get("LogFileValidationEnabled"):
        out.append(Change(
            f"Turn on log file validation for trail {name}.",
            Call("cloudtrail", "UpdateTrail", {"Name": name, "EnableLogFileValidation": True}, region),
            before=False, after=True,
            undo=Call("cloudtrail", "UpdateTrail", {"Name": name, "EnableLogFileValidation": False}, region)))
    if kms_needed:
        out.append(Change(
            f"Encrypt trail {name}'s log files with the new KMS key.",
            Call("cloudtrail", "UpdateTrail", {"Name": name, "KmsKeyId": kms_ref}, region), after="the new key",
            undo=Call("cloudtrail", "UpdateTrail", {"Name": name, "KmsKeyId": ""}, region)))
    if logs_route:
        out.append(Change(
            f"Send trail {name}'s events to CloudWatch Logs, where the alarms watch them.",
            Call("cloudtrail", "UpdateTrail", {"Name": name,
                                               "CloudWatchLogsLogGroupArn": log_group_arn(account_id, region),
                                               "CloudWatchLogsRoleArn": role_arn}, region),
            after=log_group_arn(account_id, region), cost_note=COST_LOGS,
            undo=Call("cloudtrail", "UpdateTrail", {"Name": name, "CloudWatchLogsLogGroupArn": "",
                                                    "CloudWatchLogsRoleArn": ""}, region)))
    if not (trail.get("status") or {}).get("IsLogging"):
        out.append(Change(
            f"Start logging on trail {name}: it records nothing while stopped.",
            Call("cloudtrail", "StartLogging", {"Name": trail["TrailARN"]}, region), before={"IsLogging": False},
            after={"IsLogging": True}, undo=Call("cloudtrail", "StopLogging", {"Name": trail["TrailARN"]}, region)))
    return out


def _config_changes(state: Mapping[str, Any], config_regions: Mapping[str, Any], bucket: str) -> list[Change]:
    account_id, home = state["account_id"], state["home_region"]
    out: list[Change] = []
    if not config_regions:
        return out
    if any(not c["recorders"] for c in config_regions.values()) and state.get("config_role") is False:
        out.append(Change(
            "Create AWS Config's service-linked role, which lets Config read resource settings.",
            Call("iam", "CreateServiceLinkedRole", {"AWSServiceName": "config.amazonaws.com"}),
            undo=Call("iam", "DeleteServiceLinkedRole", {"RoleName": CONFIG_ROLE})))
    for region in sorted(config_regions):
        config = config_regions[region]
        recorder = config["recorders"][0] if config["recorders"] else None
        rec_name = recorder["name"] if recorder else RECORDER_NAME
        group = (recorder or {}).get("recordingGroup") or {}
        strategy = (group.get("recordingStrategy") or {}).get("useOnly")
        if recorder is None or not (group.get("allSupported") or strategy == "ALL_SUPPORTED_RESOURCE_TYPES"):
            new = {"name": rec_name, "roleARN": (recorder or {}).get("roleARN") or config_role_arn(account_id),
                   "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": region == home}}
            global_note = ("this region also records global resources (IAM)" if region == home
                           else f"global resources (IAM) are recorded in {home} only, to avoid paying twice")
            out.append(Change(
                f"Record every supported resource type in {region}; {global_note}.",
                Call("config", "PutConfigurationRecorder", {"ConfigurationRecorder": new}, region),
                before=recorder, after=new, cost_note=COST_CONFIG,
                undo=Call("config", "PutConfigurationRecorder", {"ConfigurationRecorder": recorder}, region)
                if recorder else Call("config", "DeleteConfigurationRecorder",
                                      {"ConfigurationRecorderName": rec_name}, region)))
        if not config["channels"]:
            channel = {"name": CHANNEL_NAME, "s3BucketName": bucket}
            out.append(Change(
                f"Deliver {region}'s configuration history to bucket {bucket}.",
                Call("config", "PutDeliveryChannel", {"DeliveryChannel": channel}, region), after=channel,
                undo=Call("config", "DeleteDeliveryChannel", {"DeliveryChannelName": CHANNEL_NAME}, region)))
        status = next((s for s in config["status"] if s.get("name") == rec_name), {})
        if not status.get("recording"):
            out.append(Change(
                f"Start the configuration recorder in {region}.",
                Call("config", "StartConfigurationRecorder", {"ConfigurationRecorderName": rec_name}, region),
                before={"recording": False}, after={"recording": True}, cost_note=COST_CONFIG,
                undo=Call("config", "StopConfigurationRecorder", {"ConfigurationRecorderName": rec_name}, region)))
    return out


def _guardduty_changes(detectors: Any, region: str) -> list[Change]:
    if is_unreadable(detectors) or any(d.get("Status") == "ENABLED" for d in detectors):
        return []
    if any(is_unreadable(d.get("Status")) for d in detectors):
        return []
    if detectors:
        detector_id = detectors[0]["DetectorId"]
        return [Change(
            f"Resume the suspended GuardDuty detector in {region}.",
            Call("guardduty", "UpdateDetector", {"DetectorId": detector_id, "Enable": True}, region),
            before="DISABLED", after="ENABLED", cost_note=COST_GUARDDUTY,
            undo=Call("guardduty", "UpdateDetector", {"DetectorId": detector_id, "Enable": False}, region))]
    key = f"guardduty-{region}"
    return [Change(
        f"Turn on GuardDuty threat detection in {region}.",
        Call("guardduty", "CreateDetector", {"Enable": True, "FindingPublishingFrequency": "FIFTEEN_MINUTES"}, region),
        after="ENABLED", cost_note=COST_GUARDDUTY, key=key,
        # The new detector's id is known once it exists; the journal records the undo with it.
        undo=Call("guardduty", "DeleteDetector", {"DetectorId": Ref(key, "DetectorId")}, region))]


def _securityhub_changes(hub: Mapping[str, Any], region: str, account_id: str) -> list[Change]:
    if is_unreadable(hub["hub"]) or is_unreadable(hub["standards"]):
        return []
    out = []
    if not hub["hub"]:
        out.append(Change(
            f"Turn on Security Hub in {region} (without its default standards; the CIS standard follows).",
            Call("securityhub", "EnableSecurityHub", {"EnableDefaultStandards": False}, region), after="enabled",
            cost_note=COST_SECURITYHUB, undo=Call("securityhub", "DisableSecurityHub", {}, region)))
    elif _cis_subscriptions(hub["standards"]):
        return []
    standard = CIS_STANDARD.format(region=region)
    subscription = f"arn:aws:securityhub:{region}:{account_id}:subscription/cis-aws-foundations-benchmark/v/5.0.0"
    out.append(Change(
        f"Check {region} against the CIS AWS Foundations Benchmark v5.0.0 in Security Hub.",
        Call("securityhub", "BatchEnableStandards", {"StandardsSubscriptionRequests": [{"StandardsArn": standard}]},
             region), after=standard, cost_note=COST_SECURITYHUB,
        undo=Call("securityhub", "BatchDisableStandards", {"StandardsSubscriptionArns": [subscription]}, region)))
    return out


def _alarm_changes(state: Mapping[str, Any], rules: list, needed: bool, can_route: bool,
                   answers: Mapping[str, str]) -> tuple[list[Change] | None, list[Change]]:
    """The topic, subscription, filters and alarms; None when the email answer is missing or invalid."""
    alarms = state["alarms"]
    account_id = state["account_id"]
    if is_unreadable(alarms):
        return [], []
    manual_changes = [manual("Confirm the SNS subscription: open the email from AWS Notifications and click the link.",
                             "https://console.aws.amazon.com/sns/v3/home#/subscriptions")
                      ] if any(status is Status.MANUAL for _, status, _, _ in rules) and alarms.get("log_group") else []
    if not needed:
        return [], manual_changes
    if not alarms.get("log_group") and not can_route:
        return [], [manual("Add the CIS metric filters and alarms in the account that owns the trail's log group.",
                           "https://console.aws.amazon.com/cloudwatch/home#alarmsV2:")]
    if check_answers(INFO.inputs, answers):
        return None, []
    email = answers["alarm_email"].strip()
    region = alarms["region"]
    group = alarms.get("log_group") or LOG_GROUP
    ours = topic_arn(account_id, region)
    out = []
    topic: Any = ours
    if not alarms.get("our_topic_exists"):
        out.append(Change(
            f"Create SNS topic {TOPIC_NAME} for security alarms.",
            Call("sns", "CreateTopic", {"Name": TOPIC_NAME}, region), key="alarm-topic", after=ours,
            undo=Call("sns", "DeleteTopic", {"TopicArn": ours}, region)))
        topic = Ref("alarm-topic", "TopicArn")
    subscribed = [s for s in alarms["topics"].get(ours) or [] if not is_unreadable(s)
                  and (s.get("Endpoint") or "").lower() == email.lower()]
    if not subscribed:
        out.append(Change(
            f"Subscribe {email} to the alarms (AWS sends a confirmation email first).",
            Call("sns", "Subscribe", {"TopicArn": topic, "Protocol": "email", "Endpoint": email}, region), after=email,
            undo_note="Unsubscribe with the subscription ARN shown in the journal, or in the SNS console."))
    for rule, status, _message, facts in rules:
        if status is not Status.FAIL:
            continue
        metric = facts.get("metric")
        if metric is None:
            metric = (rule.metric_name, METRIC_NAMESPACE)
            filter_name = f"aws-essentials-{rule.key}"
            out.append(Change(
                f"Turn matching CloudTrail events in {group} into a metric (CIS {rule.cis}: "
                f"{rule.title[0].lower() + rule.title[1:]}).",
                Call("logs", "PutMetricFilter", {
                    "logGroupName": group, "filterName": filter_name, "filterPattern": rule.pattern,
                    "metricTransformations": [{"metricName": metric[0], "metricNamespace": metric[1],
                                               "metricValue": "1", "defaultValue": 0}]}, region),
                after=rule.pattern,
                undo=Call("logs", "DeleteMetricFilter", {"logGroupName": group, "filterName": filter_name}, region)))
        if any(ours in (a.get("AlarmActions") or []) for a in facts.get("alarms") or []):
            continue  # our alarm exists; only the subscription was missing
        alarm_name = f"aws-essentials-{rule.key}"
        out.append(Change(
            f"Alarm on {metric[0]} and notify the topic (CIS {rule.cis}, Security Hub {rule.securityhub}).",
            Call("cloudwatch", "PutMetricAlarm", {
                "AlarmName": alarm_name, "AlarmDescription": f"CIS {rule.cis}: {rule.title}",
                "MetricName": metric[0], "Namespace": metric[1], "Statistic": "Sum", "Period": 300,
                "EvaluationPeriods": 1, "Threshold": 1, "ComparisonOperator": "GreaterThanOrEqualToThreshold",
                "TreatMissingData": "notBreaching", "AlarmActions": [topic]}, region),
            after=alarm_name, cost_note="A CloudWatch alarm costs $0.10 a month.",
            undo=Call("cloudwatch", "DeleteAlarms", {"AlarmNames": [alarm_name]}, region)))
    return out, manual_changes
