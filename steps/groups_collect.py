"""The groups step's reads; what they hold is :class:`State`."""

from __future__ import annotations

from functools import partial
from typing import Any, Callable, Mapping, TypedDict

from steps.base import OrUnreadable, is_unreadable
from steps.cloudshell_access import Holders, read_holders
from steps.iam_certificates import CertificateState, read_certificates
from steps.iam_policies import ADMIN_POLICY, SUPPORT_POLICY, SUPPORT_ROLE
from steps.policy import document as policy_document
from steps.keys_live import iso_when
from steps.shared_reads import credential_report, report_made_by_this_run


class UserState(TypedDict):
    attached: list[str]  # managed policy ARNs attached to the user directly
    inline: dict[str, Any]  # inline policy name -> document
    groups: list[str]
    mfa_devices: int | None  # ListMFADevices, read only for console users (None: not read, no verdict needs it);
    # from a credential report this run generated: 1 for "any", 0 for none
    console: bool  # whether it has a console password (a login profile): read live, or from a report this run generated


class GroupState(TypedDict):
    attached: list[str]
    inline: dict[str, Any]


class CustomPolicy(TypedDict):
    name: str
    document: Any  # the default version's document


class Analyzer(TypedDict):
    name: str
    type: str
    status: str


class State(TypedDict):
    caller: OrUnreadable[dict[str, str]]  # GetCallerIdentity
    users: OrUnreadable[dict[str, OrUnreadable[UserState]]]  # by user name
    groups: OrUnreadable[dict[str, OrUnreadable[GroupState]]]  # by group name
    custom_policies: OrUnreadable[dict[str, OrUnreadable[CustomPolicy]]]  # attached local policies, by ARN
    support_roles: OrUnreadable[list[str]]  # roles with AWSSupportAccess attached
    admin_roles: OrUnreadable[list[str]]  # roles with AdministratorAccess as a permissions policy
    support_role_exists: OrUnreadable[bool]  # whether SUPPORT_ROLE exists
    arns: dict[str, str]  # "user/NAME" and "group/NAME" -> its ARN (ListUsers, ListGroups), for the findings
    analyzers: dict[str, OrUnreadable[list[Analyzer]]]  # Access Analyzer analyzers by region
    server_certificates: CertificateState  # ListServerCertificates (steps/iam_certificates.py)
    cloudshell: OrUnreadable[Holders]  # who holds AWSCloudShellFullAccess (steps/cloudshell_access.py)


def collect(aws: Any) -> State:
    caller = aws.try_read("sts", "GetCallerIdentity")
    # Every user's and group's inline policies (with documents), attached policies and groups, a few
    # pages for the whole account instead of four reads per user. It omits login profiles, MFA devices
    # and access keys (IAM API Reference, GetAccountAuthorizationDetails: Filter, MaxItems, and
    # IsTruncated/Marker, which the paginator follows; IAM may return fewer than MaxItems).
    details = aws.try_read("iam", "GetAccountAuthorizationDetails", paginate=True, Filter=["User", "Group"])
    policies = aws.try_read("iam", "ListPolicies", paginate=True, Scope="Local", OnlyAttached=True)
    rows = {} if is_unreadable(policies) else {p["Arn"]: p for p in policies.get("Policies", [])}
    users = {} if is_unreadable(details) else {u["UserName"]: u for u in details.get("UserDetailList", [])}
    reported = _current_report(aws, users)
    # Then everything else at once, in one fan-out over the region pool: the account-wide reads, each
    # region's analyzers, each custom policy's document, each user's login and MFA devices. The pool
    # serves jobs in turn and on a large account the per-user jobs keep it full to the end, so a read
    # made after them (or waiting behind them) was a serial tail of the whole run (benchmarks/README.md,
    # "Eighth session").
    jobs: dict[Any, Callable[[], Any]] = {
        "support": lambda: aws.try_read("iam", "ListEntitiesForPolicy", paginate=True, PolicyArn=SUPPORT_POLICY,
                                        EntityFilter="Role", missing=("NoSuchEntity",)),
        # Roles holding AdministratorAccess (CIS 1.15 counts AWS managed policies too); users and groups
        # come with their attached lists above. PermissionsPolicy only: without the filter IAM also lists
        # the entities that use the policy as a permissions boundary, which grants nothing (IAM API
        # Reference, ListEntitiesForPolicy, PolicyUsageFilter).
        "admin_roles": lambda: aws.try_read("iam", "ListEntitiesForPolicy", paginate=True, PolicyArn=ADMIN_POLICY,
                                            EntityFilter="Role", PolicyUsageFilter="PermissionsPolicy"),
        "support_role": lambda: aws.try_read("iam", "GetRole", RoleName=SUPPORT_ROLE, missing=("NoSuchEntity",)),
        "server_certificates": lambda: read_certificates(aws),
        "cloudshell": lambda: read_holders(aws),
    }
    regions = aws.regions()
    jobs.update({("analyzers", region): partial(_analyzers, aws, region) for region in regions})
    jobs.update({("policy", arn): partial(_policy, aws, rows[arn]) for arn in sorted(rows)})
    jobs.update({("user", name): partial(_login_and_mfa, aws, name) for name in sorted(users) if name not in reported})
    done = aws.per_region(lambda key: jobs[key](), list(jobs))

    state: Any = {"caller": caller, "arns": {}}
    if is_unreadable(details):
        state["users"] = state["groups"] = details
    else:
        state["users"] = _users(users, {name: _from_report(reported[name]) if name in reported else done[("user", name)]
                                        for name in users})
        groups = {g["GroupName"]: g for g in details.get("GroupDetailList", [])}
        state["groups"] = {name: _policies(groups[name], "Group") for name in sorted(groups)}
        for kind, found in (("user", users), ("group", groups)):
            state["arns"].update((f"{kind}/{name}", row["Arn"]) for name, row in found.items() if row.get("Arn"))
    state["custom_policies"] = policies if is_unreadable(policies) else {arn: done[("policy", arn)]
                                                                          for arn in sorted(rows)}
    state["admin_roles"] = _role_names(done["admin_roles"])
    state["support_roles"] = _role_names(done["support"])
    role = done["support_role"]
    state["support_role_exists"] = role if is_unreadable(role) else role is not None
    state["analyzers"] = {region: done[("analyzers", region)] for region in regions}
    state["server_certificates"] = done["server_certificates"]
    state["cloudshell"] = done["cloudshell"]
    return state


