"""The keys step on hand-written state: checks, the password policy merge, and the rotation plans."""

from __future__ import annotations

import datetime
import json

from steps import keys
from steps.base import Ref, Status, unreadable

NOW = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.timezone.utc)
STRONG = {"MinimumPasswordLength": 14, "PasswordReusePrevention": 24, "MaxPasswordAge": 90,
          "AllowUsersToChangePassword": True}


def ago(days: float) -> str:
    return (NOW - datetime.timedelta(days=days)).isoformat()


def key(key_id: str, created: float, used: float | None, active: bool = True) -> dict:
    return {"id": key_id, "active": active, "created": ago(created), "last_used": ago(used) if used is not None else None}


def user(name: str, *user_keys: dict, created: float = 400, password_used: float | None = None,
         password: bool = False) -> dict:
    password = password or password_used is not None
    return {"user": name, "arn": f"arn:aws:iam::123456789012:user/{name}", "created": ago(created),
            "password_enabled": password, "password_last_used": ago(password_used) if password_used is not None else None,
            "password_last_changed": ago(created) if password else None, "keys": list(user_keys)}


def state(*users: dict, policy=STRONG, caller_user: str | None = None, caller_key: str | None = None) -> dict:
    arn = f"arn:aws:iam::123456789012:user/{caller_user}" if caller_user else "arn:aws:iam::123456789012:root"
    return {"now": NOW.isoformat(), "caller": {"arn": arn, "user": caller_user, "key_id": caller_key},
            "users": list(users), "password_policy": policy}


def by_check(findings, check):
    return [f for f in findings if f.check == check]


def calls(plan):
    return [(c.call.operation, dict(c.call.params)) for c in plan.automatic]


# --- checks -----------------------------------------------------------------------------------------


def test_compliant_account_passes_every_check_with_ids():
    findings = keys.evaluate(state(user("deployer", key("AKIA1", 10, 1))))
    assert {f.status for f in findings} == {Status.PASS}
    ids = {f.check: (f.cis, f.securityhub) for f in findings}
    assert ids["key-age"] == (("1.13",), ("IAM.3",))
    assert ids["unused-credentials"] == (("1.11",), ("IAM.22",))
    assert ids["one-active-key"][0] == ("1.12",)
    assert ids["setup-keys"][0] == ("1.10",)
    assert ids["password-length"] == (("1.7",), ("IAM.15",))
    assert ids["password-reuse"] == (("1.8",), ("IAM.16",))
    assert not keys.plan(state(user("deployer", key("AKIA1", 10, 1))), {}).changes


def test_each_problem_fails_its_own_check():
    findings = keys.evaluate(state(
        user("old", key("AKIAOLD", 200, 1)),
        user("idle", key("AKIAIDLE", 60, 50)),
        user("two", key("AKIAA", 30, 2), key("AKIAB", 10, 1)),
        user("console", key("AKIASETUP", 20, None), created=20, password_used=1),
        user("gone", created=200, password_used=50),
    ))
    failing = {(f.check, f.resource) for f in findings if f.status is Status.FAIL}
    # an access key is named by its id (keys have no ARN); a user and its console password by the user's ARN
    assert ("key-age", "AKIAOLD") in failing
    assert ("unused-credentials", "AKIAIDLE") in failing
    assert ("unused-credentials", "arn:aws:iam::123456789012:user/gone") in failing
    assert ("one-active-key", "arn:aws:iam::123456789012:user/two") in failing
    assert ("setup-keys", "AKIASETUP") in failing
    # a fresh, never-used key of a user without a console password is not a "setup key"
    assert not by_check(keys.evaluate(state(user("api", key("AKIANEW", 1, None), created=1))), "setup-keys")[0].status \
        is Status.FAIL


def test_inactive_keys_are_not_judged():
    findings = keys.evaluate(state(user("old", key("AKIAOLD", 400, 300, active=False))))
    assert all(f.status is Status.PASS for f in findings)


