"""wizard/aws.py against the sandbox: caching, unsupported operations, throttling, denial, drift."""

from __future__ import annotations

import pytest

from steps import contacts
from steps.base import Call, Status, is_unreadable
from steps.executor import PlanDrifted
from tests.helpers import DEMO_ANSWERS, open_aws, plan_for
from wizard.apply import apply_plan, fresh_collect
from wizard.aws import ReadFailed, describe_error


def test_same_read_is_made_once(account):
    sb = account("secure")
    aws = open_aws(sb)
    aws.read("iam", "ListUsers", paginate=True)
    aws.read("iam", "ListUsers", paginate=True)
    assert aws.calls[("iam", "ListUsers")] == 1


def test_finished_reads_are_kept_without_their_futures(account):
    """A Future keeps a lock and a condition (~1.5 KB): 10 MB over a large account's 6,700 reads."""
    from concurrent.futures import Future

    aws = open_aws(account("secure"))
    users = aws.read("iam", "ListUsers", paginate=True)
    with pytest.raises(ReadFailed):
        aws.read("iam", "GetRole", RoleName="no-such-role")
    assert aws.read("iam", "GetRole", missing=("NoSuchEntity",), RoleName="no-such-role") is None
    assert aws.read("iam", "ListUsers", paginate=True) is users
    assert aws.calls[("iam", "ListUsers")] == aws.calls[("iam", "GetRole")] == 1  # the failure is kept too
    assert aws._cache and not [held for held in aws._cache.values() if isinstance(held, Future)]


def test_unsupported_operation_becomes_unknown(account):
    sb = account("insecure")
    aws = open_aws(sb)
    # AWS Health is not offered by the sandbox: the endpoint answers 404 or an unparseable body.
    answer = aws.try_read("health", "DescribeEvents", "us-east-1")
    assert is_unreadable(answer)
    assert "not supported" in answer["__unreadable__"] or "failed" in answer["__unreadable__"]


def test_unparseable_answer_is_classified_as_unsupported():
    from botocore.parsers import ResponseParserError

    failed = describe_error(ResponseParserError("garbage"), "account", "GetAlternateContact")
    assert failed.kind == "unsupported" and "account:GetAlternateContact" in failed.reason


def test_throttling_is_retried_and_never_fails_a_check(account):
    sb = account("insecure")
    baseline = {f.check: f.status for f in contacts.evaluate(fresh_collect(open_aws(sb), contacts))}
    sb.set_faults(rate=0.4, kinds=("throttle",))
    aws = open_aws(sb)
    found = {f.check: f.status for f in contacts.evaluate(fresh_collect(aws, contacts))}
    assert found == baseline
    assert aws.requests > sum(aws.calls.values()), "some requests should have been retried"


def test_access_denied_names_the_action_and_is_unknown(account):
    sb = account("insecure")
    sb.set_faults(deny_actions={"account:GetAlternateContact"})
    findings = contacts.evaluate(fresh_collect(open_aws(sb), contacts))
    security = next(f for f in findings if f.check == "security-contact")
    assert security.status is Status.UNKNOWN
    assert "account:GetAlternateContact" in security.message


def test_drifted_account_is_not_written(account, tmp_path):
    sb = account("insecure")
    aws = open_aws(sb)
    answers = DEMO_ANSWERS["contacts"]
    plan = plan_for(aws, contacts, answers)
    # Someone sets the security contact in the console while the user reads the plan.
    aws.client("account").put_alternate_contact(
        AlternateContactType="SECURITY", Name="Other", Title="CISO", EmailAddress="ciso@example.com",
        PhoneNumber="+44 20 7946 0000")
    with pytest.raises(PlanDrifted) as drift:
        apply_plan(aws, contacts, plan, answers)
    assert len(drift.value.new_plan.automatic) == 2
    held = aws.client("account").get_alternate_contact(AlternateContactType="SECURITY")["AlternateContact"]
    assert held["Name"] == "Other"
    from wizard.journal import Journal

    assert Journal(aws.account_id).entries() == []


def test_s3control_reaches_an_endpoint_override(account):
    """botocore prefixes s3control hosts with the account id; the wizard's clients must not."""
    sb = account("insecure")
    aws = open_aws(sb)
    block = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
             "RestrictPublicBuckets": True}
    aws.write(Call("s3control", "PutPublicAccessBlock",
                   {"AccountId": sb.account_id, "PublicAccessBlockConfiguration": block}))
    got = aws.read("s3control", "GetPublicAccessBlock", AccountId=sb.account_id)
    assert got["PublicAccessBlockConfiguration"] == block