def _role_names(answer: Any) -> Any:
    """The role names of a ListEntitiesForPolicy answer, sorted (None: no such policy), or the unreadable marker."""
    return answer if is_unreadable(answer) else sorted(r["RoleName"] for r in (answer or {}).get("PolicyRoles", []))


def _analyzers(aws: Any, region: str) -> list[Analyzer]:
    answer = aws.read("accessanalyzer", "ListAnalyzers", region, paginate=True)
    return [{"name": a["name"], "type": a["type"], "status": a.get("status", "")} for a in answer.get("analyzers", [])]


def _users(users: Mapping[str, Any], live: Mapping[str, tuple[Any, Any]]) -> dict[str, Any]:
    """Each user's state. The console password and MFA devices are read live, per user: the credential
    report has them too, but may be up to four hours old (steps/keys_live.py), and "add an MFA device,
    then re-check" must see the device at once. MFA devices are read only for console users: the only
    verdict that needs them is "console user without MFA"."""
    out: dict[str, Any] = {}
    for name in sorted(users):
        login, mfa = live[name]
        failed = next((r for r in (login, mfa) if is_unreadable(r)), None)
        out[name] = failed if failed is not None else {
            **_policies(users[name], "User"),
            "groups": sorted(users[name].get("GroupList", [])),
            "mfa_devices": mfa,
            "console": login is not None,
        }
    return out


def _current_report(aws: Any, users: Mapping[str, Any]) -> dict[str, Mapping[str, str]]:
    """The credential report's user rows by name when this run's request generated the report (then its
    passwords and MFA are as current as the live reads; steps/shared_reads.py), else none: every user's
    login and MFA devices are read live. A user the report does not show as the same user (created
    since, or deleted and made again under its name: another creation time) is read live either way."""
    rows = credential_report(aws)
    if is_unreadable(rows) or not report_made_by_this_run(aws):
        return {}
    return {r["user"]: r for r in rows if r.get("user") in users and r["user"] != "<root_account>"
            and iso_when(r.get("user_creation_time")) == iso_when(users[r["user"]].get("CreateDate"))
            and iso_when(r.get("user_creation_time")) is not None}


def _from_report(row: Mapping[str, str]) -> tuple[Any, Any]:
    """What :func:`_login_and_mfa` would answer, from a current report row: a console password ({}: one
    exists) and, for a console user, 1 when an MFA device is enabled, else 0 (the only verdict that uses
    the count asks whether there is any)."""
    if str(row.get("password_enabled")).lower() != "true":
        return None, None
    return {}, 1 if str(row.get("mfa_active")).lower() == "true" else 0


def _login_and_mfa(aws: Any, name: str) -> tuple[Any, Any]:
    """A user's login profile (None: no console password) and, for a console user, how many MFA devices
    it has (else None); either may be the unreadable marker. One job per user: its MFA read follows its
    own login read instead of every user's (that barrier emptied the region pool near the end of a
    large account's run; benchmarks/README.md, "Eighth session")."""
    login = aws.try_read("iam", "GetLoginProfile", UserName=name, missing=("NoSuchEntity",))
    if login is None or is_unreadable(login):
        return login, None
    devices = aws.try_read("iam", "ListMFADevices", paginate=True, UserName=name)
    return login, devices if is_unreadable(devices) else len(devices.get("MFADevices", []))


def _policies(row: Mapping[str, Any], kind: str) -> GroupState:
    """The managed policies attached to a user or group (``kind`` "User" or "Group") and its inline ones,
    from its GetAccountAuthorizationDetails row."""
    inline = {p["PolicyName"]: _doc(p["PolicyDocument"])
              for p in sorted(row.get(f"{kind}PolicyList", []), key=lambda p: p["PolicyName"])}
    return {"attached": sorted(p["PolicyArn"] for p in row.get("AttachedManagedPolicies", [])), "inline": inline}


def _policy(aws: Any, row: Mapping[str, Any]) -> CustomPolicy:
    version = aws.read("iam", "GetPolicyVersion", PolicyArn=row["Arn"], VersionId=row["DefaultVersionId"])
    return {"name": row["PolicyName"], "document": _doc(version["PolicyVersion"]["Document"])}


def _doc(document: Any) -> Any:
    """A policy document as a dict (botocore decodes IAM's URL-encoded JSON; be lenient anyway)."""
    if isinstance(document, str):
        return policy_document(document) or {"unparsed": document}
    return document
