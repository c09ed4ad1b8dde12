"""EC2: block public access for EBS snapshots and AMIs (moto 5.2.5 has neither), per account and region.

The state lives on the account's gap record (``AccountGaps``) under ``block_public``, so it goes
away with everything else when the sandbox is reset. Unset regions answer ``unblocked``, as an
account that never touched the setting does.
"""

from __future__ import annotations

from ..protocol import GapError, ec2_response
from .registry import handles

SNAPSHOT_STATES = ("block-all-sharing", "block-new-sharing", "unblocked")
IMAGE_STATES = ("block-new-sharing",)


def block_public(acct) -> dict[str, dict[str, str]]:
    """``{"snapshot": {region: state}, "image": {region: state}}`` for one account (created on first use)."""
    state = acct.__dict__.get("block_public")
    if state is None:
        state = acct.__dict__["block_public"] = {"snapshot": {}, "image": {}}
    return state


def set_block_public(gaps, account_id: str, region: str, snapshot: str | None = None, image: str | None = None) -> None:
    """For seeds: set the states directly (no HTTP round trip)."""
    with gaps.lock:
        state = block_public(gaps.account(account_id))
        if snapshot is not None:
            state["snapshot"][region] = snapshot
        if image is not None:
            state["image"][region] = image


@handles("ec2", "GetSnapshotBlockPublicAccessState")
def get_snapshot_state(call):
    value = block_public(call.account)["snapshot"].get(call.region, "unblocked")
    return ec2_response(call.info, f"<state>{value}</state><managedBy>account</managedBy>")


@handles("ec2", "EnableSnapshotBlockPublicAccess")
def enable_snapshot(call):
    value = call.params.get("State", "")
    if value not in SNAPSHOT_STATES:
        raise GapError("InvalidParameterValue", f"Value ({value}) for parameter State is invalid.")
    block_public(call.account)["snapshot"][call.region] = value
    return ec2_response(call.info, f"<state>{value}</state>")


@handles("ec2", "DisableSnapshotBlockPublicAccess")
def disable_snapshot(call):
    block_public(call.account)["snapshot"][call.region] = "unblocked"
    return ec2_response(call.info, "<state>unblocked</state>")


@handles("ec2", "GetImageBlockPublicAccessState")
def get_image_state(call):
    value = block_public(call.account)["image"].get(call.region, "unblocked")
    return ec2_response(call.info, f"<imageBlockPublicAccessState>{value}</imageBlockPublicAccessState>"
                                   "<managedBy>account</managedBy>")


@handles("ec2", "EnableImageBlockPublicAccess")
def enable_image(call):
    value = call.params.get("ImageBlockPublicAccessState", "")
    if value not in IMAGE_STATES:
        raise GapError("InvalidParameterValue", f"Value ({value}) for parameter ImageBlockPublicAccessState is invalid.")
    block_public(call.account)["image"][call.region] = value
    return ec2_response(call.info, f"<imageBlockPublicAccessState>{value}</imageBlockPublicAccessState>")


@handles("ec2", "DisableImageBlockPublicAccess")
def disable_image(call):
    block_public(call.account)["image"][call.region] = "unblocked"
    return ec2_response(call.info, "<imageBlockPublicAccessState>unblocked</imageBlockPublicAccessState>")
