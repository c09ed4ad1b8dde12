"""Lock-out guards, gathered: the region-deny SCP, the group migration, the key rotation and the
default-security-group fix never cut the caller's own access. Pure tests on hand-written state, and
sandbox tests where the caller is an IAM user judged by the sandbox's IAM enforcement."""

from __future__ import annotations

import json

import boto3
import keyring
import pytest

from steps import groups, keys, regions, vpc
from tests.helpers import DEMO_ANSWERS
from tests.integration.test_keys import admin_with_old_key
from tests.steps.test_regions import ACCOUNT, denied_by, org_state, scp_change
from wizard.apply import apply_plan, fresh_collect
from wizard.aws import AWS, Credentials, Target
from wizard.journal import Journal

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
EVERYDAY = [("iam", "list_users", {}), ("ec2", "describe_vpcs", {}), ("sts", "get_caller_identity", {})]


def _still_works(sb, key_id, secret):
    """The caller's everyday calls succeed (the sandbox judges them by the user's policies)."""
    for service, method, params in EVERYDAY:
        client = boto3.client(service, endpoint_url=sb.endpoint_url, region_name="us-east-1",
                              aws_access_key_id=key_id, aws_secret_access_key=secret)
        getattr(client, method)(**params)


# --- region deny (pure) ------------------------------------------------------------------------------

def test_region_deny_keeps_the_wizards_region_identity_center_and_global_services():
    state = org_state()
    doc = json.loads(scp_change(regions.plan(state, {"keep_regions": "eu-west-1"})).call.params["Content"])
    kept = doc["Statement"][0]["Condition"]["StringNotEquals"]["aws:RequestedRegion"]
    assert state["home_region"] in kept, "the region the wizard runs from is never denied"
    assert not denied_by(doc, "ap-southeast-2", "iam:AttachUserPolicy")
    assert not denied_by(doc, "ap-southeast-2", "sts:AssumeRole")
    assert not denied_by(doc, "ap-southeast-2", "organizations:DetachPolicy"), "the SCP can always be removed"
    assert denied_by(doc, "ap-southeast-2", "ec2:RunInstances")


def test_region_deny_exempts_the_break_glass_role_and_never_targets_the_management_account():
    plan = regions.plan(org_state(), {"break_glass_role_arn": f"arn:aws:iam::{ACCOUNT}:role/BreakGlass"})
    doc = json.loads(scp_change(plan).call.params["Content"])
    assert doc["Statement"][0]["Condition"]["ArnNotLike"]["aws:PrincipalARN"] == [
        f"arn:aws:iam::{ACCOUNT}:role/BreakGlass"]
    assert any("never restrict the management account" in n for n in plan.notes)
    refused = regions.plan(org_state(), {"scp_target": ACCOUNT})
    assert refused.needs == ("scp_target",) and not refused.automatic


# --- group migration (sandbox, enforced) -------------------------------------------------------------

def test_group_migration_never_removes_the_callers_last_admin_path(account):
    sb = account("insecure")
    iam = boto3.client("iam", endpoint_url=sb.endpoint_url, region_name="us-east-1")
    iam.create_user(UserName="ops")
    iam.attach_user_policy(UserName="ops", PolicyArn=ADMIN)
    key = iam.create_access_key(UserName="ops")["AccessKey"]
    creds = Credentials(key["AccessKeyId"], key["SecretAccessKey"])
    sb.set_iam_enforcement(True)
    for _run in range(2):  # the first run adds the group path; the second moves the direct one
        aws = AWS(Target(endpoint_url=sb.endpoint_url, credentials=creds))
        plan = groups.plan(fresh_collect(aws, groups), DEMO_ANSWERS["groups"])
        result = apply_plan(aws, groups, plan, DEMO_ANSWERS["groups"])
        assert result.ok, result.failed and result.failed.detail
        _still_works(sb, creds.access_key_id, creds.secret_access_key)
    assert sb.iam_enforcement.denials == []
    attached = iam.list_attached_user_policies(UserName="ops")["AttachedPolicies"]
    in_groups = iam.list_groups_for_user(UserName="ops")["Groups"]
    assert attached or in_groups, "ops keeps a path to admin"