def test_password_policy_weak_or_missing_fails():
    weak = keys.evaluate(state(policy={"MinimumPasswordLength": 8, "MaxPasswordAge": 0}))
    assert {f.check for f in weak if f.status is Status.FAIL} == {"password-length", "password-reuse",
                                                                    "password-max-age"}
    missing = keys.evaluate(state(policy=None))
    assert all(f.status is Status.FAIL and f.fixable for f in missing if f.check.startswith("password"))


def test_unreadable_data_is_unknown_never_fail():
    findings = keys.evaluate({"now": NOW.isoformat(), "caller": {}, "users": unreadable("access denied"),
                              "password_policy": unreadable("access denied")})
    assert findings and all(f.status is Status.UNKNOWN for f in findings)
    one_user = user("x")
    one_user["keys"] = unreadable("denied ListAccessKeys")
    findings = keys.evaluate(state(one_user, user("ok", key("AKIA1", 5, 1))))
    assert not [f for f in findings if f.status is Status.FAIL]
    assert {f.resource for f in findings if f.status is Status.UNKNOWN} == {"arn:aws:iam::123456789012:user/x"}
    plan = keys.plan(state(one_user), {})
    assert not plan.changes


# --- password policy ----------------------------------------------------------------------------------


def test_password_policy_merge_keeps_fields_we_do_not_own():
    current = {"MinimumPasswordLength": 8, "RequireSymbols": True, "RequireNumbers": False,
               "AllowUsersToChangePassword": True, "ExpirePasswords": False, "MaxPasswordAge": 0, "HardExpiry": False}
    plan = keys.plan(state(policy=current), {})
    (change,) = plan.automatic
    sent = dict(change.call.params)
    assert change.call.operation == "UpdateAccountPasswordPolicy"
    assert sent["RequireSymbols"] is True and sent["AllowUsersToChangePassword"] is True
    assert sent["MinimumPasswordLength"] == 14 and sent["PasswordReusePrevention"] == 24 and sent["MaxPasswordAge"] == 90
    assert "ExpirePasswords" not in sent, "an output-only field must not be sent"
    # the undo restores exactly the old policy (MaxPasswordAge 0 means "never expires": not sent)
    assert change.undo.operation == "UpdateAccountPasswordPolicy"
    assert dict(change.undo.params) == {"MinimumPasswordLength": 8, "RequireSymbols": True, "RequireNumbers": False,
                                        "AllowUsersToChangePassword": True, "HardExpiry": False}


def test_password_policy_never_weakens_stronger_values():
    plan = keys.plan(state(policy={"MinimumPasswordLength": 20, "PasswordReusePrevention": 24, "MaxPasswordAge": 30}), {})
    assert not plan.changes


def test_new_password_policy_lets_users_change_passwords_and_undo_deletes_it():
    (change,) = keys.plan(state(policy=None), {}).automatic
    assert change.call.params["AllowUsersToChangePassword"] is True
    assert change.undo.operation == "DeleteAccountPasswordPolicy"


def test_policy_that_forbids_own_changes_warns():
    (change,) = keys.plan(state(policy={"MinimumPasswordLength": 8, "AllowUsersToChangePassword": False}), {}).automatic
    assert "cannot change their own passwords" in change.warning


# --- rotation -----------------------------------------------------------------------------------------


