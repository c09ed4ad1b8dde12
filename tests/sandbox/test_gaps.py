"""Round trips through boto3 over HTTP for every API the gap layer fills."""

from __future__ import annotations

import base64
import csv
import io

import pytest
from botocore.exceptions import ClientError

from .util import NO_RETRY, client

REGIONS = ("us-east-1", "eu-west-1")


def _first(sb) -> str:
    """A member account nothing is seeded in: the round trips start from AWS's defaults there."""
    return sb.member_account_ids[1]


def _member(sb):
    return sb.member_account_ids[0]


# -- account: regions and contacts ---------------------------------------------------------

def test_list_regions_filter_and_pagination(account):
    sb = account("insecure")
    acc = client(sb, "account")
    enabled = acc.list_regions(RegionOptStatusContains=["ENABLED"])["Regions"]
    assert {r["RegionName"] for r in enabled} == {"af-south-1", "me-south-1"}
    pages = client(sb, "account").get_paginator("list_regions").paginate(PaginationConfig={"PageSize": 5})
    names = [r["RegionName"] for p in pages for r in p["Regions"]]
    assert len(names) == len(set(names)) >= 30
    default = acc.list_regions(RegionOptStatusContains=["ENABLED_BY_DEFAULT"], MaxResults=50)["Regions"]
    assert len(default) == 17 and all(r["RegionOptStatus"] == "ENABLED_BY_DEFAULT" for r in default)


def test_enable_disable_region_round_trip_and_ec2_agrees(account):
    sb = account("secure")
    acc, ec2 = client(sb, "account"), client(sb, "ec2")
    assert acc.get_region_opt_status(RegionName="ap-east-1")["RegionOptStatus"] == "DISABLED"
    assert "ap-east-1" not in {r["RegionName"] for r in ec2.describe_regions()["Regions"]}
    acc.enable_region(RegionName="ap-east-1")
    assert acc.get_region_opt_status(RegionName="ap-east-1")["RegionOptStatus"] in ("ENABLING", "ENABLED")
    assert acc.get_region_opt_status(RegionName="ap-east-1")["RegionOptStatus"] == "ENABLED"
    regions = {r["RegionName"]: r["OptInStatus"] for r in ec2.describe_regions()["Regions"]}
    assert regions["ap-east-1"] == "opted-in" and regions["us-east-1"] == "opt-in-not-required"
    acc.disable_region(RegionName="ap-east-1")
    acc.get_region_opt_status(RegionName="ap-east-1")
    assert acc.get_region_opt_status(RegionName="ap-east-1")["RegionOptStatus"] == "DISABLED"
    all_regions = {r["RegionName"]: r["OptInStatus"] for r in ec2.describe_regions(AllRegions=True)["Regions"]}
    assert all_regions["ap-east-1"] == "not-opted-in" and len(all_regions) >= 30
    with pytest.raises(ClientError) as e:
        acc.disable_region(RegionName="us-east-1")
    assert e.value.response["Error"]["Code"] == "ValidationException"


def test_regions_are_per_account(account):
    sb = account("org")
    member = _member(sb)
    client(sb, "account", account_id=member).enable_region(RegionName="il-central-1")
    assert client(sb, "account").get_region_opt_status(RegionName="il-central-1")["RegionOptStatus"] == "DISABLED"
    # the management account may read a member's state with AccountId
    status = client(sb, "account").get_region_opt_status(RegionName="il-central-1", AccountId=member)
    assert status["RegionOptStatus"] in ("ENABLING", "ENABLED")


