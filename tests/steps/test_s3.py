"""Pure tests of the s3 step on hand-written state (no sandbox)."""

from __future__ import annotations

import copy
import json

from steps import policy as policy_module, s3
from steps.base import Status, unreadable

ACCOUNT = "111122223333"
FULL = dict(s3.FULL_BPA)
READER = {"Sid": "AllowAnalytics", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/analytics"},
          "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data-bucket/*"}
PUBLIC_READ = {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
               "Resource": "arn:aws:s3:::site-bucket/*"}


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def bucket(name, region="us-east-1", **over):
    b = {
        "name": name, "region": region, "bpa": dict(FULL), "policy": policy(s3.tls_statement(name)),
        "acl_grants": [{"Grantee": {"Type": "CanonicalUser", "ID": "abc"}, "Permission": "FULL_CONTROL"}],
        "encryption": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}],
        "versioning": {"Status": "Enabled", "MFADelete": "Enabled"}, "website": False,
    }
    b.update(over)
    return b


def key(key_id, manager="CUSTOMER", rotation=False, spec="SYMMETRIC_DEFAULT", state="Enabled"):
    k = {"KeyId": key_id, "Arn": f"arn:aws:kms:us-east-1:{ACCOUNT}:key/{key_id}", "KeyManager": manager,
         "KeySpec": spec, "KeyState": state, "Origin": "AWS_KMS"}
    if manager == "CUSTOMER" and spec == "SYMMETRIC_DEFAULT" and state == "Enabled":
        k["rotation"] = rotation
    return k


def region_data(keys=(), vpn=0, client_vpn=0, endpoints=0):
    return {"keys": list(keys), "connectivity": {"vpn": vpn, "client_vpn": client_vpn, "endpoints": endpoints}}


def compliant_state():
    return {
        "account_id": ACCOUNT,
        "account_bpa": dict(FULL),
        "buckets": [bucket("data-bucket"), bucket("logs-bucket", "eu-west-1")],
        "regions": {"us-east-1": region_data([key("k1", rotation=True), key("aws1", manager="AWS")]),
                    "eu-west-1": region_data()},
    }


def insecure_state():
    return {
        "account_id": ACCOUNT,
        "account_bpa": None,
        "buckets": [
            bucket("site-bucket", bpa=None, policy=policy(PUBLIC_READ), website=True),
            bucket("data-bucket", "eu-west-1", policy=policy(READER)),
            bucket("raw-bucket", bpa={"BlockPublicAcls": True}, policy=None, encryption=None,
                   versioning={"Status": None, "MFADelete": None}),
        ],
        "regions": {"us-east-1": region_data([key("k1"), key("aws1", manager="AWS")]),
                    "eu-west-1": region_data([key("aws2", manager="AWS")])},
    }


def by(findings, check, resource_part=""):
    return [f for f in findings if f.check == check and resource_part in (f.resource or "")]


# --- TLS-only statement ---------------------------------------------------------------------------


def test_tls_merge_keeps_other_statements_untouched_and_is_recognised():
    original = policy(READER)
    merged = s3.merged_tls_policy(original, "data-bucket")
    assert merged["Statement"][0] == READER
    assert merged["Statement"][1]["Sid"] == s3.TLS_SID
    assert s3.has_tls_only(merged, "data-bucket")
    # Re-running on the merged policy plans nothing: the statement is recognised.
    state = compliant_state()
    state["buckets"][0]["policy"] = json.dumps(merged)
    assert not [c for c in s3.plan(state, {}).automatic if c.call.operation == "PutBucketPolicy"]


def test_tls_merge_without_a_policy_makes_a_new_one():
    merged = s3.merged_tls_policy(None, "b-1")
    assert merged["Version"] == "2012-10-17"
    assert [s["Sid"] for s in merged["Statement"]] == [s3.TLS_SID]


def test_tls_merge_replaces_an_earlier_statement_with_our_sid_instead_of_duplicating_it():
    stale = dict(s3.tls_statement("b-1"), Resource="arn:aws:s3:::b-1")  # objects not covered
    merged = s3.merged_tls_policy(policy(READER, stale), "b-1")
    assert [s.get("Sid") for s in merged["Statement"]] == ["AllowAnalytics", s3.TLS_SID]
    assert s3.has_tls_only(merged, "b-1")


def test_tls_recognition_accepts_equivalent_statements_written_by_others():
    other = {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": ["s3:*"], "Resource": "*",
             "Condition": {"Bool": {"aws:SecureTransport": False}}}
    assert s3.has_tls_only({"Statement": other}, "b-1")  # a single statement, not a list; a JSON boolean


