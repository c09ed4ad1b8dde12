"""`undo` reverses a change only where it was made, and only while the resource is still as the
wizard left it; `undo --last` reverses the whole last apply (issue 19)."""

from __future__ import annotations

import json

import pytest

from steps import keys, s3
from tests.cli.test_fix_history_undo import SET
from tests.cli.test_undo_restores import entry_for, open_rules, revoked_open_rules
from tests.helpers import fix, open_aws
from wizard.__main__ import main
from wizard.paths import state_dir

CONTACT = {"Name": "Security Team", "Title": "Lead", "EmailAddress": "sec@example.com", "PhoneNumber": "+1 206 555 0100"}


def refused(entry_id: str, capsys) -> str:
    """Run `undo ID --yes`; it must refuse with exit 1 and one line, which is returned."""
    code = main(["undo", entry_id, "--yes"])
    err = capsys.readouterr().err.strip()
    assert code == 1, err
    assert len(err.splitlines()) == 1, err
    return err


def journalled(account_id: str, call: dict, undo: dict, *, endpoint: str | None, response=None, entry_id="e1",
               apply_id="") -> str:
    """Append a finished change to the journal as the wizard writes it (``endpoint`` None: an entry
    written before endpoints were recorded)."""
    begin = {"phase": "begin", "id": entry_id, "time": "2026-01-01T00:00:00+00:00", "account_id": account_id,
             "step": "test", "change": {"call": call, "undo": undo, "before": None, "after": call["params"]},
             "params": call["params"], "undo_of": ""}
    if endpoint is not None:
        begin.update(endpoint=endpoint, apply_id=apply_id or "a-" + entry_id)
    end = {"phase": "end", "id": entry_id, "time": "2026-01-01T00:00:01+00:00", "ok": True, "detail": "",
           "response": response}
    with open(state_dir() / "journal.jsonl", "a") as journal:
        journal.write(json.dumps(begin) + "\n" + json.dumps(end) + "\n")
    return entry_id


PUT_SECURITY = {"service": "account", "operation": "PutAlternateContact", "region": None,
                "params": {"AlternateContactType": "SECURITY", **CONTACT}}
DELETE_SECURITY = {"service": "account", "operation": "DeleteAlternateContact", "region": None,
                   "params": {"AlternateContactType": "SECURITY"}}


def fixed(sb, step):
    """Apply ``step``'s automatic changes in the sandbox account; return the AWS object used."""
    aws = open_aws(sb)
    _, result = fix(aws, step)
    assert result.ok
    return aws


def security_contact(sb):
    try:
        return open_aws(sb).client("account").get_alternate_contact(AlternateContactType="SECURITY")["AlternateContact"]
    except Exception:  # noqa: BLE001 - none set
        return None


def test_undo_refuses_when_the_contact_was_edited_since(account, capsys):
    sb = account("insecure")
    assert main(["fix", "--steps", "contacts", "--yes", *SET]) == 0
    capsys.readouterr()
    aws = open_aws(sb)
    entry = entry_for(aws, "PutAlternateContact", AlternateContactType="SECURITY")
    edited = {**CONTACT, "Name": "Someone Else"}
    aws.client("account").put_alternate_contact(AlternateContactType="SECURITY", **edited)
    assert "the security contact was edited since the wizard made it" in refused(entry.id, capsys)
    assert security_contact(sb)["Name"] == "Someone Else"  # their edit is kept


def test_undo_refuses_when_the_password_policy_was_changed_since(account, capsys):
    aws = fixed(account("insecure"), keys)
    iam = aws.client("iam")
    policy = iam.get_account_password_policy()["PasswordPolicy"]
    iam.update_account_password_policy(MinimumPasswordLength=20, RequireSymbols=True,
                                       PasswordReusePrevention=policy.get("PasswordReusePrevention", 24),
                                       MaxPasswordAge=policy.get("MaxPasswordAge", 90))
    assert "the password policy was changed" in refused(entry_for(aws, "UpdateAccountPasswordPolicy").id, capsys)
    assert iam.get_account_password_policy()["PasswordPolicy"]["MinimumPasswordLength"] == 20


def test_undo_refuses_when_the_account_public_access_block_was_changed_since(account, capsys):
    sb = account("insecure")
    aws = fixed(sb, s3)
    control = aws.client("s3control")
    mine = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": False,
            "RestrictPublicBuckets": False}
    control.put_public_access_block(AccountId=sb.account_id, PublicAccessBlockConfiguration=mine)
    err = refused(entry_for(aws, "PutPublicAccessBlock", AccountId=sb.account_id).id, capsys)
    assert "Block Public Access settings were changed" in err
    assert control.get_public_access_block(AccountId=sb.account_id)["PublicAccessBlockConfiguration"] == mine


def test_undo_refuses_when_a_revoked_rule_was_added_back_by_hand(account, capsys):
    sb = account("insecure")
    aws = open_aws(sb)
    _, group, region, entry = revoked_open_rules(aws)
    first = entry.change["undo"]["params"]["IpPermissions"][0]
    aws.client("ec2", region).authorize_security_group_ingress(GroupId=group, IpPermissions=[first])
    by_hand = open_rules(aws, group, region)
    assert "removed rules of" in refused(entry.id, capsys)
    assert open_rules(aws, group, region) == by_hand


