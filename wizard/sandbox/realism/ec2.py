"""Realism rules: EC2 flow logs and block public access for AMIs."""

from __future__ import annotations

import re

from ..protocol import GapError, ec2_response
from .registry import after, rule
from .iam import role_is_fresh


# EC2 API reference, CreateFlowLogs: a role IAM has not propagated yet is refused with
# InvalidParameter "Unable to assume given IAM role" (the message the Terraform AWS provider retries
# on for IAM propagation). A destination bucket whose policy changed moments ago is a *partial
# failure in a 200*: the flow log is not created, and the resource is listed in ``Unsuccessful``
# (CreateFlowLogs response: "Information about the flow logs that could not be created successfully").
@rule("ec2", "CreateFlowLogs")
def flow_log_destination_not_ready(call):
    role = call.params.get("DeliverLogsPermissionArn", "")
    if role and role_is_fresh(call, role):
        raise GapError("InvalidParameter", f"Unable to assume given IAM role: {role}")
    destination = call.params.get("LogDestination", "")
    if call.params.get("LogDestinationType") != "s3" or not destination.startswith("arn:"):
        return None
    bucket = destination.split(":", 5)[5].split("/", 1)[0]
    if not call.realism.state.fresh(call.info.account_id, "bucket-policy", bucket):
        return None
    ids = [v for k, v in sorted(call.params.items()) if re.fullmatch(r"ResourceId\.\d+", k)]
    items = "".join(
        f"<item><error><code>400</code><message>Access Denied for LogDestination: {bucket}. Please check "
        f"LogDestination permission</message></error><resourceId>{rid}</resourceId></item>" for rid in ids)
    return ec2_response(call.info, f"<flowLogIdSet/><unsuccessful>{items}</unsuccessful>")


# EC2 API reference, EnableImageBlockPublicAccess: "The API can take up to 10 minutes to configure
# this setting. During this time, if you run GetImageBlockPublicAccessState, the response will be
# unblocked."
@after("ec2", "EnableImageBlockPublicAccess")
def remember_image_block(call, response):
    if response.status == 200:
        call.realism.state.mark(call.info.account_id, "image-block", call.region)
    return response


@rule("ec2", "GetImageBlockPublicAccessState")
def image_block_still_configuring(call):
    if call.realism.state.fresh(call.info.account_id, "image-block", call.region):
        return ec2_response(call.info, "<imageBlockPublicAccessState>unblocked</imageBlockPublicAccessState>"
                                       "<managedBy>account</managedBy>")
    return None
