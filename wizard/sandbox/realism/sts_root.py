"""Realism rule: the root user cannot assume roles."""

from __future__ import annotations

from ..protocol import GapError
from .registry import rule


# IAM User Guide, "Switch to an IAM role (AWS API)": AssumeRole must be called with IAM user or role
# credentials; with the root user's AWS answers AccessDenied "Roles may not be assumed by root accounts."
@rule("sts", "AssumeRole")
def root_cannot_assume(call):
    from ..gaps.sts import is_base_credentials

    account = call.info.account_id
    if call.account.root.caller_is_root and is_base_credentials(account, call.info.access_key):
        raise GapError("AccessDenied", "Roles may not be assumed by root accounts.", 403)
    return None