def test_tls_recognition_rejects_partial_statements():
    base = s3.tls_statement("b-1")
    only_bucket = dict(base, Resource="arn:aws:s3:::b-1")
    only_get = dict(base, Action="s3:GetObject")
    allow = dict(base, Effect="Allow")
    true_value = dict(base, Condition={"Bool": {"aws:SecureTransport": "true"}})
    other_bucket = s3.tls_statement("b-2")
    for statement in (only_bucket, only_get, allow, true_value, other_bucket):
        assert not s3.has_tls_only({"Statement": [statement]}, "b-1"), statement


# --- public access ----------------------------------------------------------------------------------


def test_public_statements_ignore_denies_and_restricted_allows():
    vpce = dict(PUBLIC_READ, Sid="FromVpce", Condition={"StringEquals": {"aws:SourceVpce": "vpce-1"}})
    doc = {"Statement": [PUBLIC_READ, vpce, s3.tls_statement("site-bucket"), READER]}
    assert [r.statement for r in policy_module.public_reasons(doc)] == ["PublicRead"]
    assert s3.policy_exposure(doc).startswith("PublicRead: ")


def test_public_acl_grant_is_found():
    grants = [{"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"},
               "Permission": "READ"}]
    assert s3.acl_exposure(grants) == "READ to everyone"


def test_public_bucket_fails_until_block_public_access_overrides_it():
    state = insecure_state()
    finding = by(s3.evaluate(state), "public-bucket", "site-bucket")[0]
    assert finding.status is Status.FAIL and "PublicRead" in finding.message and "website" in finding.message
    assert finding.securityhub == ("S3.2", "S3.3")
    state["account_bpa"] = dict(FULL)
    finding = by(s3.evaluate(state), "public-bucket", "site-bucket")[0]
    assert finding.status is Status.PASS and "overrides" in finding.message


# --- evaluate -------------------------------------------------------------------------------------------


def test_compliant_state_has_no_fail_or_unknown():
    findings = s3.evaluate(compliant_state())
    assert findings
    assert not [f for f in findings if f.status in (Status.FAIL, Status.UNKNOWN)]


def test_insecure_state_fails_each_check_with_its_ids():
    findings = s3.evaluate(insecure_state())
    account = by(findings, "account-bpa")[0]
    assert account.status is Status.FAIL and account.cis == ("2.1.4",) and account.securityhub == ("S3.1",)
    assert by(findings, "bucket-bpa", "raw-bucket")[0].status is Status.FAIL
    assert by(findings, "bucket-bpa", "raw-bucket")[0].securityhub == ("S3.8",)
    tls = by(findings, "tls-only", "data-bucket")[0]
    assert tls.status is Status.FAIL and tls.cis == ("2.1.1",) and tls.securityhub == ("S3.5",)
    assert by(findings, "encryption", "raw-bucket")[0].status is Status.FAIL
    assert by(findings, "versioning", "raw-bucket")[0].status is Status.FAIL
    mfa = by(findings, "mfa-delete", "raw-bucket")[0]
    assert mfa.status is Status.FAIL and mfa.cis == ("2.1.2",)
    rotation = by(findings, "kms-rotation")
    assert [f.status for f in rotation] == [Status.FAIL]
    assert rotation[0].cis == ("3.6",) and rotation[0].securityhub == ("KMS.4",)


def test_bucket_without_mfa_delete_fails_cis_2_1_2_by_the_letter():
    """CIS v5.0 2.1.2's audit: versioning without MFA delete is a FAIL (not MANUAL), fixed by a guided
    root task (the CLI with root's MFA device) that the sandbox can simulate."""
    state = compliant_state()
    state["buckets"][0]["versioning"] = {"Status": "Enabled", "MFADelete": "Disabled"}
    [mfa] = by(s3.evaluate(state), "mfa-delete", "data-bucket")
    assert (mfa.status, mfa.cis, mfa.securityhub, mfa.fixable) == (Status.FAIL, ("2.1.2",), ("S3.20",), True)
    assert "root" in mfa.message
    [task] = s3.plan(state, {}).manual_changes
    assert task.console_action == "enable_mfa_delete" and state["buckets"][0]["name"] in task.reason


def test_aws_managed_keys_are_never_findings():
    findings = s3.evaluate(insecure_state())
    assert not [f for f in findings if "aws1" in (f.resource or "") or "aws2" in (f.resource or "")]
    plan = s3.plan(insecure_state(), {})
    assert [c.call.params["KeyId"] for c in plan.automatic if c.call.service == "kms"] == ["k1"]


