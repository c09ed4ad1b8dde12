"""Key rotation: old, unused and doubled access keys, idle console passwords, the password policy.

The credential report is the source of every date (creation, last use, password use); the key
ids come from ListAccessKeys, matched to the report's two key slots by creation time (the reads are
in steps/keys_collect.py).

Rotation follows AWS's order. For the caller's own key: create the new key, store it in the OS
keyring and switch to it, verify it with sts:GetCallerIdentity, and only then deactivate the old
key (risky: typed account id); its deletion is offered on a later run. Another user's key is never
created here, since nobody could read its secret: the rotation is a manual change (the person who
uses the key creates the new one), and a later run deactivates the old key once the new one is in
use and the old one is not.
"""

from __future__ import annotations

import datetime
from dataclasses import replace
from typing import Any, Mapping

from steps.base import (
    PREPARATION, Call, Change, Finding, Input, Plan, Ref, Severity, Status, StepInfo, is_unreadable, manual, reason_of,
)
from steps.checks import ACCOUNT, AUTOMATIC, Check
from steps.credentials_file_change import update_credentials_file
from steps.keys_collect import (  # noqa: F401  (the reads live there; names kept for callers)
    State, _caller_key_id, _credential_report, _user_state, collect,
)
from steps.keys_live import READS as LIVE_READS, live_users, report_age_note  # noqa: F401
from steps.validators import YES_NO, validate_yes_no

MAX_KEY_AGE_DAYS = 90
UNUSED_DAYS = 45
MIN_PASSWORD_LENGTH = 14
PASSWORD_REUSE = 24
MAX_PASSWORD_AGE = 90
SETUP_WINDOW = datetime.timedelta(hours=1)  # a key made this close to its user was made "at setup"

USERS_CONSOLE = "https://console.aws.amazon.com/iam/home#/users"
POLICY_FIELDS = (
    "MinimumPasswordLength", "RequireSymbols", "RequireNumbers", "RequireUppercaseCharacters",
    "RequireLowercaseCharacters", "AllowUsersToChangePassword", "MaxPasswordAge", "PasswordReusePrevention",
    "HardExpiry",
)


KEY_AGE = Check("key-age", "Access keys are rotated every 90 days or less", Severity.HIGH, ("1.13",), ("IAM.3",),
                AUTOMATIC)
UNUSED = Check("unused-credentials", "Credentials unused for 45 days are disabled", Severity.MEDIUM, ("1.11",),
               ("IAM.22",), AUTOMATIC)
ONE_KEY = Check("one-active-key", "Each user has at most one active access key", Severity.MEDIUM, ("1.12",), (),
                AUTOMATIC)
SETUP_KEYS = Check("setup-keys", "No unused access keys made when a console user was created", Severity.LOW,
                   ("1.10",), (), AUTOMATIC)
PW_LENGTH = Check("password-length", "Password policy requires 14 characters or more", Severity.MEDIUM, ("1.7",),
                  ("IAM.15",), AUTOMATIC, scope=ACCOUNT)
PW_REUSE = Check("password-reuse", "Password policy prevents reusing the last 24", Severity.MEDIUM, ("1.8",),
                 ("IAM.16",), AUTOMATIC, scope=ACCOUNT)
PW_MAX_AGE = Check("password-max-age", "Password policy sets a maximum password age of 90 days", Severity.LOW,
                   (), ("IAM.7",), AUTOMATIC, scope=ACCOUNT)
CHECKS = (KEY_AGE, UNUSED, ONE_KEY, SETUP_KEYS, PW_LENGTH, PW_REUSE, PW_MAX_AGE)


INFO = StepInfo(
    id="keys",
    title="Access keys and passwords",
    short="Access keys",
    why=(
        "An access key is a password that never expires by itself: the longer it lives and the more "
        "places it is copied to, the likelier it leaks. Replacing keys regularly, switching off the ones "
        "nobody uses, and keeping one key per user limit what a leaked key can do. A strong password "
        "policy does the same for console sign-in."
    ),
    guide_section="Key Rotation",
    severity=Severity.HIGH,
    reads=("sts:GetCallerIdentity", "iam:GenerateCredentialReport", "iam:GetCredentialReport",
           "iam:GetAccountPasswordPolicy", "iam:ListAccessKeys", *LIVE_READS),
    writes=("iam:UpdateAccountPasswordPolicy", "iam:DeleteAccountPasswordPolicy", "iam:CreateAccessKey",
            "iam:UpdateAccessKey", "iam:DeleteAccessKey", "iam:DeleteLoginProfile"),
    inputs=(
        Input("delete_replaced_keys", "Delete replaced keys", validate_yes_no, required=False, default="no",
              choices=YES_NO,
              help="yes deletes the inactive keys whose replacement is already in use (this cannot be undone)"),
    ),
    checks=CHECKS,
)

