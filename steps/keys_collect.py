"""The keys step's reads; what they hold is :class:`State`. The credential report gives every date; the
key ids come from ListAccessKeys, matched to the report's two key slots by creation time, and
steps/keys_live.py corrects what the report (up to four hours old) may not show yet, unless this run's
request generated the report."""

from __future__ import annotations

import datetime
import re
from typing import Any, Mapping, TypedDict

from steps.base import OrUnreadable, is_unreadable, unreadable


class Caller(TypedDict):
    arn: str | None
    user: str | None  # the IAM user name when the caller is one
    key_id: str | None  # the access key id the run signs with (read locally)


class AccessKey(TypedDict):
    id: str
    active: bool
    created: str | None  # ISO 8601
    last_used: str | None


class UserState(TypedDict):
    user: str
    arn: str | None
    created: str | None
    password_enabled: bool
    password_last_used: str | None
    password_last_changed: str | None
    keys: OrUnreadable[list[AccessKey]]


class State(TypedDict):
    now: str  # when it was read (ISO 8601), the reference for every age
    caller: Caller
    users: OrUnreadable[list[UserState]]  # every IAM user of the credential report (not root)
    password_policy: OrUnreadable[dict[str, Any] | None]  # GetAccountPasswordPolicy; None: none set
    report_generated: str | None  # when the credential report was generated
from steps.keys_live import iso_when as _when, live_user
from steps.shared_reads import credential_report, credential_report_time, report_made_by_this_run


def collect(aws: Any) -> State:
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    identity = aws.try_read("sts", "GetCallerIdentity")
    caller: Caller = {"arn": None, "user": None, "key_id": _caller_key_id(aws)}
    if not is_unreadable(identity):
        caller["arn"] = identity.get("Arn")
        match = re.match(r"^arn:aws[a-z-]*:iam::\d{12}:user/(?:.*/)?([^/]+)$", identity.get("Arn") or "")
        caller["user"] = match.group(1) if match else None

    rows = _credential_report(aws)
    current = not is_unreadable(rows) and report_made_by_this_run(aws)
    users: Any = rows
    # The password policy and then one job per user, in one fan-out: a read made before it delays
    # the run's first large fan-out, one made after it waits for every user's job (the region pool
    # serves jobs in turn). A user's reads follow each other: its keys (ListAccessKeys), then what the
    # report may not show yet (steps/keys_live.py), never waiting for every other user's keys.
    jobs: list[Any] = ["password_policy"] + ([] if is_unreadable(rows) else list(range(len(rows))))
    done = aws.per_region(lambda job: _password_policy(aws) if job == "password_policy"
                          else live_user(aws, _user_state(rows[job], _listed_keys(aws, rows[job])), current), jobs)
    if not is_unreadable(rows):
        users = [done[i] for i in range(len(rows))]
    return {"now": now.isoformat(), "caller": caller, "users": users, "password_policy": done["password_policy"],
            "report_generated": credential_report_time(aws)}


def _password_policy(aws: Any) -> Any:
    """GetAccountPasswordPolicy's policy (None: none set), or the unreadable marker."""
    policy = aws.try_read("iam", "GetAccountPasswordPolicy", missing=("NoSuchEntity",))
    return policy if is_unreadable(policy) else (policy or {}).get("PasswordPolicy")


def _listed_keys(aws: Any, row: dict[str, Any]) -> Any:
    """ListAccessKeys of a report row's user when the report shows it keys (None when it shows none),
    or the unreadable marker."""
    if not row["keys"]:
        return None
    return aws.try_read("iam", "ListAccessKeys", paginate=True, UserName=row["user"])


def _caller_key_id(aws: Any) -> str | None:
    """The access key id the run signs with (None for unknown); read locally, no API call."""
    try:
        return aws.access_key_id
    except Exception:  # noqa: BLE001 - no credentials at all: treat as unknown
        return None


def _credential_report(aws: Any) -> Any:
    """The report's user rows (the root row belongs to the root step), or the unreadable marker."""
    rows = credential_report(aws)
    if is_unreadable(rows):
        return rows
    try:
        return [_row(r) for r in rows if r.get("user") != "<root_account>"]
    except (KeyError, ValueError) as error:
        return unreadable(f"the credential report could not be parsed ({error})")


def _row(r: Mapping[str, str]) -> dict[str, Any]:
    keys = []
    for n in ("1", "2"):
        rotated = _when(r.get(f"access_key_{n}_last_rotated"))
        if rotated:
            keys.append({"slot": n, "active": r.get(f"access_key_{n}_active") == "true", "created": rotated,
                         "last_used": _when(r.get(f"access_key_{n}_last_used_date"))})
    password = r.get("password_enabled") == "true"
    return {
        "user": r["user"],
        "arn": r.get("arn"),
        "created": _when(r.get("user_creation_time")),
        "password_enabled": password,
        "password_last_used": _when(r.get("password_last_used")) if password else None,
        "password_last_changed": _when(r.get("password_last_changed")) if password else None,
        "keys": keys,
    }


def _user_state(row: dict[str, Any], listed: Any) -> UserState:
    """The row with its keys' ids: ListAccessKeys matched to the report's slots by creation time."""
    user: Any = {k: v for k, v in row.items() if k != "keys"}
    if not row["keys"]:
        user["keys"] = []
        return user
    if listed is None or is_unreadable(listed):
        user["keys"] = listed if listed is not None else unreadable("ListAccessKeys was not answered")
        return user
    metadata = sorted(listed.get("AccessKeyMetadata", []), key=lambda k: str(k.get("CreateDate")))
    slots = list(row["keys"])
    keys = []
    for meta in metadata:
        created = _when(meta.get("CreateDate").isoformat() if hasattr(meta.get("CreateDate"), "isoformat")
                        else meta.get("CreateDate"))
        slot = next((s for s in slots if s["created"] == created), None) or (slots[0] if slots else None)
        if slot is not None:
            slots.remove(slot)
        keys.append({
            "id": meta["AccessKeyId"],
            "active": meta.get("Status") == "Active",
            "created": slot["created"] if slot else created,
            "last_used": slot["last_used"] if slot else None,
        })
    user["keys"] = keys
    return user
