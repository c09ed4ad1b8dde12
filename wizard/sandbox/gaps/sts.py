"""STS GetCallerIdentity answers the root ARN when the account's `caller_is_root` fact is set and
the caller uses the account's base credentials (not an IAM user's key, not an assumed role)."""

from __future__ import annotations

from ..protocol import GapError, Response, query_response
from .registry import handles

_NS = "https://sts.amazonaws.com/doc/2011-06-15/"


def is_base_credentials(account_id: str, access_key: str) -> bool:
    from moto.iam.models import iam_backends
    from moto.sts.models import sts_backends

    sts = sts_backends[account_id]["aws"]
    if sts.get_assumed_role_from_access_key(access_key):
        return False
    return iam_backends[account_id]["aws"].get_user_from_access_key_id(access_key) is None


@handles("sts", "GetCallerIdentity")
def get_caller_identity(call) -> Response | None:
    acct = call.info.account_id
    if not call.account.root.caller_is_root or not is_base_credentials(acct, call.info.access_key):
        return None
    return query_response(call.info, f"<UserId>{acct}</UserId><Account>{acct}</Account>"
                                     f"<Arn>arn:aws:iam::{acct}:root</Arn>", _NS)


@handles("sts", "AssumeRole")
def assume_role(call) -> Response | None:
    """moto hands out credentials for any role ARN; AWS refuses a role that does not exist."""
    import re

    from moto.iam.models import iam_backends

    match = re.match(r"^arn:aws:iam::(\d{12}):role/(?:.*/)?([\w+=,.@-]+)$", call.params.get("RoleArn", ""))
    if match is None:
        return None
    account_id, name = match.groups()
    roles = iam_backends[account_id]["aws"].roles.values() if account_id in iam_backends else []
    if any(role.name == name for role in roles):
        return None
    raise GapError("AccessDenied", f"User: arn:aws:iam::{call.info.account_id}:user/caller is not authorized to "
                   f"perform: sts:AssumeRole on resource: {call.params['RoleArn']}", 403)