# --- analysis shared by evaluate and plan ----------------------------------------------------------


def _dt(value: str | None) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(value) if value else None


def _days(now: datetime.datetime, value: str | None) -> int | None:
    when = _dt(value)
    return None if when is None else (now - when).days


def _analyse(state: Mapping[str, Any]) -> dict[str, Any]:
    """What is wrong with each user's credentials and what the plan does about it.

    Returns lists of problems per check and ``actions`` (what the plan will do, in order).
    """
    now = _dt(state["now"])
    caller = state.get("caller") or {}
    own_key, own_user = caller.get("key_id"), caller.get("user")
    out: dict[str, Any] = {"old": [], "unused": [], "doubled": [], "setup": [], "unknown": [], "actions": [],
                           "deletable": []}
    for user in state["users"]:
        name = user["user"]
        keys = user["keys"]
        if is_unreadable(keys):
            out["unknown"].append((name, reason_of(keys)))
            continue
        active = [k for k in keys if k["active"]]
        retiring: set[str] = set()  # keys the plan deactivates because nobody uses them
        for key in active:
            unused = _days(now, key["last_used"] or key["created"])
            age = _days(now, key["created"])
            at_setup = (user["password_enabled"] and key["last_used"] is None and user["created"]
                        and abs(_dt(key["created"]) - _dt(user["created"])) <= SETUP_WINDOW)
            own = key["id"] == own_key
            if age is not None and age > MAX_KEY_AGE_DAYS:
                out["old"].append({"user": name, "key": key, "days": age, "own": own})
            if unused is not None and unused >= UNUSED_DAYS:
                out["unused"].append({"user": name, "key": key, "days": unused, "own": own})
            if at_setup:
                out["setup"].append({"user": name, "key": key, "own": own})
            if not own and ((unused is not None and unused >= UNUSED_DAYS) or at_setup):
                retiring.add(key["id"])
                why = ("it was made with the user and has never been used" if at_setup and not key["last_used"]
                       else f"it has not been used for {unused} days")
                out["actions"].append({"kind": "deactivate-unused", "user": name, "key": key, "why": why})
        if len(active) > 1:
            out["doubled"].append({"user": name, "keys": active})
        staying = [k for k in active if k["id"] not in retiring]
        if len(staying) == 2:
            out["actions"].append(_pair_action(name, staying, own_key))
        elif len(staying) == 1 and (_days(now, staying[0]["created"]) or 0) > MAX_KEY_AGE_DAYS:
            key = staying[0]
            if len(keys) >= 2:
                out["actions"].append({"kind": "no-slot", "user": name, "key": key,
                                       "other": next(k for k in keys if k["id"] != key["id"])})
            elif key["id"] == own_key:
                out["actions"].append({"kind": "rotate-own", "user": name, "key": key})
            else:
                out["actions"].append({"kind": "rotate-other", "user": name, "key": key,
                                       "days": _days(now, key["created"])})
        for old in keys:
            if old["active"]:
                continue
            # ">=": last-used times have one-second resolution, and an inactive key cannot be used
            # again, so a replacement used in the same second as the old key's last use took over.
            newer = [k for k in active if k["created"] > old["created"] and k["last_used"]
                     and k["last_used"] >= (old["last_used"] or old["created"])]
            if newer:
                out["deletable"].append({"user": name, "key": old, "replacement": newer[0]})
        if user["password_enabled"] and name != own_user:
            last = user["password_last_used"] or user["password_last_changed"] or user["created"]
            idle = _days(now, last)
            if idle is not None and idle >= UNUSED_DAYS:
                out["unused"].append({"user": name, "password": True, "days": idle})
                out["actions"].append({"kind": "remove-password", "user": name, "days": idle,
                                       "never": user["password_last_used"] is None})
        elif user["password_enabled"]:
            idle = _days(now, user["password_last_used"] or user["password_last_changed"] or user["created"])
            if idle is not None and idle >= UNUSED_DAYS:
                out["unused"].append({"user": name, "password": True, "days": idle, "own": True})
    return out


