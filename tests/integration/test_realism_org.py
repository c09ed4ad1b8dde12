"""Identity Center, Organizations and STS under `--realistic` (wizard/sandbox/realism), and the steps
that survive them: sso, regions, root and the --org / --role-arn runs."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.exceptions import ClientError

from steps import regions, root, sso
from steps.base import Status
from tests.helpers import DEMO_ANSWERS, fix, open_aws, plan_for
from wizard.__main__ import main
from wizard.apply import apply_plan, fresh_collect

DELAY = 0.3  # the shortest that still outlasts one request: every rule here sees its pending state


def client(sb, service, region="us-east-1"):
    return boto3.client(service, endpoint_url=sb.endpoint_url, region_name=region)


def instance(sb, region="us-east-1"):
    return client(sb, "sso-admin", region).list_instances()["Instances"][0]


# --- Identity Center --------------------------------------------------------------------------------------------


def test_identitystore_refuses_the_reserved_names(realistic_account):
    sb = realistic_account("insecure", delay_s=DELAY)
    sb.console("enable_identity_center")
    store = client(sb, "identitystore")
    store_id = instance(sb)["IdentityStoreId"]
    for name in ("AWSAdministrators", "Administrator"):
        with pytest.raises(ClientError) as refused:
            store.create_group(IdentityStoreId=store_id, DisplayName=name)
        assert refused.value.response["Error"]["Code"] == "ValidationException"
    assert store.create_group(IdentityStoreId=store_id, DisplayName="AccountAdmins")["GroupId"]


def test_sso_setup_survives_conflicts_and_waits_for_the_assignment(realistic_account, realism_clock):
    sb = realistic_account("insecure", delay_s=DELAY)
    realism_clock()  # the apply's waits move the rules' clock: no real 1 s and 2 s sleeps
    sb.console("enable_identity_center")
    aws = open_aws(sb)
    answers = DEMO_ANSWERS["sso"]
    plan = plan_for(aws, sso, answers)
    text = json.dumps([c.to_dict() for c in plan.changes])
    assert '"AWSAdministrators"' not in text and '"Administrator"' not in text
    waits: list[str] = []
    result = apply_plan(aws, sso, plan, answers, on_wait=waits.append)
    assert result.ok, result.failed and result.failed.detail
    assert any("ConflictException" in line for line in waits)  # a write met the previous one: retried
    assert any(c.key == "invite-first-user" for c in result.skipped)  # the console task is left to a person
    findings = {f.check: f.status for f in sso.evaluate(fresh_collect(aws, sso))}
    assert findings["admin-group-assigned"] is Status.PASS
    assert not [c for c in plan_for(aws, sso, answers).automatic if c.call.service != "local"]


def test_a_failed_account_assignment_is_a_failed_change(realistic_account, realism_clock):
    sb = realistic_account("insecure", delay_s=DELAY)
    realism_clock()
    sb.console("enable_identity_center")
    admin, arn = client(sb, "sso-admin"), instance(sb)["InstanceArn"]
    ps = admin.create_permission_set(InstanceArn=arn, Name="AdministratorAccess")["PermissionSet"]["PermissionSetArn"]
    sb.realism_state.reset()  # past the conflict window of this setup
    admin.attach_managed_policy_to_permission_set(InstanceArn=arn, PermissionSetArn=ps,
                                                  ManagedPolicyArn=sso.ADMIN_POLICY)
    sb.realism_state.reset()
    # the permission set refers to a customer managed policy this account does not have: provisioning fails
    admin.attach_customer_managed_policy_reference_to_permission_set(
        InstanceArn=arn, PermissionSetArn=ps, CustomerManagedPolicyReference={"Name": "NotInThisAccount"})
    sb.realism_state.reset()
    aws = open_aws(sb)
    _, result = fix(aws, sso, {})
    assert not result.ok
    assert result.failed.change.call.operation == "CreateAccountAssignment"
    assert "NotInThisAccount" in result.failed.detail


def test_an_account_instance_fails_with_the_way_out_and_cannot_assign(realistic_account):
    sb = realistic_account("insecure", delay_s=DELAY)
    sb.console("enable_identity_center", account_instance=True)
    aws = open_aws(sb)
    state = fresh_collect(aws, sso)
    finding = sso.evaluate(state)[0]
    assert finding.status is Status.FAIL and "account instance" in finding.message
    assert [c.key for c in sso.plan(state, DEMO_ANSWERS["sso"]).changes] == ["leave-account-instance"]
    inst = instance(sb)
    with pytest.raises(ClientError) as refused:
        client(sb, "sso-admin").create_account_assignment(
            InstanceArn=inst["InstanceArn"], TargetId=sb.account_id, TargetType="AWS_ACCOUNT",
            PermissionSetArn=f"{inst['InstanceArn']}/ps-1", PrincipalType="GROUP", PrincipalId="g-1")
    assert refused.value.response["Error"]["Code"] == "ValidationException"


# --- Organizations -----------------------------------------------------------------------------------------------


def test_enable_policy_type_is_pending_and_attach_waits_for_it(realistic_account):
    sb = realistic_account("secure", delay_s=DELAY)
    org = client(sb, "organizations")
    root_id = org.list_roots()["Roots"][0]["Id"]
    if any(t["Type"] == "SERVICE_CONTROL_POLICY" for t in org.list_roots()["Roots"][0].get("PolicyTypes", [])):
        org.disable_policy_type(RootId=root_id, PolicyType="SERVICE_CONTROL_POLICY")
        sb.realism_state.reset()
    answer = org.enable_policy_type(RootId=root_id, PolicyType="SERVICE_CONTROL_POLICY")
    assert {t["Type"]: t["Status"] for t in answer["Root"]["PolicyTypes"]}["SERVICE_CONTROL_POLICY"] == "PENDING_ENABLE"
    policy = org.create_policy(Name="p", Description="d", Type="SERVICE_CONTROL_POLICY",
                               Content=regions.render(regions.region_deny_document(["us-east-1"])))["Policy"]
    with pytest.raises(ClientError) as refused:
        org.attach_policy(PolicyId=policy["PolicySummary"]["Id"], TargetId=root_id)
    assert refused.value.response["Error"]["Code"] == "PolicyTypeNotEnabledException"


def test_region_deny_scp_plan_applies_under_realism(realistic_account, realism_clock):
    """The regions step's SCP path: EnablePolicyType is waited for before AttachPolicy."""
    sb = realistic_account("org", delay_s=DELAY)
    clock = realism_clock()
    aws = open_aws(sb)
    answers = {"keep_regions": "us-east-1, eu-west-1"}
    plan = plan_for(aws, regions, answers)
    assert [c.call.operation for c in plan.automatic if c.call.service == "organizations"][-1] == "AttachPolicy"
    result = apply_plan(aws, regions, plan, answers)
    assert result.ok, result.failed and result.failed.detail
    assert clock.now > 0  # the policy type was PENDING_ENABLE, and waited for


