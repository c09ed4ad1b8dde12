"""Realism rules: IAM Identity Center (sso-admin) account instances, background assignments, conflicts."""

from __future__ import annotations

import json

from ..protocol import GapError
from .registry import after, rule
from .bodies import edit_json

_JSON = "application/x-amz-json-1.1"


def _in_organization(account_id: str) -> bool:
    from moto.organizations.models import organizations_backends

    try:
        backend = organizations_backends[account_id]["aws"]
    except Exception:  # noqa: BLE001 - no backend: no organization
        return False
    return backend.org is not None or account_id in organizations_backends.master_accounts


# IAM Identity Center User Guide, "Account instances of IAM Identity Center": an account instance (the
# only kind a standalone account can have) "can't be used to manage access to AWS accounts"; sso-admin
# answers CreateAccountAssignment with a ValidationException.
@rule("sso-admin", "CreateAccountAssignment")
def account_instance_cannot_assign(call):
    if not _in_organization(call.info.account_id):
        raise GapError("ValidationException", "This is an account instance of IAM Identity Center; it does not "
                       "support access to AWS accounts. Use the organization instance.", 400)
    return None


# sso-admin API reference, CreateAccountAssignment: "As part of a successful CreateAccountAssignment call,
# the specified permission set will automatically be provisioned ... Use DescribeAccountAssignmentCreationStatus
# to describe the status of an assignment creation request": it answers Status IN_PROGRESS first, then
# SUCCEEDED or FAILED (with FailureReason).
@after("sso-admin", "CreateAccountAssignment")
def assignment_starts_in_progress(call, response):
    def edit(data: dict) -> None:
        status = data.get("AccountAssignmentCreationStatus") or {}
        request_id = status.get("RequestId", "")
        state = call.realism.state
        state.mark(call.info.account_id, "assignment", request_id)
        with state.lock:
            state.cache[(call.info.account_id, f"assignment:{request_id}")] = {
                **call.json(), "_account": call.info.account_id, "_region": call.region}
        status["Status"] = "IN_PROGRESS"

    return edit_json(response, edit)


@after("sso-admin", "DescribeAccountAssignmentCreationStatus")
def assignment_settles_later(call, response):
    def edit(data: dict) -> None:
        status = data.get("AccountAssignmentCreationStatus") or {}
        request_id = call.json().get("AccountAssignmentCreationRequestId", "")
        state = call.realism.state
        if state.fresh(call.info.account_id, "assignment", request_id):
            status["Status"] = "IN_PROGRESS"
            return
        with state.lock:
            request = state.cache.get((call.info.account_id, f"assignment:{request_id}"))
        reason = _provisioning_failure(request) if request else ""
        if reason:
            status.update(Status="FAILED", FailureReason=reason)

    return edit_json(response, edit)


def _provisioning_failure(request: dict) -> str:
    """Why provisioning the permission set into the target account fails, or ''.

    AWS fails the assignment (Status FAILED) when the permission set cannot be provisioned, e.g. it
    refers to a customer managed policy the target account does not have (User Guide, "Customer
    managed policies": the policy must exist in every account the permission set is assigned to)."""
    from moto.iam.models import iam_backends
    from moto.ssoadmin.models import ssoadmin_backends

    target = request.get("TargetId", "")
    try:
        backend = ssoadmin_backends[request["_account"]][request["_region"]]
        refs = backend.list_customer_managed_policy_references_in_permission_set(
            request.get("InstanceArn", ""), request.get("PermissionSetArn", ""))
    except Exception:  # noqa: BLE001 - the permission set is gone: moto's answer stands
        return ""
    refs = refs[0] if isinstance(refs, tuple) else refs  # moto's paginated answer: (items, next token)
    have = {p.name for p in iam_backends[target]["aws"].managed_policies.values()}
    missing = [ref.name for ref in refs if ref.name not in have]
    if missing:
        return (f"Received a 404 status error: Not supported policy arn:aws:iam::{target}:policy/{missing[0]} "
                "(the customer managed policy does not exist in the target account)")
    return ""


# sso-admin API reference, ConflictException: "Occurs when a conflict with a previous successful write is
# detected. This generally occurs when the previous write did not have time to propagate to the host
# serving the current request. A retry (with appropriate backoff logic) is the recommended response."
# Modelled: a write to a permission set created or changed less than delay_s ago.
_SET_WRITES = ("AttachManagedPolicyToPermissionSet", "DetachManagedPolicyFromPermissionSet",
               "PutInlinePolicyToPermissionSet", "UpdatePermissionSet", "ProvisionPermissionSet",
               "AttachCustomerManagedPolicyReferenceToPermissionSet", "CreateAccountAssignment",
               "DeletePermissionSet")


@rule("sso-admin", *_SET_WRITES)
def write_before_propagation(call):
    arn = call.json().get("PermissionSetArn", "")
    if call.realism.state.fresh(call.info.account_id, "permission-set", arn):
        raise GapError("ConflictException", "Operation failed due to a conflict with a previous write on "
                       f"{arn}; retry with backoff.", 409)
    return None


@after("sso-admin", "CreatePermissionSet", *_SET_WRITES)
def remember_permission_set_write(call, response):
    if response.status == 200:
        arn = call.json().get("PermissionSetArn") or json.loads(response.body or b"{}").get(
            "PermissionSet", {}).get("PermissionSetArn", "")
        call.realism.state.mark(call.info.account_id, "permission-set", arn)
    return response
