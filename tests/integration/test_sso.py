"""The sso step against the sandbox: enable in the (simulated) console, set up, write the CLI
profile into an existing ~/.aws/config, and find nothing left to do."""

from __future__ import annotations

import os

import boto3
import pytest

from steps import cli_config, sso
from steps.base import Status
from steps.executor import PlanDrifted
from tests.helpers import DEMO_ANSWERS, fix, open_aws, plan_for
from wizard.apply import apply_plan, fresh_collect

OTHER_PROFILES = """[default]
region = eu-west-1
output = json

[profile customer-a]
role_arn = arn:aws:iam::999988887777:role/Audit
source_profile = default
"""


def statuses(aws):
    return {f.check: f.status for f in sso.evaluate(fresh_collect(aws, sso))}


def config_file() -> str:
    return os.environ["AWS_CONFIG_FILE"]


def test_not_enabled_then_console_enable_then_full_setup_and_cli_profile(account):
    sb = account("insecure")
    aws = open_aws(sb)
    assert statuses(aws) == {"identity-center": Status.FAIL}
    plan = plan_for(aws, sso)
    assert not plan.automatic and plan.manual_changes  # enabling is a console action

    sb.console("enable_identity_center")
    os.makedirs(os.path.dirname(config_file()), exist_ok=True)
    with open(config_file(), "w") as handle:
        handle.write(OTHER_PROFILES)
    before = statuses(aws)
    assert before["identity-center"] is Status.PASS
    assert before["admin-group-assigned"] is Status.FAIL and before["cli-profile"] is Status.MANUAL

    plan, result = fix(aws, sso)
    assert result.ok, result.failed and result.failed.detail
    assert set(statuses(aws).values()) == {Status.PASS}
    assert not plan_for(aws, sso).changes

    # What AWS holds now.
    region = "us-east-1"
    admin = boto3.client("sso-admin", endpoint_url=sb.endpoint_url, region_name=region)
    store = boto3.client("identitystore", endpoint_url=sb.endpoint_url, region_name=region)
    instance = admin.list_instances()["Instances"][0]
    names = {admin.describe_permission_set(InstanceArn=instance["InstanceArn"], PermissionSetArn=arn)
             ["PermissionSet"]["Name"]: arn
             for arn in admin.list_permission_sets(InstanceArn=instance["InstanceArn"])["PermissionSets"]}
    assert set(names) == {"AdministratorAccess", "ReadOnlyAccess"}
    assignments = admin.list_account_assignments(InstanceArn=instance["InstanceArn"], AccountId=aws.account_id,
                                                 PermissionSetArn=names["AdministratorAccess"])["AccountAssignments"]
    [group] = store.list_groups(IdentityStoreId=instance["IdentityStoreId"])["Groups"]
    assert [(a["PrincipalType"], a["PrincipalId"]) for a in assignments] == [("GROUP", group["GroupId"])]
    [user] = store.list_users(IdentityStoreId=instance["IdentityStoreId"])["Users"]
    assert user["UserName"] == DEMO_ANSWERS["sso"]["user_name"]
    members = store.list_group_memberships(IdentityStoreId=instance["IdentityStoreId"],
                                           GroupId=group["GroupId"])["GroupMemberships"]
    assert [m["MemberId"]["UserId"] for m in members] == [user["UserId"]]

    # The config file: other profiles kept byte for byte, our two sections added, a backup made.
    text = open(config_file()).read()
    assert text.startswith(OTHER_PROFILES)
    found = cli_config.sections(text)
    assert found["profile admin"]["sso_account_id"] == aws.account_id
    assert found["profile admin"]["sso_role_name"] == "AdministratorAccess"
    assert found["sso-session aws-essentials"]["sso_start_url"] == (
        f"https://{instance['IdentityStoreId']}.awsapps.com/start")
    backups = [p for p in os.listdir(os.path.dirname(config_file())) if p.endswith(".bak")]
    assert len(backups) == 1
    assert open(os.path.join(os.path.dirname(config_file()), backups[0])).read() == OTHER_PROFILES

    # botocore reads the profile the way the AWS CLI does.
    profile = boto3.Session(profile_name="admin")._session.get_scoped_config()
    assert profile["sso_session"] == "aws-essentials" and profile["sso_account_id"] == aws.account_id


def test_a_config_file_edited_after_the_plan_is_not_overwritten(account):
    sb = account("secure")  # Identity Center is set up; only the CLI profile is missing
    aws = open_aws(sb)
    answers = {"cli_profile": "admin"}
    plan = plan_for(aws, sso, answers)
    assert [c.call.operation for c in plan.automatic] == [sso.WRITE_PROFILE]
    os.makedirs(os.path.dirname(config_file()), exist_ok=True)
    with open(config_file(), "w") as handle:
        handle.write(OTHER_PROFILES)  # someone edits the file before the user confirms
    with pytest.raises(PlanDrifted) as drifted:
        apply_plan(aws, sso, plan, answers)
    assert open(config_file()).read() == OTHER_PROFILES
    new = drifted.value.new_plan
    assert "+[profile admin]" in new.automatic[0].call.params["diff"]
    result = apply_plan(aws, sso, new, answers)
    assert result.ok and open(config_file()).read().startswith(OTHER_PROFILES)
    assert statuses(aws)["cli-profile"] is Status.PASS


def test_everything_the_setup_created_can_be_undone(account):
    """Each creation records an undo call with the id AWS gave it; undoing them, newest first,
    leaves Identity Center as it was before the fix."""
    from wizard.__main__ import main
    from wizard.journal import Journal

    sb = account("insecure")
    aws = open_aws(sb)
    sb.console("enable_identity_center")
    _, result = fix(aws, sso)
    assert result.ok, result.failed and result.failed.detail
    region = "us-east-1"
    admin = boto3.client("sso-admin", endpoint_url=sb.endpoint_url, region_name=region)
    store = boto3.client("identitystore", endpoint_url=sb.endpoint_url, region_name=region)
    instance = admin.list_instances()["Instances"][0]
    made = [e for e in Journal(aws.account_id).entries() if e.step == "sso" and e.ok and e.call.startswith(
        ("sso-admin", "identitystore"))]
    assert {e.call.split(".")[-1] for e in made} >= {"CreatePermissionSet", "AttachManagedPolicyToPermissionSet",
                                                      "CreateGroup", "CreateUser", "CreateGroupMembership",
                                                      "CreateAccountAssignment"}
    for entry in reversed(made):
        assert "Ref" not in str(entry.change["undo"]), entry.change["undo"]  # ids filled in
        assert main(["undo", entry.id, "--yes"]) == 0, entry.call

    assert admin.list_permission_sets(InstanceArn=instance["InstanceArn"])["PermissionSets"] == []
    assert store.list_groups(IdentityStoreId=instance["IdentityStoreId"])["Groups"] == []
    assert store.list_users(IdentityStoreId=instance["IdentityStoreId"])["Users"] == []
    assert statuses(aws)["admin-group-assigned"] is Status.FAIL