# --- key rotation (sandbox, enforced) ----------------------------------------------------------------

def test_own_key_is_not_touched_when_the_new_one_cannot_be_kept(account, monkeypatch):
    from keyring.backends import fail

    sb = account("empty")
    key_id, secret = admin_with_old_key(sb)
    sb.set_iam_enforcement(True)
    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    aws = AWS(Target(endpoint_url=sb.endpoint_url, credentials=Credentials(key_id, secret)))
    plan = keys.plan(fresh_collect(aws, keys), DEMO_ANSWERS["keys"])
    result = apply_plan(aws, keys, plan, DEMO_ANSWERS["keys"])
    assert not result.ok and "keyring" in result.failed.detail
    listed = boto3.client("iam", endpoint_url=sb.endpoint_url, region_name="us-east-1").list_access_keys(
        UserName="wizard-admin")["AccessKeyMetadata"]
    assert [(k["AccessKeyId"], k["Status"]) for k in listed] == [(key_id, "Active")], "no new key, old one active"
    _still_works(sb, key_id, secret)


def test_own_key_is_deactivated_only_after_the_new_one_is_verified(account):
    from wizard import credentials

    sb = account("empty")
    key_id, secret = admin_with_old_key(sb)
    sb.set_iam_enforcement(True)
    aws = AWS(Target(endpoint_url=sb.endpoint_url, credentials=Credentials(key_id, secret)))
    journal = Journal(aws.account_id)
    plan = keys.plan(fresh_collect(aws, keys), DEMO_ANSWERS["keys"])
    result = apply_plan(aws, keys, plan, DEMO_ANSWERS["keys"], journal=journal)
    assert result.ok, result.failed and result.failed.detail
    calls = [e.call for e in journal.entries() if e.ok]
    assert calls.index("local.sts.verify_key") < calls.index("iam.UpdateAccessKey")
    new = credentials.stored_credentials(sb.endpoint_url, entry=f"explicit:{key_id}")  # handed-in key
    assert new is not None and new.access_key_id != key_id
    _still_works(sb, new.access_key_id, new.secret_access_key)
    assert sb.iam_enforcement.denials == []


# --- default security group (sandbox) ----------------------------------------------------------------

def test_default_security_group_in_use_is_not_stripped_without_the_person(account):
    sb = account("insecure")
    aws = AWS(Target(endpoint_url=sb.endpoint_url), regions=["us-east-1"])
    state = fresh_collect(aws, vpc)
    region = state["regions"]["us-east-1"]
    default_ids = {g["GroupId"] for g in region["groups"] if g["GroupName"] == "default"}
    in_use = {gid for e in region["enis"] for gid in e["Groups"]} & default_ids
    assert in_use, "the insecure scenario runs instances in a default group"
    ec2 = boto3.client("ec2", endpoint_url=sb.endpoint_url, region_name="us-east-1")

    def rules():
        return sorted(json.dumps([g["IpPermissions"], g["IpPermissionsEgress"]], sort_keys=True)
                      for g in ec2.describe_security_groups(GroupIds=sorted(in_use))["SecurityGroups"])

    before = rules()
    plan = vpc.plan(state, DEMO_ANSWERS["vpc"])
    revokes = [c for c in plan.automatic if c.call.operation.startswith("RevokeSecurityGroup")
               and c.call.params.get("GroupId") in in_use]
    assert revokes and all(c.risky and "network interface" in c.warning for c in revokes)
    result = apply_plan(aws, vpc, plan, DEMO_ANSWERS["vpc"], only=lambda c: not c.risky)  # `fix --yes`
    assert result.ok, result.failed and result.failed.detail
    assert rules() == before, "a default group in use keeps its rules until a person confirms"
