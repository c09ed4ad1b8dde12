"""CloudTrail, AWS Config, GuardDuty, Security Hub and the CIS alarms.

secure/org (main account): a private, access-logged, versioned log bucket; a multi-region trail
(an organization trail in `org`) with validation, a KMS key (rotated), CloudWatch Logs delivery,
started; the three CIS metric filters with alarms to an SNS topic that has a subscriber; and in
every enabled region a Config recorder (global resources in the home region only) with a delivery
channel, a GuardDuty detector, and Security Hub with the CIS v5.0.0 standard.

insecure: a single-region trail, stopped, without validation or KMS, writing to a bucket whose
policy lets anyone read it and which has no access logging; a Config recorder in us-east-1 that
records only EC2 instances, has no delivery channel and is stopped; a suspended GuardDuty
detector in eu-west-1; Security Hub on in us-east-1 without any standard; no metric filters.

empty: nothing.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

from steps import audit_logging as step
from steps.trail_rules import METRIC_FILTER_RULES, METRIC_NAMESPACE

from .s3 import MFA

LEGACY_TRAIL = "legacy-trail"


def seed(ctx, scenario: str) -> None:
    if scenario in ("secure", "org"):
        _secure(ctx, organization_trail=scenario == "org")
    elif scenario == "insecure":
        _insecure(ctx)


def _private_bucket(s3, name: str, policy: dict, account_id: str) -> None:
    s3.create_bucket(Bucket=name)
    s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=dict(step.BPA_ALL))
    s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    # versioned with MFA delete, as root would set it (CIS 2.1.2): a secure account passes the s3 step here too
    s3.put_bucket_versioning(Bucket=name, MFA=MFA.format(account=account_id),
                             VersioningConfiguration={"Status": "Enabled", "MFADelete": "Enabled"})
    s3.put_bucket_policy(Bucket=name, Policy=json.dumps(policy))


def _secure(ctx, organization_trail: bool) -> None:
    account_id, home = ctx.account_id, ctx.home_region
    s3 = ctx.client("s3", home)
    logs_bucket = step.logs_bucket_name(account_id, home)
    access_bucket = step.access_bucket_name(account_id, home)
    _private_bucket(s3, logs_bucket, step.logs_bucket_policy(logs_bucket, account_id, home), account_id)
    _private_bucket(s3, access_bucket, step.access_bucket_policy(access_bucket, account_id), account_id)
    s3.put_bucket_logging(Bucket=logs_bucket, BucketLoggingStatus={"LoggingEnabled": {
        "TargetBucket": access_bucket, "TargetPrefix": f"{logs_bucket}/"}})

    kms = ctx.client("kms", home)
    key = kms.create_key(Description="CloudTrail log files",
                         Policy=json.dumps(step.kms_key_policy(account_id, step.trail_arn(account_id, home))))
    kms.enable_key_rotation(KeyId=key["KeyMetadata"]["KeyId"])

    logs = ctx.client("logs", home)
    logs.create_log_group(logGroupName=step.LOG_GROUP)
    trust, permissions = step.cloudtrail_logs_role_policies(account_id, home)
    iam = ctx.client("iam")
    role = iam.create_role(RoleName=step.CLOUDTRAIL_LOGS_ROLE, AssumeRolePolicyDocument=json.dumps(trust))
    iam.put_role_policy(RoleName=step.CLOUDTRAIL_LOGS_ROLE, PolicyName="write-trail-logs",
                        PolicyDocument=json.dumps(permissions))
    iam.create_service_linked_role(AWSServiceName="config.amazonaws.com")

    cloudtrail = ctx.client("cloudtrail", home)
    cloudtrail.create_trail(Name=step.TRAIL_NAME, S3BucketName=logs_bucket, IsMultiRegionTrail=True,
                            IncludeGlobalServiceEvents=True, EnableLogFileValidation=True,
                            KmsKeyId=key["KeyMetadata"]["Arn"], IsOrganizationTrail=organization_trail,
                            CloudWatchLogsLogGroupArn=step.log_group_arn(account_id, home),
                            CloudWatchLogsRoleArn=role["Role"]["Arn"])
    cloudtrail.start_logging(Name=step.TRAIL_NAME)

    sns = ctx.client("sns", home)
    topic = sns.create_topic(Name=step.TOPIC_NAME)["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="security@example.com")
    cloudwatch = ctx.client("cloudwatch", home)
    for rule in METRIC_FILTER_RULES:
        logs.put_metric_filter(logGroupName=step.LOG_GROUP, filterName=rule.key, filterPattern=rule.pattern,
                               metricTransformations=[{"metricName": rule.metric_name,
                                                       "metricNamespace": METRIC_NAMESPACE, "metricValue": "1"}])
        cloudwatch.put_metric_alarm(AlarmName=f"cis-{rule.cis}-{rule.key}", MetricName=rule.metric_name,
                                    Namespace=METRIC_NAMESPACE, Statistic="Sum", Period=300, EvaluationPeriods=1,
                                    Threshold=1, ComparisonOperator="GreaterThanOrEqualToThreshold",
                                    AlarmActions=[topic])

    regions = ctx.gaps.account(account_id).enabled_regions()
    role_arn = step.config_role_arn(account_id)

    def region_services(region: str) -> None:
        config = ctx.client("config", region)
        config.put_configuration_recorder(ConfigurationRecorder={
            "name": step.RECORDER_NAME, "roleARN": role_arn,
            "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": region == home}})
        config.put_delivery_channel(DeliveryChannel={"name": step.CHANNEL_NAME, "s3BucketName": logs_bucket})
        config.start_configuration_recorder(ConfigurationRecorderName=step.RECORDER_NAME)
        ctx.client("guardduty", region).create_detector(Enable=True)
        hub = ctx.client("securityhub", region)
        hub.enable_security_hub(EnableDefaultStandards=False)
        hub.batch_enable_standards(StandardsSubscriptionRequests=[
            {"StandardsArn": step.CIS_STANDARD.format(region=region)}])

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(region_services, regions))


def _insecure(ctx) -> None:
    account_id, home = ctx.account_id, ctx.home_region
    s3 = ctx.client("s3", home)
    bucket = f"legacy-cloudtrail-logs-{account_id}"
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Resource": f"arn:aws:s3:::{bucket}/*"}]}))
    ctx.client("cloudtrail", home).create_trail(Name=LEGACY_TRAIL, S3BucketName=bucket)  # never started

    config = ctx.client("config", home)
    config.put_configuration_recorder(ConfigurationRecorder={
        "name": step.RECORDER_NAME, "roleARN": f"arn:aws:iam::{account_id}:role/config-recorder",
        "recordingGroup": {"allSupported": False, "includeGlobalResourceTypes": False,
                           "resourceTypes": ["AWS::EC2::Instance"]}})
    ctx.client("guardduty", "eu-west-1").create_detector(Enable=False)
    ctx.client("securityhub", home).enable_security_hub(EnableDefaultStandards=False)
