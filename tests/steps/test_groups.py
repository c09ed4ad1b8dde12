"""The groups step on hand-written state: findings, the migration plan, the caller's admin path."""

from __future__ import annotations

import json

from steps import groups
from steps.base import Status, unreadable

ACCT = "111122223333"
ADMIN = groups.ADMIN_POLICY
RO = "arn:aws:iam::aws:policy/ReadOnlyAccess"
CUSTOM = f"arn:aws:iam::{ACCT}:policy/FullAdmin"
STAR = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
S3READ = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}


def user(attached=(), inline=None, in_groups=(), console=False, mfa=0):
    return {"attached": sorted(attached), "inline": dict(inline or {}), "groups": sorted(in_groups),
            "console": console, "mfa_devices": mfa}


def state(users, group_map=None, caller="arn:aws:iam::111122223333:root", analyzers=None, support=("AWSSupportRole",)):
    return {
        "caller": {"Account": ACCT, "Arn": caller, "UserId": "x"},
        "users": users,
        "groups": group_map or {},
        "custom_policies": {CUSTOM: {"name": "FullAdmin", "document": STAR}},
        "support_roles": list(support),
        "support_role_exists": bool(support),
        "analyzers": analyzers if analyzers is not None else {"us-east-1": [{"name": "a", "type": "ACCOUNT", "status": "ACTIVE"}]},
    }


def by_check(findings):
    out = {}
    for f in findings:
        out.setdefault(f.check, []).append(f)
    return out


def apply_plan_to_state(st, plan):
    """Simulate the plan's IAM calls on the state (what AWS would hold afterwards)."""
    st = json.loads(json.dumps(st))
    for change in plan.automatic:
        p, op = change.call.params, change.call.operation
        if op == "CreateGroup":
            st["groups"][p["GroupName"]] = {"attached": [], "inline": {}}
        elif op == "AttachGroupPolicy":
            st["groups"][p["GroupName"]]["attached"] = sorted(st["groups"][p["GroupName"]]["attached"] + [p["PolicyArn"]])
        elif op == "PutGroupPolicy":
            st["groups"][p["GroupName"]]["inline"][p["PolicyName"]] = json.loads(p["PolicyDocument"])
        elif op == "AddUserToGroup":
            st["users"][p["UserName"]]["groups"] = sorted(st["users"][p["UserName"]]["groups"] + [p["GroupName"]])
        elif op == "DetachUserPolicy":
            st["users"][p["UserName"]]["attached"].remove(p["PolicyArn"])
        elif op == "DeleteUserPolicy":
            del st["users"][p["UserName"]]["inline"][p["PolicyName"]]
    return st


def test_findings_cover_every_check_with_ids():
    st = state({"dana": user([ADMIN], console=True), "gil": user([CUSTOM])},
               analyzers={"us-east-1": [], "eu-west-1": [{"name": "o", "type": "ORGANIZATION", "status": "ACTIVE"}]},
               support=())
    found = by_check(groups.evaluate(st))
    assert {f.resource for f in found["users-in-groups"]} == {"dana", "gil"}
    assert all(f.status is Status.FAIL and f.cis == ("1.14",) and f.securityhub == ("IAM.2",)
               for f in found["users-in-groups"])
    admin = found["no-full-admin-policy"]
    assert [f.resource for f in admin] == [CUSTOM] and admin[0].status is Status.FAIL and admin[0].securityhub == ("IAM.1",)
    assert found["support-role"][0].status is Status.FAIL and found["support-role"][0].cis == ("1.16",)
    assert [(f.resource, f.status) for f in found["console-mfa"]] == [("dana", Status.FAIL)]
    assert found["console-mfa"][0].securityhub == ("IAM.5",)
    regions = {f.region: f.status for f in found["access-analyzer"]}
    assert regions == {"us-east-1": Status.FAIL, "eu-west-1": Status.PASS}  # an org analyzer covers the account