def test_service_control_policies_never_restrict_the_management_account(realistic_account):
    sb = realistic_account("org", delay_s=DELAY)
    org = client(sb, "organizations")
    root_id = org.list_roots()["Roots"][0]["Id"]
    if not any(t["Status"] == "ENABLED" for t in org.list_roots()["Roots"][0].get("PolicyTypes", [])):
        org.enable_policy_type(RootId=root_id, PolicyType="SERVICE_CONTROL_POLICY")
        sb.realism_state.reset()
    policy = org.create_policy(Name="deny", Description="d", Type="SERVICE_CONTROL_POLICY",
                               Content=regions.render(regions.region_deny_document(["us-east-1"])))["Policy"]
    org.attach_policy(PolicyId=policy["PolicySummary"]["Id"], TargetId=root_id)
    management = open_aws(sb)
    management.client("ec2", "eu-west-1").describe_vpcs()  # not restricted
    member = management.member(sb.member_account_ids[0])
    member.client("ec2", "us-east-1").describe_vpcs()  # an allowed region
    with pytest.raises(ClientError) as denied:
        member.client("ec2", "eu-west-1").describe_vpcs()
    assert "service control policy" in str(denied.value)
    member.client("iam").list_roles()  # a global service the deny exempts


# --- STS, org runs, root ---------------------------------------------------------------------------------------


