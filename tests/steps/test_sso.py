"""The sso step on hand-written state, and the ~/.aws/config merge and write."""

from __future__ import annotations

import os
import stat

import pytest

from steps import cli_config, sso
from steps.base import Ref, StepError, Status, unreadable
from wizard import aws_config

ACCT = "111122223333"
INST = "arn:aws:sso:::instance/ssoins-1"
ADMIN_SET = "arn:aws:sso:::permissionSet/ssoins-1/ps-admin"
RO_SET = "arn:aws:sso:::permissionSet/ssoins-1/ps-ro"
URL = "https://d-1234567890.awsapps.com/start"
EXISTING = """# my profiles
[default]
region = eu-west-1
aws_secret_access_key = SECRETVALUE123

[profile work]
sso_session = corp
sso_account_id = 999988887777
sso_role_name = Dev
"""


def cli(text=None, path="/home/u/.aws/config"):
    if text is None:
        return {"path": path, "exists": False, "sha256": "", "text": ""}
    return {"path": path, "exists": True, "sha256": cli_config.digest(text), "text": cli_config.mask(text)}


def configured(text=None, **over):
    st = {
        "caller": {"Account": ACCT, "Arn": f"arn:aws:iam::{ACCT}:user/me"},
        "organization": {"Id": "o-1", "MasterAccountId": ACCT},
        "instances": {"us-east-1": [{"InstanceArn": INST}], "eu-west-1": []},
        "instance": {"region": "us-east-1", "arn": INST, "store": "d-1234567890", "owner": ACCT},
        "permission_sets": {
            ADMIN_SET: {"name": "AdministratorAccess", "session": "PT1H", "policies": [sso.ADMIN_POLICY],
                        "assignments": [{"type": "GROUP", "id": "g-1"}]},
            RO_SET: {"name": "ReadOnlyAccess", "session": "PT4H", "policies": [sso.READONLY_POLICIES[0]],
                     "assignments": []},
        },
        "groups": {"g-1": sso.ADMIN_GROUP},
        "users": {"u-1": "jane"},
        "members": {"g-1": ["u-1"]},
        "cli": cli(text),
    }
    st.update(over)
    return st


def empty_instance(**over):
    return configured(permission_sets={}, groups={}, users={}, members={}, **over)


def statuses(st):
    return {f.check: f.status for f in sso.evaluate(st)}


def test_not_enabled_fails_with_a_manual_console_fix():
    st = configured(instance=None, instances={"us-east-1": [], "eu-west-1": []}, organization=None)
    findings = sso.evaluate(st)
    assert [(f.check, f.status) for f in findings] == [("identity-center", Status.FAIL)]
    plan = sso.plan(st, {})
    assert not plan.automatic and len(plan.manual_changes) == 1
    change = plan.manual_changes[0]
    assert change.console_url.startswith("https://console.aws.amazon.com/singlesignon")
    assert any("Enable with AWS Organizations" in step for step in change.instructions)


def test_identity_center_not_enabled_fails_cis_1_20_by_the_letter():
    """CIS v5.0 1.20 (people managed centrally, not as IAM users per account): no Identity Center is its FAIL,
    and the CLI profile on this computer is no CIS matter."""
    st = configured(instance=None, instances={"us-east-1": [], "eu-west-1": []}, organization=None)
    [finding] = sso.evaluate(st)
    assert (finding.status, finding.cis) == (Status.FAIL, ("1.20",))
    assert "1.20" in finding.message
    cli_finding = next(f for f in sso.evaluate(configured()) if f.check == "cli-profile")
    assert cli_finding.cis == ()


def test_account_instance_cannot_grant_account_access():
    st = configured(organization={"Id": "o-1", "MasterAccountId": "444455556666"})
    finding = sso.evaluate(st)[0]
    assert finding.status is Status.FAIL and "account instance" in finding.message
    assert not sso.plan(st, {}).automatic


def test_member_account_without_visible_instance_is_manual_not_fail():
    st = configured(instance=None, instances={"us-east-1": []}, organization={"MasterAccountId": "444455556666"})
    assert statuses(st) == {"identity-center": Status.MANUAL}


def test_unreadable_instances_are_unknown():
    st = configured(instance=None, instances={"us-east-1": unreadable("access denied: the caller lacks sso:ListInstances")})
    assert statuses(st) == {"identity-center": Status.UNKNOWN}
    assert not sso.plan(st, {}).changes


def test_configured_account_passes_and_cli_profile_found_through_its_session():
    text = EXISTING + f"""
[sso-session mine]
sso_start_url = {URL}
sso_region = us-east-1

[profile admin]
sso_session = mine
sso_account_id = {ACCT}
sso_role_name = AdministratorAccess
"""
    st = configured(text)
    assert set(statuses(st).values()) == {Status.PASS}
    by_check = {f.check: f for f in sso.evaluate(st)}
    assert by_check["identity-center"].cis == ("1.20",)  # CIS 1.20 is about the account, not this computer
    assert sso.plan(st, {}).changes == ()


