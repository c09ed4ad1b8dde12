"""STS GetCallerIdentity answers the root ARN when the account's `caller_is_root` fact is set and
the caller uses the account's base credentials (not an IAM user's key, not an assumed role)."""

from __future__ import annotations

from ..protocol import Response, query_response
from . import handles

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
