"""Realism rules: AWS Config cannot use a recorder role IAM has not propagated yet."""

from __future__ import annotations

from ..protocol import GapError
from .registry import rule
from .iam import role_is_fresh


# botocore model, config PutConfigurationRecorder errors: InvalidRoleException; with a role (or the
# AWSServiceRoleForConfig service-linked role) created moments ago Config cannot assume it yet (IAM
# eventual consistency, see iam.py).
@rule("config", "PutConfigurationRecorder")
def recorder_role_not_propagated(call):
    role = (call.json().get("ConfigurationRecorder") or {}).get("roleARN") or ""
    if role and role_is_fresh(call, role):
        raise GapError("InvalidRoleException", f"Unable to assume role {role}. Verify that the role exists "
                                               "and that AWS Config is allowed to assume it.")
    return None