def _pair_action(user: str, pair: list[dict], own_key: str | None) -> dict[str, Any]:
    """Two active keys: finish a rotation when the newer key is in use and the older one is not."""
    older, newer = sorted(pair, key=lambda k: k["created"])
    if newer["last_used"] and (older["last_used"] is None or older["last_used"] < newer["created"]):
        if older["id"] == own_key:
            return {"kind": "switch-own", "user": user, "key": older, "newer": newer}
        return {"kind": "deactivate-replaced", "user": user, "key": older, "newer": newer}
    if not newer["last_used"]:
        return {"kind": "waiting", "user": user, "key": older, "newer": newer}
    return {"kind": "both-used", "user": user, "key": older, "newer": newer}


OWN_KEY_WARNING = (" It is the key this wizard was started with: tools that read it from ~/.aws/credentials or the "
                   "environment lose access to AWS until they are given the new key.")
_AUTOMATIC = {"deactivate-unused", "deactivate-replaced", "rotate-own", "remove-password"}


def _fixable_keys(analysis: Mapping[str, Any]) -> set[str]:
    return {a["key"]["id"] for a in analysis["actions"] if a["kind"] in _AUTOMATIC and "key" in a}


# --- evaluate --------------------------------------------------------------------------------------


def evaluate(state: Mapping[str, Any]) -> list[Finding]:
    findings = _password_findings(state.get("password_policy"))
    users = state["users"]
    key_checks = (KEY_AGE, UNUSED, ONE_KEY, SETUP_KEYS)
    if is_unreadable(users):
        return [c.unknown(reason_of(users)) for c in key_checks] + findings
    analysis = _analyse(state)
    fixable = _fixable_keys(analysis)
    waiting = {a["user"]: a for a in analysis["actions"] if a["kind"] in ("waiting", "both-used", "switch-own")}
    passwords = {a["user"] for a in analysis["actions"] if a["kind"] == "remove-password"}
    found: dict[Check, list[Finding]] = {c: [] for c in key_checks}
    for item in analysis["old"]:
        key, user = item["key"], item["user"]
        extra = " It is the key this run uses: the plan rotates it safely." if item["own"] else ""
        if user in waiting:
            extra = f" A newer key ({waiting[user]['newer']['id']}) exists: finish the rotation."
        found[KEY_AGE].append(KEY_AGE.failed(f"{user}'s key {key['id']} is {item['days']} days old.{extra}",
                                             resource=f"{user}/{key['id']}", fixable=key["id"] in fixable))
    for item in analysis["unused"]:
        user = item["user"]
        if item.get("password"):
            own = (" It is the caller's own user: remove it yourself if nobody signs in with it." if item.get("own")
                   else "")
            found[UNUSED].append(UNUSED.failed(
                f"{user}'s console password has not been used for {item['days']} days.{own}",
                resource=f"{user}/console-password", fixable=user in passwords))
        else:
            key = item["key"]
            found[UNUSED].append(UNUSED.failed(f"{user}'s key {key['id']} has not been used for {item['days']} days.",
                                               resource=f"{user}/{key['id']}", fixable=key["id"] in fixable))
    for item in analysis["doubled"]:
        ids = [k["id"] for k in item["keys"]]
        found[ONE_KEY].append(ONE_KEY.failed(f"{item['user']} has {len(ids)} active keys: {', '.join(ids)}.",
                                             resource=item["user"], fixable=any(i in fixable for i in ids)))
    for item in analysis["setup"]:
        key = item["key"]
        found[SETUP_KEYS].append(SETUP_KEYS.failed(
            f"{item['user']} signs in to the console and got key {key['id']} at creation; it was never used.",
            resource=f"{item['user']}/{key['id']}", fixable=key["id"] in fixable))
    for name, reason in analysis["unknown"]:
        for check in key_checks:
            found[check].append(check.unknown(reason, resource=name))
    passes = {
        KEY_AGE: "Every active access key is 90 days old or younger.",
        UNUSED: "Every active key and console password was used in the last 45 days.",
        ONE_KEY: "No user has more than one active access key.",
        SETUP_KEYS: "No console user holds an unused key made when the user was created.",
    }
    for check in key_checks:
        findings.extend(found[check] or [check.passed(passes[check])])
    return _canonical(findings, users)


