"""Root-account facts (gap state) and, in secure, a non-root administrator.

insecure: root MFA off, one root access key, root used 3 days ago, the caller is root.
secure/org: hardware MFA on, no root keys, root unused for 200 days; the administrators are Identity
Center's (the sso seed's AdministratorAccess permission set): no IAM user, group or role holds
AdministratorAccess, as CIS 1.15 asks. User admin (in group Admins) and role Admin exist without it.
empty: MFA off, no keys, never used, caller not root.
"""

from __future__ import annotations

import datetime


def _ago(days: int) -> str:
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    return (now - datetime.timedelta(days=days)).isoformat()


def seed(ctx, scenario: str) -> None:
    for account_id in ctx.accounts():
        root = ctx.gaps.account(account_id).root
        root.created = _ago(900)
        if scenario == "insecure":
            root.mfa_enabled, root.hardware_mfa = False, False
            root.root_access_keys = 1
            root.root_password_last_used = _ago(3)
            root.root_key_last_used = _ago(3)
            root.caller_is_root = True
        elif scenario in ("secure", "org"):
            root.mfa_enabled, root.hardware_mfa = True, True
            root.root_access_keys = 0
            root.root_password_last_used = _ago(200)
            root.root_key_last_used = None
            root.caller_is_root = False
        else:  # empty
            root.created = _ago(1)
    if scenario in ("secure", "org"):
        iam = ctx.client("iam")
        iam.create_group(GroupName="Admins")
        iam.create_user(UserName="admin")
        iam.add_user_to_group(GroupName="Admins", UserName="admin")
        iam.create_role(RoleName="Admin", AssumeRolePolicyDocument=(
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":'
            f'{{"AWS":"arn:aws:iam::{ctx.account_id}:root"}},"Action":"sts:AssumeRole"}}]}}'))
