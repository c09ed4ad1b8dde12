"""Pure tests: steps survive AWS's hard edges (issue 14) - failing flow-log delivery, propagation
retries declared on the changes, the trail key found again instead of created twice."""

from __future__ import annotations

from steps import audit_logging, vpc
from steps.audit_logging.kms_key import TRAIL_KEY_ALIAS, trail_key_changes
from steps.base import Status, unreadable
from tests.steps.test_vpc import CW, compliant_region, state as vpc_state


def test_a_flow_log_that_cannot_deliver_does_not_pass():
    data = compliant_region()
    data["flow_logs"] = [{"ResourceId": "vpc-1", "FlowLogId": "fl-1", "DeliverLogsStatus": "FAILED",
                          "DeliverLogsErrorMessage": "Access error"}]
    findings = [f for f in vpc.evaluate(vpc_state(**{"us-east-1": data})) if f.check == "flow-logs"]
    assert [f.status for f in findings] == [Status.FAIL]
    assert "Access error" in findings[0].message and "fl-1" in findings[0].message
    assert not findings[0].fixable  # another flow log to the same place would fail the same way
    assert not [c for c in vpc.plan(vpc_state(**{"us-east-1": data}), CW).changes
                if c.call and c.call.operation == "CreateFlowLogs"]


def test_one_delivering_flow_log_is_enough():
    data = compliant_region()
    data["flow_logs"] = [{"ResourceId": "vpc-1", "FlowLogId": "fl-1", "DeliverLogsStatus": "FAILED"},
                         {"ResourceId": "vpc-1", "FlowLogId": "fl-2", "DeliverLogsStatus": "SUCCESS"}]
    findings = [f for f in vpc.evaluate(vpc_state(**{"us-east-1": data})) if f.check == "flow-logs"]
    assert [f.status for f in findings] == [Status.PASS]


def test_flow_logs_to_a_new_role_retry_iam_propagation():
    plan = vpc.plan(vpc_state(), CW)
    create = next(c for c in plan.changes if c.call and c.call.operation == "CreateFlowLogs")
    assert "InvalidParameter: Unable to assume given IAM role" in create.retry_on
    role = next(c for c in plan.changes if c.call and c.call.operation == "CreateRole")
    assert not role.retry_on  # only the calls AWS refuses while IAM propagates


def test_a_found_trail_key_is_reused_not_created_again():
    found = {"KeyId": "k-1", "Arn": "arn:aws:kms:us-east-1:111122223333:key/k-1", "Region": "us-east-1",
             "rotation": True}
    changes, ref = trail_key_changes(found, "aws-essentials-trail", "us-east-1", {})
    assert changes == [] and ref == found["Arn"]
    changes, _ = trail_key_changes(dict(found, rotation=False), "aws-essentials-trail", "us-east-1", {})
    assert [c.call.operation for c in changes] == ["EnableKeyRotation"]


def test_a_new_trail_key_is_named_so_the_next_run_finds_it():
    changes, _ = trail_key_changes(None, "aws-essentials-trail", "us-east-1", {})
    assert [c.call.operation for c in changes] == ["CreateKey", "CreateAlias", "EnableKeyRotation"]
    assert changes[1].call.params["AliasName"] == TRAIL_KEY_ALIAS
    assert changes[1].undo.operation == "DeleteAlias"


def test_trail_changes_declare_the_propagation_errors():
    from tests.steps.test_audit_logging import ANSWERS, empty_state

    plan = audit_logging.plan(empty_state(), ANSWERS)
    create = next(c for c in plan.changes if c.call and c.call.operation == "CreateTrail")
    assert {"InvalidCloudWatchLogsLogGroupArnException", "InsufficientS3BucketPolicyException",
            "InsufficientEncryptionPolicyException"} <= set(create.retry_on)


def test_root_usage_from_a_stale_report_yields_to_the_live_summary():
    from steps import root
    from tests.steps.test_root import SECURE, state as root_state

    row = dict(SECURE["root_row"], access_key_1_active="true", access_key_1_last_used_date="2025-05-20T10:00:00+00:00")
    usage = next(f for f in root.evaluate(root_state(root_row=row)) if f.check == "root-usage")
    assert usage.status is Status.PASS and "deleted" in usage.message  # GetAccountSummary: no root key now
    gone = next(f for f in root.evaluate(root_state(root_row=row, summary=unreadable("denied")))
                if f.check == "root-usage")
    assert gone.status is Status.FAIL  # unsure whether the key is gone: not safe


class LiveIAM:
    """Answers the keys step's live reads: who still has a password, when each key was last used."""

    def __init__(self, profiles, last_used):
        self.profiles, self.last_used, self.asked = profiles, last_used, []

    def per_region(self, fn, regions, *, spread=False):
        return {r: fn(r) for r in regions}

    def read(self, service, operation, region=None, missing=(), **params):
        self.asked.append(operation)
        if operation == "GetLoginProfile":
            return {"LoginProfile": {}} if self.profiles.get(params["UserName"]) else None
        return {"AccessKeyLastUsed": {"LastUsedDate": self.last_used.get(params["AccessKeyId"], "N/A")}}

    try_read = read  # these reads never fail


def test_keys_verdicts_come_from_live_reads_not_a_stale_report():
    from steps import keys
    from tests.steps.test_keys import ago, key, state as keys_state, user

    stale = keys_state(user("carol", password_used=60), user("dave", key("AKIADAVE", created=70, used=50)))
    assert {c.call.operation for c in keys.plan(stale, {}).automatic} >= {"DeleteLoginProfile", "UpdateAccessKey"}
    live = LiveIAM(profiles={"carol": False}, last_used={"AKIADAVE": ago(1)})
    fresh = dict(stale, users=keys.live_users(live, stale["users"]))
    assert not keys.plan(fresh, {}).automatic  # the password is gone and the key was used yesterday
    assert sorted(set(live.asked)) == ["GetAccessKeyLastUsed", "GetLoginProfile"]


def test_the_plan_names_an_old_credential_report():
    from steps import keys
    from tests.steps.test_keys import ago, state as keys_state

    old = dict(keys_state(), report_generated=ago(0.125))  # three hours
    assert any("3 h 0 min old" in n and "4 hours" in n for n in keys.plan(old, {}).notes)
    assert not [n for n in keys.plan(dict(keys_state(), report_generated=ago(0.001)), {}).notes if "report" in n]