def test_contact_information_round_trip_per_account(account):
    sb = account("org")
    info = {"FullName": "A B", "AddressLine1": "1 St", "City": "X", "CountryCode": "DE",
            "PhoneNumber": "+49 30 1234", "PostalCode": "10115"}
    member = client(sb, "account", account_id=_member(sb))
    member.put_contact_information(ContactInformation=info)
    assert member.get_contact_information()["ContactInformation"] == info
    assert client(sb, "account").get_contact_information()["ContactInformation"]["FullName"] == "Example Corp"
    sb2 = account("empty")
    with pytest.raises(ClientError) as e:
        client(sb2, "account").get_contact_information()
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_alternate_contacts_per_account_moto(account):
    sb = account("org")
    member = client(sb, "account", account_id=_member(sb))
    member.put_alternate_contact(AlternateContactType="SECURITY", Name="M", Title="T",
                                 EmailAddress="m@example.com", PhoneNumber="+1555")
    assert member.get_alternate_contact(AlternateContactType="SECURITY")["AlternateContact"]["Name"] == "M"
    assert client(sb, "account").get_alternate_contact(
        AlternateContactType="SECURITY")["AlternateContact"]["Name"] == "Sam Secure"
    sb = account("insecure")
    with pytest.raises(ClientError) as e:
        client(sb, "account").get_alternate_contact(AlternateContactType="SECURITY")
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"


# -- EC2 instance metadata defaults --------------------------------------------------------

def test_imds_defaults_per_region_and_account(account):
    sb = account("org")
    main = _first(sb)
    east, west = client(sb, "ec2", "us-east-1", account_id=main), client(sb, "ec2", "eu-west-1", account_id=main)
    assert east.get_instance_metadata_defaults()["AccountLevel"] == {}
    east.modify_instance_metadata_defaults(HttpTokens="required", HttpPutResponseHopLimit=2)
    got = east.get_instance_metadata_defaults()["AccountLevel"]
    assert got["HttpTokens"] == "required" and got["HttpPutResponseHopLimit"] == 2
    assert west.get_instance_metadata_defaults()["AccountLevel"] == {}
    member = client(sb, "ec2", "us-east-1", account_id=_member(sb))
    assert member.get_instance_metadata_defaults()["AccountLevel"] == {}
    east.modify_instance_metadata_defaults(HttpTokens="no-preference")
    assert "HttpTokens" not in east.get_instance_metadata_defaults()["AccountLevel"]


# -- Access Analyzer -------------------------------------------------------------------------

def test_access_analyzer_round_trip(account):
    sb = account("org")
    main = _first(sb)
    for region in REGIONS:
        aa = client(sb, "accessanalyzer", region, account_id=main)
        assert aa.list_analyzers()["analyzers"] == []
        arn = aa.create_analyzer(analyzerName=f"acct-{region}", type="ACCOUNT")["arn"]
        assert arn == f"arn:aws:access-analyzer:{region}:{main}:analyzer/acct-{region}"
        got = aa.get_analyzer(analyzerName=f"acct-{region}")["analyzer"]
        assert got["type"] == "ACCOUNT" and got["status"] == "ACTIVE"
        assert [a["name"] for a in aa.list_analyzers(type="ACCOUNT")["analyzers"]] == [f"acct-{region}"]
        assert aa.list_analyzers(type="ORGANIZATION")["analyzers"] == []
    member = client(sb, "accessanalyzer", account_id=_member(sb))
    assert member.list_analyzers()["analyzers"] == []
    aa = client(sb, "accessanalyzer", account_id=main)
    aa.delete_analyzer(analyzerName="acct-us-east-1")
    with pytest.raises(ClientError) as e:
        aa.get_analyzer(analyzerName="acct-us-east-1")
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert len(client(sb, "accessanalyzer", "eu-west-1", account_id=main).list_analyzers()["analyzers"]) == 1


# -- Security Hub standards -----------------------------------------------------------------

