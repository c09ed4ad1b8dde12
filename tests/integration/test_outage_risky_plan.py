"""`aws-essentials plan --format json` on the insecure scenario: every outage-capable change is risky.

What makes a change outage-capable is read independently here with boto3 (instance states, the
network interfaces of each group through DescribeNetworkInterfaces' group-id filter), not taken
from the step's own state.
"""

from __future__ import annotations

import json
import os

import boto3

from tests.helpers import DEMO_ANSWERS
from wizard.__main__ import main

STEPS = ("compute", "vpc", "regions", "keys", "s3")


def plan_json(capsys, steps=STEPS) -> list[dict]:
    answers = [f"--set={step}.{k}={v}" for step in steps for k, v in DEMO_ANSWERS.get(step, {}).items()]
    assert main(["plan", "--format", "json", "--steps", *steps, *answers]) == 0
    return [dict(change, step=p["step"]) for p in json.loads(capsys.readouterr().out)["plans"]
            for change in p["changes"] if change["call"]]


def ops(changes, *names):
    return [c for c in changes if f"{c['call']['service']}.{c['call']['operation']}" in names]


def client(sb, service, region="us-east-1"):
    return boto3.client(service, endpoint_url=sb.endpoint_url, region_name=region)


def test_insecure_plan_marks_every_outage_capable_change_risky(account, capsys):
    sb = account("insecure")
    changes = plan_json(capsys)

    imds = ops(changes, "ec2.ModifyInstanceMetadataOptions")
    assert imds
    for change in imds:
        call = change["call"]
        [reservation] = client(sb, "ec2", call["region"]).describe_instances(
            InstanceIds=[call["params"]["InstanceId"]])["Reservations"]
        if reservation["Instances"][0]["State"]["Name"] not in ("stopped", "stopping"):
            assert change["risky"] and "IMDSv1" in change["warning"], call

    private = [c for c in ops(changes, "rds.ModifyDBInstance") if c["call"]["params"].get("PubliclyAccessible") is False]
    assert private and all(c["risky"] and c["warning"] for c in private)

    revokes = ops(changes, "ec2.RevokeSecurityGroupIngress", "ec2.RevokeSecurityGroupEgress")
    used = []
    for change in revokes:
        call = change["call"]
        enis = client(sb, "ec2", call["region"]).describe_network_interfaces(
            Filters=[{"Name": "group-id", "Values": [call["params"]["GroupId"]]}])["NetworkInterfaces"]
        if enis:
            used.append(change)
            assert change["risky"] and enis[0]["NetworkInterfaceId"] in change["warning"], call
    assert used, "the insecure scenario has security groups in use"

    disable = ops(changes, "account.DisableRegion")
    assert disable and all(c["risky"] and "S3" in c["warning"] for c in disable)

    own_key = os.environ["AWS_ACCESS_KEY_ID"]
    caller = client(sb, "sts").get_caller_identity()["Arn"].rpartition("/")[2]
    for change in ops(changes, "iam.UpdateAccessKey", "iam.DeleteAccessKey"):
        params = change["call"]["params"]
        if params.get("AccessKeyId") == own_key and params.get("Status", "Inactive") == "Inactive":
            assert change["risky"]
    created = ops(changes, "iam.CreateAccessKey")
    assert all(c["call"]["params"]["UserName"] == caller for c in created), "no key is made for another user"
    assert not ops(changes, "local.credentials.hold_secret")


def test_reads_that_failed_make_block_public_access_and_revokes_risky(account, capsys):
    sb = account("insecure")
    sb.set_faults(deny_actions={"s3:GetBucketAcl", "ec2:DescribeNetworkInterfaces"})
    changes = plan_json(capsys)

    blocks = ops(changes, "s3control.PutPublicAccessBlock", "s3.PutPublicAccessBlock")
    assert blocks and all(c["risky"] for c in blocks)
    [account_level] = ops(blocks, "s3control.PutPublicAccessBlock")
    assert "could not be read" in account_level["warning"] and "s3:GetBucketAcl" in account_level["warning"]
    revokes = ops(changes, "ec2.RevokeSecurityGroupIngress", "ec2.RevokeSecurityGroupEgress")
    assert revokes and all(c["risky"] and "Could not list the network interfaces" in c["warning"] for c in revokes)


def test_removing_open_admin_rules_of_a_group_an_interface_uses_is_risky(account, capsys):
    sb = account("insecure")
    revokes = ops(plan_json(capsys, ("vpc",)), "ec2.RevokeSecurityGroupIngress")
    admin = next(c for c in revokes if "SSH/RDP" in c["reason"])
    call = admin["call"]
    ec2 = client(sb, "ec2", call["region"])
    [group] = ec2.describe_security_groups(GroupIds=[call["params"]["GroupId"]])["SecurityGroups"]
    subnet = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [group["VpcId"]]}])["Subnets"][0]
    eni = ec2.create_network_interface(SubnetId=subnet["SubnetId"], Groups=[group["GroupId"]],
                                       Description="bastion")["NetworkInterface"]["NetworkInterfaceId"]
    [again] = [c for c in ops(plan_json(capsys, ("vpc",)), "ec2.RevokeSecurityGroupIngress")
               if c["call"]["params"]["GroupId"] == group["GroupId"]]
    assert again["risky"] and eni in again["warning"] and "SSH/RDP" in again["warning"]


def test_fix_yes_lists_and_skips_outage_capable_changes(account, capsys):
    account("insecure")
    answers = [f"--set=regions.{k}={v}" for k, v in DEMO_ANSWERS["regions"].items()]
    assert main(["fix", "--steps", "compute", "regions", "--yes", *answers]) == 0
    out = capsys.readouterr().out
    for name in ("rds.ModifyDBInstance", "account.DisableRegion", "ec2.ModifyInstanceMetadataOptions"):
        assert f"skipped {name}: needs the account id typed" in out, name
    assert "ec2.EnableEbsEncryptionByDefault: done" in out, "the safe changes still run"
    left = plan_json(capsys, ("compute", "regions"))
    assert ops(left, "rds.ModifyDBInstance") and ops(left, "account.DisableRegion"), "nothing risky was applied"
