"""Groups instead of per-user permissions, no full-admin custom policies, a support role, console
MFA, and IAM Access Analyzer in every region.

The reads are in steps/groups_collect.py, the policy facts in steps/iam_policies.py, the group
migration (which keeps every user's effective policies) in steps/group_migration.py.
"""

from __future__ import annotations

import json
import re
from typing import Any, Mapping

from steps.base import (
    Call, Change, Finding, Input, Plan, Severity, Status, StepInfo, has_control_chars, is_unreadable,
    manual, reason_of, unknown_finding,
)
from steps.group_migration import plan_migration
from steps.groups_collect import State, collect  # noqa: F401  (the step's read and its state)
from steps.iam_policies import (  # noqa: F401  (the policy facts live there; names kept for callers)
    ADMIN_POLICY, SUPPORT_POLICY, SUPPORT_ROLE, caller_user,
    effective_policies, grants_full_admin,
)
from steps.validators import YES_NO, validate_yes_no

ANALYZER_NAME = "ExternalAccessAnalyzer"
IAM_CONSOLE = "https://console.aws.amazon.com/iam/home#/users"
POLICIES_CONSOLE = "https://console.aws.amazon.com/iam/home#/policies"
_GROUP_NAME = re.compile(r"^[\w+=,.@-]{1,128}$")


def _validate_group_names(value: str) -> str | None:
    if has_control_chars(value):
        return "remove the control characters"
    for pair in filter(None, (p.strip() for p in value.split(","))):
        old, sep, new = (s.strip() for s in pair.partition("="))
        if not sep or not old or not new:
            return f"'{pair}' should read ProposedName=NewName; separate several with commas"
        if not _GROUP_NAME.match(new):
            return f"'{new}' is not a valid group name: use up to 128 letters, digits and + = , . @ _ -"
    return None


INFO = StepInfo(
    id="groups",
    title="Groups, admin policies, support role, console MFA, Access Analyzer",
    why=(
        "Permissions handed out user by user are hard to review and easy to forget when someone "
        "changes role; a few named groups make it obvious who can do what. Custom policies that allow "
        "every action on every resource hide full administrators in plain sight. A support role lets "
        "your team open AWS support cases without admin rights, MFA keeps a stolen password from being "
        "enough to sign in, and IAM Access Analyzer tells you when something is shared outside the account."
    ),
    guide_section="IAM Roles",
    severity=Severity.HIGH,
    reads=(
        "sts:GetCallerIdentity", "ec2:DescribeRegions",
        "iam:ListUsers", "iam:ListGroups", "iam:ListAttachedUserPolicies", "iam:ListUserPolicies",
        "iam:GetUserPolicy", "iam:ListGroupsForUser", "iam:ListMFADevices", "iam:GetLoginProfile",
        "iam:ListAttachedGroupPolicies", "iam:ListGroupPolicies", "iam:GetGroupPolicy", "iam:ListPolicies",
        "iam:GetPolicyVersion", "iam:ListEntitiesForPolicy", "iam:GetRole",
        "access-analyzer:ListAnalyzers",
    ),
    writes=(
        "iam:CreateGroup", "iam:DeleteGroup", "iam:AttachGroupPolicy", "iam:DetachGroupPolicy",
        "iam:PutGroupPolicy", "iam:DeleteGroupPolicy", "iam:AddUserToGroup", "iam:RemoveUserFromGroup",
        "iam:DetachUserPolicy", "iam:AttachUserPolicy", "iam:DeleteUserPolicy", "iam:PutUserPolicy",
        "iam:CreateRole", "iam:DeleteRole", "iam:AttachRolePolicy", "iam:DetachRolePolicy",
        "iam:DeleteLoginProfile",
        "access-analyzer:CreateAnalyzer", "access-analyzer:DeleteAnalyzer",
        "iam:CreateServiceLinkedRole",  # Access Analyzer creates its role when the first analyzer is made
    ),
    inputs=(
        Input("group_names", "Group names", _validate_group_names, required=False,
              help="Rename the groups the plan proposes: ProposedName=NewName, separated by commas"),
        Input("remove_console_passwords", "Remove console passwords of users without MFA",
              validate_yes_no, required=False, default="no", choices=YES_NO,
              help="yes removes their console sign-in (their access keys keep working); "
                   "you must type the account id to confirm"),
    ),
)