def test_keys_that_cannot_rotate_are_not_findings():
    state = compliant_state()
    state["regions"]["us-east-1"]["keys"] = [key("asym", spec="RSA_2048"), key("off", state="Disabled")]
    rotation = by(s3.evaluate(state), "kms-rotation")
    assert [f.status for f in rotation] == [Status.NA]  # no customer key to judge
    assert not s3.plan(state, {}).automatic


def test_encryption_kind_is_reported():
    state = compliant_state()
    state["buckets"][1]["encryption"] = [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]
    findings = s3.evaluate(state)
    assert "SSE-S3" in by(findings, "encryption", "data-bucket")[0].message
    assert "SSE-KMS" in by(findings, "encryption", "logs-bucket")[0].message


def test_unreadable_reads_are_unknown_never_fail():
    state = insecure_state()
    state["account_bpa"] = unreadable("access denied: the caller lacks s3:GetAccountPublicAccessBlock")
    state["buckets"][1]["policy"] = unreadable("access denied")
    state["regions"]["eu-west-1"] = unreadable("throttled")
    state["regions"]["us-east-1"]["keys"][0]["rotation"] = unreadable("denied")
    findings = s3.evaluate(state)
    assert by(findings, "account-bpa")[0].status is Status.UNKNOWN
    assert by(findings, "tls-only", "data-bucket")[0].status is Status.UNKNOWN
    assert by(findings, "public-bucket")[0].status is Status.UNKNOWN  # account BPA unknown: cannot tell
    assert [f.status for f in by(findings, "kms-rotation")] == [Status.UNKNOWN, Status.UNKNOWN]
    plan = s3.plan(state, {})
    ops = [(c.call.operation, c.call.params.get("Bucket")) for c in plan.automatic]
    assert ("PutBucketPolicy", "data-bucket") not in ops
    assert not [c for c in plan.automatic if c.call.service in ("s3control", "kms")]


def test_unlisted_buckets_are_one_unknown():
    state = compliant_state()
    state["buckets"] = unreadable("access denied: the caller lacks s3:ListAllMyBuckets")
    findings = s3.evaluate(state)
    assert [f.status for f in by(findings, "buckets")] == [Status.UNKNOWN]


def test_private_connectivity_is_information_only():
    state = compliant_state()
    none = by(s3.evaluate(state), "private-connectivity")[0]
    assert none.status is Status.MANUAL
    state["regions"]["eu-west-1"] = region_data(vpn=1, endpoints=2)
    some = by(s3.evaluate(state), "private-connectivity")[0]
    assert some.status is Status.PASS and "1 site-to-site" in some.message and "eu-west-1" in some.message
    state["regions"]["us-east-1"]["connectivity"]["client_vpn"] = unreadable("unsupported")
    assert by(s3.evaluate(state), "private-connectivity")[0].status is Status.PASS
    assert not [c for c in s3.plan(state, {}).changes if "VPN" in c.reason]


# --- plan -----------------------------------------------------------------------------------------------


def test_compliant_state_plans_nothing():
    assert not s3.plan(compliant_state(), {}).changes


def test_account_bpa_preflight_names_the_website_bucket_and_is_risky():
    plan = s3.plan(insecure_state(), {})
    change = next(c for c in plan.automatic if c.call.service == "s3control")
    assert change.call.params == {"AccountId": ACCOUNT, "PublicAccessBlockConfiguration": FULL}
    assert change.risky
    assert "site-bucket" in change.warning and "website" in change.warning
    assert "stop serving anonymous" in change.warning
    assert "data-bucket" not in change.warning and "raw-bucket" not in change.warning
    assert any("site-bucket" in note for note in plan.notes)
    assert change.undo.operation == "DeletePublicAccessBlock"


def test_account_bpa_without_exposed_buckets_is_not_risky_and_undo_restores_flags():
    state = compliant_state()
    state["account_bpa"] = {"BlockPublicAcls": True, "IgnorePublicAcls": False,
                            "BlockPublicPolicy": True, "RestrictPublicBuckets": False}
    change = s3.plan(state, {}).automatic[0]
    assert not change.risky and not change.warning
    assert change.undo.operation == "PutPublicAccessBlock"
    assert change.undo.params["PublicAccessBlockConfiguration"] == state["account_bpa"]


