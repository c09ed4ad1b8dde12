"""The groups step against the sandbox: the migration keeps effective policies, the caller's own
admin path survives, the support role and analyzers appear, console passwords go only when asked."""

from __future__ import annotations

import json

import boto3
import pytest

from steps import groups
from steps.base import Status
from tests.helpers import fix, open_aws, plan_for
from wizard.apply import fresh_collect
from wizard.aws import AWS, Credentials, Target

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"


def iam_client(sb):
    return boto3.client("iam", endpoint_url=sb.endpoint_url, region_name="us-east-1")


def canon(document) -> str:
    return json.dumps(document, sort_keys=True)


def effective(iam) -> dict[str, set[str]]:
    """Per user: managed policy ARNs attached directly or through a group, plus inline policy
    documents (read straight from IAM, independently of the step's own code)."""
    out = {}
    for user in iam.list_users()["Users"]:
        name = user["UserName"]
        held = {p["PolicyArn"] for p in iam.list_attached_user_policies(UserName=name)["AttachedPolicies"]}
        held |= {"inline:" + canon(iam.get_user_policy(UserName=name, PolicyName=p)["PolicyDocument"])
                 for p in iam.list_user_policies(UserName=name)["PolicyNames"]}
        for group in iam.list_groups_for_user(UserName=name)["Groups"]:
            g = group["GroupName"]
            held |= {p["PolicyArn"] for p in iam.list_attached_group_policies(GroupName=g)["AttachedPolicies"]}
            held |= {"inline:" + canon(iam.get_group_policy(GroupName=g, PolicyName=p)["PolicyDocument"])
                     for p in iam.list_group_policies(GroupName=g)["PolicyNames"]}
        out[name] = held
    return out


def statuses(aws):
    found: dict[str, set[Status]] = {}
    for f in groups.evaluate(fresh_collect(aws, groups)):
        found.setdefault(f.check, set()).add(f.status)
    return found


def test_fix_migrates_to_groups_and_keeps_every_users_effective_policies(account):
    sb = account("insecure")
    aws = open_aws(sb)
    iam = iam_client(sb)
    before = effective(iam)
    assert before["dana"] == {ADMIN}
    found = statuses(aws)
    for check in ("users-in-groups", "cloudshell-full-access", "expired-server-certificates"):  # 1.14, 1.21, 1.18
        assert Status.FAIL in found[check], check

    plan, result = fix(aws, groups)
    assert result.ok, result.failed and result.failed.detail

    assert effective(iam) == before  # the same ARNs and documents per user, now through groups
    for user in iam.list_users()["Users"]:
        name = user["UserName"]
        assert not iam.list_attached_user_policies(UserName=name)["AttachedPolicies"], name
        assert not iam.list_user_policies(UserName=name)["PolicyNames"], name
    erin = {g["GroupName"] for g in iam.list_groups_for_user(UserName="erin")["Groups"]}
    frank = {g["GroupName"] for g in iam.list_groups_for_user(UserName="frank")["Groups"]}
    assert erin == frank == {"ReadOnlyAccess+read-reports"}  # one group per distinct set

    after = statuses(aws)
    for check in ("users-in-groups", "support-role", "access-analyzer", "cloudshell-full-access"):
        assert after[check] == {Status.PASS}, check
    # the expired certificate was deleted and none is left: not applicable (issue 17, N/A status)
    assert after["expired-server-certificates"] == {Status.NA}
    # deleting an expired certificate is risky (a load balancer may still use it) and cannot be undone
    [delete] = [c for c in plan.changes if c.call and c.call.operation == "DeleteServerCertificate"]
    assert delete.risky and delete.undo is None
    assert not iam.list_server_certificates()["ServerCertificateMetadataList"]
    assert not iam.list_entities_for_policy(PolicyArn="arn:aws:iam::aws:policy/AWSCloudShellFullAccess")["PolicyRoles"]
    assert after["console-mfa"] == {Status.FAIL}  # manual: people must add MFA themselves
    assert after["no-full-admin-policy"] == {Status.FAIL}  # manual: FullAdmin must be narrowed by a person
    again = plan_for(aws, groups)
    assert not again.automatic, [c.title for c in again.automatic]
    assert [c.reason.split(":")[0] for c in again.manual_changes] == [
        "Console users without MFA", "Replace the policies that allow every action on every resource"]

    role = iam.list_attached_role_policies(RoleName=groups.SUPPORT_ROLE)["AttachedPolicies"]
    assert [p["PolicyArn"] for p in role] == [groups.SUPPORT_POLICY]
    for region in aws.regions():
        analyzers = boto3.client("accessanalyzer", endpoint_url=sb.endpoint_url, region_name=region).list_analyzers()
        assert [(a["name"], a["type"]) for a in analyzers["analyzers"]] == [(groups.ANALYZER_NAME, "ACCOUNT")]


def test_the_callers_own_last_admin_path_is_never_removed(account):
    sb = account("insecure")
    iam = iam_client(sb)
    iam.create_user(UserName="ops")
    iam.attach_user_policy(UserName="ops", PolicyArn=ADMIN)
    key = iam.create_access_key(UserName="ops")["AccessKey"]
    aws = AWS(Target(endpoint_url=sb.endpoint_url,
                     credentials=Credentials(key["AccessKeyId"], key["SecretAccessKey"])))
    assert aws.caller_arn.endswith(":user/ops")

    plan, result = fix(aws, groups)
    assert result.ok, result.failed and result.failed.detail
    assert any("signed in as ops" in note for note in plan.notes)
    detached = {(c.call.params["UserName"], c.call.params["PolicyArn"]) for c in plan.automatic
                if c.call.operation == "DetachUserPolicy"}
    assert ("ops", ADMIN) not in detached and ("dana", ADMIN) in detached
    # ops keeps admin directly and now also through the group
    assert [p["PolicyArn"] for p in iam.list_attached_user_policies(UserName="ops")["AttachedPolicies"]] == [ADMIN]
    assert "AdministratorAccess" in {g["GroupName"] for g in iam.list_groups_for_user(UserName="ops")["Groups"]}
    assert aws.identity()  # the caller can still work

    # A later run sees the group path already in place and moves the last direct one.
    second = plan_for(aws, groups)
    assert [(c.call.operation, c.call.params.get("UserName")) for c in second.automatic] == [("DetachUserPolicy", "ops")]
    _, again = fix(aws, groups)
    assert again.ok and not plan_for(aws, groups).automatic
    assert effective(iam)["ops"] == {ADMIN}


def test_console_passwords_are_removed_only_when_asked_and_risky(account):
    sb = account("insecure")
    aws = open_aws(sb)
    iam = iam_client(sb)
    plan = plan_for(aws, groups, {"remove_console_passwords": "yes"})
    removals = [c for c in plan.automatic if c.call.operation == "DeleteLoginProfile"]
    assert {c.call.params["UserName"] for c in removals} >= {"dana"}
    assert all(c.risky and c.warning for c in removals) and plan.risky
    assert not [c for c in plan_for(aws, groups).automatic if c.call.operation == "DeleteLoginProfile"]

    _, result = fix(aws, groups, {"remove_console_passwords": "yes"})
    assert result.ok, result.failed and result.failed.detail
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_login_profile(UserName="dana")
    assert statuses(aws)["console-mfa"] == {Status.NA}  # no console user left: not applicable (N/A status)
