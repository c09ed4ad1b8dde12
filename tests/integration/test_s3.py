"""The s3 step against the sandbox over HTTP: findings, the pre-flight, apply-then-verify, undo."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from steps import s3
from steps.base import Status
from tests.helpers import fix, open_aws, plan_for, record_signing, unlike_botocore
from wizard.apply import fresh_collect
from wizard.journal import Journal

ACCOUNT = "123456789012"
WEBSITE = f"website-{ACCOUNT}"
SHARED = f"shared-data-{ACCOUNT}"
RAW = f"raw-uploads-{ACCOUNT}"


def findings_of(aws):
    return s3.evaluate(fresh_collect(aws, s3))


def one(findings, check, bucket=""):
    matches = [f for f in findings if f.check == check and bucket in (f.resource or "")]
    assert len(matches) == 1, matches
    return matches[0]


def test_insecure_fails_each_check_and_reads_buckets_in_their_regions(account):
    aws = open_aws(account("insecure"))
    state = fresh_collect(aws, s3)
    regions = {b["name"]: b["region"] for b in state["buckets"]}
    assert {n: regions.get(n) for n in (WEBSITE, RAW, SHARED)} == {WEBSITE: "us-east-1", RAW: "us-east-1",
                                                                  SHARED: "eu-west-1"}
    assert ("s3", "GetBucketPolicy", "eu-west-1", json.dumps({"Bucket": SHARED})) in aws.read_log
    findings = s3.evaluate(state)
    assert not [f for f in findings if f.status is Status.UNKNOWN]
    assert one(findings, "account-bpa").status is Status.FAIL
    assert one(findings, "public-bucket", WEBSITE).status is Status.FAIL
    assert one(findings, "public-bucket", SHARED).status is Status.PASS  # its statement names one account
    assert one(findings, "tls-only", SHARED).status is Status.FAIL
    assert one(findings, "encryption", RAW).status is Status.FAIL
    assert one(findings, "versioning", RAW).status is Status.FAIL
    assert one(findings, "mfa-delete", RAW).status is Status.FAIL  # CIS 2.1.2 by the letter
    rotation = [f for f in findings if f.check == "kms-rotation"]
    assert sorted(f.region for f in rotation if f.status is Status.FAIL) == ["eu-west-1", "us-east-1"]


def test_aws_managed_keys_are_present_but_never_findings(account):
    aws = open_aws(account("insecure"))
    state = fresh_collect(aws, s3)
    managed = [k for data in state["regions"].values() for k in data["keys"] if k.get("KeyManager") == "AWS"]
    assert len(managed) == 4  # alias/aws/s3 and alias/aws/ebs in both workload regions
    reported = {f.resource for f in s3.evaluate(state)}
    assert not reported & {k["Arn"] for k in managed}
    assert not [c for c in s3.plan(state, {}).automatic
                if c.call.service == "kms" and c.call.params["KeyId"] in {k["KeyId"] for k in managed}]
    # and the sandbox refuses to change their rotation, as AWS does
    east = next(k for k in state["regions"]["us-east-1"]["keys"] if k.get("KeyManager") == "AWS")
    with pytest.raises(ClientError, match="UnsupportedOperationException"):
        aws.client("kms", "us-east-1").enable_key_rotation(KeyId=east["KeyId"])


def test_account_bpa_preflight_names_the_public_website_bucket(account):
    aws = open_aws(account("insecure"))
    plan = plan_for(aws, s3)
    change = next(c for c in plan.automatic if c.call.service == "s3control")
    assert change.risky
    assert WEBSITE in change.warning and "stop serving anonymous" in change.warning
    assert RAW not in change.warning and SHARED not in change.warning
    assert plan.risky


def test_fix_then_verify_then_nothing_to_do(account, tmp_path, monkeypatch):
    sb = account("insecure")
    aws = open_aws(sb)
    journal = Journal(aws.account_id, tmp_path / "journal.jsonl")
    signed = record_signing(monkeypatch)
    plan, result = fix(aws, s3, journal=journal)
    assert result.ok, result.failed and result.failed.detail
    # Writes with bodies and checksums (policies, public access blocks, encryption) are signed as
    # botocore signs them (wizard/botocore_sigv4.py).
    writes = [record for record in signed if record[1].method == "PUT"]
    assert len(writes) >= 5 and not unlike_botocore(signed, monkeypatch)
    assert not plan_for(aws, s3).automatic

    findings = findings_of(aws)
    for check in ("account-bpa", "bucket-bpa", "public-bucket", "tls-only", "encryption", "versioning", "kms-rotation"):
        statuses = {f.status for f in findings if f.check == check}
        assert statuses == {Status.PASS}, (check, statuses)

    # What AWS holds: the account setting, and the merged policy keeping the unrelated statement.
    s3control = aws.client("s3control")
    held = s3control.get_public_access_block(AccountId=ACCOUNT)["PublicAccessBlockConfiguration"]
    assert held == s3.FULL_BPA
    policy = json.loads(aws.client("s3", "eu-west-1").get_bucket_policy(Bucket=SHARED)["Policy"])
    sids = [s.get("Sid") for s in policy["Statement"]]
    assert sids == ["AllowAccountRead", s3.TLS_SID]
    assert policy["Statement"][0]["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}

    # Re-run: the TLS statement is recognised, no second copy is planned.
    assert not [c for c in plan_for(aws, s3).changes if c.call and c.call.operation == "PutBucketPolicy"]
    assert all(e.ok for e in journal.entries())


def test_undo_restores_the_previous_policy_exactly_or_deletes_it(account):
    aws = open_aws(account("insecure"))
    s3west, s3east = aws.client("s3", "eu-west-1"), aws.client("s3", "us-east-1")
    original = s3west.get_bucket_policy(Bucket=SHARED)["Policy"]
    plan, result = fix(aws, s3)
    assert result.ok
    changes = {(c.call.operation, c.call.params.get("Bucket")): c for c in plan.automatic}
    for key in (("PutBucketPolicy", SHARED), ("PutBucketPolicy", RAW)):
        aws.write(changes[key].undo)
    assert s3west.get_bucket_policy(Bucket=SHARED)["Policy"] == original
    with pytest.raises(ClientError, match="NoSuchBucketPolicy"):
        s3east.get_bucket_policy(Bucket=RAW)
    aws.write(changes[("PutPublicAccessBlock", None)].undo)  # there was no account setting: deleted again
    assert one(findings_of(aws), "account-bpa").status is Status.FAIL


def test_secure_passes_every_check_including_mfa_delete(account):
    aws = open_aws(account("secure"))
    findings = findings_of(aws)
    assert not [f for f in findings if f.status in (Status.FAIL, Status.UNKNOWN)]
    mine = [f for f in findings if f.check == "mfa-delete" and ACCOUNT in f.resource
            and f.resource.split(":::")[1].startswith(("app-data-", "backups-"))]
    assert len(mine) == 2 and {f.status for f in mine} == {Status.PASS}
    assert {f.status for f in findings if f.check == "kms-rotation"} == {Status.PASS}
    kinds = {f.message for f in findings if f.check == "encryption"}
    assert any("SSE-KMS" in k for k in kinds) and any("SSE-S3" in k for k in kinds)
    assert not plan_for(aws, s3).automatic


def test_mfa_delete_needs_the_mfa_header(account):
    aws = open_aws(account("insecure"))
    client = aws.client("s3", "us-east-1")
    with pytest.raises(ClientError, match="InvalidRequest"):
        client.put_bucket_versioning(Bucket=RAW, VersioningConfiguration={"Status": "Enabled", "MFADelete": "Enabled"})
    client.put_bucket_versioning(Bucket=RAW, MFA="arn:aws:iam::123456789012:mfa/root 123456",
                                 VersioningConfiguration={"Status": "Enabled", "MFADelete": "Enabled"})
    assert one(findings_of(aws), "mfa-delete", RAW).status is Status.PASS


def test_empty_account_only_lacks_account_bpa(account):
    aws = open_aws(account("empty"))
    findings = findings_of(aws)
    assert one(findings, "account-bpa").status is Status.FAIL
    assert not [f for f in findings if f.status is Status.UNKNOWN]
    assert [c.call.operation for c in plan_for(aws, s3).automatic] == ["PutPublicAccessBlock"]
    assert not plan_for(aws, s3).automatic[0].risky



def test_declared_iam_actions_are_exactly_those_used(account):
    """reads/writes feed the least-privilege policy: every action used is declared, and every one
    declared is used (by collect, a fix, or an undo)."""
    from wizard.sandbox.requests import _ACTION_OVERRIDES

    aws = open_aws(account("insecure"))
    plan, result = fix(aws, s3)
    assert result.ok
    undos = {c.undo.name: c.undo for c in plan.automatic if c.undo}
    for undo in undos.values():  # one of each kind is enough
        aws.write(undo)
    used = {f"{'s3' if svc == 's3control' else svc}:{_ACTION_OVERRIDES.get((svc, op), op)}"
            for svc, op in aws.calls}
    # GetBucketLocation is declared for a bucket listed without BucketRegion, which AWS and the sandbox
    # always give (the fallback: tests/steps/test_s3_bucket_region.py)
    assert used == set(s3.INFO.reads + s3.INFO.writes) - {"s3:GetBucketLocation"}
