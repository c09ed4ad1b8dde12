"""The errors AWS answers while a role, bucket policy or key policy just written has not propagated.

Steps mark the changes that may meet them (``with_retries``); the apply retries those codes with
backoff (wizard/propagation.py) instead of failing the plan midway. Sources:
- IAM User Guide, "Changes that I make are not always immediately visible"
  (troubleshoot_general.html#troubleshoot_general_eventual-consistency).
- CloudTrail API reference, CreateTrail/UpdateTrail errors: InvalidCloudWatchLogsLogGroupArnException
  ("Access denied. Verify in IAM that the role has adequate permissions." for a role not yet
  usable), InsufficientS3BucketPolicyException, InsufficientEncryptionPolicyException.
- Config API reference, PutConfigurationRecorder: InvalidRoleException; PutDeliveryChannel:
  InsufficientDeliveryPolicyException.
- EC2 API reference, CreateFlowLogs: InvalidParameter "Unable to assume given IAM role".
"""

from __future__ import annotations

from dataclasses import replace

from steps.base import Change, Plan

_TRAIL = ("InvalidCloudWatchLogsLogGroupArnException", "InsufficientS3BucketPolicyException",
          "InsufficientEncryptionPolicyException")

PROPAGATION_ERRORS: dict[tuple[str, str], tuple[str, ...]] = {
    ("cloudtrail", "CreateTrail"): _TRAIL,
    ("cloudtrail", "UpdateTrail"): _TRAIL,
    ("config", "PutConfigurationRecorder"): ("InvalidRoleException",),
    ("config", "PutDeliveryChannel"): ("InsufficientDeliveryPolicyException",),
    ("ec2", "CreateFlowLogs"): ("InvalidParameter: Unable to assume given IAM role",),
}


def with_retries(plan: Plan) -> Plan:
    """``plan`` with each change that may meet a propagation error declaring it in ``retry_on``."""
    return replace(plan, changes=tuple(_declared(c) for c in plan.changes))


def _declared(change: Change) -> Change:
    if change.call is None or change.retry_on:
        return change
    codes = PROPAGATION_ERRORS.get((change.call.service, change.call.operation), ())
    return replace(change, retry_on=codes) if codes else change
