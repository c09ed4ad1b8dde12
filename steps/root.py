"""Root user: locked away behind MFA, without access keys, not used for daily work.

Every fix here is console-only (AWS offers no API to enable root MFA or to delete root keys from
inside the account), so the plan is a list of manual changes with the exact console path; the
interfaces wait while the person acts, then re-check.
"""

from __future__ import annotations

import datetime
from dataclasses import replace
from typing import Any, Mapping, TypedDict

from steps.base import Finding, OrUnreadable, Plan, Severity, Status, StepInfo, is_unreadable, manual, reason_of
from steps.checks import ACCOUNT, CONSOLE, LOCAL, Check
from steps.shared_reads import credential_report, report_time as _parse

ADMIN_POLICY_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"
RECENT_DAYS = 90

SECURITY_CREDENTIALS_URL = "https://console.aws.amazon.com/iam/home#/security_credentials"
CREATE_USER_URL = "https://console.aws.amazon.com/iam/home#/users/create"
IDENTITY_CENTER_URL = "https://console.aws.amazon.com/singlesignon/home"

# Manual change key -> the console task it stands for (Change.console_action; the sandbox simulates it).
SANDBOX_CONSOLE_ACTIONS = {
    "root-mfa": "enable_root_mfa",
    "root-hardware-mfa": "enable_root_hardware_mfa",
    "root-access-keys": "remove_root_keys",
    "wizard-as-root": "stop_using_root",
}

MFA = Check("root-mfa", "Root user has MFA enabled", Severity.CRITICAL, ("1.4",), ("IAM.9",), CONSOLE)
HARDWARE_MFA = Check("root-hardware-mfa", "Root user MFA is a hardware device", Severity.HIGH, ("1.5",), ("IAM.6",),
                     CONSOLE)
KEYS = Check("root-access-keys", "Root user has no access keys", Severity.CRITICAL, ("1.3",), ("IAM.4",), CONSOLE)
USAGE = Check("root-usage", "Root user is not used for daily work", Severity.HIGH, ("1.6",), (), CONSOLE)
NON_ROOT_ADMIN = Check("non-root-admin", "An administrator other than root exists", Severity.HIGH, (), (), CONSOLE,
                       scope=ACCOUNT)
CALLER = Check("wizard-as-root", "The wizard does not run as root", Severity.HIGH, ("1.6",), (), CONSOLE, scope=LOCAL)
CHECKS = (MFA, HARDWARE_MFA, KEYS, USAGE, NON_ROOT_ADMIN, CALLER)


INFO = StepInfo(
    id="root",
    title="Root user",
    short="Root user",
    why=(
        "The root user is the one identity that can do anything in the account, including closing it, "
        "and no policy can limit it. If its password or keys leak, nothing else you configure will "
        "protect you. Put a second factor on it, delete any root access keys, and do everyday work "
        "as an administrator that is not root, keeping root for the few tasks only it can do."
    ),
    guide_section="Root User",
    severity=Severity.CRITICAL,
    reads=(
        "sts:GetCallerIdentity",
        "iam:GetAccountSummary",
        "iam:ListVirtualMFADevices",
        "iam:GenerateCredentialReport",
        "iam:GetCredentialReport",
        "iam:ListEntitiesForPolicy",
        "iam:GetGroup",
        "sso:ListInstances",
        "sso:ListPermissionSets",
        "sso:ListManagedPoliciesInPermissionSet",
        "iam:ListOrganizationsFeatures",
    ),
    writes=(),
    checks=CHECKS,
)

ROOT = "root"  # the resource of every finding here


# --- collect ------------------------------------------------------------------------------------


class Admins(TypedDict):
    """The principals holding AdministratorAccess other than root."""

    users: list[str]
    roles: list[str]
    groups: dict[str, OrUnreadable[list[str]]]  # group name -> its member user names
    permission_sets: OrUnreadable[list[str]]  # ARNs of Identity Center permission sets with the policy


