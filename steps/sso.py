"""Single sign-on: people reach the account through IAM Identity Center, not long-lived IAM users.

Identity Center lives in one region (its home region) and, for access to AWS accounts, must be
the organization instance. Enabling it is a console action; after that this step creates an
administrator and a read-only permission set, an admin group (and optionally its first user),
assigns the group to this account, and writes an ``sso-session`` and a profile to the AWS CLI's
config file so that ``aws sso login --profile <name>`` works.

The CLI config is the one piece of local state: ``collect`` (steps/sso_collect.py) reads it (read-only,
secrets masked, with its digest) so that the plan can show the exact diff, the drift check covers the file too, and
a second run plans nothing. The write itself is a local action (``aws_config.write_sso_profile``)
that refuses to run if the file changed since the plan was made.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from steps import cli_config, sso_guidance
from steps.organization_facts import WHAT_AN_ORGANIZATION_CHANGES
from steps.base import (
    PREPARATION, Call, Change, Finding, Input, Plan, Ref, Severity, Status, StepInfo, has_control_chars, is_unreadable,
    manual, reason_of, validate_email, validate_text,
)
from steps.checks import ACCOUNT, AUTOMATIC, CONSOLE, LOCAL, Check
from steps.sso_collect import ADMIN_GROUP, ADMIN_POLICY, State, collect  # noqa: F401  (the reads and their state)

READONLY_POLICIES = ("arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/ViewOnlyAccess")
ADMIN_SET = ("AdministratorAccess", ADMIN_POLICY, "PT1H", "Full administrator (created by aws-essentials)")
READONLY_SET = ("ReadOnlyAccess", READONLY_POLICIES[0], "PT4H", "Read-only access (created by aws-essentials)")
SESSION_NAME = "aws-essentials"
CONSOLE_URL = "https://console.aws.amazon.com/singlesignon/home"
WRITE_PROFILE = "aws_config.write_sso_profile"
_PROFILE = re.compile(r"^[A-Za-z0-9_.+@-]{1,64}$")
_USER_NAME = re.compile(r"^[\w+=,.@-]{1,128}$")


def _validate_profile(value: str) -> str | None:
    if not _PROFILE.match(value):
        return f"'{value[:40]}' is not a usable profile name: use letters, digits and . _ - + @ (up to 64)"
    return None


def _validate_user_name(value: str) -> str | None:
    if has_control_chars(value) or not _USER_NAME.match(value):
        return "use up to 128 letters, digits and + = , . @ _ - (no spaces), e.g. jane.doe"
    return sso_guidance.reserved_name_error(value)


# CIS 1.20 asks that people be managed centrally (identity federation or Organizations) rather than
# as IAM users in each account: Identity Center is how this wizard does that, so its absence FAILs 1.20.
ENABLED = Check("identity-center", "IAM Identity Center is enabled for this account", Severity.HIGH, ("1.20",),
                fix=CONSOLE, scope=ACCOUNT)
ADMIN_SET_CHECK = Check("admin-permission-set", "An administrator permission set exists", Severity.HIGH,
                        fix=AUTOMATIC, scope=ACCOUNT)
READONLY_SET_CHECK = Check("readonly-permission-set", "A read-only permission set exists", Severity.MEDIUM,
                           fix=AUTOMATIC, scope=ACCOUNT)
ASSIGNED = Check("admin-group-assigned", "An admin group is assigned to this account", Severity.HIGH, fix=AUTOMATIC,
                 scope=ACCOUNT)
# About this computer, not the account: no CIS recommendation covers it.
CLI = Check("cli-profile", "The AWS CLI signs in through Identity Center", Severity.LOW, fix=AUTOMATIC, scope=LOCAL)
CHECKS = (ENABLED, ADMIN_SET_CHECK, READONLY_SET_CHECK, ASSIGNED, CLI)


INFO = StepInfo(
    id="sso",
    title="Single sign-on with IAM Identity Center",
    short="Single sign-on",
    why=(
        "Long-lived IAM users mean passwords and access keys that live forever on laptops. With IAM "
        "Identity Center people sign in once, get short-lived credentials for the account and role they "
        "need, and lose access everywhere the moment you remove them. The AWS CLI can use the same "
        "sign-in, so no access key has to be stored on disk at all."
    ),
    guide_section="CLI and Console Access",
    severity=Severity.HIGH,
    reads=(
        "sts:GetCallerIdentity", "ec2:DescribeRegions", "organizations:DescribeOrganization",
        "sso:ListInstances", "sso:ListPermissionSets", "sso:DescribePermissionSet",
        "sso:ListManagedPoliciesInPermissionSet", "sso:ListAccountAssignments",
        "identitystore:ListGroups", "identitystore:ListUsers", "identitystore:ListGroupMemberships",
    ),
    # What a fix creates is undone by deleting it; the ids come from AWS's answers, and the
    # journal records each undo call with them (Refs).
    writes=(
        "sso:CreatePermissionSet", "sso:DeletePermissionSet", "sso:AttachManagedPolicyToPermissionSet",
        "sso:DetachManagedPolicyFromPermissionSet", "sso:CreateAccountAssignment", "sso:DeleteAccountAssignment",
        "sso:DescribeAccountAssignmentCreationStatus",  # the apply waits for the assignment to succeed
        "identitystore:CreateGroup", "identitystore:DeleteGroup", "identitystore:CreateUser",
        "identitystore:DeleteUser", "identitystore:CreateGroupMembership", "identitystore:DeleteGroupMembership",
    ),
    inputs=(
        Input("cli_profile", "CLI profile name", _validate_profile, required=False, default="admin",
              help="The profile written to ~/.aws/config; use it with `aws sso login --profile admin`"),
        Input("user_name", "First user's sign-in name", _validate_user_name, required=False,
              help="Optional: creates this person in Identity Center and puts them in the admin group"),
        Input("email", "First user's email", validate_email, required=False,
              help="Where you send them the verification email (from the console) after the setup"),
        Input("given_name", "First user's given name", validate_text(64), required=False),
        Input("family_name", "First user's family name", validate_text(64), required=False),
    ),
    checks=CHECKS,
)


# --- facts (pure) ----------------------------------------------------------------------------------


def _account(state: Mapping[str, Any]) -> str | None:
    caller = state.get("caller")
    return caller.get("Account") if isinstance(caller, Mapping) and not is_unreadable(caller) else None


def instance_kind(state: Mapping[str, Any]) -> str | None:
    """"organization", "account" (an account instance: no access to AWS accounts), or None."""
    instance = state.get("instance")
    if not instance:
        return None
    org = state.get("organization")
    if org is None:  # a standalone account can only hold an account instance
        return "account"
    if isinstance(org, Mapping) and not is_unreadable(org) and instance.get("owner") != org.get("MasterAccountId"):
        return "account"
    return "organization"


def _set_with(state: Mapping[str, Any], policies: tuple[str, ...]) -> tuple[str, Mapping[str, Any]] | None:
    sets = state.get("permission_sets")
    if not isinstance(sets, Mapping) or is_unreadable(sets):
        return None
    for arn, info in sorted(sets.items()):
        if any(p in info["policies"] for p in policies):
            return arn, info
    return None


def _admin_groups(state: Mapping[str, Any]) -> list[str]:
    found = _set_with(state, (ADMIN_POLICY,))
    return [a["id"] for a in found[1]["assignments"] if a["type"] == "GROUP"] if found else []


def start_url(state: Mapping[str, Any]) -> str:
    return f"https://{state['instance']['store']}.awsapps.com/start"


# --- evaluate ---------------------------------------------------------------------------------------


def evaluate(state: Mapping[str, Any]) -> list[Finding]:
    enabled = _eval_enabled(state)
    if enabled.status is not Status.PASS:
        return [enabled]
    findings = [enabled]
    sets = state.get("permission_sets")
    if is_unreadable(sets):
        return findings + [check.unknown(reason_of(sets)) for check in (ADMIN_SET_CHECK, READONLY_SET_CHECK)]
    admin = _set_with(state, (ADMIN_POLICY,))
    readonly = _set_with(state, READONLY_POLICIES)
    findings.append(_present(ADMIN_SET_CHECK, admin, "No permission set grants AdministratorAccess."))
    findings.append(_present(READONLY_SET_CHECK, readonly,
                             "No permission set grants ReadOnlyAccess or ViewOnlyAccess, so everyday "
                             "looking around needs admin rights."))
    groups = state.get("groups")
    if is_unreadable(groups):
        findings.append(ASSIGNED.unknown(reason_of(groups)))
    elif _admin_groups(state):
        names = [groups.get(g, g) for g in _admin_groups(state)]
        findings.append(ASSIGNED.passed(f"Group {', '.join(names)} has the admin permission set on this account.",
                                        resource=_account(state)))
    else:
        findings.append(ASSIGNED.failed("No Identity Center group has administrator access to this account, so "
                                        "people still need IAM users to manage it.", resource=_account(state)))
    findings.append(_eval_cli(state))
    return findings


def _present(check: Check, found: Any, missing: str) -> Finding:
    if found:
        return check.passed(f"Permission set {found[1]['name']}.", resource=found[0])
    return check.failed(missing)


def _eval_enabled(state: Mapping[str, Any]) -> Finding:
    instance = state.get("instance")
    org = state.get("organization")
    account = _account(state)
    if not instance:
        unread = {r: v for r, v in state["instances"].items() if is_unreadable(v)}
        if unread:
            region, value = sorted(unread.items())[0]
            return ENABLED.unknown(f"{reason_of(value)} (in {len(unread)} regions, e.g. {region})")
        if isinstance(org, Mapping) and not is_unreadable(org) and org.get("MasterAccountId") != account:
            return ENABLED.manual(
                f"This account belongs to an organization; Identity Center is managed from its management account "
                f"({org.get('MasterAccountId')}). Check there that this account is assigned to an admin group.")
        return ENABLED.failed(
            "IAM Identity Center is not enabled in any region, so people sign in as IAM users managed in this "
            "account (CIS 1.20 asks for central management). Enabling it is done once, in the console.")
    where = f"in {instance['region']}"
    if instance_kind(state) == "account":
        way = ("delete it, then enable Identity Center 'with AWS Organizations' (this account becomes the "
               "management account of a new organization)" if org is None else
               "enable the organization instance from the management account")
        return ENABLED.failed(
            f"Only an account instance of Identity Center exists ({where}). Account instances serve "
            f"applications only: they cannot give anyone access to AWS accounts. To fix it, {way}.",
            region=instance["region"])
    return ENABLED.passed(f"Identity Center is enabled {where} ({instance['arn']}).", region=instance["region"])


def _eval_cli(state: Mapping[str, Any]) -> Finding:
    cli = state["cli"]
    admin = _set_with(state, (ADMIN_POLICY,))
    if is_unreadable(cli):
        return CLI.manual(f"Could not read {cli['path']}: {reason_of(cli)}")
    name = admin and cli_config.find_sso_profile(cli["text"], start_url(state), _account(state) or "", admin[1]["name"])
    if name:
        return CLI.passed(f"Profile {name} in {cli['path']} signs in through Identity Center.")
    # About this computer, not the account: a missing profile must not fail a CI run of `check`.
    return CLI.manual(f"{cli['path']} has no profile that signs in to this account through Identity Center; "
                      "the plan can add one.", fixable=True)


# --- plan ---------------------------------------------------------------------------------------------


def plan(state: Mapping[str, Any], answers: Mapping[str, str]) -> Plan:
    enabled = _eval_enabled(state)
    if enabled.status is Status.UNKNOWN:
        return Plan(INFO.id, notes=(enabled.message,))
    if enabled.status is Status.MANUAL:
        return Plan(INFO.id, notes=(enabled.message,))
    if enabled.status is Status.FAIL:
        if state.get("instance"):  # an account instance
            way = sso_guidance.leave_account_instance(state["instance"]["region"], state.get("organization") is None)
            return Plan(INFO.id, changes=(way,), notes=(enabled.message,))
        return Plan(INFO.id, changes=(_enable_manually(state),), notes=(enabled.message,))
    errors = _answer_errors(answers)
    if errors:
        return Plan(INFO.id, needs=tuple(errors), notes=tuple(errors.values()))
    unreadable = [k for k in ("permission_sets", "groups", "users") if is_unreadable(state.get(k))]
    if unreadable:
        return Plan(INFO.id, notes=tuple(f"Could not read {k}: {reason_of(state[k])}" for k in unreadable))

    inst = state["instance"]
    region, arn, store = inst["region"], inst["arn"], inst["store"]
    account = _account(state)
    changes: list[Change] = []

    def permission_set(spec: tuple[str, str, str, str], found: Any, key: str, check: Check) -> Any:
        if found:
            return found[0]
        name, policy, duration, description = spec
        if any(s["name"] == name for s in state["permission_sets"].values()):
            name = f"{name}-essentials"
        changes.append(Change(
            reason=f"Create the permission set {name} (sessions last {duration[2:].lower()}).",
            call=Call("sso-admin", "CreatePermissionSet", {"InstanceArn": arn, "Name": name, "Description": description,
                                                           "SessionDuration": duration}, region),
            key=key, after={"Name": name, "SessionDuration": duration}, retry_on=sso_guidance.RETRY_ON,
            fixes=(check.id,),
            undo=Call("sso-admin", "DeletePermissionSet",
                      {"InstanceArn": arn, "PermissionSetArn": Ref(key, "PermissionSet.PermissionSetArn")}, region)))
        attach = {"InstanceArn": arn, "PermissionSetArn": Ref(key, "PermissionSet.PermissionSetArn"),
                  "ManagedPolicyArn": policy}
        changes.append(Change(
            reason=f"Give {name} the managed policy {policy.rsplit('/', 1)[-1]}.",
            call=Call("sso-admin", "AttachManagedPolicyToPermissionSet", attach, region),
            after=policy, undo=Call("sso-admin", "DetachManagedPolicyFromPermissionSet", attach, region),
            retry_on=sso_guidance.RETRY_ON, fixes=(check.id,)))
        return Ref(key, "PermissionSet.PermissionSetArn")

    admin = _set_with(state, (ADMIN_POLICY,))
    admin_arn = permission_set(ADMIN_SET, admin, "admin-set", ADMIN_SET_CHECK)
    permission_set(READONLY_SET, _set_with(state, READONLY_POLICIES), "readonly-set", READONLY_SET_CHECK)
    admin_name = admin[1]["name"] if admin else changes[0].after["Name"]

    assigned = _admin_groups(state)
    named = sorted(g for g, n in state["groups"].items() if n == ADMIN_GROUP)
    group_id: Any = (assigned or named or [None])[0]
    if group_id is None:
        changes.append(Change(
            reason=f"Create the Identity Center group {ADMIN_GROUP} for the people who administer this account.",
            call=Call("identitystore", "CreateGroup", {"IdentityStoreId": store, "DisplayName": ADMIN_GROUP,
                                                      "Description": "Administrators of the AWS accounts"}, region),
            key="admin-group", after={"DisplayName": ADMIN_GROUP}, fixes=(ASSIGNED.id,),
            undo=Call("identitystore", "DeleteGroup",
                      {"IdentityStoreId": store, "GroupId": Ref("admin-group", "GroupId")}, region)))
        group_id = Ref("admin-group", "GroupId")

    invite = None
    user_name = (answers.get("user_name") or "").strip()
    if user_name:
        user_id: Any = next((uid for uid, n in sorted(state["users"].items()) if n == user_name), None)
        if user_id is None:
            given, family = answers["given_name"].strip(), answers["family_name"].strip()
            changes.append(Change(
                reason=f"Create the Identity Center user {user_name} (AWS sends no invitation: see the manual "
                       "task below).",
                call=Call("identitystore", "CreateUser", {
                    "IdentityStoreId": store, "UserName": user_name, "DisplayName": f"{given} {family}",
                    "Name": {"GivenName": given, "FamilyName": family},
                    "Emails": [{"Value": answers["email"].strip(), "Type": "work", "Primary": True}]}, region),
                key="first-user", after={"UserName": user_name}, fixes=PREPARATION,
                undo=Call("identitystore", "DeleteUser",
                          {"IdentityStoreId": store, "UserId": Ref("first-user", "UserId")}, region)))
            user_id = Ref("first-user", "UserId")
            invite = sso_guidance.invite_user(user_name)
        members = state.get("members", {}).get(group_id, []) if isinstance(group_id, str) else []
        if not isinstance(user_id, str) or user_id not in (members if isinstance(members, list) else []):
            params = {"IdentityStoreId": store, "GroupId": group_id, "MemberId": {"UserId": user_id}}
            changes.append(Change(
                reason=f"Put {user_name} in the admin group.",
                call=Call("identitystore", "CreateGroupMembership", params, region), key="admin-membership",
                fixes=PREPARATION,
                undo=Call("identitystore", "DeleteGroupMembership",
                          {"IdentityStoreId": store, "MembershipId": Ref("admin-membership", "MembershipId")}, region)))

    if not assigned:
        params = {"InstanceArn": arn, "TargetId": account, "TargetType": "AWS_ACCOUNT",
                  "PermissionSetArn": admin_arn, "PrincipalType": "GROUP", "PrincipalId": group_id}
        changes.append(Change(
            reason=f"Give the admin group the {admin_name} permission set on account {account}.",
            call=Call("sso-admin", "CreateAccountAssignment", params, region),
            undo=Call("sso-admin", "DeleteAccountAssignment", params, region), retry_on=sso_guidance.RETRY_ON,
            fixes=(ASSIGNED.id,)))

    local = _cli_change(state, answers, admin_name)
    if local:
        changes.append(local)
    if invite:
        changes.append(invite)
    return Plan(INFO.id, changes=tuple(changes))


def _answer_errors(answers: Mapping[str, str]) -> dict[str, str]:
    inputs = {i.name: i for i in INFO.inputs}
    errors = {}
    for name, item in inputs.items():
        value = (answers.get(name) or "").strip()
        if value:
            error = item.check(value)
            if error:
                errors[name] = error
    if (answers.get("user_name") or "").strip():
        for name in ("email", "given_name", "family_name"):
            if not (answers.get(name) or "").strip():
                errors[name] = f"{inputs[name].label} is required to create the first user"
    return errors


def _cli_change(state: Mapping[str, Any], answers: Mapping[str, str], admin_name: str) -> Change | None:
    cli = state["cli"]
    account = _account(state)
    url = start_url(state)
    if is_unreadable(cli) or cli_config.find_sso_profile(cli["text"], url, account, admin_name):
        return None
    profile = (answers.get("cli_profile") or "").strip() or "admin"
    session = cli_config.find_sso_session(cli["text"], url) or SESSION_NAME
    region = state["instance"]["region"]
    updates = {
        f"sso-session {session}": {"sso_start_url": url, "sso_region": region,
                                   "sso_registration_scopes": "sso:account:access"},
        f"profile {profile}": {"sso_session": session, "sso_account_id": account, "sso_role_name": admin_name,
                               "region": region},
    }
    try:
        after = cli_config.merge(cli["text"], updates)
    except ValueError as error:
        return manual(f"Add the profile {profile} to {cli['path']} by hand: {error}.",
                      "https://docs.aws.amazon.com/cli/latest/userguide/sso-configure-profile-token.html",
                      "Run `aws configure sso` and answer with the start URL " + url, fixes=(CLI.id,))
    diff = cli_config.diff(cli["text"], after, cli["path"])
    existing = cli_config.sections(cli["text"])
    return Change(
        reason=f"Write the sso-session '{session}' and the profile '{profile}' to {cli['path']}, so that "
               f"`aws sso login --profile {profile}` signs you in (other profiles are kept; a backup is made first).",
        call=Call("local", "aws_config.write_sso_profile", {
            "path": cli["path"], "expected_sha256": cli["sha256"], "updates": updates, "diff": diff}),
        before={name: existing.get(name) for name in updates},
        after=updates,
        undo_note="The previous file is saved as a backup next to it (its path is in the journal); copy it back to undo.",
        fixes=(CLI.id,),
    )


def _enable_manually(state: Mapping[str, Any]) -> Change:
    org = state.get("organization")
    standalone = not (isinstance(org, Mapping) and not is_unreadable(org))
    steps = []
    if standalone:
        steps.append("This account is not in an organization. In the console choose 'Enable with AWS "
                     "Organizations': it creates an organization with this account as its management account "
                     "and the organization instance of Identity Center. " + WHAT_AN_ORGANIZATION_CHANGES)
    else:
        steps.append("Sign in to the organization's management account and open IAM Identity Center.")
    steps += [
        "Pick the region you want Identity Center in (your main region: it cannot move later) and choose Enable.",
        "Come back and re-check: the wizard then creates the permission sets, the admin group and the assignment.",
    ]
    return manual("Enable IAM Identity Center (organization instance) in the console.", CONSOLE_URL, *steps,
                  key="enable-identity-center", console_action="enable_identity_center", fixes=(ENABLED.id,))