# --- evaluate ------------------------------------------------------------------------------------

_T_GROUPS = "IAM users receive permissions only through groups"
_T_ADMIN = "No custom or inline policy allows *:*"
_T_SUPPORT = "A support role with AWSSupportAccess exists"
_T_MFA = "Every console user has MFA"
_T_ANALYZER = "IAM Access Analyzer is active"


def evaluate(state: Mapping[str, Any]) -> list[Finding]:
    findings: list[Finding] = []
    findings += _eval_users_groups(state)
    findings += _eval_full_admin(state)
    findings += _eval_support(state)
    findings += _eval_mfa(state)
    findings += _eval_analyzers(state)
    return findings


def _eval_users_groups(state: Mapping[str, Any]) -> list[Finding]:
    ids = {"cis": ("1.14",), "securityhub": ("IAM.2",), "severity": Severity.MEDIUM}
    users = state["users"]
    if is_unreadable(users):
        return [unknown_finding("users-in-groups", _T_GROUPS, reason_of(users), **ids)]
    out = []
    for name, info in users.items():
        if is_unreadable(info):
            out.append(unknown_finding("users-in-groups", _T_GROUPS, reason_of(info), resource=name, **ids))
        elif info["attached"] or info["inline"]:
            held = [a.rsplit("/", 1)[-1] for a in info["attached"]] + [f"{n} (inline)" for n in info["inline"]]
            out.append(Finding("users-in-groups", _T_GROUPS, Status.FAIL,
                               f"User {name} holds policies directly: {', '.join(held)}.",
                               resource=name, fixable=True, **ids))
    if not out:
        out.append(Finding("users-in-groups", _T_GROUPS, Status.PASS,
                           f"No user holds policies directly ({len(users)} users).", **ids))
    return out


def _eval_full_admin(state: Mapping[str, Any]) -> list[Finding]:
    ids = {"cis": ("1.15",), "severity": Severity.HIGH}
    out = []
    custom = state["custom_policies"]
    if is_unreadable(custom):
        out.append(unknown_finding("no-full-admin-policy", _T_ADMIN, reason_of(custom), securityhub=("IAM.1",), **ids))
    else:
        for arn, policy in custom.items():
            if is_unreadable(policy):
                out.append(unknown_finding("no-full-admin-policy", _T_ADMIN, reason_of(policy), resource=arn,
                                           securityhub=("IAM.1",), **ids))
            elif grants_full_admin(policy["document"]):
                out.append(Finding("no-full-admin-policy", _T_ADMIN, Status.FAIL,
                                   f"Custom policy {policy['name']} allows every action on every resource.",
                                   resource=arn, securityhub=("IAM.1",), **ids))
    for kind in ("users", "groups"):
        holders = state[kind]
        if is_unreadable(holders):
            out.append(unknown_finding("no-full-admin-policy", _T_ADMIN, reason_of(holders), **ids))
            continue
        for name, info in holders.items():
            if is_unreadable(info):
                continue  # already reported by the other checks
            for policy, doc in info["inline"].items():
                if grants_full_admin(doc):
                    out.append(Finding("no-full-admin-policy", _T_ADMIN, Status.FAIL,
                                       f"Inline policy {policy} of {kind[:-1]} {name} allows every action "
                                       "on every resource.", resource=f"{kind[:-1]}/{name}/{policy}", **ids))
    if not out:
        out.append(Finding("no-full-admin-policy", _T_ADMIN, Status.PASS,
                           "No custom or inline policy allows *:*; administrators use AdministratorAccess.",
                           securityhub=("IAM.1",), **ids))
    return out


