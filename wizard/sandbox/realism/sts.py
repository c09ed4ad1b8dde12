"""Realism rules: STS."""

from __future__ import annotations

from ..protocol import GapError
from .registry import rule
from .iam import role_is_fresh


# IAM eventual consistency (IAM User Guide, troubleshoot_general.html#troubleshoot_general_eventual-consistency):
# a role just created or whose trust policy just changed cannot be assumed yet; STS answers AccessDenied.
@rule("sts", "AssumeRole")
def just_created_role(call):
    arn = call.params.get("RoleArn", "")
    if role_is_fresh(call, arn):
        raise GapError("AccessDenied", f"User is not authorized to perform: sts:AssumeRole on resource: {arn}", 403)
    return None