def test_security_hub_standards(account):
    sb = account("org")
    main = _first(sb)
    for region in REGIONS:
        sh = client(sb, "securityhub", region, account_id=main)
        with pytest.raises(ClientError) as e:
            sh.get_enabled_standards()
        assert e.value.response["Error"]["Code"] == "InvalidAccessException"
        arns = {s["StandardsArn"] for s in sh.describe_standards()["Standards"]}
        cis5 = f"arn:aws:securityhub:{region}::standards/cis-aws-foundations-benchmark/v/5.0.0"
        assert cis5 in arns
        sh.enable_security_hub(EnableDefaultStandards=False)
        assert sh.get_enabled_standards()["StandardsSubscriptions"] == []
        sub = sh.batch_enable_standards(StandardsSubscriptionRequests=[{"StandardsArn": cis5}])
        sub_arn = sub["StandardsSubscriptions"][0]["StandardsSubscriptionArn"]
        assert sub_arn == f"arn:aws:securityhub:{region}:{main}:subscription/cis-aws-foundations-benchmark/v/5.0.0"
        enabled = sh.get_enabled_standards()["StandardsSubscriptions"]
        assert [(s["StandardsArn"], s["StandardsStatus"]) for s in enabled] == [(cis5, "READY")]
    member = client(sb, "securityhub", account_id=_member(sb))
    member.enable_security_hub()  # default standards: FSBP and CIS 1.2.0, like AWS
    assert len(member.get_enabled_standards()["StandardsSubscriptions"]) == 2
    sh = client(sb, "securityhub", account_id=main)
    sh.batch_disable_standards(StandardsSubscriptionArns=[sub_arn.replace("eu-west-1", "us-east-1")])
    assert sh.get_enabled_standards()["StandardsSubscriptions"] == []
    sh.disable_security_hub()
    with pytest.raises(ClientError):
        sh.get_enabled_standards()


# -- Identity Center ------------------------------------------------------------------------

def test_identity_center_flag_and_console_action(account):
    sb = account("insecure")
    sso = client(sb, "sso-admin")
    assert sso.list_instances()["Instances"] == []
    sb.console("enable_identity_center")
    instances = sso.list_instances()["Instances"]
    assert len(instances) == 1 and instances[0]["Status"] == "ACTIVE"
    assert client(sb, "sso-admin", "eu-west-1").list_instances()["Instances"] == []  # home region only
    sb = account("secure")
    assert len(client(sb, "sso-admin").list_instances()["Instances"]) == 1


def test_console_control_endpoint(account):
    import json
    import urllib.request

    sb = account("insecure")
    req = urllib.request.Request(f"{sb.endpoint_url}/_sandbox/console", method="POST",
                                 data=json.dumps({"action": "enable_root_mfa"}).encode())
    assert json.load(urllib.request.urlopen(req))["root"]["mfa_enabled"] is True
    summary = client(sb, "iam").get_account_summary()["SummaryMap"]
    assert summary["AccountMFAEnabled"] == 1


# -- Root facts ------------------------------------------------------------------------------

def _report(sb, account_id=None):
    iam = client(sb, "iam", account_id=account_id)
    iam.generate_credential_report()
    content = iam.get_credential_report()["Content"]
    if isinstance(content, str):
        content = base64.b64decode(content)
    return {row["user"]: row for row in csv.DictReader(io.StringIO(content.decode()))}


def test_root_facts_insecure(account):
    sb = account("insecure")
    iam = client(sb, "iam")
    summary = iam.get_account_summary()["SummaryMap"]
    assert summary["AccountMFAEnabled"] == 0 and summary["AccountAccessKeysPresent"] == 1
    root = _report(sb)["<root_account>"]
    assert root["arn"] == f"arn:aws:iam::{sb.account_id}:root"
    assert root["mfa_active"] == "false" and root["access_key_1_active"] == "true"
    assert root["password_last_used"] not in ("N/A", "no_information")
    assert root["access_key_1_last_used_date"] != "N/A"
    assert client(sb, "sts").get_caller_identity()["Arn"] == f"arn:aws:iam::{sb.account_id}:root"
    sb.console("remove_root_keys")
    assert iam.get_account_summary()["SummaryMap"]["AccountAccessKeysPresent"] == 0