class State(TypedDict):
    caller_arn: OrUnreadable[str | None]  # GetCallerIdentity
    account_id: str | None
    summary: OrUnreadable[dict[str, int | None]]  # GetAccountSummary: AccountMFAEnabled, AccountAccessKeysPresent,
    # AccountPasswordPresent
    root_virtual_mfa: OrUnreadable[list[str]]  # serial numbers of the root user's virtual MFA devices
    root_row: OrUnreadable[dict[str, str | None] | None]  # the credential report's <root_account> row (some columns)
    admins: OrUnreadable[Admins]
    central_root: OrUnreadable[dict[str, Any] | None]  # ListOrganizationsFeatures from the management account;
    # None: not a member reached that way
    now: str  # when it was read (ISO 8601), the reference for "recently used"


def collect(aws: Any) -> State:
    identity = aws.try_read("sts", "GetCallerIdentity")
    summary = aws.try_read("iam", "GetAccountSummary")
    if not is_unreadable(summary):
        summary = {k: (summary or {}).get("SummaryMap", {}).get(k)
                   for k in ("AccountMFAEnabled", "AccountAccessKeysPresent", "AccountPasswordPresent")}
    devices = aws.try_read("iam", "ListVirtualMFADevices", paginate=True)
    if not is_unreadable(devices):
        devices = [d.get("SerialNumber", "") for d in (devices or {}).get("VirtualMFADevices", [])
                   if str(d.get("User", {}).get("Arn", "")).endswith(":root")
                   or str(d.get("SerialNumber", "")).endswith("/root-account-mfa-device")]
    return {
        "caller_arn": identity if is_unreadable(identity) else identity.get("Arn"),
        "account_id": None if is_unreadable(identity) else identity.get("Account"),
        "summary": summary,
        "root_virtual_mfa": devices,
        "root_row": _root_row(aws),
        "admins": _admins(aws),
        "central_root": _central_root(aws),
        "now": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }


def _root_row(aws: Any) -> Any:
    """The credential report's <root_account> row (generating the report first if needed)."""
    rows = credential_report(aws)
    if is_unreadable(rows):
        return rows
    for row in rows:
        if row.get("user") == "<root_account>":
            return {k: row.get(k) for k in (
                "password_last_used", "mfa_active", "access_key_1_active", "access_key_1_last_used_date",
                "access_key_2_active", "access_key_2_last_used_date")}
    return None


def _admins(aws: Any) -> Any:
    """Non-root principals with AdministratorAccess, and Identity Center admin permission sets."""
    entities = aws.try_read("iam", "ListEntitiesForPolicy", paginate=True, PolicyArn=ADMIN_POLICY_ARN)
    if is_unreadable(entities):
        return entities
    entities = entities or {}
    users = [u["UserName"] for u in entities.get("PolicyUsers", [])]
    roles = [r["RoleName"] for r in entities.get("PolicyRoles", [])]
    group_members: dict[str, Any] = {}
    for group in entities.get("PolicyGroups", []):
        answer = aws.try_read("iam", "GetGroup", paginate=True, GroupName=group["GroupName"])
        group_members[group["GroupName"]] = answer if is_unreadable(answer) else [
            u["UserName"] for u in (answer or {}).get("Users", [])]
    return {"users": users, "roles": roles, "groups": group_members,
            "permission_sets": _admin_permission_sets(aws)}


def _central_root(aws: Any) -> Any:
    """The organization's centralized root access features, as seen from a member account.

    iam:ListOrganizationsFeatures answers only in the management account (a member gets
    AccountNotManagementOrDelegatedAdministratorException), so in an --org run it is read with the
    management account's access (``aws.parent``). None: not a member reached that way, or no organization;
    centralized root access never applies to the management account itself."""
    parent = getattr(aws, "parent", None)
    if parent is None:
        return None
    return parent.try_read("iam", "ListOrganizationsFeatures", missing=(
        "OrganizationNotFoundException", "ServiceAccessNotEnabledException", "OrganizationNotInAllFeaturesModeException",
        "AccountNotManagementOrDelegatedAdministratorException"))


