"""Groups instead of per-user permissions, no full-admin custom policies, a support role, console
MFA, and IAM Access Analyzer in every region.

The reads are in steps/groups_collect.py, the policy facts in steps/iam_policies.py, the group
migration (which keeps every user's effective policies) in steps/group_migration.py.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any, Mapping

from steps.base import (
    Call, Change, Finding, Input, Plan, Severity, Status, StepInfo, has_control_chars, is_unreadable,
    manual, reason_of, unreadable,
)
from steps.checks import ACCOUNT, AUTOMATIC, NO_FIX, REGION, Check
from steps.cloudshell_access import CLOUDSHELL, cloudshell_changes, cloudshell_findings, without_detached
from steps.group_migration import plan_migration
from steps.groups_collect import State, collect  # noqa: F401  (the step's read and its state)
from steps.iam_certificates import EXPIRED_CERTS, certificate_changes, certificate_findings
from steps.iam_policies import (  # noqa: F401  (the policy facts live there; names kept for callers)
    ADMIN_POLICY, SUPPORT_POLICY, SUPPORT_ROLE, caller_user,
    effective_policies, grants_full_admin,
)
from steps.policy import Reason
from steps.policy_admin import admin_reasons
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


USERS_IN_GROUPS = Check("users-in-groups", "IAM users receive permissions only through groups", Severity.MEDIUM,
                        ("1.14",), ("IAM.2",), AUTOMATIC)
# Security Hub IAM.1 looks at customer managed policies only; CIS 1.15 at every attached policy, AWS managed
# AdministratorAccess included: two checks, so each verdict is the one its standard gives.
CUSTOM_ADMIN = Check("no-full-admin-policy", "No custom policy allows *:*", Severity.HIGH, ("1.15",), ("IAM.1",),
                     NO_FIX)
ADMIN_ATTACHED = Check("full-admin-attached", "No attached or inline policy grants *:* (AdministratorAccess included)",
                       Severity.HIGH, ("1.15",), (), NO_FIX)
SUPPORT = Check("support-role", "A support role with AWSSupportAccess exists", Severity.LOW, ("1.16",), ("IAM.18",),
                AUTOMATIC, scope=ACCOUNT)
CONSOLE_MFA = Check("console-mfa", "Every console user has MFA", Severity.HIGH, ("1.9",), ("IAM.5",), AUTOMATIC)
ANALYZER = Check("access-analyzer", "IAM Access Analyzer is active", Severity.MEDIUM, ("1.19",), ("IAM.28",),
                 AUTOMATIC, scope=REGION)
CHECKS = (USERS_IN_GROUPS, CUSTOM_ADMIN, ADMIN_ATTACHED, SUPPORT, CONSOLE_MFA, ANALYZER, EXPIRED_CERTS, CLOUDSHELL)


REMOVE_PASSWORDS = "Remove console passwords of users without MFA"  # the input, named where the plan points at it

INFO = StepInfo(
    id="groups",
    title="Groups, admin policies, support role, console MFA, Access Analyzer",
    short="Groups",
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
        "iam:GetAccountAuthorizationDetails", "iam:GenerateCredentialReport", "iam:GetCredentialReport",
        "iam:ListMFADevices", "iam:GetLoginProfile", "iam:ListPolicies",
        "iam:GetPolicyVersion", "iam:ListEntitiesForPolicy", "iam:GetRole",
        "access-analyzer:ListAnalyzers", "iam:ListServerCertificates",
    ),
    writes=(
        "iam:CreateGroup", "iam:DeleteGroup", "iam:AttachGroupPolicy", "iam:DetachGroupPolicy",
        "iam:PutGroupPolicy", "iam:DeleteGroupPolicy", "iam:AddUserToGroup", "iam:RemoveUserFromGroup",
        "iam:DetachUserPolicy", "iam:AttachUserPolicy", "iam:DeleteUserPolicy", "iam:PutUserPolicy",
        "iam:CreateRole", "iam:DeleteRole", "iam:AttachRolePolicy", "iam:DetachRolePolicy",
        "iam:DeleteLoginProfile",
        "access-analyzer:CreateAnalyzer", "access-analyzer:DeleteAnalyzer",
        "iam:CreateServiceLinkedRole",  # Access Analyzer creates its role when the first analyzer is made
        "iam:DeleteServerCertificate",
    ),
    inputs=(
        Input("group_names", "Group names", _validate_group_names, required=False,
              help="Rename the groups the plan proposes: ProposedName=NewName, separated by commas"),
        Input("remove_console_passwords", REMOVE_PASSWORDS,
              validate_yes_no, required=False, default="no", choices=YES_NO,
              help="yes removes their console sign-in (their access keys keep working); "
                   "you must type the account id to confirm"),
    ),
    checks=CHECKS,
)


# --- evaluate ------------------------------------------------------------------------------------


BREAK_GLASS_ADVICE = (
    "CIS 1.15 fails every attachment of a policy that allows *:*, AWS managed AdministratorAccess included. "
    "Our advice: keep AdministratorAccess on one break-glass group (its members with MFA, used only in an "
    "emergency), never on users, and give daily administrators an Identity Center permission set.")


def evaluate(state: Mapping[str, Any]) -> list[Finding]:
    findings: list[Finding] = []
    findings += _eval_users_groups(state)
    findings += _eval_custom_admin(state)
    findings += _eval_admin_attached(state)
    findings += _eval_support(state)
    findings += _eval_mfa(state)
    findings += _eval_analyzers(state)
    findings += certificate_findings(state.get("server_certificates", unreadable("not read")))
    findings += cloudshell_findings(state.get("cloudshell", unreadable("not read")))
    return _with_arns(findings, state.get("arns") or {})


def _with_arns(findings: list[Finding], arns: Mapping[str, str]) -> list[Finding]:
    """Users and groups named by their ARNs (from ListUsers/ListGroups, so a path is kept); the checks
    about users name them bare. Roles and inline policies keep "role/NAME", "user/NAME/POLICY": the
    reads that find them (ListEntitiesForPolicy, the inline listings) answer no ARN."""
    by_user = (USERS_IN_GROUPS.id, CONSOLE_MFA.id)
    out = []
    for f in findings:
        key = f"user/{f.resource}" if f.resource and f.check in by_user else f.resource
        out.append(replace(f, resource=arns[key]) if key in arns else f)
    return out


def _eval_users_groups(state: Mapping[str, Any]) -> list[Finding]:
    users = state["users"]
    if is_unreadable(users):
        return [USERS_IN_GROUPS.unknown(reason_of(users))]
    out = []
    for name, info in users.items():
        if is_unreadable(info):
            out.append(USERS_IN_GROUPS.unknown(reason_of(info), resource=name))
        elif info["attached"] or info["inline"]:
            held = [a.rsplit("/", 1)[-1] for a in info["attached"]] + [f"{n} (inline)" for n in info["inline"]]
            out.append(USERS_IN_GROUPS.failed(f"User {name} holds policies directly: {', '.join(held)}.",
                                              resource=name))
    if not out:
        out.append(USERS_IN_GROUPS.passed(f"No user holds policies directly ({len(users)} users)."))
    return out


def _not_star(what: str, reasons: list[Reason]) -> str:
    """CIS counts only *:*; the advice still names a policy that is administrator another way."""
    return (f"{what} does not allow *:*, so CIS 1.15 passes it, but it gives administrator rights "
            f"({'; '.join(map(str, reasons))}): treat whoever holds it as an administrator.")


def _eval_custom_admin(state: Mapping[str, Any]) -> list[Finding]:
    """Security Hub IAM.1: customer managed policies in use that allow *:*."""
    custom = state["custom_policies"]
    if is_unreadable(custom):
        return [CUSTOM_ADMIN.unknown(reason_of(custom))]
    out = []
    for arn, policy in custom.items():
        if is_unreadable(policy):
            out.append(CUSTOM_ADMIN.unknown(reason_of(policy), resource=arn))
        elif grants_full_admin(policy["document"]):
            out.append(CUSTOM_ADMIN.failed(f"Custom policy {policy['name']} allows every action on every resource.",
                                           resource=arn))
        elif reasons := admin_reasons(policy["document"]):
            out.append(CUSTOM_ADMIN.passed(_not_star(f"Custom policy {policy['name']}", reasons), resource=arn))
    return out or [CUSTOM_ADMIN.passed("No custom policy in use allows *:*.")]


def _inline_admin(state: Mapping[str, Any]) -> list[Finding]:
    out = []
    for kind in ("users", "groups"):
        holders = state[kind]
        if is_unreadable(holders):
            out.append(ADMIN_ATTACHED.unknown(reason_of(holders)))
            continue
        for name, info in holders.items():
            if is_unreadable(info):
                continue  # already reported by the other checks
            for policy, doc in info["inline"].items():
                if grants_full_admin(doc):
                    out.append(ADMIN_ATTACHED.failed(
                        f"Inline policy {policy} of {kind[:-1]} {name} allows every action on every resource.",
                        resource=f"{kind[:-1]}/{name}/{policy}"))
                elif reasons := admin_reasons(doc):
                    what = f"Inline policy {policy} of {kind[:-1]} {name}"
                    out.append(ADMIN_ATTACHED.passed(_not_star(what, reasons), resource=f"{kind[:-1]}/{name}/{policy}"))
    return out


def _eval_admin_attached(state: Mapping[str, Any]) -> list[Finding]:
    """CIS 1.15 by its audit: inline *:* policies, and every user, group and role holding AdministratorAccess
    (customer managed *:* policies are CUSTOM_ADMIN's, with the same CIS id)."""
    out = _inline_admin(state)
    holders = []
    for kind in ("users", "groups"):
        if not is_unreadable(state[kind]):
            holders += [f"{kind[:-1]}/{name}" for name, info in state[kind].items()
                        if not is_unreadable(info) and ADMIN_POLICY in info["attached"]]
    roles = state.get("admin_roles", [])  # not in states saved before this read existed
    if is_unreadable(roles):
        out.append(ADMIN_ATTACHED.unknown(reason_of(roles)))
    else:
        holders += [f"role/{name}" for name in roles]
    for holder in holders:
        kind, name = holder.split("/", 1)
        on_user = " Move it off this user." if kind == "user" else ""
        out.append(ADMIN_ATTACHED.failed(f"AdministratorAccess is attached to {kind} {name}.{on_user} "
                                         + BREAK_GLASS_ADVICE, resource=holder))
    return out or [ADMIN_ATTACHED.passed("No user, group or role holds AdministratorAccess, and no inline policy "
                                         "allows *:*.")]


def _eval_support(state: Mapping[str, Any]) -> list[Finding]:
    roles = state["support_roles"]
    if is_unreadable(roles):
        return [SUPPORT.unknown(reason_of(roles))]
    if roles:
        return [SUPPORT.passed(f"Support role: {', '.join(roles)}.")]
    return [SUPPORT.failed("No role has AWSSupportAccess, so support cases need an administrator.")]


def _eval_mfa(state: Mapping[str, Any]) -> list[Finding]:
    users = state["users"]
    if is_unreadable(users):
        return [CONSOLE_MFA.unknown(reason_of(users))]
    out = []
    console = 0
    for name, info in users.items():
        if is_unreadable(info):
            out.append(CONSOLE_MFA.unknown(reason_of(info), resource=name))
        elif info["console"]:
            console += 1
            if not info["mfa_devices"]:
                # fixable only on request: the plan removes console passwords when asked to
                out.append(CONSOLE_MFA.failed(
                    f"User {name} can sign in to the console with a password alone. Ask them to add an MFA "
                    "device, or remove their console password.", resource=name, fixable=False))
    if not out:
        out.append(CONSOLE_MFA.passed(f"All {console} console users have an MFA device.") if console else
                   CONSOLE_MFA.not_applicable("No IAM user has a console password."))
    return out


def _eval_analyzers(state: Mapping[str, Any]) -> list[Finding]:
    out = []
    for region, rows in sorted(state["analyzers"].items()):
        if is_unreadable(rows):
            out.append(ANALYZER.unknown(reason_of(rows), region=region))
        elif _active_analyzer(rows):
            a = _active_analyzer(rows)
            out.append(ANALYZER.passed(f"Analyzer {a['name']} ({a['type']}) is active.", region=region))
        else:
            out.append(ANALYZER.failed("No active external access analyzer in this region.", region=region))
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

    # CloudShell detaches first: the migration then moves what stays (steps/cloudshell_access.py)
    changes: list[Change] = cloudshell_changes(state.get("cloudshell", unreadable("not read")))
    notes: list[str] = []
    if not is_unreadable(state["users"]) and not is_unreadable(state["groups"]):
        migration, migration_notes = plan_migration(without_detached(state), answers.get("group_names", ""))
        changes += migration
        notes += migration_notes
    changes += _plan_support(state)
    changes += _plan_analyzers(state)
    changes += _plan_mfa(state, answers.get("remove_console_passwords") == "yes")
    changes += _plan_full_admin(state)
    changes += certificate_changes(state.get("server_certificates", unreadable("not read")))
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
            undo=Call("iam", "DeleteRole", {"RoleName": SUPPORT_ROLE}), fixes=(SUPPORT.id,)))
    changes.append(Change(
        reason=f"Give {SUPPORT_ROLE} the AWSSupportAccess managed policy.",
        call=Call("iam", "AttachRolePolicy", {"RoleName": SUPPORT_ROLE, "PolicyArn": SUPPORT_POLICY}),
        after=SUPPORT_POLICY, fixes=(SUPPORT.id,),
        undo=Call("iam", "DetachRolePolicy", {"RoleName": SUPPORT_ROLE, "PolicyArn": SUPPORT_POLICY})))
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
                      "which this does not create, is billed.", fixes=(ANALYZER.id,)))
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
        "Or, for users who do not need the console, remove their console password: answer yes to "
        f"\"{REMOVE_PASSWORDS}\" in this step's answers.",
        "Then re-check this step.", fixes=(CONSOLE_MFA.id,))]
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
                risky=True, fixes=(CONSOLE_MFA.id,)))
    return changes


def _plan_full_admin(state: Mapping[str, Any]) -> list[Change]:
    admin = [f for f in _eval_custom_admin(state) + _inline_admin(state) if f.status is Status.FAIL]
    if not admin:
        return []
    return [manual(
        "Replace the policies that allow every action on every resource: " + ", ".join(f.resource or "" for f in admin),
        POLICIES_CONSOLE,
        "For each one, decide what its holders really need and narrow its actions and resources.",
        "Where someone must be a full administrator, put them in an admin group with the AWS managed "
        "AdministratorAccess policy instead, so admins are visible in one place.",
        "Then detach and delete the *:* policy, and re-check this step.",
        fixes=tuple(sorted({f.check for f in admin})))]