def test_own_key_rotation_follows_aws_order():
    s = state(user("admin", key("AKIAOWN", 120, 0)), caller_user="admin", caller_key="AKIAOWN")
    plan = keys.plan(s, {})
    ops = [c.call.name for c in plan.automatic]
    assert ops == ["local.keyring.check_backend", "iam.CreateAccessKey", "local.keyring.store_access_key",
                   "local.sts.verify_key", "local.credentials_file.update_profile", "iam.UpdateAccessKey"]
    create, store, verify, update_file, deactivate = plan.automatic[1:]
    # the credentials file gets the new key only after it is verified, and before the old one stops
    assert update_file.call.params["ReplacesKeyId"] == "AKIAOWN" and "SecretAccessKey" in update_file.secret_params
    assert create.key == "new-key"
    assert store.call.params["AccessKeyId"] == Ref("new-key", "AccessKey.AccessKeyId")
    assert "SecretAccessKey" in store.secret_params
    assert verify.call.params["AccessKeyId"] == Ref("new-key", "AccessKey.AccessKeyId")
    assert verify.call.params["ExpectedArn"] == "arn:aws:iam::123456789012:user/admin"
    assert dict(deactivate.call.params) == {"UserName": "admin", "AccessKeyId": "AKIAOWN", "Status": "Inactive"}
    assert deactivate.undo.params["Status"] == "Active"
    # the preview and the fingerprint never carry a secret, only the reference to it
    shown = json.dumps(plan.to_dict())
    assert '"SecretAccessKey": "***"' in shown


def test_caller_key_is_never_deactivated_as_unused():
    # a stale report can show the caller's own key as idle: it is still never switched off outside rotation
    s = state(user("admin", key("AKIAOWN", 60, 50)), caller_user="admin", caller_key="AKIAOWN")
    plan = keys.plan(s, {})
    assert not [c for c in plan.automatic if c.call.params.get("AccessKeyId") == "AKIAOWN"]


def test_other_users_rotation_is_manual_and_creates_no_key():
    # A key made by the wizard for another user would be a second active key whose secret nobody can read.
    s = state(user("ci", key("AKIAOLD", 200, 1)))
    plan = keys.plan(s, {})
    assert not plan.automatic
    [rotate] = plan.manual_changes
    assert "AKIAOLD" in rotate.reason and "200 days" in rotate.reason
    steps = " ".join(rotate.instructions)
    assert "create-access-key --user-name ci" in steps and "Deactivate AKIAOLD" in steps
    assert "shown once" not in json.dumps(plan.to_dict())
    [age] = by_check(keys.evaluate(s), "key-age")
    assert age.status is Status.FAIL and not age.fixable, "a manual rotation is not an automatic fix"


def test_rotation_in_progress_plans_nothing_automatic_until_the_new_key_is_used():
    waiting = state(user("ci", key("AKIAOLD", 200, 1), key("AKIANEW", 0.01, None)))
    plan = keys.plan(waiting, {})
    assert not plan.automatic and plan.manual_changes
    both = state(user("ci", key("AKIAOLD", 200, 0.5), key("AKIANEW", 3, 1)))
    assert not keys.plan(both, {}).automatic


def test_finished_rotation_deactivates_the_old_key_after_confirmation():
    done = state(user("bob", key("AKIAOLD", 120, 25), key("AKIANEW", 20, 1)))
    (change,) = keys.plan(done, {}).automatic
    assert dict(change.call.params) == {"UserName": "bob", "AccessKeyId": "AKIAOLD", "Status": "Inactive"}
    assert change.risky and change.undo.params["Status"] == "Active"


def test_own_old_key_with_a_newer_key_in_use_is_left_to_the_person():
    s = state(user("admin", key("AKIAOWN", 120, 0), key("AKIANEW", 20, 1)), caller_user="admin", caller_key="AKIAOWN")
    plan = keys.plan(s, {})
    assert not [c for c in plan.automatic if c.call.params.get("AccessKeyId") == "AKIAOWN"]
    assert plan.manual_changes


def test_rotation_without_a_free_key_slot_is_manual():
    s = state(user("ci", key("AKIAOLD", 200, 1), key("AKIADEAD", 300, None, active=False)))
    plan = keys.plan(s, {})
    assert not [c for c in plan.automatic if c.call.operation == "CreateAccessKey"]
    assert any("AKIADEAD" in c.reason for c in plan.manual_changes)


# --- unused credentials and deletion ---------------------------------------------------------------