def _admin_permission_sets(aws: Any) -> Any:
    # Identity Center lives in one region, whichever the owner chose: look in every region (the sso
    # step makes the same reads, so a full run makes each once).
    found = aws.per_region(
        lambda region: aws.read("sso-admin", "ListInstances", region, paginate=True).get("Instances", []))
    unread = [v for v in found.values() if is_unreadable(v)]
    located = [(r, rows[0]) for r, rows in sorted(found.items()) if not is_unreadable(rows) and rows]
    if not located:
        return unread[0] if unread else []
    region, instance = located[0]
    arn = instance["InstanceArn"]
    sets = aws.try_read("sso-admin", "ListPermissionSets", region, paginate=True, InstanceArn=arn)
    if is_unreadable(sets):
        return sets
    admin_sets = []
    for ps in (sets or {}).get("PermissionSets", []):
        managed = aws.try_read("sso-admin", "ListManagedPoliciesInPermissionSet", region, paginate=True,
                               InstanceArn=arn, PermissionSetArn=ps)
        if not is_unreadable(managed) and any(
                p.get("Arn") == ADMIN_POLICY_ARN for p in (managed or {}).get("AttachedManagedPolicies", [])):
            admin_sets.append(ps)
    return admin_sets


# --- evaluate -----------------------------------------------------------------------------------


def _days_ago(value: Any, now: datetime.datetime) -> int | None:
    when = _parse(value)
    return None if when is None else max(0, (now - when).days)


def is_root_arn(arn: Any) -> bool:
    return isinstance(arn, str) and arn.startswith("arn:") and arn.endswith(":root")


ROOT_CALLER_ADVICE = (
    "Run the wizard as an administrator that is not root: an IAM Identity Center user with an "
    "administrator permission set (`aws configure sso`), or an IAM role you assume. Delete the root "
    "access keys this run used once that administrator works."
)


def evaluate(state: Mapping[str, Any]) -> list[Finding]:
    now = _parse(state.get("now")) or datetime.datetime.now(datetime.timezone.utc)
    findings = [
        _mfa(state),
        _hardware_mfa(state),
        _keys(state),
        _usage(state, now),
        _non_root_admin(state),
        _caller(state),
    ]
    # the root user's own findings name it by its ARN, arn:<partition>:iam::<account>:root (IAM identifiers)
    caller, account = state.get("caller_arn"), state.get("account_id")
    if account and isinstance(caller, str) and caller.startswith("arn:"):
        root_arn = f"arn:{caller.split(':')[1]}:iam::{account}:root"
        findings = [replace(f, resource=root_arn) if f.resource == ROOT and not f.local else f for f in findings]
    return findings


def no_root_credentials(state: Mapping[str, Any]) -> bool:
    """A member account whose root password and keys the organization removed centrally: there is no
    root sign-in to protect with MFA (IAM User Guide, "Centrally manage root access for member accounts")."""
    central, summary = state.get("central_root"), state["summary"]
    return (isinstance(central, Mapping) and not is_unreadable(central)
            and "RootCredentialsManagement" in (central.get("EnabledFeatures") or [])
            and isinstance(summary, Mapping) and not is_unreadable(summary)
            and summary.get("AccountPasswordPresent") == 0 and summary.get("AccountAccessKeysPresent") == 0)


CENTRAL_ROOT = ("This member account has no root password or access keys: the organization manages root access "
                "centrally (RootCredentialsManagement), so there is no root sign-in to protect.")


def _mfa(state: Mapping[str, Any]) -> Finding:
    summary = state["summary"]
    if is_unreadable(summary):
        return MFA.unknown(reason_of(summary), resource=ROOT)
    if no_root_credentials(state):
        return MFA.passed(CENTRAL_ROOT, resource=ROOT)
    if summary.get("AccountMFAEnabled") == 1:
        return MFA.passed("The root user signs in with a second factor.", resource=ROOT)
    return MFA.failed("The root user has no MFA: anyone with its password controls the whole account.", resource=ROOT)


