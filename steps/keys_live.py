"""Live reads that correct the IAM credential report, which AWS reuses for up to four hours.

IAM API reference, GenerateCredentialReport / "Getting credential reports" in the IAM User Guide:
a report younger than four hours is returned again instead of a new one, so a password removed or
a key used since is not in it. The verdicts of the keys step take what can be read live instead:
``GetLoginProfile`` (NoSuchEntity: no console password), ``ListAccessKeys`` (already live: ids and
status) and ``GetAccessKeyLastUsed`` (last use).
"""

from __future__ import annotations

import datetime
from typing import Any

from steps.base import is_unreadable
from steps.shared_reads import report_time

READS = ("iam:GetLoginProfile", "iam:GetAccessKeyLastUsed")
STALE_AFTER_S = 300  # a report older than this is named in the plan's notes


def iso_when(value: Any) -> str | None:
    """A report or API date as ISO 8601 UTC to the second; None for N/A, no_information..."""
    if hasattr(value, "isoformat"):
        value = value.isoformat()
    when = report_time(value)
    if when is None:
        return None
    return when.astimezone(datetime.timezone.utc).replace(microsecond=0).isoformat()


def live_users(aws: Any, users: Any) -> Any:
    """``users`` (the keys step's rows) with passwords and key last use read live."""
    if is_unreadable(users):
        return users
    live = aws.per_region(lambda i: live_user(aws, users[i]), range(len(users)))
    return [live[i] for i in range(len(users))]


def live_user(aws: Any, user: Any, report_is_current: bool = False) -> Any:
    """One of the keys step's rows with its password and its active keys' last use read live: one
    job per user, so a user's reads follow each other instead of waiting for every user's first read
    (on a large account that barrier emptied the region pool between the two phases;
    benchmarks/README.md, "Eighth session: the large account's wall time").

    ``report_is_current``: the report was generated at this run's request
    (steps/shared_reads.py ``report_made_by_this_run``), so its passwords and last uses are as
    current as these reads would be (the same data: IAM records a key's use at most once in 15
    minutes for both), and none is made."""
    user = dict(user)
    if report_is_current:
        return user
    # NoSuchEntity (None): the password was removed since the report
    if user["password_enabled"] and aws.try_read("iam", "GetLoginProfile", UserName=user["user"],
                                                 missing=("NoSuchEntity",)) is None:
        user.update(password_enabled=False, password_last_used=None, password_last_changed=None)
    if not is_unreadable(user["keys"]):
        user["keys"] = [_with_last_use(k, aws.try_read("iam", "GetAccessKeyLastUsed", AccessKeyId=k["id"]))
                        if k["active"] else k for k in user["keys"]]
    return user


def _with_last_use(key: dict, answer: Any) -> dict:
    if answer is None or is_unreadable(answer):
        return key
    live = iso_when((answer.get("AccessKeyLastUsed") or {}).get("LastUsedDate"))
    if live and (key["last_used"] is None or live > key["last_used"]):
        return dict(key, last_used=live)
    return key


def report_age_note(generated: str | None, now: str) -> str:
    """A plan note naming the credential report's age when it is old enough to miss recent changes."""
    then, current = iso_when(generated), iso_when(now)
    if not then or not current:
        return ""
    seconds = (datetime.datetime.fromisoformat(current) - datetime.datetime.fromisoformat(then)).total_seconds()
    if seconds < STALE_AFTER_S:
        return ""
    age = f"{int(seconds // 3600)} h {int(seconds % 3600 // 60)} min" if seconds >= 3600 else f"{int(seconds // 60)} min"
    return (f"The IAM credential report is {age} old (AWS reuses one for up to 4 hours); passwords, keys and "
            "their last use were read live instead.")
