"""Pure tests of the compute step on hand-written state (no sandbox)."""

from __future__ import annotations

from steps import compute
from steps.base import Status, unreadable


def region_data():
    return {
        "ebs_default": False,
        "imds_default": {},
        "snapshot_bpa": "unblocked",
        "image_bpa": "unblocked",
        "instances": [{"InstanceId": "i-1", "State": "running", "HttpTokens": "optional", "HttpEndpoint": "enabled",
                       "Profile": None, "Name": "legacy"}],
        "databases": [{"DBInstanceIdentifier": "db-1", "Engine": "mysql", "PubliclyAccessible": True,
                       "StorageEncrypted": False, "DBClusterIdentifier": None, "DBInstanceStatus": "available",
                       "AutoMinorVersionUpgrade": False, "MultiAZ": False}],
        "file_systems": [{"FileSystemId": "fs-1", "Name": "", "Encrypted": False, "LifeCycleState": "available"}],
        "functions": [{"FunctionName": "fn-public", "Policy": {"Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction"}]}}],
    }


def good_region():
    return {
        "ebs_default": True, "imds_default": {"HttpTokens": "required"}, "snapshot_bpa": "block-all-sharing",
        "image_bpa": "block-new-sharing",
        "instances": [{"InstanceId": "i-2", "State": "running", "HttpTokens": "required", "HttpEndpoint": "enabled",
                       "Profile": "arn:aws:iam::1:instance-profile/app", "Name": ""}],
        "databases": [{"DBInstanceIdentifier": "db-2", "Engine": "postgres", "PubliclyAccessible": False,
                       "StorageEncrypted": True, "DBClusterIdentifier": None, "DBInstanceStatus": "available",
                       "AutoMinorVersionUpgrade": True, "MultiAZ": True}],
        "file_systems": [{"FileSystemId": "fs-2", "Name": "", "Encrypted": True, "LifeCycleState": "available"}],
        "functions": [{"FunctionName": "fn-s3", "Policy": {"Statement": [
            {"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "lambda:InvokeFunction"},
            {"Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction",
             "Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::bucket"}}}]}}],
    }


def statuses(findings):
    out = {}
    for f in findings:
        out.setdefault(f.check, set()).add(f.status)
    return out


def test_insecure_region_fails_with_ids():
    findings = compute.evaluate({"regions": {"eu-west-1": region_data()}})
    st = statuses(findings)
    for check in ("ebs-encryption-default", "imds-default", "imds-instance", "snapshot-block-public",
                  "image-block-public", "rds-public", "rds-encrypted"):
        assert st[check] == {Status.FAIL}, check
    assert st["instance-profile"] == {Status.MANUAL} and st["lambda-public"] == {Status.MANUAL}
    ids = {f.check: (f.cis, f.securityhub) for f in findings}
    assert ids["ebs-encryption-default"] == (("5.1.1",), ("EC2.7",))
    assert ids["imds-instance"] == (("5.7",), ("EC2.8",))
    assert ids["rds-public"] == (("2.2.3",), ("RDS.2",)) and ids["rds-encrypted"] == (("2.2.1",), ("RDS.3",))
    assert all(f.region == "eu-west-1" for f in findings)


def test_good_region_passes_and_plans_nothing():
    state = {"regions": {"us-east-1": good_region()}}
    assert statuses(compute.evaluate(state)) == {c: {Status.PASS} for c in compute.REGIONAL}
    assert not compute.plan(state, {}).changes


def test_unreadable_is_unknown():
    data = region_data()
    data["snapshot_bpa"] = unreadable("ec2:GetSnapshotBlockPublicAccessState is not supported by this endpoint")
    st = statuses(compute.evaluate({"regions": {"us-east-1": data, "eu-west-1": unreadable("denied")}}))
    assert Status.UNKNOWN in st["snapshot-block-public"]
    assert Status.FAIL not in st["snapshot-block-public"]
    plan = compute.plan({"regions": {"us-east-1": data}}, {})
    assert "EnableSnapshotBlockPublicAccess" not in [c.call.operation for c in plan.automatic]


def test_plan_calls_and_warnings():
    plan = compute.plan({"regions": {"eu-west-1": region_data()}}, {})
    by_op = {c.call.operation: c for c in plan.automatic}
    assert set(by_op) == {"EnableEbsEncryptionByDefault", "ModifyInstanceMetadataDefaults",
                          "EnableSnapshotBlockPublicAccess", "EnableImageBlockPublicAccess",
                          "ModifyInstanceMetadataOptions", "ModifyDBInstance"}
    assert all(c.call.region == "eu-west-1" for c in plan.automatic)
    imds = by_op["ModifyInstanceMetadataOptions"]
    assert imds.call.params["HttpTokens"] == "required" and "IMDSv1" in imds.warning
    assert imds.undo.params["HttpTokens"] == "optional"
    rds = by_op["ModifyDBInstance"]
    assert rds.call.params == {"DBInstanceIdentifier": "db-1", "PubliclyAccessible": False, "ApplyImmediately": True}
    assert "outside the VPC" in rds.warning
    assert by_op["EnableSnapshotBlockPublicAccess"].call.params == {"State": "block-all-sharing"}
    assert by_op["EnableSnapshotBlockPublicAccess"].undo.operation == "DisableSnapshotBlockPublicAccess"
    assert by_op["ModifyInstanceMetadataDefaults"].undo.params == {"HttpTokens": "no-preference"}
    encrypt, move_files = plan.manual_changes  # the database, then the EFS file system (fs-1)
    assert "db-1" in encrypt.reason and len(encrypt.instructions) >= 5 and "fs-1" in move_files.reason
    assert any("copy-db-snapshot" in step and "--kms-key-id" in step for step in encrypt.instructions)


def test_undo_restores_previous_snapshot_state():
    data = good_region()
    data["snapshot_bpa"] = "block-new-sharing"
    [change] = compute.plan({"regions": {"us-east-1": data}}, {}).automatic
    assert change.undo.params == {"State": "block-new-sharing"}


def test_stopped_instances_count_terminated_do_not():
    data = good_region()
    data["instances"].append({"InstanceId": "i-3", "State": "stopped", "HttpTokens": "optional",
                              "HttpEndpoint": "enabled", "Profile": "p", "Name": ""})
    assert [c.call.params["InstanceId"] for c in compute.plan({"regions": {"x-1": data}}, {}).automatic] == ["i-3"]


def _lambda_status(*statements):
    data = good_region()
    data["functions"] = [{"FunctionName": "fn", "Policy": {"Statement": list(statements)}}]
    return [f for f in compute.evaluate({"regions": {"x-1": data}}) if f.check == "lambda-public"]


def test_lambda_public_follows_the_policy_module():
    """Anyone-may-invoke is decided by steps.policy: a wildcard SourceArn only looks narrowed."""
    anyone = {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "lambda:InvokeFunction"}
    (found,) = _lambda_status(anyone)
    assert found.status is Status.MANUAL and "fn" in found.message and "without a condition" in found.message
    looks_narrowed = dict(anyone, Principal="*", Condition={"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::*"}})
    assert [f.status for f in _lambda_status(looks_narrowed)] == [Status.MANUAL]
    narrowed = dict(anyone, Principal="*", Condition={"StringEquals": {"AWS:SourceAccount": "1"}})
    assert [f.status for f in _lambda_status(narrowed)] == [Status.PASS]
    assert [f.status for f in _lambda_status(dict(anyone, Effect="Deny"))] == [Status.PASS]