def test_unused_credentials_are_switched_off_only_with_confirmation():
    s = state(user("idle", key("AKIAIDLE", 60, 50)), user("gone", created=200, password_used=50),
              user("console", key("AKIASETUP", 20, None), created=20, password_used=1))
    plan = keys.plan(s, {})
    by_op = {(c.call.operation, c.call.params.get("AccessKeyId") or c.call.params.get("UserName")): c
             for c in plan.automatic}
    deactivate = by_op[("UpdateAccessKey", "AKIAIDLE")]
    assert deactivate.risky and deactivate.undo.params["Status"] == "Active"
    assert by_op[("UpdateAccessKey", "AKIASETUP")].risky
    remove = by_op[("DeleteLoginProfile", "gone")]
    assert remove.risky and remove.undo is None and remove.undo_note


def test_never_used_password_counts_from_its_creation():
    assert keys.plan(state(user("new", created=3, password=True)), {}).automatic == ()
    (change,) = keys.plan(state(user("old", created=90, password=True)), {}).automatic
    assert change.call.operation == "DeleteLoginProfile" and "never been used" in change.reason


def test_callers_own_console_password_is_not_removed():
    s = state(user("admin", key("AKIAOWN", 10, 0), created=200, password_used=60), caller_user="admin",
              caller_key="AKIAOWN")
    assert not [c for c in keys.plan(s, {}).automatic if c.call.operation == "DeleteLoginProfile"]
    assert by_check(keys.evaluate(s), "unused-credentials")[0].status is Status.FAIL


def test_replaced_keys_are_deleted_only_when_asked():
    s = state(user("bob", key("AKIAOLD", 120, 25, active=False), key("AKIANEW", 20, 1)))
    plan = keys.plan(s, {"delete_replaced_keys": "no"})
    assert not plan.automatic and any("AKIAOLD" in n for n in plan.notes)
    (change,) = keys.plan(s, {"delete_replaced_keys": "yes"}).automatic
    assert dict(change.call.params) == {"UserName": "bob", "AccessKeyId": "AKIAOLD"}
    assert change.undo is None and change.undo_note
    # an inactive key without a replacement in use is not offered
    lone = state(user("alice", key("AKIAOFF", 300, None, active=False)))
    assert not keys.plan(lone, {"delete_replaced_keys": "yes"}).changes


def test_delete_input_is_validated():
    (item,) = keys.INFO.inputs
    assert item.check("maybe")
    assert item.check("") is None and item.check("yes") is None


def test_report_rows_are_matched_to_key_ids_by_creation_time():
    header = ("user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
              "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
              "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
              "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
              "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,"
              "cert_2_active,cert_2_last_rotated")
    rows = [
        "<root_account>,arn:aws:iam::1:root,2020-01-01T00:00:00+00:00,not_supported,no_information,not_supported,"
        "not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
        "bob,arn:aws:iam::1:user/bob,2025-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,"
        "true,2026-01-01T00:00:00+00:00,2026-05-01T00:00:00+00:00,us-east-1,iam,"
        "true,2026-05-20T00:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A",
    ]

    class FakeAWS:
        def try_read(self, service, operation, region=None, **kw):
            if operation == "GenerateCredentialReport":
                return {"State": "COMPLETE"}
            return {"Content": ("\n".join([header, *rows]) + "\n").encode()}

    parsed = keys._credential_report(FakeAWS())
    assert [r["user"] for r in parsed] == ["bob"], "the root row belongs to the root step"
    listed = {"AccessKeyMetadata": [  # newest first: matching must not depend on the order
        {"AccessKeyId": "AKIANEW", "Status": "Active",
         "CreateDate": datetime.datetime(2026, 5, 20, 0, 0, 0, 123000, tzinfo=datetime.timezone.utc)},
        {"AccessKeyId": "AKIAOLD", "Status": "Inactive", "CreateDate": "2026-01-01T00:00:00Z"},
    ]}
    bob = keys._user_state(parsed[0], listed)
    by_id = {k["id"]: k for k in bob["keys"]}
    assert by_id["AKIAOLD"]["last_used"] == "2026-05-01T00:00:00+00:00" and not by_id["AKIAOLD"]["active"]
    assert by_id["AKIANEW"]["last_used"] is None and by_id["AKIANEW"]["active"]
