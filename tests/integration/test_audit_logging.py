"""audit_logging against the sandbox over HTTP: apply each fix and verify it with fresh reads."""

from __future__ import annotations

import boto3
import pytest

from steps import audit_logging as step
from steps.base import Status
from steps.trail_rules import METRIC_FILTER_RULES
from tests.conftest import _use_scenario, isolated
from tests.helpers import DEMO_ANSWERS, back_to, fix, keep, open_aws, plan_for
from wizard.apply import apply_plan, fresh_collect
from wizard.aws import iam_action

# One fix per scenario serves every test here (each ~2-4 s of CPU): the module fixture fixes the
# scenario once and keeps the fixed account; each test starts from a fresh copy of it. The alarm
# e-mail is not the demo's, so the subscription test sees the answer reach SNS.
ALARM_EMAIL = "alerts@example.org"
ANSWERS = {**DEMO_ANSWERS["audit_logging"], "alarm_email": ALARM_EMAIL}


def _client(sb, service, region="us-east-1"):
    from botocore.config import Config

    return boto3.client(service, region_name=region, endpoint_url=sb.endpoint_url, aws_access_key_id="testing",
                        aws_secret_access_key="testing", config=Config(s3={"addressing_style": "path"}))


def _statuses(aws):
    findings = step.evaluate(fresh_collect(aws, step))
    return findings, {f.status for f in findings}


class Fixed:
    """A scenario before and after one fix of the step: what the fix planned, did and used."""

    def __init__(self, sandbox, scenario):
        aws = open_aws(sandbox)
        state = fresh_collect(aws, step)
        self.before = step.evaluate(state)
        self.plan = step.plan(state, ANSWERS)
        self.result = apply_plan(aws, step, self.plan, ANSWERS)
        self.kept = keep(sandbox)
        fresh_collect(aws, step)  # what a re-check reads of the fixed account
        self.used = {iam_action(service, operation) for service, operation in aws.calls}
        self.home_region, self.regions, self.account_id = aws.home_region, aws.regions(), aws.account_id


@pytest.fixture(scope="module")
def fixed(sandbox, tmp_path_factory):
    """``fixed[scenario]``: the empty and insecure scenarios, each fixed once."""
    made = {}
    with pytest.MonkeyPatch.context() as mp, isolated(mp, tmp_path_factory.mktemp("audit_logging")):
        for scenario in ("empty", "insecure"):
            made[scenario] = Fixed(_use_scenario(sandbox, mp, scenario), scenario)
    return made


def fixed_account(account, fixed, scenario):
    """The account as the module's one fix of ``scenario`` left it, and that fix."""
    done = fixed[scenario]
    assert done.result.ok, done.result.failed and done.result.failed.detail
    return back_to(account(scenario), done.kept), done


def test_new_trail_is_logging_and_a_second_run_creates_no_second_trail(account, fixed):
    sb, done = fixed_account(account, fixed, "empty")
    aws = open_aws(sb)
    plan = done.plan
    assert [c.call.operation for c in plan.automatic].count("CreateTrail") == 1

    cloudtrail = _client(sb, "cloudtrail")
    trails = cloudtrail.describe_trails()["trailList"]
    assert [t["Name"] for t in trails] == [step.TRAIL_NAME]
    trail = trails[0]
    assert trail["IsMultiRegionTrail"] and trail["LogFileValidationEnabled"] and trail["KmsKeyId"]
    assert cloudtrail.get_trail_status(Name=trail["TrailARN"])["IsLogging"] is True, "created, and started"
    # a multi-region trail answers from any region, as on AWS
    assert _client(sb, "cloudtrail", "eu-west-1").get_trail_status(Name=trail["TrailARN"])["IsLogging"] is True

    again = plan_for(aws, step, ANSWERS)
    assert not again.automatic, [c.title for c in again.automatic]
    _, result = fix(aws, step, ANSWERS)  # a second run sends nothing
    assert not result.results
    assert len(cloudtrail.describe_trails()["trailList"]) == 1
    findings, statuses = _statuses(aws)
    assert statuses == {Status.PASS}, [f for f in findings if f.status is not Status.PASS]