def _eval_support(state: Mapping[str, Any]) -> list[Finding]:
    ids = {"cis": ("1.16",), "securityhub": ("IAM.18",), "severity": Severity.LOW}
    roles = state["support_roles"]
    if is_unreadable(roles):
        return [unknown_finding("support-role", _T_SUPPORT, reason_of(roles), **ids)]
    if roles:
        return [Finding("support-role", _T_SUPPORT, Status.PASS, f"Support role: {', '.join(roles)}.", **ids)]
    return [Finding("support-role", _T_SUPPORT, Status.FAIL,
                    "No role has AWSSupportAccess, so support cases need an administrator.", fixable=True, **ids)]


def _eval_mfa(state: Mapping[str, Any]) -> list[Finding]:
    ids = {"cis": ("1.9",), "securityhub": ("IAM.5",), "severity": Severity.HIGH}
    users = state["users"]
    if is_unreadable(users):
        return [unknown_finding("console-mfa", _T_MFA, reason_of(users), **ids)]
    out = []
    console = 0
    for name, info in users.items():
        if is_unreadable(info):
            out.append(unknown_finding("console-mfa", _T_MFA, reason_of(info), resource=name, **ids))
        elif info["console"]:
            console += 1
            if not info["mfa_devices"]:
                out.append(Finding(
                    "console-mfa", _T_MFA, Status.FAIL,
                    f"User {name} can sign in to the console with a password alone. Ask them to add an MFA "
                    "device, or remove their console password.", resource=name, **ids))
    if not out:
        out.append(Finding("console-mfa", _T_MFA, Status.PASS,
                           f"All {console} console users have an MFA device." if console
                           else "No IAM user has a console password.", **ids))
    return out


def _eval_analyzers(state: Mapping[str, Any]) -> list[Finding]:
    ids = {"cis": ("1.19",), "securityhub": ("IAM.28",), "severity": Severity.MEDIUM}
    out = []
    for region, rows in sorted(state["analyzers"].items()):
        if is_unreadable(rows):
            out.append(unknown_finding("access-analyzer", _T_ANALYZER, reason_of(rows), region=region, **ids))
        elif _active_analyzer(rows):
            a = _active_analyzer(rows)
            out.append(Finding("access-analyzer", _T_ANALYZER, Status.PASS,
                               f"Analyzer {a['name']} ({a['type']}) is active.", region=region, **ids))
        else:
            out.append(Finding("access-analyzer", _T_ANALYZER, Status.FAIL,
                               "No active external access analyzer in this region.", region=region,
                               fixable=True, **ids))
    return out


def _active_analyzer(rows: list[Mapping[str, str]]) -> Mapping[str, str] | None:
    for a in rows:
        if a["type"] in ("ACCOUNT", "ORGANIZATION") and a.get("status", "ACTIVE") == "ACTIVE":
            return a
    return None


# --- plan ------------------------------------------------------------------------------------------


def plan(state: Mapping[str, Any], answers: Mapping[str, str]) -> Plan:
    errors = {}
    for item in INFO.inputs:
        value = answers.get(item.name)
        error = item.check(value) if value else None
        if error:
            errors[item.name] = error
    if errors:
        return Plan(INFO.id, needs=tuple(errors), notes=tuple(errors.values()))

    changes: list[Change] = []
    notes: list[str] = []
    if not is_unreadable(state["users"]) and not is_unreadable(state["groups"]):
        migration, migration_notes = plan_migration(state, answers.get("group_names", ""))
        changes += migration
        notes += migration_notes
    changes += _plan_support(state)
    changes += _plan_analyzers(state)
    changes += _plan_mfa(state, answers.get("remove_console_passwords") == "yes")
    changes += _plan_full_admin(state)
    return Plan(INFO.id, changes=tuple(changes), notes=tuple(notes))


def _account_id(state: Mapping[str, Any]) -> str | None:
    caller = state.get("caller")
    return caller.get("Account") if isinstance(caller, Mapping) and not is_unreadable(caller) else None


