"""Access keys, console passwords and the password policy (the `keys` step).

insecure:
  ci-deploy  one key made 200 days ago, used yesterday (older than 90 days: rotate)
  alice      console user, signs in often, but got a key when she was created that was never used
  bob        two active keys: the old one (120 days) not used since the new one (20 days) arrived
  carol      console user whose password was last used 50 days ago (unused for 45+ days)
  password policy: length 8, no reuse prevention, no maximum age; RequireSymbols set (a field
  the wizard does not own, which its merge must keep)
secure:
  deployer   one key made 10 days ago, used yesterday
  password policy: length 14, reuse 24, maximum age 90, with character classes
empty/org: nothing (no policy, no users with keys).

Dates are backdated in-process (gaps.iam_dates): AWS has no call that sets them.
"""

from __future__ import annotations

import datetime

from ...gaps.iam_dates import backdate_access_key, backdate_user


def _ago(days: int) -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=days)


def _user(ctx, name: str, created_days: int, password: bool = False, password_used_days: int | None = None):
    iam = ctx.client("iam")
    iam.create_user(UserName=name)
    if password:
        iam.create_login_profile(UserName=name, Password="Sandbox-Only-Pa55word!")
    backdate_user(ctx.account_id, name, created=_ago(created_days),
                  password_last_used=_ago(password_used_days) if password_used_days is not None else None)


def _key(ctx, user: str, created_days: int, used_days: int | None) -> str:
    key_id = ctx.client("iam").create_access_key(UserName=user)["AccessKey"]["AccessKeyId"]
    backdate_access_key(ctx.account_id, user, key_id, created=_ago(created_days),
                        last_used=_ago(used_days) if used_days is not None else None)
    return key_id


def seed(ctx, scenario: str) -> None:
    iam = ctx.client("iam")
    if scenario == "insecure":
        _user(ctx, "ci-deploy", 400)
        _key(ctx, "ci-deploy", 200, 1)
        _user(ctx, "alice", 300, password=True, password_used_days=2)
        _key(ctx, "alice", 300, None)
        _user(ctx, "bob", 400)
        _key(ctx, "bob", 120, 25)
        _key(ctx, "bob", 20, 1)
        _user(ctx, "carol", 200, password=True, password_used_days=50)
        iam.update_account_password_policy(MinimumPasswordLength=8, RequireSymbols=True)
    elif scenario == "secure":
        _user(ctx, "deployer", 30)
        _key(ctx, "deployer", 10, 1)
        iam.update_account_password_policy(
            MinimumPasswordLength=14, PasswordReusePrevention=24, MaxPasswordAge=90, RequireSymbols=True,
            RequireNumbers=True, RequireUppercaseCharacters=True, RequireLowercaseCharacters=True,
            AllowUsersToChangePassword=True)
