"""No loss from reading IAM users and groups with GetAccountAuthorizationDetails (steps/groups_collect.py).

The groups step used to read each user's and group's policies and groups one call at a time; it now
reads them in a few GetAccountAuthorizationDetails pages. This reads the same account both ways (the
per-user reads written out here, as the step made them) and compares the state and the findings, on
the insecure scenario plus a small large-account shape and the cases the one read must get right:
several inline policies, a group with attached and inline policies, console users with and without MFA.
"""

from __future__ import annotations

import json

import boto3
import pytest

from benchmarks.seeding import large_account
from steps import groups
from steps.groups_collect import collect
from tests.helpers import open_aws

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
DOC = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def _per_user_reads(aws, kind: str, name: str) -> dict:
    who = {f"{kind}Name": name}
    attached = aws.read("iam", f"ListAttached{kind}Policies", paginate=True, **who)["AttachedPolicies"]
    names = aws.read("iam", f"List{kind}Policies", paginate=True, **who)["PolicyNames"]
    inline = {p: aws.read("iam", f"Get{kind}Policy", PolicyName=p, **who)["PolicyDocument"] for p in sorted(names)}
    return {"attached": sorted(p["PolicyArn"] for p in attached), "inline": inline}


def _reference(aws) -> dict:
    """The users and groups as the per-user reads give them."""
    users = {}
    for name in sorted(u["UserName"] for u in aws.read("iam", "ListUsers", paginate=True)["Users"]):
        login = aws.read("iam", "GetLoginProfile", UserName=name, missing=("NoSuchEntity",))
        users[name] = {**_per_user_reads(aws, "User", name),
                       "groups": sorted(g["GroupName"] for g in aws.read(
                           "iam", "ListGroupsForUser", paginate=True, UserName=name)["Groups"]),
                       "mfa_devices": len(aws.read("iam", "ListMFADevices", paginate=True, UserName=name)["MFADevices"]),
                       "console": login is not None}
    names = sorted(g["GroupName"] for g in aws.read("iam", "ListGroups", paginate=True)["Groups"])
    return {"users": users, "groups": {name: _per_user_reads(aws, "Group", name) for name in names}}


@pytest.fixture
def seeded(account):
    sb = account("insecure")
    large_account(sb.env(), users=12, buckets=1, groups=1)
    iam = boto3.client("iam", endpoint_url=sb.endpoint_url, region_name="us-east-1")
    iam.create_group(GroupName="perf-admins")
    iam.attach_group_policy(GroupName="perf-admins", PolicyArn=ADMIN)
    iam.put_group_policy(GroupName="perf-admins", PolicyName="all", PolicyDocument=json.dumps(ALL))
    for name in ("perf-console-mfa", "perf-console-only"):
        iam.create_user(UserName=name)
        iam.create_login_profile(UserName=name, Password="Perf-Passw0rd!long")
        iam.add_user_to_group(GroupName="perf-admins", UserName=name)
        for policy in ("b-second", "a-first"):
            iam.put_user_policy(UserName=name, PolicyName=policy, PolicyDocument=json.dumps(DOC))
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="perf-mfa")["VirtualMFADevice"]["SerialNumber"]
    iam.enable_mfa_device(UserName="perf-console-mfa", SerialNumber=serial,
                          AuthenticationCode1="123456", AuthenticationCode2="654321")
    return sb


def test_one_read_gives_the_same_users_groups_and_findings(seeded):
    aws = open_aws(seeded, regions=["us-east-1"])
    state = collect(aws)
    reference = _reference(open_aws(seeded, regions=["us-east-1"]))
    assert len(state["users"]) >= 14 and state["groups"] == reference["groups"]
    for name, user in reference["users"].items():
        if not user["console"]:  # MFA devices are read for console users only: no verdict needs the rest
            user["mfa_devices"] = None
        assert state["users"][name] == user, name
    assert state["users"]["perf-console-mfa"]["mfa_devices"] == 1
    assert list(state["users"]["perf-console-mfa"]["inline"]) == ["a-first", "b-second"]
    old_findings = groups.evaluate({**state, **reference})
    assert groups.evaluate(state) == old_findings
    assert any("perf-console-only" in str(f.resource) and f.status == "FAIL" for f in old_findings)


def test_a_report_this_run_generated_gives_what_the_live_reads_give(seeded):
    from steps import keys, keys_collect

    live_only = {"GetLoginProfile", "ListMFADevices", "GetAccessKeyLastUsed"}
    # The first request after the reset starts a new report (STARTED), as AWS does when it has none younger
    # than four hours: its passwords, MFA devices and last uses are taken from it, no live read is made.
    first = open_aws(seeded, regions=["us-east-1"])
    by_report = (collect(first), keys_collect.collect(first))
    assert not live_only & {operation for _, operation in first.calls}
    # A second run is given the same report again (COMPLETE): read live, as before.
    again = open_aws(seeded, regions=["us-east-1"])
    by_reads = (collect(again), keys_collect.collect(again))
    assert live_only <= {operation for _, operation in again.calls}
    assert by_report[0]["users"] == by_reads[0]["users"]
    assert by_report[0]["users"]["perf-console-mfa"]["mfa_devices"] == 1
    assert by_report[1]["users"] == by_reads[1]["users"]
    assert groups.evaluate(by_report[0]) == groups.evaluate(by_reads[0])
    assert keys.evaluate(by_report[1]) == keys.evaluate({**by_reads[1], "now": by_report[1]["now"]})