def _plan_support(state: Mapping[str, Any]) -> list[Change]:
    roles, exists = state["support_roles"], state["support_role_exists"]
    account = _account_id(state)
    if is_unreadable(roles) or roles or is_unreadable(exists) or not account:
        return []
    changes = []
    if not exists:
        trust = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "sts:AssumeRole"}]}
        changes.append(Change(
            reason=f"Create the role {SUPPORT_ROLE}, which people of this account can assume to work with AWS Support.",
            call=Call("iam", "CreateRole", {
                "RoleName": SUPPORT_ROLE, "AssumeRolePolicyDocument": json.dumps(trust),
                "Description": "Open and manage AWS Support cases (created by aws-essentials)"}),
            after={"RoleName": SUPPORT_ROLE, "trust": trust},
            undo=Call("iam", "DeleteRole", {"RoleName": SUPPORT_ROLE})))
    changes.append(Change(
        reason=f"Give {SUPPORT_ROLE} the AWSSupportAccess managed policy.",
        call=Call("iam", "AttachRolePolicy", {"RoleName": SUPPORT_ROLE, "PolicyArn": SUPPORT_POLICY}),
        after=SUPPORT_POLICY, undo=Call("iam", "DetachRolePolicy", {"RoleName": SUPPORT_ROLE, "PolicyArn": SUPPORT_POLICY})))
    return changes


def _plan_analyzers(state: Mapping[str, Any]) -> list[Change]:
    changes = []
    for region, rows in sorted(state["analyzers"].items()):
        if is_unreadable(rows) or _active_analyzer(rows):
            continue
        name = ANALYZER_NAME
        names = {a["name"] for a in rows}
        i = 2
        while name in names:
            name, i = f"{ANALYZER_NAME}-{i}", i + 1
        changes.append(Change(
            reason=f"Turn on IAM Access Analyzer (external access, this account) in {region}.",
            call=Call("accessanalyzer", "CreateAnalyzer", {"analyzerName": name, "type": "ACCOUNT"}, region),
            after={"analyzerName": name, "type": "ACCOUNT"},
            undo=Call("accessanalyzer", "DeleteAnalyzer", {"analyzerName": name}, region),
            cost_note="The external access analyzer (type ACCOUNT) is free; the unused-access analyzer, "
                      "which this does not create, is billed."))
    return changes


def _plan_mfa(state: Mapping[str, Any], remove_passwords: bool) -> list[Change]:
    users = state["users"]
    if is_unreadable(users):
        return []
    without = sorted(n for n, u in users.items() if not is_unreadable(u) and u["console"] and not u["mfa_devices"])
    if not without:
        return []
    changes = [manual(
        f"Console users without MFA: {', '.join(without)}.", IAM_CONSOLE,
        "Ask each of them to sign in and add an MFA device (My security credentials > Assign MFA device); "
        "a passkey or security key is best, an authenticator app is fine.",
        "Or, for users who do not need the console, remove their console password (the option below).",
        "Then re-check this step.")]
    if remove_passwords:
        me = caller_user(state)
        for name in without:
            changes.append(Change(
                reason=f"Remove the console password of {name}, who has no MFA device.",
                call=Call("iam", "DeleteLoginProfile", {"UserName": name}),
                before={"console_password": True}, after={"console_password": False},
                undo_note="A removed password cannot be restored: an administrator can set a new one "
                          "(iam CreateLoginProfile) and hand it to the user.",
                warning=f"{name} can no longer sign in to the console; their access keys keep working."
                        + (" This is you: you will need another way into the console." if name == me else ""),
                risky=True))
    return changes


def _plan_full_admin(state: Mapping[str, Any]) -> list[Change]:
    admin = [f for f in _eval_full_admin(state) if f.status is Status.FAIL]
    if not admin:
        return []
    return [manual(
        "Replace the policies that allow every action on every resource: " + ", ".join(f.resource or "" for f in admin),
        POLICIES_CONSOLE,
        "For each one, decide what its holders really need and narrow its actions and resources.",
        "Where someone must be a full administrator, put them in an admin group with the AWS managed "
        "AdministratorAccess policy instead, so admins are visible in one place.",
        "Then detach and delete the *:* policy, and re-check this step.")]
