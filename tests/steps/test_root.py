"""Pure tests of the root step on hand-written state (no sandbox)."""

from __future__ import annotations

import copy

from steps import root
from steps.base import Status, unreadable

NOW = "2025-06-01T00:00:00+00:00"

SECURE = {
    "caller_arn": "arn:aws:sts::123456789012:assumed-role/Admin/alice",
    "account_id": "123456789012",
    "summary": {"AccountMFAEnabled": 1, "AccountAccessKeysPresent": 0},
    "root_virtual_mfa": [],
    "root_row": {"password_last_used": "2024-10-01T00:00:00+00:00", "mfa_active": "true",
                 "access_key_1_active": "false", "access_key_1_last_used_date": "N/A",
                 "access_key_2_active": "false", "access_key_2_last_used_date": "N/A"},
    "admins": {"users": [], "roles": ["Admin"], "groups": {}, "permission_sets": []},
    "now": NOW,
}


def state(**changes):
    s = copy.deepcopy(SECURE)
    s.update(changes)
    return s


def by_check(findings):
    return {f.check: f for f in findings}


def test_secure_state_passes_every_check_with_ids():
    findings = by_check(root.evaluate(SECURE))
    assert {f.status for f in findings.values()} == {Status.PASS}
    assert findings["root-mfa"].cis == ("1.4",) and findings["root-mfa"].securityhub == ("IAM.9",)
    assert findings["root-hardware-mfa"].cis == ("1.5",) and findings["root-hardware-mfa"].securityhub == ("IAM.6",)
    assert findings["root-access-keys"].cis == ("1.3",) and findings["root-access-keys"].securityhub == ("IAM.4",)
    assert findings["root-usage"].cis == ("1.6",)
    assert not root.plan(SECURE, {}).changes


def test_no_mfa_and_keys_fail_and_plan_manual_console_changes():
    s = state(summary={"AccountMFAEnabled": 0, "AccountAccessKeysPresent": 1})
    findings = by_check(root.evaluate(s))
    assert findings["root-mfa"].status is Status.FAIL
    assert findings["root-hardware-mfa"].status is Status.FAIL
    assert findings["root-access-keys"].status is Status.FAIL
    plan = root.plan(s, {})
    assert plan.changes and not plan.automatic, "root fixes are console-only"
    keys = {c.key for c in plan.changes}
    assert {"root-mfa", "root-access-keys"} <= keys
    for change in plan.changes:
        assert change.console_url.startswith("https://console.aws.amazon.com/")
        assert change.instructions
        assert change.key in root.SANDBOX_CONSOLE_ACTIONS or change.key == "non-root-admin"


def test_virtual_mfa_fails_hardware_check_only():
    s = state(root_virtual_mfa=["arn:aws:iam::123456789012:mfa/root-account-mfa-device"])
    findings = by_check(root.evaluate(s))
    assert findings["root-mfa"].status is Status.PASS
    assert findings["root-hardware-mfa"].status is Status.FAIL
    assert [c.key for c in root.plan(s, {}).changes] == ["root-hardware-mfa"]


def test_root_key_used_recently_fails_but_recent_password_use_is_manual():
    row = dict(SECURE["root_row"], access_key_1_active="true", access_key_1_last_used_date="2025-05-20T10:00:00+00:00")
    keys_present = {"AccountMFAEnabled": 1, "AccountAccessKeysPresent": 1}  # the live summary agrees: a key exists
    assert by_check(root.evaluate(state(root_row=row, summary=keys_present)))["root-usage"].status is Status.FAIL
    row = dict(SECURE["root_row"], password_last_used="2025-05-25T10:00:00+00:00")
    usage = by_check(root.evaluate(state(root_row=row)))["root-usage"]
    assert usage.status is Status.MANUAL and "6 day(s) ago" in usage.message
    row = dict(SECURE["root_row"], password_last_used="no_information")
    assert by_check(root.evaluate(state(root_row=row)))["root-usage"].status is Status.PASS


def test_root_caller_is_a_warning_finding_and_plan_note_saying_what_to_use():
    s = state(caller_arn="arn:aws:iam::123456789012:root")
    finding = by_check(root.evaluate(s))["wizard-as-root"]
    assert finding.status is Status.FAIL
    assert "root" in finding.message and "Identity Center" in finding.message
    plan = root.plan(s, {})
    assert any("running as the root user" in n and "aws configure sso" in n for n in plan.notes)
    assert "wizard-as-root" in {c.key for c in plan.changes}


def test_admin_paths_count_group_members_and_permission_sets():
    empty_group = state(admins={"users": [], "roles": [], "groups": {"Admins": []}, "permission_sets": []})
    assert by_check(root.evaluate(empty_group))["non-root-admin"].status is Status.FAIL
    member = state(admins={"users": [], "roles": [], "groups": {"Admins": ["bob"]}, "permission_sets": []})
    assert by_check(root.evaluate(member))["non-root-admin"].status is Status.PASS
    sso = state(admins={"users": [], "roles": [], "groups": {},
                        "permission_sets": ["arn:aws:sso:::permissionSet/ssoins-1/ps-1"]})
    assert by_check(root.evaluate(sso))["non-root-admin"].status is Status.PASS


def test_unreadable_reads_are_unknown_never_fail():
    s = state(summary=unreadable("access denied: the caller lacks iam:GetAccountSummary"),
              root_row=unreadable("denied"), admins=unreadable("denied"), caller_arn=unreadable("denied"),
              root_virtual_mfa=unreadable("denied"))
    findings = root.evaluate(s)
    assert {f.status for f in findings} == {Status.UNKNOWN}
    assert not root.plan(s, {}).changes