def test_insecure_account_reuses_its_trail_and_every_fix_verifies(account, fixed):
    sb, done = fixed_account(account, fixed, "insecure")
    aws = open_aws(sb)
    failing = {f.check for f in done.before if f.status is Status.FAIL}
    # every CIS 4.1-4.15 alarm and S3 object-level logging (3.8, 3.9) gets a verdict, and the fix turns it to PASS
    new_checks = {f"alarm-{r.key}" for r in METRIC_FILTER_RULES} | {"s3-object-write-logging", "s3-object-read-logging"}
    assert {"cloudtrail", "cloudtrail-log-validation", "cloudtrail-kms", "cloudtrail-bucket-not-public",
            "cloudtrail-bucket-access-logging", "config", "guardduty", "securityhub"} | new_checks <= failing
    plan = done.plan
    assert "CreateTrail" not in [c.call.operation for c in plan.automatic], "the existing trail is reused"

    cloudtrail = _client(sb, "cloudtrail")
    trails = cloudtrail.describe_trails()["trailList"]
    assert [t["Name"] for t in trails] == ["legacy-trail"]
    assert trails[0]["IsMultiRegionTrail"] and trails[0]["LogFileValidationEnabled"]
    assert cloudtrail.get_trail_status(Name="legacy-trail")["IsLogging"] is True

    bucket = trails[0]["S3BucketName"]
    s3 = _client(sb, "s3")
    assert all(s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"].values())
    assert s3.get_bucket_logging(Bucket=bucket)["LoggingEnabled"]["TargetBucket"].startswith("aws-essentials-access")

    # the insecure recorder was reused (its name kept) and now records everything, started
    config = _client(sb, "config")
    recorder = config.describe_configuration_recorders()["ConfigurationRecorders"]
    assert [r["name"] for r in recorder] == ["default"] and recorder[0]["recordingGroup"]["allSupported"]
    assert config.describe_configuration_recorder_status()["ConfigurationRecordersStatus"][0]["recording"]
    # the suspended detector was resumed, not doubled
    guardduty = _client(sb, "guardduty", "eu-west-1")
    ids = guardduty.list_detectors()["DetectorIds"]
    assert len(ids) == 1 and guardduty.get_detector(DetectorId=ids[0])["Status"] == "ENABLED"

    # the S3 data events went onto the reused trail, its management events kept
    selectors = cloudtrail.get_event_selectors(TrailName="legacy-trail")
    assert not selectors.get("EventSelectors") and len(selectors["AdvancedEventSelectors"]) == 2

    findings, statuses = _statuses(aws)
    assert statuses == {Status.PASS}, [f for f in findings if f.status is not Status.PASS]
    assert new_checks <= {f.check for f in findings}
    assert not plan_for(aws, step, ANSWERS).automatic


def test_every_enabled_region_gets_config_guardduty_and_security_hub(account, fixed):
    sb, done = fixed_account(account, fixed, "empty")
    regions = done.regions
    assert len(regions) >= 17
    for region in regions:
        config = _client(sb, "config", region)
        recorder = config.describe_configuration_recorders()["ConfigurationRecorders"][0]
        assert recorder["recordingGroup"]["includeGlobalResourceTypes"] is (region == done.home_region), region
        assert _client(sb, "guardduty", region).list_detectors()["DetectorIds"], region
        standards = _client(sb, "securityhub", region).get_enabled_standards()["StandardsSubscriptions"]
        assert [s["StandardsArn"] for s in standards] == [step.CIS_STANDARD.format(region=region)]


def test_alarms_use_the_exact_cis_patterns_and_reach_the_subscriber(account, fixed):
    sb, done = fixed_account(account, fixed, "empty")
    filters = _client(sb, "logs").describe_metric_filters(logGroupName=step.LOG_GROUP)["metricFilters"]
    assert sorted(f["filterPattern"] for f in filters) == sorted(r.pattern for r in METRIC_FILTER_RULES)
    alarms = _client(sb, "cloudwatch").describe_alarms()["MetricAlarms"]
    topic = step.topic_arn(done.account_id, done.home_region)
    assert len(alarms) == len(METRIC_FILTER_RULES) == 15 and all(a["AlarmActions"] == [topic] for a in alarms)
    subs = _client(sb, "sns").list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert [(s["Protocol"], s["Endpoint"]) for s in subs] == [("email", ALARM_EMAIL)]


@pytest.mark.parametrize("scenario", ["secure", "org"])
def test_secure_and_org_pass_in_every_region(account, scenario):
    sb = account(scenario)
    aws = open_aws(sb)
    findings, statuses = _statuses(aws)
    assert statuses == {Status.PASS}, [f for f in findings if f.status is not Status.PASS]
    assert {f.region for f in findings if f.check == "config"} == set(aws.regions())
    assert not plan_for(aws, step).changes


# Actions AWS checks without an API call of their own: passing the CloudTrail-to-Logs role and the
# Config recorder's role (iam:PassRole), and tagging the KMS key at creation (kms:TagResource).
IMPLIED = {"iam:PassRole", "kms:TagResource"}
# Read only where ListBuckets names no BucketRegion for the bucket (steps/shared_reads.bucket_exposure).
FALLBACK = {"s3:GetBucketLocation"}


def test_declared_iam_actions_cover_what_is_used(fixed):
    """reads/writes feed the least-privilege policy: every action collect and the fixes use (a new
    trail from empty, the reuse paths from insecure) is declared; every declared one is used, an
    undo, or implied."""
    used, undos = set(), set()
    for done in fixed.values():
        assert done.result.ok, done.result.failed and done.result.failed.detail
        used |= done.used
        undos |= {iam_action(c.undo.service, c.undo.operation) for c in done.plan.automatic if c.undo}
    used.discard("sts:GetCallerIdentity")  # the engine's identity read, not the step's
    used.discard("ec2:DescribeRegions")  # the engine's region list
    declared = set(step.INFO.reads + step.INFO.writes)
    assert used - declared == set()
    # PutEventSelectors is the fix for an own trail that leaves out management events: no scenario has
    # one; tests/steps/test_audit_logging.py::test_selectors_are_merged_not_replaced plans it.
    assert declared - used - undos <= IMPLIED | FALLBACK | {"cloudtrail:PutEventSelectors"}
