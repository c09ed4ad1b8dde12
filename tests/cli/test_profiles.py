"""Customer profiles: secrets only in the keyring, used by --customer, never printed or written."""

from __future__ import annotations

import json
import os
from pathlib import Path

import keyring
import pytest

from wizard.__main__ import main


def all_written_text(root: Path) -> str:
    return "\n".join(p.read_text(errors="replace") for p in root.rglob("*") if p.is_file())


def test_key_profile_is_used_by_customer_and_its_secret_stays_in_the_keyring(account, capsys, monkeypatch, tmp_path):
    sb = account("insecure")
    iam = __import__("boto3").client("iam", endpoint_url=sb.endpoint_url, region_name="us-east-1")
    iam.create_user(UserName="consultant")
    key = iam.create_access_key(UserName="consultant")["AccessKey"]
    monkeypatch.setenv("AWS_ESSENTIALS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
    assert main(["profiles", "add", "acme", "--access-key-id", key["AccessKeyId"]]) == 0
    monkeypatch.delenv("AWS_ESSENTIALS_SECRET_ACCESS_KEY")
    # The env credentials are not the customer's: --customer must not fall back to them.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")

    assert main(["profiles", "list"]) == 0
    assert main(["check", "--customer", "acme", "--steps", "contacts", "--format", "json"]) == 3
    out = capsys.readouterr()
    document = json.loads(out.out.split("\n", 2)[-1] if not out.out.startswith("{") else out.out)
    assert document["caller_arn"].endswith(":user/consultant")
    assert key["AccessKeyId"] in out.out  # listed by `profiles list`
    assert key["SecretAccessKey"] not in out.out + out.err
    assert keyring.get_password("aws-essentials-customers", "acme:secret")
    written = all_written_text(tmp_path)
    assert key["AccessKeyId"] in written  # the non-secret part is in the config file
    assert key["SecretAccessKey"] not in written
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "aws-essentials" / "customers.json"
    assert config.stat().st_mode & 0o777 == 0o600
    # the report is for the customer the profile names, unless --customer-name says otherwise
    assert main(["check", "--customer", "acme", "--steps", "contacts", "--format", "markdown"]) == 3
    assert capsys.readouterr().out.startswith("# Account report: acme\n")

    assert main(["profiles", "remove", "acme"]) == 0
    assert keyring.get_password("aws-essentials-customers", "acme:secret") is None
    assert main(["check", "--customer", "acme"]) == 1
    assert "no customer profile 'acme'" in capsys.readouterr().err


def test_role_profile_assumes_into_the_member(account, capsys):
    sb = account("org")
    member = sb.member_account_ids[0]
    role = f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole"
    assert main(["profiles", "add", "member", "--role-arn", role, "--external-id", "xyz-123"]) == 0
    capsys.readouterr()
    assert main(["check", "--customer", "member", "--steps", "contacts", "--format", "json"]) in (0, 3)
    assert json.loads(capsys.readouterr().out)["account_id"] == member


def test_no_keyring_stores_nothing(account, capsys, monkeypatch, tmp_path):
    from keyring.backends import fail

    account("insecure")
    keyring.set_keyring(fail.Keyring())
    monkeypatch.setenv("AWS_ESSENTIALS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    assert main(["profiles", "add", "acme", "--access-key-id", "AKIAIOSFODNN7EXAMPLE"]) == 1
    err = capsys.readouterr().err
    assert "no usable OS keyring" in err and "alternatives" in err and len(err.strip().splitlines()) == 1
    assert "wJalrXUtnFEMI" not in all_written_text(tmp_path)
    assert not (Path(os.environ["XDG_CONFIG_HOME"]) / "aws-essentials" / "customers.json").exists()


@pytest.mark.parametrize("argv, words", [
    (["profiles", "add", "bad name!", "--role-arn", "arn:aws:iam::123456789012:role/x"], "not a usable profile name"),
    (["profiles", "add", "x", "--role-arn", "arn:aws:iam::123:role/x"], "not a role ARN"),
    (["profiles", "add", "x"], "either --access-key-id"),
    (["profiles", "add", "x", "--role-arn", "arn:aws:iam::123456789012:role/x", "--mfa-serial", "nope"],
     "not an MFA device ARN"),
])
def test_bad_profile_input(account, capsys, argv, words):
    account("insecure")
    assert main(argv) in (1, 2)
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