def _canonical(findings: list[Finding], users: Any) -> list[Finding]:
    """Each finding's resource as AWS names it: an access key by its id (keys have no ARN), a user, or
    their console password (a login profile has no ARN of its own), by the user's ARN from the
    credential report. Internally they are "USER/KEY", "USER/console-password" and "USER"."""
    arns = {u["user"]: u["arn"] for u in users if isinstance(u, dict) and u.get("arn")}
    out = []
    for f in findings:
        user, _, rest = (f.resource or "").partition("/")  # IAM user names hold no "/"
        resource = rest if rest and rest != "console-password" else arns.get(user, f.resource)
        out.append(replace(f, resource=resource) if f.resource else f)
    return out


def _password_findings(policy: Any) -> list[Finding]:
    checks = (PW_LENGTH, PW_REUSE, PW_MAX_AGE)
    if is_unreadable(policy):
        return [c.unknown(reason_of(policy)) for c in checks]
    if not policy:
        return [c.failed("The account has no password policy: AWS's weak default applies.") for c in checks]
    length = policy.get("MinimumPasswordLength") or 0
    reuse = policy.get("PasswordReusePrevention") or 0
    age = policy.get("MaxPasswordAge") or 0
    return [
        PW_LENGTH.passed(f"Passwords need {length} characters.") if length >= MIN_PASSWORD_LENGTH else
        PW_LENGTH.failed(f"Passwords need only {length} characters."),
        PW_REUSE.passed(f"The last {reuse} passwords cannot be reused.") if reuse >= PASSWORD_REUSE else
        PW_REUSE.failed(f"Only the last {reuse} passwords are blocked." if reuse else "Old passwords may be reused."),
        PW_MAX_AGE.passed(f"Passwords expire after {age} days.") if 0 < age <= MAX_PASSWORD_AGE else
        PW_MAX_AGE.failed(f"Passwords expire only after {age} days." if age else "Passwords never expire."),
    ]


# --- plan ------------------------------------------------------------------------------------------


def plan(state: Mapping[str, Any], answers: Mapping[str, str]) -> Plan:
    changes: list[Change] = []
    notes: list[str] = []
    policy_change = _policy_change(state.get("password_policy"))
    if policy_change:
        changes.append(policy_change)
    if not is_unreadable(state["users"]):
        analysis = _analyse(state)
        caller = state.get("caller") or {}
        own_key = caller.get("key_id")
        for action in analysis["actions"]:
            changes.extend(_changes_for(action, caller.get("arn"), _fixed_by(analysis, action)))
        delete = (answers.get("delete_replaced_keys") or "no").strip().lower() == "yes"
        for item in analysis["deletable"]:
            key, user = item["key"], item["user"]
            if delete:
                changes.append(Change(
                    reason=f"Delete {user}'s inactive key {key['id']}: its replacement "
                           f"{item['replacement']['id']} is in use.",
                    call=Call("iam", "DeleteAccessKey", {"UserName": user, "AccessKeyId": key["id"]}),
                    before={"AccessKeyId": key["id"], "Status": "Inactive"}, after=None,
                    undo_note="A deleted key cannot be restored; its replacement stays active.",
                    warning="Deleting a key cannot be undone." + (OWN_KEY_WARNING if key["id"] == own_key else ""),
                    risky=key["id"] == own_key, fixes=PREPARATION,  # tidies up: no check flags an inactive key
                ))
            else:
                notes.append(f"{user}'s old key {key['id']} is inactive and its replacement is in use: "
                             "answer yes to 'Delete replaced keys' to delete it.")
    age = report_age_note(state.get("report_generated"), state["now"])
    return Plan(INFO.id, changes=tuple(changes), notes=tuple(notes + [age] if age else notes))


