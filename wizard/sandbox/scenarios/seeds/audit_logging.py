"""CloudTrail, AWS Config, GuardDuty, Security Hub and the CIS alarms.

secure/org (main account): a private, access-logged, versioned log bucket; a multi-region trail
(an organization trail in `org`) with validation, a KMS key (rotated), CloudWatch Logs delivery,
started, recording S3 data events in every bucket; the fifteen CIS 4.1-4.15 metric filters (the
benchmark's patterns, written out here) with alarms to an SNS topic that has a subscriber; and in
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

from .s3 import MFA

LEGACY_TRAIL = "legacy-trail"
ALL_BLOCKED = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
               "RestrictPublicBuckets": True}

# The secure account is set up the way its owner would, from the AWS documentation and the CIS
# benchmark, never with the step's own builders: "secure passes" then checks the step against an
# independent statement of the standard, not against itself.

# CIS AWS Foundations Benchmark v5.0.0, 4.1-4.15: each recommendation's filter pattern, as the
# benchmark's text reads (cis_5.0_aws mapping of Prowler), with the owner's metric names.
CIS_FILTER_PATTERNS = {
    "4.1": ('{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && '
            '($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }'),
    "4.2": '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }',
    "4.3": '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
    "4.4": ("{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||"
            "($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||"
            "($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||"
            "($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||"
            "($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||"
            "($.eventName=DetachGroupPolicy)}"),
    "4.5": ("{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || "
            "($.eventName = StartLogging) || ($.eventName = StopLogging) }"),
    "4.6": '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
    "4.7": "{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }",
    "4.8": ("{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || "
            "($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || "
            "($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || "
            "($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }"),
    "4.9": ("{ ($.eventSource = config.amazonaws.com) && (($.eventName=StopConfigurationRecorder)||"
            "($.eventName=DeleteDeliveryChannel)||($.eventName=PutDeliveryChannel)||"
            "($.eventName=PutConfigurationRecorder)) }"),
    "4.10": ("{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || "
             "($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || "
             "($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) || "
             "($.eventName = ModifySecurityGroupRules) }"),
    "4.11": ("{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || "
             "($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || "
             "($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }"),
    "4.12": ("{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || "
             "($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || "
             "($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }"),
    "4.13": ("{($.eventSource = ec2.amazonaws.com) && ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || "
             "($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || "
             "($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable) }"),
    "4.14": ("{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || "
             "($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || "
             "($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || "
             "($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || "
             "($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }"),
    "4.15": ('{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || '
             '($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || '
             '($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || '
             '($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || '
             '($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || '
             '($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || '
             '($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || '
             '($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || '
             '($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || '
             '($.eventName = "UpdateOrganizationalUnit")) }'),
}


def seed(ctx, scenario: str) -> None:
    if scenario in ("secure", "org"):
        _secure(ctx, organization_trail=scenario == "org")
    elif scenario == "insecure":
        _insecure(ctx)


def _deny_plain_http(bucket: str) -> dict:
    # Amazon S3 User Guide, "Enforce encryption of data in transit": deny every request with
    # aws:SecureTransport false.
    return {"Sid": "AllowSSLRequestsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}


def _audit_bucket_policy(bucket: str, account_id: str, trail_arn: str) -> dict:
    """CloudTrail User Guide, "Amazon S3 bucket policy for CloudTrail" (with the aws:SourceArn
    condition it recommends), and AWS Config Developer Guide, "Permissions for the Amazon S3 Bucket
    for the AWS Config Delivery Channel" (with aws:SourceAccount), as the documents give them."""
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "AWSCloudTrailAclCheck20150319", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:GetBucketAcl", "Resource": f"arn:aws:s3:::{bucket}",
         "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}}},
        {"Sid": "AWSCloudTrailWrite20150319", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/AWSLogs/{account_id}/*",
         "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trail_arn}}},
        {"Sid": "AWSConfigBucketPermissionsCheck", "Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"},
         "Action": "s3:GetBucketAcl", "Resource": f"arn:aws:s3:::{bucket}",
         "Condition": {"StringEquals": {"AWS:SourceAccount": account_id}}},
        {"Sid": "AWSConfigBucketExistenceCheck", "Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"},
         "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{bucket}",
         "Condition": {"StringEquals": {"AWS:SourceAccount": account_id}}},
        {"Sid": "AWSConfigBucketDelivery", "Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/AWSLogs/{account_id}/Config/*",
         "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "AWS:SourceAccount": account_id}}},
        _deny_plain_http(bucket),
    ]}


def _access_log_bucket_policy(bucket: str, source_bucket: str, account_id: str) -> dict:
    """Amazon S3 User Guide, "Enabling Amazon S3 server access logging": the logging service
    principal may write, for the source bucket of this account only."""
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "S3ServerAccessLogsPolicy", "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/*",
         "Condition": {"ArnLike": {"aws:SourceArn": f"arn:aws:s3:::{source_bucket}"},
                       "StringEquals": {"aws:SourceAccount": account_id}}},
        _deny_plain_http(bucket),
    ]}


def _key_policy(account_id: str, trail_arn: str) -> dict:
    """CloudTrail User Guide, "Configure AWS KMS key policies for CloudTrail": the account
    administers the key, CloudTrail encrypts for this trail, the account's principals decrypt."""
    context = {"kms:EncryptionContext:aws:cloudtrail:arn": f"arn:aws:cloudtrail:*:{account_id}:trail/*"}
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "Enable IAM user permissions", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "Allow CloudTrail to encrypt logs", "Effect": "Allow",
         "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "kms:GenerateDataKey*", "Resource": "*",
         "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}, "StringLike": context}},
        {"Sid": "Allow CloudTrail to describe key", "Effect": "Allow",
         "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "kms:DescribeKey", "Resource": "*"},
        {"Sid": "Allow principals in the account to decrypt log files", "Effect": "Allow", "Principal": {"AWS": "*"},
         "Action": ["kms:Decrypt", "kms:ReEncryptFrom"], "Resource": "*",
         "Condition": {"StringEquals": {"kms:CallerAccount": account_id}, "StringLike": context}},
    ]}


def _private_bucket(s3, name: str, policy: dict, account_id: str) -> None:
    s3.create_bucket(Bucket=name)
    s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=dict(ALL_BLOCKED))
    s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    # versioned with MFA delete, as root would set it (CIS 2.1.2): a secure account passes the s3 step here too
    s3.put_bucket_versioning(Bucket=name, MFA=MFA.format(account=account_id),
                             VersioningConfiguration={"Status": "Enabled", "MFADelete": "Enabled"})
    s3.put_bucket_policy(Bucket=name, Policy=json.dumps(policy))


def _secure(ctx, organization_trail: bool) -> None:
    account_id, home = ctx.account_id, ctx.home_region
    trail_name, log_group, topic_name = "management-events", "cloudtrail/management-events", "security-alarms"
    trail_arn = f"arn:aws:cloudtrail:{home}:{account_id}:trail/{trail_name}"
    s3 = ctx.client("s3", home)
    logs_bucket, access_bucket = f"audit-logs-{account_id}", f"audit-access-logs-{account_id}"
    _private_bucket(s3, logs_bucket, _audit_bucket_policy(logs_bucket, account_id, trail_arn), account_id)
    _private_bucket(s3, access_bucket, _access_log_bucket_policy(access_bucket, logs_bucket, account_id), account_id)
    s3.put_bucket_logging(Bucket=logs_bucket, BucketLoggingStatus={"LoggingEnabled": {
        "TargetBucket": access_bucket, "TargetPrefix": f"{logs_bucket}/"}})

    kms = ctx.client("kms", home)
    key = kms.create_key(Description="CloudTrail log files", Policy=json.dumps(_key_policy(account_id, trail_arn)))
    kms.enable_key_rotation(KeyId=key["KeyMetadata"]["KeyId"])

    # CloudTrail User Guide, "Sending events to CloudWatch Logs": a role CloudTrail assumes, allowed
    # to create streams and put events in the trail's log group.
    logs = ctx.client("logs", home)
    logs.create_log_group(logGroupName=log_group)
    iam = ctx.client("iam")
    role = iam.create_role(RoleName="CloudTrailRoleForCloudWatchLogs", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                                               "Action": "sts:AssumeRole"}]}))
    iam.put_role_policy(RoleName="CloudTrailRoleForCloudWatchLogs", PolicyName="cloudtrail-to-logs",
                        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
                            "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                            "Resource": f"arn:aws:logs:{home}:{account_id}:log-group:{log_group}:log-stream:*"}]}))
    iam.create_service_linked_role(AWSServiceName="config.amazonaws.com")

    cloudtrail = ctx.client("cloudtrail", home)
    cloudtrail.create_trail(Name=trail_name, S3BucketName=logs_bucket, IsMultiRegionTrail=True,
                            IncludeGlobalServiceEvents=True, EnableLogFileValidation=True,
                            KmsKeyId=key["KeyMetadata"]["Arn"], IsOrganizationTrail=organization_trail,
                            CloudWatchLogsLogGroupArn=f"arn:aws:logs:{home}:{account_id}:log-group:{log_group}:*",
                            CloudWatchLogsRoleArn=role["Role"]["Arn"])
    # CIS 3.8/3.9 remediation: management events, and S3 data events in all current and future buckets
    cloudtrail.put_event_selectors(TrailName=trail_name, AdvancedEventSelectors=[
        {"Name": "Management events", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]},
        {"Name": "S3 data events", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]},
                                                      {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}]},
    ])
    cloudtrail.start_logging(Name=trail_name)

    sns = ctx.client("sns", home)
    topic = sns.create_topic(Name=topic_name)["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="security@example.com")
    cloudwatch = ctx.client("cloudwatch", home)
    for cis, pattern in CIS_FILTER_PATTERNS.items():
        metric = f"cis_{cis.replace('.', '_')}_metric"
        logs.put_metric_filter(logGroupName=log_group, filterName=f"cis-{cis}", filterPattern=pattern,
                               metricTransformations=[{"metricName": metric, "metricNamespace": "CISBenchmark",
                                                       "metricValue": "1"}])
        cloudwatch.put_metric_alarm(AlarmName=f"cis-{cis}", MetricName=metric, Namespace="CISBenchmark",
                                    Statistic="Sum", Period=300, EvaluationPeriods=1, Threshold=1,
                                    ComparisonOperator="GreaterThanOrEqualToThreshold", AlarmActions=[topic])

    regions = ctx.gaps.account(account_id).enabled_regions()
    config_role = f"arn:aws:iam::{account_id}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"

    def region_services(region: str) -> None:
        config = ctx.client("config", region)
        config.put_configuration_recorder(ConfigurationRecorder={
            "name": "default", "roleARN": config_role,
            "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": region == home}})
        config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": logs_bucket})
        config.start_configuration_recorder(ConfigurationRecorderName="default")
        ctx.client("guardduty", region).create_detector(Enable=True)
        hub = ctx.client("securityhub", region)
        hub.enable_security_hub(EnableDefaultStandards=False)
        hub.batch_enable_standards(StandardsSubscriptionRequests=[
            {"StandardsArn": f"arn:aws:securityhub:{region}::standards/cis-aws-foundations-benchmark/v/5.0.0"}])

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
        "name": "default", "roleARN": f"arn:aws:iam::{account_id}:role/config-recorder",
        "recordingGroup": {"allSupported": False, "includeGlobalResourceTypes": False,
                           "resourceTypes": ["AWS::EC2::Instance"]}})
    ctx.client("guardduty", "eu-west-1").create_detector(Enable=False)
    ctx.client("securityhub", home).enable_security_hub(EnableDefaultStandards=False)