def _hardware_mfa(state: Mapping[str, Any]) -> Finding:
    summary, devices = state["summary"], state["root_virtual_mfa"]
    for value in (summary, devices):
        if is_unreadable(value):
            return HARDWARE_MFA.unknown(reason_of(value), resource=ROOT)
    if no_root_credentials(state):
        return HARDWARE_MFA.passed(CENTRAL_ROOT, resource=ROOT)
    if summary.get("AccountMFAEnabled") != 1:
        return HARDWARE_MFA.failed("The root user has no MFA device at all.", resource=ROOT)
    if devices:
        return HARDWARE_MFA.failed(
            "Root MFA is a virtual (phone app) device; a hardware key or passkey is harder to steal.", resource=ROOT)
    return HARDWARE_MFA.passed("Root MFA is a hardware device.", resource=ROOT)


def _keys(state: Mapping[str, Any]) -> Finding:
    summary = state["summary"]
    if is_unreadable(summary):
        return KEYS.unknown(reason_of(summary), resource=ROOT)
    if summary.get("AccountAccessKeysPresent"):
        return KEYS.failed("The root user has access keys: a leaked key gives unlimited API access that no "
                           "policy can restrict.", resource=ROOT)
    return KEYS.passed("The root user has no access keys.", resource=ROOT)


def _usage(state: Mapping[str, Any], now: datetime.datetime) -> Finding:
    row = state["root_row"]
    if is_unreadable(row):
        return USAGE.unknown(reason_of(row), resource=ROOT)
    if row is None:
        return USAGE.unknown("the credential report has no <root_account> row", resource=ROOT)
    password = _days_ago(row.get("password_last_used"), now)
    keys = [d for d in (_days_ago(row.get(f"access_key_{n}_last_used_date"), now) for n in (1, 2)) if d is not None]
    key_days = min(keys) if keys else None
    summary = state["summary"]
    keys_gone = not is_unreadable(summary) and (summary or {}).get("AccountAccessKeysPresent") == 0
    if key_days is not None and key_days <= RECENT_DAYS and keys_gone:
        # the credential report (reused for up to 4 hours) still shows a key GetAccountSummary says is gone
        return USAGE.passed(f"The root access key used {key_days} day(s) ago has been deleted (the credential "
                            "report, up to 4 hours old, still shows its use).", resource=ROOT)
    if key_days is not None and key_days <= RECENT_DAYS:
        return USAGE.failed(f"A root access key was used {key_days} day(s) ago: something runs with root "
                            "credentials. Move it to an IAM role or an Identity Center user, then delete the key.",
                            resource=ROOT)
    if password is not None and password <= RECENT_DAYS:
        return USAGE.manual(f"Someone signed in as root {password} day(s) ago. That is expected for root-only "
                            "tasks (setting up MFA, changing the support plan); if it was anything else, use "
                            "an administrator that is not root.", resource=ROOT)
    return USAGE.passed(f"Root has not been used in the last {RECENT_DAYS} days.", resource=ROOT)


def admin_paths(admins: Mapping[str, Any]) -> list[str]:
    """Human-readable list of the non-root administrator paths found."""
    paths = [f"user {u}" for u in admins.get("users", [])]
    paths += [f"role {r}" for r in admins.get("roles", [])]
    for group, members in admins.get("groups", {}).items():
        if isinstance(members, list) and members:
            paths.append(f"group {group} ({', '.join(members)})")
    permission_sets = admins.get("permission_sets")
    if isinstance(permission_sets, list):
        paths += [f"Identity Center permission set {p.rsplit('/', 1)[-1]}" for p in permission_sets]
    return paths