def _policy_change(policy: Any) -> Change | None:
    if is_unreadable(policy):
        return None
    current = {k: policy[k] for k in POLICY_FIELDS if k in policy} if policy else {}
    if current.get("MaxPasswordAge") == 0:  # shown as 0 when passwords never expire; not a valid value to send
        current.pop("MaxPasswordAge")
    if current.get("PasswordReusePrevention") == 0:
        current.pop("PasswordReusePrevention")
    merged = dict(current)
    merged["MinimumPasswordLength"] = max(current.get("MinimumPasswordLength") or 0, MIN_PASSWORD_LENGTH)
    merged["PasswordReusePrevention"] = max(current.get("PasswordReusePrevention") or 0, PASSWORD_REUSE)
    age = current.get("MaxPasswordAge") or 0
    merged["MaxPasswordAge"] = age if 0 < age <= MAX_PASSWORD_AGE else MAX_PASSWORD_AGE
    if not policy:
        merged["AllowUsersToChangePassword"] = True  # with expiry on, users must be able to change their own
    if merged == current:
        return None
    warning = ""
    if policy and not merged.get("AllowUsersToChangePassword"):
        warning = ("Users cannot change their own passwords under this policy; when passwords expire an "
                   "administrator must reset them.")
    if merged.get("HardExpiry"):
        warning = (warning + " " if warning else "") + (
            "HardExpiry is on: users whose password expires are locked out until an administrator resets it.")
    return Change(
        reason="Require 14-character passwords, block the last 24, and expire them after 90 days; "
               "every other setting of the current policy is kept.",
        call=Call("iam", "UpdateAccountPasswordPolicy", merged),
        before=current or None, after=merged,
        undo=Call("iam", "UpdateAccountPasswordPolicy", current) if current
        else Call("iam", "DeleteAccountPasswordPolicy", {}),
        warning=warning,
        fixes=tuple(f.check for f in _password_findings(policy) if f.status is Status.FAIL),
    )


def _fixed_by(analysis: Mapping[str, Any], action: Mapping[str, Any]) -> tuple[str, ...]:
    """The checks whose findings about the action's key (or password) its changes put right."""
    if action["kind"] == "remove-password":
        return (UNUSED.id,)
    user, key_id = action["user"], action["key"]["id"]
    fixed = [check.id for check, items in ((KEY_AGE, analysis["old"]), (UNUSED, analysis["unused"]),
                                           (SETUP_KEYS, analysis["setup"]))
             if any(i["user"] == user and i.get("key", {}).get("id") == key_id for i in items)]
    if any(i["user"] == user and key_id in {k["id"] for k in i["keys"]} for i in analysis["doubled"]):
        fixed.append(ONE_KEY.id)
    return tuple(fixed)


