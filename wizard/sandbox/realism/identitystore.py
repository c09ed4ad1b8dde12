"""Realism rules: Identity Store reserved names, and no invitation for users made through the API."""

from __future__ import annotations

from ..protocol import GapError
from .registry import after, rule

# Identity Store API reference, CreateGroup (DisplayName) and CreateUser (UserName): "Administrator and
# AWSAdministrators are reserved names and can't be used for users or groups." AWS answers a
# ValidationException. The docs do not say whether the check ignores case; this refuses the names as written.
RESERVED = ("Administrator", "AWSAdministrators")


@rule("identitystore", "CreateGroup", "CreateUser")
def reserved_names(call):
    body = call.json()
    name = body.get("DisplayName") if call.info.operation == "CreateGroup" else body.get("UserName")
    if name in RESERVED:
        raise GapError("ValidationException", f"{name} is a reserved name and can't be used for users or groups", 400)
    return None


# Users created with the API get no invitation email: an administrator sends the verification email or
# a password reset from the console (aws/aws-sdk-net discussion 3288; IAM Identity Center User Guide,
# "Add users to your Identity Center directory"). The sandbox sends no email at all; it records the user
# as not invited, so tests can tell a console task is still owed.
@after("identitystore", "CreateUser")
def no_invitation(call, response):
    if response is not None and response.status == 200:
        import json

        user_id = json.loads(response.body or b"{}").get("UserId", "")
        call.realism.state.mark(call.info.account_id, "uninvited-user", user_id)
    return response
