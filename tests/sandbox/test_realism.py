"""The realistic sandbox's rules (wizard/sandbox/realism): each AWS hard edge, then its end.

Time is the rules' own clock, moved by the test: no sleeps, the same result on a loaded machine.
"""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.sandbox.util import NO_RETRY, client

TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {
    "Service": "cloudtrail.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
DELAY = 0.5


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now

    def pass_delay(self):
        self.now += DELAY + 0.01


@pytest.fixture
def real(realistic_account):
    sb = realistic_account("empty", delay_s=DELAY)
    clock = Clock()
    sb.realism_state.clock = clock
    return sb, clock


def code(call, *args, **kw):
    with pytest.raises(ClientError) as raised:
        call(*args, **kw)
    return raised.value.response["Error"]["Code"]


def trail_bucket(sb, name="trail-bucket-realism"):
    s3 = client(sb, "s3", config=NO_RETRY)
    s3.create_bucket(Bucket=name)
    s3.put_bucket_policy(Bucket=name, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject",
        "Resource": f"arn:aws:s3:::{name}/*"}]}))
    return name


def test_create_trail_waits_for_the_bucket_policy_the_key_policy_and_the_role(real):
    sb, clock = real
    cloudtrail, iam, kms = (client(sb, s, config=NO_RETRY) for s in ("cloudtrail", "iam", "kms"))
    bucket = trail_bucket(sb)
    assert code(cloudtrail.create_trail, Name="t-bucket", S3BucketName=bucket) == "InsufficientS3BucketPolicyException"
    clock.pass_delay()
    key = kms.create_key()["KeyMetadata"]
    assert code(cloudtrail.create_trail, Name="t-key", S3BucketName=bucket, KmsKeyId=key["Arn"]) == \
        "InsufficientEncryptionPolicyException"
    clock.pass_delay()
    role = iam.create_role(RoleName="trail-to-logs", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    group = "arn:aws:logs:us-east-1:123456789012:log-group:g:*"
    assert code(cloudtrail.create_trail, Name="t-role", S3BucketName=bucket, KmsKeyId=key["Arn"],
                CloudWatchLogsLogGroupArn=group, CloudWatchLogsRoleArn=role) == "InvalidCloudWatchLogsLogGroupArnException"
    clock.pass_delay()
    cloudtrail.create_trail(Name="t-role", S3BucketName=bucket, KmsKeyId=key["Arn"])
    assert [t["Name"] for t in cloudtrail.describe_trails()["trailList"]] == ["t-role"]


def test_a_new_access_key_and_a_new_role_are_not_usable_at_once(real):
    sb, clock = real
    iam = client(sb, "iam", config=NO_RETRY)
    iam.create_user(UserName="erin")
    new = iam.create_access_key(UserName="erin")["AccessKey"]
    import boto3

    session = boto3.session.Session(aws_access_key_id=new["AccessKeyId"],
                                    aws_secret_access_key=new["SecretAccessKey"], region_name="us-east-1")
    sts_as_erin = session.client("sts", endpoint_url=sb.endpoint_url, config=NO_RETRY)
    assert code(sts_as_erin.get_caller_identity) == "InvalidClientTokenId"
    role = iam.create_role(RoleName="fresh", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    sts = client(sb, "sts", config=NO_RETRY)
    assert code(sts.assume_role, RoleArn=role, RoleSessionName="session") == "AccessDenied"
    clock.pass_delay()
    assert sts_as_erin.get_caller_identity()["Arn"].endswith(":user/erin")
    assert sts.assume_role(RoleArn=role, RoleSessionName="session")["Credentials"]["AccessKeyId"]


def test_config_and_flow_logs_wait_for_their_role(real):
    sb, clock = real
    iam, config, ec2 = (client(sb, s, config=NO_RETRY) for s in ("iam", "config", "ec2"))
    role = iam.create_service_linked_role(AWSServiceName="config.amazonaws.com")["Role"]["Arn"]
    recorder = {"name": "default", "roleARN": role, "recordingGroup": {"allSupported": True}}
    assert code(config.put_configuration_recorder, ConfigurationRecorder=recorder) == "InvalidRoleException"
    flow_role = iam.create_role(RoleName="flow", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    kw = dict(ResourceIds=[vpc], ResourceType="VPC", TrafficType="REJECT", LogGroupName="g",
              DeliverLogsPermissionArn=flow_role)
    assert code(ec2.create_flow_logs, **kw) == "InvalidParameter"
    clock.pass_delay()
    config.put_configuration_recorder(ConfigurationRecorder=recorder)
    assert ec2.create_flow_logs(**kw)["FlowLogIds"]


def test_flow_logs_to_a_bucket_whose_policy_just_changed_fail_inside_a_200(real):
    sb, clock = real
    ec2 = client(sb, "ec2", config=NO_RETRY)
    bucket = trail_bucket(sb, "flow-bucket-realism")
    vpc = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    kw = dict(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL", LogDestinationType="s3",
              LogDestination=f"arn:aws:s3:::{bucket}")
    answer = ec2.create_flow_logs(**kw)
    assert answer["FlowLogIds"] == [] and answer["Unsuccessful"][0]["ResourceId"] == vpc
    assert "Access Denied for LogDestination" in answer["Unsuccessful"][0]["Error"]["Message"]
    clock.pass_delay()
    assert ec2.create_flow_logs(**kw)["FlowLogIds"]


def test_the_credential_report_is_reused_and_misses_later_changes(real):
    sb, clock = real
    iam = client(sb, "iam", config=NO_RETRY)
    iam.generate_credential_report()
    first = iam.get_credential_report()
    iam.create_user(UserName="after-the-report")
    clock.pass_delay()  # propagation has long passed; the report is still the old one (AWS: 4 hours)
    assert iam.generate_credential_report()["State"] == "COMPLETE"
    again = iam.get_credential_report()
    assert b"after-the-report" not in again["Content"] and again["GeneratedTime"] == first["GeneratedTime"]
    clock.now += 4 * 3600
    # an expired report is not returned again: AWS starts a new one, as when there is none
    assert iam.generate_credential_report()["State"] == "STARTED"
    assert iam.generate_credential_report()["State"] == "COMPLETE"
    assert b"after-the-report" in iam.get_credential_report()["Content"]
    assert iam.generate_credential_report()["State"] == "COMPLETE"  # the new one is reused in its turn
    sb.expire_credential_report(sb.account_id)  # the benchmarks' "four hours later" (the control endpoint)
    assert iam.generate_credential_report()["State"] == "STARTED"


def test_background_work_shows_pending_then_done(real):
    sb, clock = real
    ec2, hub = client(sb, "ec2", config=NO_RETRY), client(sb, "securityhub", config=NO_RETRY)
    account = client(sb, "account", config=NO_RETRY)
    ec2.enable_image_block_public_access(ImageBlockPublicAccessState="block-new-sharing")
    assert ec2.get_image_block_public_access_state()["ImageBlockPublicAccessState"] == "unblocked"
    hub.enable_security_hub(EnableDefaultStandards=False)
    arn = "arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/5.0.0"
    started = hub.batch_enable_standards(StandardsSubscriptionRequests=[{"StandardsArn": arn}])
    assert started["StandardsSubscriptions"][0]["StandardsStatus"] == "PENDING"
    assert hub.get_enabled_standards()["StandardsSubscriptions"][0]["StandardsStatus"] == "PENDING"
    sb.gaps.account(sb.account_id).regions["af-south-1"] = "ENABLED"
    account.disable_region(RegionName="af-south-1")
    assert account.get_region_opt_status(RegionName="af-south-1")["RegionOptStatus"] == "DISABLING"
    clock.pass_delay()
    assert ec2.get_image_block_public_access_state()["ImageBlockPublicAccessState"] == "block-new-sharing"
    assert hub.get_enabled_standards()["StandardsSubscriptions"][0]["StandardsStatus"] == "READY"
    assert account.get_region_opt_status(RegionName="af-south-1")["RegionOptStatus"] == "DISABLED"


def test_without_realism_the_sandbox_answers_at_once(account):
    sb = account("empty")
    cloudtrail = client(sb, "cloudtrail", config=NO_RETRY)
    cloudtrail.create_trail(Name="at-once", S3BucketName=trail_bucket(sb, "at-once-bucket"))
    ec2 = client(sb, "ec2", config=NO_RETRY)
    ec2.enable_image_block_public_access(ImageBlockPublicAccessState="block-new-sharing")
    assert ec2.get_image_block_public_access_state()["ImageBlockPublicAccessState"] == "block-new-sharing"


def test_macie_off_is_access_denied_as_on_aws_and_the_s3_step_reads_it_as_off(real):
    from steps.macie import read_macie
    from tests.helpers import open_aws

    sb, _ = real
    macie = client(sb, "macie2", config=NO_RETRY)
    assert code(macie.get_macie_session) == "AccessDeniedException"
    aws = open_aws(sb, regions=("us-east-1",))
    assert read_macie(aws, "us-east-1") == "OFF"
    macie.enable_macie()
    aws.forget()
    assert read_macie(aws, "us-east-1") == "ENABLED"