def _changes_for(action: Mapping[str, Any], caller_arn: str | None, fixes: tuple[str, ...]) -> list[Change]:
    """The changes (or the console task) for one action of :func:`_analyse`; ``fixes``: the checks they fix."""
    kind, user = action["kind"], action["user"]
    key = action.get("key") or {}
    key_id = key.get("id")
    deactivate = Call("iam", "UpdateAccessKey", {"UserName": user, "AccessKeyId": key_id, "Status": "Inactive"})
    reactivate = Call("iam", "UpdateAccessKey", {"UserName": user, "AccessKeyId": key_id, "Status": "Active"})
    if kind == "deactivate-unused":
        return [Change(
            reason=f"Deactivate {user}'s key {key_id}: {action['why']}.",
            call=deactivate, before="Active", after="Inactive", undo=reactivate, risky=True,
            warning="Anything still using this key stops working; reactivating it (undo) restores it.", fixes=fixes,
        )]
    if kind == "deactivate-replaced":
        newer = action["newer"]
        return [Change(
            reason=f"Finish {user}'s rotation: deactivate the old key {key_id}; the new key {newer['id']} "
                   "is in use and the old one has not been used since the new one was made.",
            call=deactivate, before="Active", after="Inactive", undo=reactivate, risky=True,
            warning="Anything still using the old key stops working; reactivating it (undo) restores it.", fixes=fixes,
        )]
    if kind == "remove-password":
        idle = "has never been used" if action["never"] else f"has not been used for {action['days']} days"
        return [Change(
            reason=f"Remove {user}'s console password: it {idle}.",
            call=Call("iam", "DeleteLoginProfile", {"UserName": user}), before="console password", after=None,
            undo_note="A removed password cannot be restored; an administrator can set a new one "
                      "(CreateLoginProfile) if the person needs the console again.",
            risky=True, warning=f"{user} can no longer sign in to the console; their access keys are unaffected.",
            fixes=fixes,
        )]
    if kind == "rotate-own":
        new_id = Ref("new-key", "AccessKey.AccessKeyId")
        return [
            Change(reason="Check that this computer has an OS keyring to keep the new key in, before making it.",
                   call=Call("local", "keyring.check_backend", {}), undo_note="Nothing is changed.",
                   fixes=PREPARATION),
            Change(reason=f"Create a new access key for {user}, the identity this wizard runs as.",
                   call=Call("iam", "CreateAccessKey", {"UserName": user}), key="new-key",
                   before=key_id, after="a new key",
                   undo_note="Delete the new key (its id is in the journal) with DeleteAccessKey if you roll back.",
                   fixes=fixes),
            Change(reason="Store the new key in the OS keyring and switch this profile to it.",
                   call=Call("local", "keyring.store_access_key",
                             {"UserName": user, "AccessKeyId": new_id,
                              "SecretAccessKey": Ref("new-key", "AccessKey.SecretAccessKey")}),
                   secret_params=("SecretAccessKey",),
                   undo_note="The keyring entry can be removed with your OS keyring tool.", fixes=PREPARATION),
            Change(reason="Verify the new key works (sts:GetCallerIdentity signed with it) before touching the old.",
                   call=Call("local", "sts.verify_key", {"AccessKeyId": new_id, "ExpectedArn": caller_arn}),
                   undo_note="A check only.", fixes=PREPARATION),
            update_credentials_file(key_id, new_id, Ref("new-key", "AccessKey.SecretAccessKey")),
            Change(reason=f"Deactivate the old key {key_id}: the new key is verified and in use from now on. "
                          "Its deletion is offered on a later run.",
                   call=deactivate, before="Active", after="Inactive", undo=reactivate, risky=True,
                   warning="Other tools or computers that still use the old key stop working; reactivate it "
                           "(undo) if something breaks." + OWN_KEY_WARNING, fixes=fixes),
        ]
    if kind == "rotate-other":
        # Not automatic: a key made here would be a second active key whose secret nobody can read.
        return [manual(
            f"Rotate {user}'s key {key_id} ({action['days']} days old) with the person who uses it, then run the "
            "wizard again: it deactivates the old key once the new one is in use and the old one is not.",
            USERS_CONSOLE,
            f"1. The person who runs the workload creates the new key: IAM console, Users, {user}, Security "
            f"credentials, Create access key (or `aws iam create-access-key --user-name {user}`); only they see "
            "its secret.",
            "2. They put it where the workload reads its credentials; never in chat, tickets or source code.",
            f"3. Confirm the old key {key_id} is no longer used: its 'Last used' stops moving.",
            f"4. Deactivate {key_id} (Actions, Deactivate), or let the next run of the wizard do it.", fixes=fixes)]
    if kind == "waiting":
        newer = action["newer"]
        return [manual(
            f"{user} has a new key {newer['id']} that has not been used yet: switch whatever uses {key_id} to it, "
            "then run the wizard again to deactivate the old key.", USERS_CONSOLE,
            f"Find the workload that signs with {key_id} (last used {key['last_used'] or 'never'}).",
            f"Give it the key {newer['id']}; if its secret is lost, delete that key and rotate again.", fixes=fixes)]
    if kind == "both-used":
        newer = action["newer"]
        return [manual(
            f"Both of {user}'s keys ({key_id} and {newer['id']}) are in use: move everything to {newer['id']}, "
            "then run the wizard again to deactivate the old key.", USERS_CONSOLE,
            f"The old key {key_id} was last used {key['last_used']}.", fixes=fixes)]
    if kind == "switch-own":
        return [manual(
            f"This wizard runs with {user}'s old key {key_id} while the newer key {action['newer']['id']} is in "
            "use elsewhere: switch your profile to the newer key, then run again to deactivate the old one.",
            USERS_CONSOLE, "Run `aws configure` with the newer key, or rotate again from a fresh start.", fixes=fixes)]
    if kind == "no-slot":
        other = action["other"]
        return [manual(
            f"{user}'s key {key_id} needs rotating, but the user already has two keys (AWS's limit): delete the "
            f"inactive key {other['id']} first, then run the wizard again.", USERS_CONSOLE,
            f"aws iam delete-access-key --user-name {user} --access-key-id {other['id']}", fixes=fixes)]
    return []