def test_missing_cli_profile_is_manual_and_planned_as_a_local_write_with_the_exact_diff():
    st = configured(EXISTING)
    assert statuses(st)["cli-profile"] is Status.MANUAL  # about this computer: never fails a CI check
    plan = sso.plan(st, {"cli_profile": "acct-admin"})
    [change] = plan.automatic
    assert change.call.service == "local" and change.call.operation == sso.WRITE_PROFILE
    params = change.call.params
    assert params["expected_sha256"] == cli_config.digest(EXISTING)
    assert params["updates"]["profile acct-admin"] == {
        "sso_session": "aws-essentials", "sso_account_id": ACCT, "sso_role_name": "AdministratorAccess",
        "region": "us-east-1"}
    assert "+[sso-session aws-essentials]" in params["diff"] and f"+sso_start_url = {URL}" in params["diff"]
    assert "SECRETVALUE123" not in str(change.to_dict())  # masked in state, diff and journal


def test_full_setup_plan_order_refs_and_first_user():
    answers = {"user_name": "jane.doe", "email": "jane@example.com", "given_name": "Jane", "family_name": "Doe"}
    plan = sso.plan(empty_instance(), answers)
    ops = [c.call.operation for c in plan.automatic]
    assert ops == ["CreatePermissionSet", "AttachManagedPolicyToPermissionSet", "CreatePermissionSet",
                   "AttachManagedPolicyToPermissionSet", "CreateGroup", "CreateUser", "CreateGroupMembership",
                   "CreateAccountAssignment", sso.WRITE_PROFILE]
    assign = plan.automatic[7].call.params
    assert assign["TargetId"] == ACCT and assign["PrincipalType"] == "GROUP"
    assert assign["PermissionSetArn"] == Ref("admin-set", "PermissionSet.PermissionSetArn")
    assert assign["PrincipalId"] == Ref("admin-group", "GroupId")
    assert plan.automatic[0].call.params["SessionDuration"] == "PT1H"
    assert {c.call.region for c in plan.automatic if c.call.service != "local"} == {"us-east-1"}
    user = plan.automatic[5].call.params
    assert user["Emails"] == [{"Value": "jane@example.com", "Type": "work", "Primary": True}]


def test_first_user_inputs_are_validated_together():
    plan = sso.plan(empty_instance(), {"user_name": "jane doe", "email": "nope"})
    assert set(plan.needs) == {"user_name", "email", "given_name", "family_name"}
    assert not plan.changes
    assert sso.plan(empty_instance(), {"cli_profile": "bad name!"}).needs == ("cli_profile",)


def test_existing_user_already_in_the_admin_group_is_left_alone():
    text = None
    plan = sso.plan(configured(text), {"user_name": "jane", "email": "j@example.com", "given_name": "J",
                                        "family_name": "D"})
    assert [c.call.operation for c in plan.automatic] == [sso.WRITE_PROFILE]


# --- the config file merge and write ----------------------------------------------------------------


def test_merge_keeps_other_profiles_comments_and_secrets_byte_for_byte():
    updates = {"sso-session s": {"sso_start_url": URL, "sso_region": "us-east-1"},
               "profile work": {"region": "us-east-1"}}
    merged = cli_config.merge(EXISTING, updates)
    assert merged.startswith(EXISTING.split("[profile work]")[0])  # default + comment untouched
    assert "sso_role_name = Dev\nregion = us-east-1\n" in merged  # key added to an existing section
    assert merged.endswith(f"\n[sso-session s]\nsso_start_url = {URL}\nsso_region = us-east-1\n")
    assert cli_config.merge(merged, updates) == merged  # idempotent
    crlf = EXISTING.replace("\n", "\r\n")
    assert "\r\n[sso-session s]\r\n" in cli_config.merge(crlf, updates)


def test_write_merges_with_an_existing_file_and_makes_a_backup(tmp_path):
    path = tmp_path / ".aws" / "config"
    path.parent.mkdir()
    path.write_text(EXISTING)
    os.chmod(path, 0o640)
    st = configured(cli=cli_config.read_config(path))
    change = sso.plan(st, {}).automatic[0]
    result = aws_config.write_sso_profile(change.call.params, {})
    written = path.read_text()
    assert written.startswith(EXISTING)  # every other profile kept, byte for byte
    assert sso.evaluate(configured(cli=cli_config.read_config(path)))[-1].status is Status.PASS
    backup = result["backup"]
    assert backup and open(backup).read() == EXISTING
    assert stat.S_IMODE(os.stat(backup).st_mode) == 0o600
    assert stat.S_IMODE(path.stat().st_mode) == 0o640  # the file's own mode is kept


def test_write_creates_a_new_private_file(tmp_path):
    path = tmp_path / "new" / "config"
    st = configured(cli=cli_config.read_config(path))
    change = sso.plan(st, {}).automatic[0]
    result = aws_config.write_sso_profile(change.call.params, {})
    assert result["backup"] is None and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "[profile admin]" in path.read_text()


def test_write_refuses_when_the_file_changed_since_the_plan(tmp_path):
    path = tmp_path / "config"
    path.write_text(EXISTING)
    change = sso.plan(configured(cli=cli_config.read_config(path)), {}).automatic[0]
    path.write_text(EXISTING + "\n[profile late]\nregion = us-west-2\n")
    with pytest.raises(StepError, match="changed after the plan"):
        aws_config.write_sso_profile(change.call.params, {})
    assert "[profile admin]" not in path.read_text()
    assert not list(tmp_path.glob("*.bak"))
