"""`--customer` with member targeting: `--org --accounts`, `--ou`, `--role-arn` (the org scenario)."""

from __future__ import annotations

import json

import boto3
import pytest

from wizard.__main__ import main


@pytest.fixture
def customer(account, monkeypatch, capsys):
    """The org scenario, and a key profile 'acme' of a user in its management account."""
    sb = account("org")
    iam = boto3.client("iam", endpoint_url=sb.endpoint_url, region_name="us-east-1")
    iam.create_user(UserName="consultant")
    key = iam.create_access_key(UserName="consultant")["AccessKey"]
    monkeypatch.setenv("AWS_ESSENTIALS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
    assert main(["profiles", "add", "acme", "--access-key-id", key["AccessKeyId"]]) == 0
    monkeypatch.delenv("AWS_ESSENTIALS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")  # not the customer's: never used
    capsys.readouterr()
    return sb


def test_customer_with_org_accounts_reaches_the_member(customer, capsys):
    member = customer.member_account_ids[1]
    code = main(["check", "--customer", "acme", "--org", "--accounts", member, "--steps", "contacts",
                 "--format", "json"])
    out = capsys.readouterr()
    assert code in (0, 3), out.err
    document = json.loads(out.out[out.out.index("{"):])
    assert {f["account_id"] for f in document["findings"]} >= {member}
    assert not document.get("not_assessed")


def test_customer_with_role_arn_assumes_it_from_the_customer(customer, capsys):
    member = customer.member_account_ids[0]
    role = f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole"
    code = main(["check", "--customer", "acme", "--role-arn", role, "--steps", "contacts", "--format", "json"])
    out = capsys.readouterr()
    assert code in (0, 3), out.err
    assert json.loads(out.out[out.out.index("{"):])["account_id"] == member


def test_an_aws_profile_takes_its_source_credentials_from_a_keyring_profile(customer, capsys, tmp_path):
    import os
    from pathlib import Path

    member = customer.member_account_ids[2]
    role = f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole"
    config = Path(os.environ["AWS_CONFIG_FILE"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f"[profile member]\nrole_arn = {role}\nsource_profile = acme\nregion = us-east-1\n")
    assert main(["check", "--profile", "member", "--steps", "contacts", "--format", "json"]) in (0, 3)
    assert json.loads(capsys.readouterr().out)["account_id"] == member

    # a customer role profile whose source is the keyring profile 'acme'
    assert main(["profiles", "add", "member-b", "--role-arn", role, "--source-profile", "acme"]) == 0
    capsys.readouterr()
    assert main(["check", "--customer", "member-b", "--steps", "contacts", "--format", "json"]) in (0, 3)
    assert json.loads(capsys.readouterr().out)["account_id"] == member
