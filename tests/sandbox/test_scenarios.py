"""Every scenario seeds, with the facts the catalogue expects. (How long seeding takes is measured
in benchmarks/, never asserted: a timed test fails on a loaded machine.)"""

from __future__ import annotations

import pytest

from wizard.sandbox import SCENARIOS

from .util import client


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_scenario_seeds_an_account_that_answers(sandbox, scenario):
    sandbox.reset(scenario)
    assert client(sandbox, "sts").get_caller_identity()["Account"] == sandbox.account_id


def test_insecure_facts(account):
    sb = account("insecure")
    regions = {r["RegionName"] for r in client(sb, "ec2").describe_regions()["Regions"]}
    assert {"af-south-1", "me-south-1"} <= regions and "ap-east-1" not in regions
    for region in ("us-east-1", "eu-west-1"):
        res = client(sb, "ec2", region).describe_instances()["Reservations"]
        assert res, f"a workload in {region}"
    assert client(sb, "organizations").list_roots  # no organization:
    with pytest.raises(Exception):
        client(sb, "organizations").describe_organization()


def test_org_members_are_stable_and_reachable(account):
    sb = account("org")
    first = list(sb.member_account_ids)
    assert len(first) == 5
    org = client(sb, "organizations")
    assert org.describe_organization()["Organization"]["FeatureSet"] == "ALL"
    root = org.list_roots()["Roots"][0]["Id"]
    ous = org.list_organizational_units_for_parent(ParentId=root)["OrganizationalUnits"]
    assert [o["Name"] for o in ous] == ["Workloads"]
    in_ou = {a["Id"] for a in org.list_accounts_for_parent(ParentId=ous[0]["Id"])["Accounts"]}
    assert in_ou == set(first)
    ident = client(sb, "sts", account_id=first[0]).get_caller_identity()
    assert ident["Account"] == first[0]
    sb = account("org")
    assert sb.member_account_ids == first


def test_secure_contacts(account):
    sb = account("secure")
    acc = client(sb, "account")
    for kind in ("SECURITY", "BILLING", "OPERATIONS"):
        c = acc.get_alternate_contact(AlternateContactType=kind)["AlternateContact"]
        assert "@" in c["EmailAddress"] and c["PhoneNumber"].startswith("+")
    assert acc.list_regions(RegionOptStatusContains=["ENABLED"])["Regions"] == []


def test_reset_skips_a_clean_account_and_reseeds_after_a_write(sandbox):
    import boto3

    sandbox.reset("insecure", force=True)
    assert sandbox.reset("insecure") == 0.0  # nothing changed: nothing to do
    iam = boto3.client("iam", endpoint_url=sandbox.endpoint_url, region_name="us-east-1",
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    iam.list_users()  # a read keeps it clean
    assert sandbox.reset("insecure") == 0.0
    iam.create_user(UserName="drift")
    assert sandbox.reset("insecure") > 0.0
    assert "drift" not in [u["UserName"] for u in iam.list_users()["Users"]]
    sandbox.console("enable_root_mfa")
    assert sandbox.reset("insecure") > 0.0
    assert sandbox.reset("secure") > 0.0  # another scenario always re-seeds


def test_every_seed_shares_one_model_loader(sandbox):
    """A re-seed (and a seed of another scenario, or of another account) reads no service model
    again: the sessions of every seed in this process share one botocore model loader."""
    from wizard.sandbox.scenarios import SeedContext

    first, second = SeedContext(sandbox), SeedContext(sandbox)
    loader = first.session()._session.get_component("data_loader")
    assert second.session()._session.get_component("data_loader") is loader
