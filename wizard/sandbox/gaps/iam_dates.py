"""Seed support: backdate IAM dates that no API can set (moto 5.2.5 stamps them with "now").

A real account's users, keys and passwords carry history: a key made 200 days ago, a console
password last used 50 days ago. AWS offers no call to write those dates, so the scenario seeds
set them here, in-process, on moto's own objects (the sandbox runs moto in this process). The
dates then show everywhere AWS shows them: ListAccessKeys, GetAccessKeyLastUsed, GetUser and
the credential report. No request handler: nothing here changes what a client can call.
"""

from __future__ import annotations

import datetime
from typing import Any

UTC = datetime.timezone.utc


def _naive_utc(when: datetime.datetime) -> datetime.datetime:
    """moto keeps naive UTC datetimes."""
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    return when


def _user(account_id: str, user_name: str) -> Any:
    from moto.iam.models import iam_backends

    return iam_backends[account_id]["aws"].get_user(user_name)


def backdate_user(account_id: str, user_name: str, created: datetime.datetime | None = None,
                  password_last_used: datetime.datetime | None = None) -> None:
    """Set a user's creation date and/or the last time its console password was used."""
    user = _user(account_id, user_name)
    if created is not None:
        user.create_date = _naive_utc(created)
    if password_last_used is not None:
        user.password_last_used = _naive_utc(password_last_used)


def backdate_access_key(account_id: str, user_name: str, access_key_id: str,
                        created: datetime.datetime | None = None, last_used: datetime.datetime | None = None,
                        service: str = "iam", region: str = "us-east-1") -> None:
    """Set an access key's CreateDate and/or its last use (date, service, region)."""
    from moto.iam.models import AccessKeyLastUsed

    user = _user(account_id, user_name)
    key = next((k for k in user.access_keys if k.access_key_id == access_key_id), None)
    if key is None:
        raise KeyError(f"user {user_name} has no access key {access_key_id}")
    if created is not None:
        key.create_date = _naive_utc(created)
    if last_used is not None:
        key.last_used = AccessKeyLastUsed(timestamp=_naive_utc(last_used), service=service, region=region)