def test_tls_change_undo_restores_the_previous_policy_exactly_or_deletes_it():
    state = insecure_state()
    original = state["buckets"][1]["policy"]
    changes = {(c.call.operation, c.call.params.get("Bucket")): c for c in s3.plan(state, {}).automatic}
    with_policy = changes[("PutBucketPolicy", "data-bucket")]
    assert with_policy.undo.operation == "PutBucketPolicy"
    assert with_policy.undo.params["Policy"] == original  # byte for byte
    assert with_policy.call.region == "eu-west-1" and with_policy.undo.region == "eu-west-1"
    sent = json.loads(with_policy.call.params["Policy"])
    assert sent["Statement"][0] == READER
    without = changes[("PutBucketPolicy", "raw-bucket")]
    assert without.undo.operation == "DeleteBucketPolicy"


def test_policies_are_merged_before_block_public_access_is_switched_on():
    ops = [(c.call.service, c.call.operation, c.call.params.get("Bucket")) for c in s3.plan(insecure_state(), {}).automatic]
    site_policy = ops.index(("s3", "PutBucketPolicy", "site-bucket"))
    account_bpa = ops.index(("s3control", "PutPublicAccessBlock", None))
    site_bpa = ops.index(("s3", "PutPublicAccessBlock", "site-bucket"))
    assert site_policy < account_bpa < site_bpa


def test_bucket_bpa_on_a_website_bucket_is_risky_and_restores_partial_flags_on_undo():
    changes = {(c.call.operation, c.call.params.get("Bucket")): c for c in s3.plan(insecure_state(), {}).automatic}
    site = changes[("PutPublicAccessBlock", "site-bucket")]
    assert site.risky and "site-bucket" in site.warning
    assert site.undo.operation == "DeletePublicAccessBlock"
    raw = changes[("PutPublicAccessBlock", "raw-bucket")]
    assert not raw.risky
    assert raw.undo.params["PublicAccessBlockConfiguration"] == {"BlockPublicAcls": True}


def test_versioning_and_rotation_carry_cost_notes_and_mfa_delete_is_manual():
    plan = s3.plan(insecure_state(), {})
    versioning = [c for c in plan.automatic if c.call.operation == "PutBucketVersioning"]
    assert [c.call.params["Bucket"] for c in versioning] == ["raw-bucket"]
    assert versioning[0].cost_note and versioning[0].undo_note
    rotation = [c for c in plan.automatic if c.call.operation == "EnableKeyRotation"]
    assert rotation[0].cost_note and rotation[0].undo.operation == "DisableKeyRotation"
    manual = plan.manual_changes
    assert len(manual) == 1 and "root" in " ".join(manual[0].instructions)
    assert "raw-bucket" in manual[0].reason  # the only one without MFA delete
    assert "site-bucket" not in manual[0].reason and "data-bucket" not in manual[0].reason


def test_plan_after_applying_it_is_empty():
    """Simulate the plan's effect on the state: a fresh plan has nothing automatic left."""
    state = insecure_state()
    plan = s3.plan(state, {})
    after = copy.deepcopy(state)
    buckets = {b["name"]: b for b in after["buckets"]}
    for change in plan.automatic:
        call, params = change.call, change.call.params
        if call.service == "s3control":
            after["account_bpa"] = params["PublicAccessBlockConfiguration"]
        elif call.operation == "PutPublicAccessBlock":
            buckets[params["Bucket"]]["bpa"] = params["PublicAccessBlockConfiguration"]
        elif call.operation == "PutBucketPolicy":
            buckets[params["Bucket"]]["policy"] = params["Policy"]
        elif call.operation == "PutBucketEncryption":
            buckets[params["Bucket"]]["encryption"] = params["ServerSideEncryptionConfiguration"]["Rules"]
        elif call.operation == "PutBucketVersioning":
            buckets[params["Bucket"]]["versioning"]["Status"] = "Enabled"
        elif call.operation == "EnableKeyRotation":
            for data in after["regions"].values():
                for k in data["keys"]:
                    if k["KeyId"] == params["KeyId"]:
                        k["rotation"] = True
    assert not s3.plan(after, {}).automatic
    assert [c.key for c in plan.manual_changes] == ["mfa-delete"]
    for bucket in buckets.values():  # the root task: MFA delete with root's MFA device (every versioned bucket)
        bucket["versioning"]["MFADelete"] = "Enabled"
    assert not [f for f in s3.evaluate(after) if f.status is Status.FAIL]


def test_tls_statement_on_a_website_bucket_warns_that_the_website_stops():
    changes = {(c.call.operation, c.call.params.get("Bucket")): c for c in s3.plan(insecure_state(), {}).automatic}
    site = changes[("PutBucketPolicy", "site-bucket")]
    assert site.risky and "website" in site.warning
    other = changes[("PutBucketPolicy", "data-bucket")]
    assert not other.risky and "plain HTTP" in other.warning