def test_root_facts_secure_and_virtual_mfa(account):
    sb = account("secure")
    iam = client(sb, "iam")
    assert iam.get_account_summary()["SummaryMap"]["AccountMFAEnabled"] == 1
    rows = _report(sb)
    assert rows["<root_account>"]["mfa_active"] == "true"
    assert rows["<root_account>"]["access_key_1_active"] == "false"
    assert "admin" in rows  # moto's user rows are still there
    serial = f"arn:aws:iam::{sb.account_id}:mfa/root-account-mfa-device"
    assert serial not in [d["SerialNumber"] for d in iam.list_virtual_mfa_devices()["VirtualMFADevices"]]
    assert client(sb, "sts").get_caller_identity()["Arn"] != f"arn:aws:iam::{sb.account_id}:root"
    sb.console("enable_root_mfa")  # a virtual device this time
    devices = iam.list_virtual_mfa_devices()["VirtualMFADevices"]
    root_dev = [d for d in devices if d["SerialNumber"] == serial]
    assert root_dev and root_dev[0]["User"]["Arn"] == f"arn:aws:iam::{sb.account_id}:root"
    # AdministratorAccess is loaded as an AWS managed policy, and (CIS 1.15) attached to nothing in secure
    entities = iam.list_entities_for_policy(PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    assert not entities["PolicyUsers"] + entities["PolicyGroups"] + entities["PolicyRoles"]


def test_root_facts_per_account(account):
    sb = account("org")
    member = _member(sb)
    sb.console("disable_root_mfa", account_id=member)
    assert client(sb, "iam", account_id=member).get_account_summary()["SummaryMap"]["AccountMFAEnabled"] == 0
    assert client(sb, "iam").get_account_summary()["SummaryMap"]["AccountMFAEnabled"] == 1
    assert _report(sb, member)["<root_account>"]["arn"] == f"arn:aws:iam::{member}:root"


def test_managed_policies_in_member_accounts(account):
    sb = account("org")
    iam = client(sb, "iam", account_id=_member(sb))
    iam.create_user(UserName="x")
    iam.attach_user_policy(UserName="x", PolicyArn="arn:aws:iam::aws:policy/SecurityAudit")
    assert iam.list_attached_user_policies(UserName="x")["AttachedPolicies"][0]["PolicyName"] == "SecurityAudit"


# -- CloudTrail multi-region trail -----------------------------------------------------------

def test_multi_region_trail_reads_from_every_region(account):
    sb = account("empty")
    client(sb, "s3").create_bucket(Bucket="trail-bucket")
    home = client(sb, "cloudtrail", "us-east-1")
    arn = home.create_trail(Name="org-trail", S3BucketName="trail-bucket", IsMultiRegionTrail=True)["TrailARN"]
    home.put_event_selectors(TrailName="org-trail",
                             EventSelectors=[{"ReadWriteType": "All", "IncludeManagementEvents": True}])
    home.start_logging(Name="org-trail")
    other = client(sb, "cloudtrail", "eu-west-1")
    trails = other.describe_trails()["trailList"]
    assert [(t["Name"], t["HomeRegion"]) for t in trails] == [("org-trail", "us-east-1")]
    for name in ("org-trail", arn):
        assert other.get_trail_status(Name=name)["IsLogging"] is True
        sel = other.get_event_selectors(TrailName=name)["EventSelectors"]
        assert sel[0]["IncludeManagementEvents"] is True
        assert other.get_trail(Name=name)["Trail"]["HomeRegion"] == "us-east-1"
    # a single-region trail stays invisible elsewhere
    home.create_trail(Name="local-trail", S3BucketName="trail-bucket")
    with pytest.raises(ClientError) as e:
        other.get_event_selectors(TrailName="local-trail")
    assert e.value.response["Error"]["Code"] == "TrailNotFoundException"


# -- s3control over an endpoint override -----------------------------------------------------

def test_s3control_public_access_block_per_account(account):
    sb = account("org")
    s3c = client(sb, "s3control")
    s3c.put_public_access_block(AccountId=sb.account_id, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    got = s3c.get_public_access_block(AccountId=sb.account_id)["PublicAccessBlockConfiguration"]
    assert all(got.values())
    member = _member(sb)
    with pytest.raises(ClientError) as e:
        client(sb, "s3control", account_id=member).get_public_access_block(AccountId=member)
    assert e.value.response["Error"]["Code"] == "NoSuchPublicAccessBlockConfiguration"


# -- s3: ListBuckets with parameters (pages, BucketRegion) ------------------------------------

def test_list_buckets_pages_and_bucket_region(account):
    sb = account("secure")
    s3 = client(sb, "s3")
    before = {b["Name"] for b in s3.list_buckets()["Buckets"]}
    regions = {"gap-lb-c": "eu-west-1", "gap-lb-a": "us-east-1", "gap-lb-b": "eu-west-1"}
    for name, region in regions.items():
        client(sb, "s3", region).create_bucket(
            Bucket=name, **({} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}))
    plain = s3.list_buckets()["Buckets"]  # no parameter: every bucket, and no region (as AWS answers)
    assert {b["Name"] for b in plain} == before | {"gap-lb-a", "gap-lb-b", "gap-lb-c"}
    assert not any("BucketRegion" in b for b in plain)
    pages = list(s3.get_paginator("list_buckets").paginate(Prefix="gap-lb-", PaginationConfig={"PageSize": 2}))
    assert [[b["Name"] for b in p["Buckets"]] for p in pages] == [["gap-lb-c", "gap-lb-a"], ["gap-lb-b"]]
    assert [b["Name"] for p in pages for b in p["Buckets"]] == [b["Name"] for b in plain if b["Name"] in regions]
    assert {b["Name"]: b["BucketRegion"] for p in pages for b in p["Buckets"]} == regions
    every = s3.list_buckets(MaxBuckets=10000)
    assert len(every["Buckets"]) == len(plain) and "ContinuationToken" not in every
    with pytest.raises(ClientError) as e:
        s3.list_buckets(MaxBuckets=10001)
    assert e.value.response["Error"]["Code"] == "InvalidArgument"


def test_access_key_last_used_found_by_id_as_moto_finds_it(account):
    """moto_tuning looks a key up by id instead of listing every user's keys; the answers stay moto's."""
    sb = account("org")
    iam = client(sb, "iam")
    iam.create_user(UserName="last-used")
    key = iam.create_access_key(UserName="last-used")["AccessKey"]["AccessKeyId"]
    assert iam.get_access_key_last_used(AccessKeyId=key)["UserName"] == "last-used"
    member = _member(sb)
    member_iam = client(sb, "iam", account_id=member)
    member_iam.create_user(UserName="member-user")
    other = member_iam.create_access_key(UserName="member-user")["AccessKey"]["AccessKeyId"]
    assert member_iam.get_access_key_last_used(AccessKeyId=other)["UserName"] == "member-user"
    iam.delete_access_key(UserName="last-used", AccessKeyId=key)
    for gone in (key, "AKIAIOSFODNN7EXAMPLE"):
        with pytest.raises(ClientError) as e:
            iam.get_access_key_last_used(AccessKeyId=gone)
        assert e.value.response["Error"]["Code"] == "NoSuchEntity"


def test_error_tables_are_built_once_per_service(account):
    """moto_tuning shares moto's error-shape tables; an error answered twice reads the same table."""
    from moto.core import errors

    sb = account("secure")
    s3 = client(sb, "s3")
    s3.create_bucket(Bucket="no-policy-here")
    for _ in range(2):
        with pytest.raises(ClientError) as e:
            s3.get_bucket_policy(Bucket="no-policy-here")
        assert e.value.response["Error"]["Code"] == "NoSuchBucketPolicy"
    assert errors.ErrorLookupFactory() is errors.ErrorLookupFactory()
    assert "S3" in errors.ErrorLookupFactory()._error_lut_cache


def test_a_request_no_gap_handles_does_not_wait_for_the_gap_lock(account):
    """moto's answers (no gap handler, realism off) never read the gap state: they are not held
    up while a gap handler holds its lock (64 request threads queued on it)."""
    from botocore.config import Config

    sb = account("insecure")
    iam = client(sb, "iam", config=NO_RETRY.merge(Config(read_timeout=3)))
    with sb._gaps.lock:  # as while another request's gap handler runs
        assert [u["UserName"] for u in iam.list_users()["Users"]]