def test_root_credentials_cannot_assume_a_role(realistic_account, capsys):
    sb = realistic_account("insecure", delay_s=DELAY)  # the insecure caller is root
    with pytest.raises(ClientError) as refused:
        client(sb, "sts").assume_role(RoleArn=f"arn:aws:iam::{sb.account_id}:role/Any", RoleSessionName="xx")
    assert "root accounts" in str(refused.value)
    code = main(["check", "--steps", "contacts", "--role-arn", f"arn:aws:iam::{sb.account_id}:role/Audit"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code != 0 and len(err) == 1 and "root credentials cannot assume roles" in err[0]


def test_org_run_as_root_stops_before_any_member_is_tried(account, capsys):
    sb = account("org")
    sb.gaps.account(sb.account_id).root.caller_is_root = True
    code = main(["check", "--org", "--steps", "contacts", "--format", "json"])
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert code != 0 and len(lines) == 1 and "root credentials cannot assume roles" in lines[0]
    assert not captured.out.strip()
    assert not any(m in captured.err for m in sb.member_account_ids)


def test_org_run_as_root_never_exits_clean_under_realism(realistic_account, capsys):
    """Issue 17: with root credentials (AWS refuses them AssumeRole), `check --org` must not exit 0,
    not even with --allow-incomplete: no member was assessed. It says why in one line, and keeps no
    baseline for an organization it did not see."""
    from wizard.lastrun import store_path

    sb = realistic_account("org", delay_s=DELAY)
    sb.gaps.account(sb.account_id).root.caller_is_root = True
    for extra in ([], ["--allow-incomplete"]):
        code = main(["check", "--org", "--steps", "contacts", "--format", "json", *extra])
        captured = capsys.readouterr()
        assert code == 1 and not captured.out.strip()
        [line] = captured.err.strip().splitlines()
        assert "root credentials cannot assume roles" in line and "sts:AssumeRole" in line
    assert not store_path(sb.account_id).parent.exists()


def test_identity_center_admins_are_found_outside_the_home_region(account):
    sb = account("insecure")
    sb.console("enable_identity_center", region="eu-central-1")
    admin = client(sb, "sso-admin", "eu-central-1")
    arn = instance(sb, "eu-central-1")["InstanceArn"]
    ps = admin.create_permission_set(InstanceArn=arn, Name="Admins")["PermissionSet"]["PermissionSetArn"]
    admin.attach_managed_policy_to_permission_set(InstanceArn=arn, PermissionSetArn=ps,
                                                  ManagedPolicyArn=root.ADMIN_POLICY_ARN)
    state = fresh_collect(open_aws(sb), root)
    assert state["admins"]["permission_sets"] == [ps]


def test_members_without_root_credentials_are_not_asked_for_root_mfa(account):
    sb = account("org")
    member_id = sb.member_account_ids[0]
    for member in sb.member_account_ids:
        facts = sb.gaps.account(member).root
        facts.mfa_enabled = facts.hardware_mfa = False
    sb.console("centralize_root_access", remove_from=[member_id])
    management = open_aws(sb)
    removed = {f.check: f.status for f in root.evaluate(fresh_collect(management.member(member_id), root))}
    assert removed["root-mfa"] is Status.PASS and removed["root-hardware-mfa"] is Status.PASS
    other = {f.check: f.status for f in root.evaluate(fresh_collect(management.member(sb.member_account_ids[1]), root))}
    assert other["root-mfa"] is Status.FAIL  # its root password is still there
    own = {f.check: f.status for f in root.evaluate(fresh_collect(management, root))}
    assert own["root-mfa"] is Status.PASS  # the management account's own facts (secure-like seed) stand