def _non_root_admin(state: Mapping[str, Any]) -> Finding:
    admins = state["admins"]
    if is_unreadable(admins):
        return NON_ROOT_ADMIN.unknown(reason_of(admins))
    paths = admin_paths(admins)
    if paths:
        return NON_ROOT_ADMIN.passed("Administrators: " + "; ".join(paths) + ".")
    unread = [g for g, m in admins.get("groups", {}).items() if is_unreadable(m)]
    if unread:
        return NON_ROOT_ADMIN.unknown(f"could not read the members of group {unread[0]}: "
                                      f"{reason_of(admins['groups'][unread[0]])}")
    return NON_ROOT_ADMIN.failed("No user, role or Identity Center permission set has AdministratorAccess, so daily "
                                 "administration can only be done as root.")


def _caller(state: Mapping[str, Any]) -> Finding:
    arn = state["caller_arn"]
    if is_unreadable(arn):
        return CALLER.unknown(reason_of(arn), resource=ROOT)
    if is_root_arn(arn):
        return CALLER.failed("WARNING: this wizard is running with the root user's credentials. " + ROOT_CALLER_ADVICE,
                             resource=ROOT)
    return CALLER.passed(f"The wizard runs as {arn}.", resource=ROOT)


# --- plan ---------------------------------------------------------------------------------------


def plan(state: Mapping[str, Any], answers: Mapping[str, str]) -> Plan:
    """Console-only fixes for every failing root check, in the order a person would do them."""
    failing = {f.check for f in evaluate(state) if f.status is Status.FAIL}
    changes = []
    notes = []
    if "wizard-as-root" in failing:
        notes.append("WARNING: the wizard is running as the root user. " + ROOT_CALLER_ADVICE)
    if "non-root-admin" in failing:
        changes.append(manual(
            "Create an administrator that is not root, for daily work.", IDENTITY_CENTER_URL,
            "Preferred: enable IAM Identity Center (next steps of this wizard), create a user and give it "
            "an administrator permission set for this account.",
            f"Or: open IAM > Users > Create user ({CREATE_USER_URL}), add the user to a group with the "
            "AdministratorAccess policy, and give it a password and MFA.",
            "Sign out of root and sign in as that administrator.",
            key="non-root-admin", fixes=("non-root-admin",),
        ))
    if "root-mfa" in failing or "root-hardware-mfa" in failing:
        hardware_only = "root-mfa" not in failing
        changes.append(manual(
            "Replace the root user's virtual MFA with a hardware key or passkey." if hardware_only
            else "Turn on MFA for the root user (a hardware key or passkey is best).",
            SECURITY_CREDENTIALS_URL,
            "Sign in to the console as the root user (the account's email address and password).",
            "Open the account menu (top right) > Security credentials.",
            "Under Multi-factor authentication (MFA), choose Assign MFA device.",
            "Pick Passkey or security key (hardware) or, if you have none yet, Authenticator app; "
            "follow the prompts and store the recovery details in a safe place.",
            key="root-hardware-mfa" if hardware_only else "root-mfa",
            fixes=("root-hardware-mfa",) if hardware_only else ("root-mfa", "root-hardware-mfa"),
        ))
    if "root-access-keys" in failing or ("root-usage" in failing and "root-access-keys" not in failing):
        changes.append(manual(
            "Delete the root user's access keys.", SECURITY_CREDENTIALS_URL,
            "First move anything that uses them (scripts, CI, tools) to an IAM role or Identity Center user.",
            "Sign in as root, open the account menu > Security credentials > Access keys.",
            "For each key: Actions > Deactivate, check nothing breaks, then Actions > Delete.",
            key="root-access-keys", fixes=("root-access-keys", "root-usage"),
        ))
    if "wizard-as-root" in failing:
        changes.append(manual(
            "Stop running this wizard as root.", IDENTITY_CENTER_URL,
            "Set up a non-root administrator (see above) and configure the CLI with `aws configure sso`.",
            "Run the wizard again with --profile <that profile>.",
            key="wizard-as-root", fixes=("wizard-as-root",),
        ))
    changes = [replace(c, console_action=SANDBOX_CONSOLE_ACTIONS.get(c.key, "")) for c in changes]
    return Plan(INFO.id, changes=tuple(changes), notes=tuple(notes))