def test_undo_refuses_to_delete_a_role_someone_made_again_under_the_same_name(account, capsys):
    sb = account("insecure")
    iam = open_aws(sb).client("iam")
    trust = json.dumps({"Version": "2012-10-17", "Statement": []})
    made = iam.create_role(RoleName="AwsEssentialsTest", AssumeRolePolicyDocument=trust)["Role"]
    entry = journalled(sb.account_id, {"service": "iam", "operation": "CreateRole", "region": None,
                                       "params": {"RoleName": "AwsEssentialsTest", "AssumeRolePolicyDocument": trust}},
                       {"service": "iam", "operation": "DeleteRole", "region": None,
                        "params": {"RoleName": "AwsEssentialsTest"}},
                       endpoint=sb.endpoint_url, response={"Role": {"RoleId": made["RoleId"]}})
    iam.delete_role(RoleName="AwsEssentialsTest")
    theirs = iam.create_role(RoleName="AwsEssentialsTest", AssumeRolePolicyDocument=trust)["Role"]["RoleId"]
    assert "deleted and made again" in refused(entry, capsys)
    assert iam.get_role(RoleName="AwsEssentialsTest")["Role"]["RoleId"] == theirs


def test_undo_refuses_a_change_made_at_another_endpoint(account, capsys):
    sb = account("insecure")
    open_aws(sb).client("account").put_alternate_contact(**PUT_SECURITY["params"])
    entry = journalled(sb.account_id, PUT_SECURITY, DELETE_SECURITY, endpoint="aws")  # made in real AWS
    err = refused(entry, capsys)
    assert f"was made at aws, and this run is pointed at {sb.endpoint_url}" in err
    assert security_contact(sb) is not None


def test_undo_refuses_a_change_made_in_another_account(account, capsys):
    sb = account("insecure")
    entry = journalled("999988887777", PUT_SECURITY, DELETE_SECURITY, endpoint=sb.endpoint_url)
    assert f"was made in account 999988887777, and this run is signed in to account {sb.account_id}" in refused(
        entry, capsys)


def test_an_entry_without_endpoint_is_undone_only_in_its_account_and_says_why(account, capsys):
    sb = account("insecure")
    open_aws(sb).client("account").put_alternate_contact(**PUT_SECURITY["params"])
    entry = journalled(sb.account_id, PUT_SECURITY, DELETE_SECURITY, endpoint=None)
    assert main(["undo", entry, "--yes"]) == 0
    assert "journalled before endpoints were recorded" in capsys.readouterr().out
    assert security_contact(sb) is None


def test_undo_refuses_a_change_whose_state_it_cannot_read_back(account, capsys):
    sb = account("insecure")
    entry = journalled(sb.account_id, {"service": "ec2", "operation": "EnableEbsEncryptionByDefault",
                                       "region": "us-east-1", "params": {}},
                       {"service": "ec2", "operation": "DisableEbsEncryptionByDefault", "region": "us-east-1",
                        "params": {}}, endpoint=sb.endpoint_url)
    assert "cannot read back its current state" in refused(entry, capsys)


def test_undo_last_reverses_only_the_last_apply(account, capsys):
    sb = account("insecure")
    aws = open_aws(sb)
    assert main(["fix", "--steps", "contacts", "--yes", *SET]) == 0
    control = aws.client("s3control")
    _, result = fix(aws, s3)
    assert result.ok and len(result.results) > 1
    capsys.readouterr()
    assert main(["undo", "--last", "--yes"]) == 0
    out = capsys.readouterr().out
    assert out.count("reversed") == len(result.results)
    with pytest.raises(control.exceptions.NoSuchPublicAccessBlockConfiguration):
        control.get_public_access_block(AccountId=sb.account_id)
    assert security_contact(sb) is not None  # the apply before it is left alone


def test_undo_last_leaves_out_what_it_cannot_check_before_writing_anything(account, capsys):
    sb = account("insecure")
    open_aws(sb).client("account").put_alternate_contact(**PUT_SECURITY["params"])
    journalled(sb.account_id, PUT_SECURITY, DELETE_SECURITY, endpoint=sb.endpoint_url, entry_id="e1", apply_id="a1")
    journalled(sb.account_id, {"service": "ec2", "operation": "EnableEbsEncryptionByDefault", "region": "us-east-1",
                               "params": {}},
               {"service": "ec2", "operation": "DisableEbsEncryptionByDefault", "region": "us-east-1", "params": {}},
               endpoint=sb.endpoint_url, entry_id="e2", apply_id="a1")
    assert main(["undo", "--last", "--yes"]) == 0
    out = capsys.readouterr().out
    assert "left as it is: change e2 (ec2.EnableEbsEncryptionByDefault) was not undone" in out
    assert out.index("left as it is") < out.index("Done:")  # said before anything was written
    assert "Done: account.PutAlternateContact reversed" in out
    assert security_contact(sb) is None
