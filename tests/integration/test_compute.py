"""The compute step against the sandbox over HTTP: findings in two regions, every fix applied and verified."""

from __future__ import annotations

from steps import compute
from steps.base import Status
from tests.helpers import fix, open_aws, plan_for
from wizard.apply import fresh_collect

WORKLOAD = ("us-east-1", "eu-west-1")
FIXED = {"ebs-encryption-default", "imds-default", "imds-instance", "snapshot-block-public", "image-block-public",
         "rds-public", "rds-minor-upgrade"}


def test_insecure_fails_in_both_workload_regions(account):
    aws = open_aws(account("insecure"), regions=WORKLOAD)
    findings = compute.evaluate(fresh_collect(aws, compute))
    assert not [f for f in findings if f.status is Status.UNKNOWN]
    for region in WORKLOAD:
        failed = {f.check for f in findings if f.status is Status.FAIL and f.region == region}
        assert failed == FIXED | {"rds-encrypted", "efs-encrypted"}, region
        for check in ("instance-profile", "rds-multi-az"):  # rds-multi-az: CIS 2.2.4 is manual
            assert any(f.check == check and f.status is Status.MANUAL and f.region == region for f in findings)


def test_fix_applies_every_automatic_change_and_verifies(account):
    aws = open_aws(account("insecure"), regions=WORKLOAD)
    plan, result = fix(aws, compute)
    assert result.ok, result.failed and result.failed.detail
    assert not plan_for(aws, compute).automatic
    for region in WORKLOAD:
        ec2 = aws.client("ec2", region)
        assert ec2.get_ebs_encryption_by_default()["EbsEncryptionByDefault"] is True
        assert ec2.get_instance_metadata_defaults()["AccountLevel"]["HttpTokens"] == "required"
        assert ec2.get_snapshot_block_public_access_state()["State"] == "block-all-sharing"
        assert ec2.get_image_block_public_access_state()["ImageBlockPublicAccessState"] == "block-new-sharing"
        for reservation in ec2.describe_instances()["Reservations"]:
            for instance in reservation["Instances"]:
                assert instance["MetadataOptions"]["HttpTokens"] == "required"
        dbs = aws.client("rds", region).describe_db_instances()["DBInstances"]
        assert dbs and not any(d["PubliclyAccessible"] for d in dbs)
        assert all(d["AutoMinorVersionUpgrade"] for d in dbs)
    findings = compute.evaluate(fresh_collect(aws, compute))
    for region in WORKLOAD:
        passed = {f.check for f in findings if f.status is Status.PASS and f.region == region}
        assert FIXED <= passed
    # encryption of an existing database or file system stays a manual, written-out procedure
    again = plan_for(aws, compute)
    assert len(again.manual_changes) == 2 * len(WORKLOAD)
    procedures = [" ".join(c.instructions) for c in again.manual_changes]
    assert sum("copy-db-snapshot" in p for p in procedures) == sum("--encrypted" in p for p in procedures) == 2


def test_undo_calls_reverse_the_block_public_access_fixes(account):
    aws = open_aws(account("insecure"), regions=("eu-west-1",))
    plan, result = fix(aws, compute)
    assert result.ok
    for change in plan.automatic:
        if change.call.operation in ("EnableSnapshotBlockPublicAccess", "EnableImageBlockPublicAccess"):
            aws.write(change.undo)
    ec2 = aws.client("ec2", "eu-west-1")
    assert ec2.get_snapshot_block_public_access_state()["State"] == "unblocked"
    assert ec2.get_image_block_public_access_state()["ImageBlockPublicAccessState"] == "unblocked"


def test_block_public_access_state_resets_with_the_sandbox(account):
    sb = account("insecure")
    aws = open_aws(sb)
    aws.client("ec2", "ap-south-1").enable_snapshot_block_public_access(State="block-new-sharing")
    assert aws.client("ec2", "ap-south-1").get_snapshot_block_public_access_state()["State"] == "block-new-sharing"
    sb.reset("empty")
    assert aws.client("ec2", "ap-south-1").get_snapshot_block_public_access_state()["State"] == "unblocked"


def test_declared_iam_actions_are_exactly_those_used(account):
    from wizard.aws import iam_action

    aws = open_aws(account("insecure"), regions=WORKLOAD)
    plan, result = fix(aws, compute)
    assert result.ok, result.failed and result.failed.detail
    undos = {}
    for change in plan.automatic:
        if change.undo:
            undos.setdefault(change.undo.name, change.undo)
    for undo in undos.values():
        aws.write(undo)
    # the insecure scenario has no Lambda function: list one so GetPolicy is exercised
    aws.read("lambda", "GetPolicy", "us-east-1", FunctionName="none", missing=("ResourceNotFoundException",))
    used = {iam_action(svc, op) for svc, op in aws.calls}
    assert used == set(compute.INFO.reads + compute.INFO.writes)