def test_cis_1_15_counts_aws_managed_administrator_access_and_keeps_security_hub_iam_1_apart():
    """CIS v5.0 1.15 audits every attached policy, AWS managed AdministratorAccess included (and we add
    inline *:* policies); Security Hub IAM.1 looks at customer managed policies only: its own finding."""
    st = state({"u": user(in_groups=["G"]), "dana": user([ADMIN])},
               {"G": {"attached": [ADMIN], "inline": {"everything": STAR}}})
    st["custom_policies"] = {}
    st["admin_roles"] = ["Admin"]
    found = by_check(groups.evaluate(st))
    assert [(f.status, f.cis, f.securityhub) for f in found["no-full-admin-policy"]] == [
        (Status.PASS, ("1.15",), ("IAM.1",))]
    cis = {f.resource: f for f in found["full-admin-attached"]}
    assert set(cis) == {"group/G/everything", "user/dana", "group/G", "role/Admin"}
    assert all(f.status is Status.FAIL and f.cis == ("1.15",) and f.securityhub == () for f in cis.values())
    assert "break-glass group" in cis["group/G"].message and "never on users" in cis["group/G"].message
    assert "Move it off this user" in cis["user/dana"].message
    # the plan's advice to replace *:* policies is for custom and inline ones, not AdministratorAccess
    [advice] = [c for c in groups.plan(st, {}).manual_changes if "every action" in c.reason]
    assert "group/G/everything" in advice.reason and "user/dana" not in advice.reason
    assert not groups.grants_full_admin({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*",
                                                       "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}})
    assert groups.grants_full_admin({"Statement": [{"Effect": "Allow", "Action": ["*:*"], "Resource": ["*"]}]})


def test_admin_rights_beyond_star_are_named_while_cis_status_follows_the_letter():
    """NotAction on a few services and iam:* give administrator rights; CIS 1.15 counts only *:*, so the
    status stays PASS and the message says so (steps.policy_admin decides both)."""
    not_action = {"Statement": [{"Sid": "AllButS3", "Effect": "Allow", "NotAction": ["s3:*"], "Resource": "*"}]}
    iam_star = {"Statement": {"Effect": "Allow", "Action": "iam:*", "Resource": "*"}}
    power_user = {"Statement": [{"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"],
                                 "Resource": "*"}]}
    st = state({"u": user(in_groups=["G"], inline={"iam-all": iam_star, "power": power_user})},
               {"G": {"attached": [], "inline": {}}})
    st["custom_policies"], st["admin_roles"] = {CUSTOM: {"name": "AllButS3", "document": not_action}}, []
    found = by_check(groups.evaluate(st))
    [custom] = found["no-full-admin-policy"]
    assert (custom.status, custom.resource) == (Status.PASS, CUSTOM)
    assert "AllButS3: NotAction leaves every other action allowed" in custom.message and "CIS 1.15" in custom.message
    [inline] = found["full-admin-attached"]
    assert (inline.status, inline.resource) == (Status.PASS, "user/u/iam-all")
    assert "every IAM action" in inline.message


def test_no_administrator_access_anywhere_passes_cis_1_15():
    st = state({"u": user(in_groups=["G"])}, {"G": {"attached": [RO], "inline": {}}})
    st["custom_policies"], st["admin_roles"] = {}, []
    [finding] = by_check(groups.evaluate(st))["full-admin-attached"]
    assert finding.status is Status.PASS
    st["admin_roles"] = unreadable("denied")
    [finding] = by_check(groups.evaluate(st))["full-admin-attached"]
    assert finding.status is Status.UNKNOWN


def test_unreadable_reads_are_unknown_never_fail():
    st = state({"a": unreadable("access denied: the caller lacks iam:ListAttachedUserPolicies")},
               analyzers={"us-east-1": unreadable("throttled")})
    st["support_roles"] = unreadable("denied")
    found = groups.evaluate(st)
    assert not [f for f in found if f.status is Status.FAIL and f.check != "no-full-admin-policy"]
    statuses = {(f.check, f.status) for f in found}
    assert ("users-in-groups", Status.UNKNOWN) in statuses and ("access-analyzer", Status.UNKNOWN) in statuses
    assert ("support-role", Status.UNKNOWN) in statuses
    assert not [c for c in groups.plan(st, {}).automatic if c.call.service == "accessanalyzer"]


def test_migration_keeps_every_users_effective_policies_and_orders_safely():
    users = {
        "dana": user([ADMIN]),
        "erin": user([RO], {"reports": S3READ}),
        "frank": user([RO], {"reports": S3READ}, in_groups=["Other"]),
        "gil": user([CUSTOM]),
        "hana": user(in_groups=["Other"]),
    }
    st = state(users, {"Other": {"attached": [], "inline": {"x": S3READ}}})
    plan = groups.plan(st, {})
    ops = [c.call.operation for c in plan.automatic if c.call.service == "iam"]
    first_detach = min(i for i, op in enumerate(ops) if op in ("DetachUserPolicy", "DeleteUserPolicy"))
    assert all(op not in ("CreateGroup", "AttachGroupPolicy", "PutGroupPolicy", "AddUserToGroup") for op in ops[first_detach:])
    # one group per distinct set: erin and frank share one
    created = [c.call.params["GroupName"] for c in plan.automatic if c.call.operation == "CreateGroup"]
    assert sorted(created) == ["AdministratorAccess", "FullAdmin", "ReadOnlyAccess+reports"]
    after = apply_plan_to_state(st, plan)
    assert groups.effective_policies(after) == groups.effective_policies(st)
    assert not [f for f in by_check(groups.evaluate(after))["users-in-groups"] if f.status is Status.FAIL]
    again = groups.plan(after, {})
    assert not [c for c in again.automatic if c.call.service == "iam" and "Group" in c.call.operation or
                c.call.operation in ("DetachUserPolicy", "DeleteUserPolicy")]


def test_existing_group_with_the_same_policies_is_reused():
    st = state({"dana": user([ADMIN])}, {"Admins": {"attached": [ADMIN], "inline": {}}})
    plan = groups.plan(st, {})
    assert [(c.call.operation, c.call.params.get("GroupName")) for c in plan.automatic if c.call.service == "iam"] == [
        ("AddUserToGroup", "Admins"), ("DetachUserPolicy", None)]


def test_group_names_are_editable_and_validated():
    st = state({"dana": user([ADMIN])})
    plan = groups.plan(st, {"group_names": "AdministratorAccess=Admins"})
    assert plan.automatic[0].call.params == {"GroupName": "Admins"}
    bad = groups.plan(st, {"group_names": "AdministratorAccess=has space"})
    assert bad.needs == ("group_names",) and "not a valid group name" in bad.notes[0]


def test_callers_last_admin_path_is_kept_and_the_plan_says_why():
    me = f"arn:aws:iam::{ACCT}:user/dana"
    st = state({"dana": user([ADMIN, RO]), "erin": user([ADMIN, RO])}, caller=me)
    plan = groups.plan(st, {})
    detached = [(c.call.params["UserName"], c.call.params["PolicyArn"]) for c in plan.automatic
                if c.call.operation == "DetachUserPolicy"]
    assert ("dana", ADMIN) not in detached
    assert ("dana", RO) in detached and ("erin", ADMIN) in detached
    assert any("dana" in n and "lock you out" in n for n in plan.notes)
    # effective policies still equal: dana keeps admin directly and gains it through the group
    after = apply_plan_to_state(st, plan)
    assert groups.effective_policies(after) == groups.effective_policies(st)
    # next run: the group path exists, so the direct one can go
    second = groups.plan(after, {})
    assert [(c.call.params["UserName"], c.call.params["PolicyArn"]) for c in second.automatic
            if c.call.operation == "DetachUserPolicy"] == [("dana", ADMIN)]
    assert not [n for n in second.notes if "lock you out" in n]


def test_caller_with_an_admin_group_loses_nothing_it_needs():
    me = f"arn:aws:iam::{ACCT}:user/dana"
    st = state({"dana": user([ADMIN], in_groups=["Admins"])}, {"Admins": {"attached": [ADMIN], "inline": {}}}, caller=me)
    plan = groups.plan(st, {})
    assert [c.call.operation for c in plan.automatic if c.call.service == "iam"] == ["DetachUserPolicy"]
    assert not [n for n in plan.notes if "lock you out" in n]


def test_console_users_without_mfa_manual_and_optional_risky_removal():
    me = f"arn:aws:iam::{ACCT}:user/dana"
    st = state({"dana": user(in_groups=["G"], console=True), "eve": user(in_groups=["G"], console=True, mfa=1)},
               {"G": {"attached": [RO], "inline": {}}}, caller=me)
    st["custom_policies"] = {}
    plan = groups.plan(st, {})
    assert [c.manual for c in plan.changes] == [True]
    assert "dana" in plan.changes[0].reason and "eve" not in plan.changes[0].reason
    # it points at the input by its label (it said "the option below" of a field shown above the plan)
    label = next(i.label for i in groups.INFO.inputs if i.name == "remove_console_passwords")
    assert any(f'answer yes to "{label}"' in line for line in plan.changes[0].instructions)
    assert not any("below" in line for line in plan.changes[0].instructions)
    removing = groups.plan(st, {"remove_console_passwords": "yes"})
    risky = [c for c in removing.automatic if c.call.operation == "DeleteLoginProfile"]
    assert [c.call.params for c in risky] == [{"UserName": "dana"}]
    assert risky[0].risky and risky[0].undo is None and risky[0].undo_note and "This is you" in risky[0].warning
    assert groups.plan(st, {"remove_console_passwords": "maybe"}).needs == ("remove_console_passwords",)


def test_support_role_and_analyzers_planned_with_undo_and_cost_note():
    st = state({}, support=(), analyzers={"us-east-1": [], "eu-west-1": [{"name": "ExternalAccessAnalyzer",
                                                                          "type": "ACCOUNT_UNUSED_ACCESS"}]})
    plan = groups.plan(st, {})
    calls = [(c.call.operation, c.call.region) for c in plan.automatic]
    assert calls == [("CreateRole", None), ("AttachRolePolicy", None), ("CreateAnalyzer", "eu-west-1"),
                     ("CreateAnalyzer", "us-east-1")]
    trust = json.loads(plan.automatic[0].call.params["AssumeRolePolicyDocument"])
    assert trust["Statement"][0]["Principal"] == {"AWS": f"arn:aws:iam::{ACCT}:root"}
    eu = plan.automatic[2]
    assert eu.call.params == {"analyzerName": "ExternalAccessAnalyzer-2", "type": "ACCOUNT"}  # name taken
    assert eu.undo.operation == "DeleteAnalyzer" and "free" in eu.cost_note
