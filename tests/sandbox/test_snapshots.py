"""A scenario is seeded once per sandbox, then restored from its snapshot (wizard/sandbox/snapshot.py).

The first two tests run in this order (a file's tests stay together and in order, also under
``--dist loadfile``): the first writes to the account, the second must see the scenario as seeded.
"""

from __future__ import annotations

from .util import client

PROBE = "snapshot-isolation-probe"
SEEDED: dict[str, object] = {}  # the insecure account as the first test found it, before it wrote


def _account_state(sb) -> dict[str, object]:
    users = sorted(u["UserName"] for u in client(sb, "iam").list_users()["Users"])
    buckets = sorted(b["Name"] for b in client(sb, "s3").list_buckets()["Buckets"])
    vpcs = sorted(v["CidrBlock"] for v in client(sb, "ec2").describe_vpcs()["Vpcs"])
    return {"users": users, "buckets": buckets, "vpcs": vpcs,
            "root_mfa": sb.gaps.account(sb.account_id).root.mfa_enabled}


def test_a_writing_test_changes_iam_s3_ec2_and_the_gap_state(account):
    sb = account("insecure")
    SEEDED.update(_account_state(sb))
    client(sb, "iam").create_user(UserName=PROBE)
    client(sb, "s3").create_bucket(Bucket=PROBE)
    client(sb, "ec2").create_vpc(CidrBlock="10.99.0.0/16")
    sb.console("enable_root_mfa")
    changed = _account_state(sb)
    assert PROBE in changed["users"] and PROBE in changed["buckets"] and "10.99.0.0/16" in changed["vpcs"]
    assert changed["root_mfa"] is True


def test_the_next_test_sees_the_scenario_as_seeded(account):
    sb = account("insecure")
    state = _account_state(sb)
    assert PROBE not in state["users"] and PROBE not in state["buckets"] and "10.99.0.0/16" not in state["vpcs"]
    assert state["root_mfa"] is False
    assert "dana" in state["users"]  # the scenario's own user
    client(sb, "s3").create_bucket(Bucket=PROBE)  # its name is free again (moto's global bucket registry restored)
    if SEEDED:  # the first test ran before this one
        assert state == SEEDED
    # S3 keeps the global bucket namespace beside its accounts: the name is free again
    client(sb, "s3").create_bucket(Bucket=PROBE)


def test_a_bucket_made_before_a_restore_can_be_made_again(account):
    """moto keeps a name -> owner registry of buckets beside its backends (S3BackendDict.bucket_accounts);
    a restore that left it behind sent CreateBucket of the same name into endless recursion (a 500)."""
    sb = account("insecure")
    client(sb, "s3").create_bucket(Bucket=PROBE + "-again")
    sb = account("insecure")  # restored from the snapshot
    assert PROBE + "-again" not in _account_state(sb)["buckets"]
    client(sb, "s3").create_bucket(Bucket=PROBE + "-again")
    assert PROBE + "-again" in _account_state(sb)["buckets"]


def test_a_restored_org_keeps_its_members_and_a_restored_key_still_encrypts(account):
    sb = account("org")
    members = list(sb.member_account_ids)
    account("secure")
    kms = client(sb, "kms")
    key_id = next(k["KeyId"] for k in kms.list_keys()["Keys"]
                  if kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"]["KeyManager"] == "CUSTOMER")
    sealed = kms.encrypt(KeyId=key_id, Plaintext=b"restored")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=sealed)["Plaintext"] == b"restored"
    sb = account("org")
    assert sb.member_account_ids == members and len(members) == 5
    assert client(sb, "sts", account_id=members[0]).get_caller_identity()["Account"] == members[0]


def test_a_scenario_seeded_once_is_restored_without_seeding(sandbox, monkeypatch):
    for scenario in ("insecure", "secure"):
        sandbox.reset(scenario, force=True)  # seeded here, or restored if seeded before

    def no_seeding(*_):
        raise AssertionError("seeded again")

    monkeypatch.setattr("wizard.sandbox.scenarios.seed_scenario", no_seeding)
    for scenario in ("insecure", "secure", "insecure"):
        sandbox.reset(scenario, force=True)
    assert sandbox.scenario == "insecure"
