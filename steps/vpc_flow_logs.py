"""VPC flow logs: which VPCs a flow log really records (one that cannot deliver, DeliverLogsStatus FAILED,
does not count), and the changes that turn them on (role, log group or bucket, CreateFlowLogs).

EC2 API reference, FlowLog: ``DeliverLogsStatus`` SUCCESS | FAILED, and ``DeliverLogsErrorMessage``
("Access error": the role cannot publish to CloudWatch Logs; "Rate limited"; "Unknown error").
"""

from __future__ import annotations

import json
from typing import Any, Mapping, Sequence

from steps.base import PREPARATION, Call, Change, is_unreadable, reason_of

# What CreateFlowLogs fixes: the vpc step's "flow-logs" check (the role, log groups and bucket it
# writes into are PREPARATION).
FLOW_LOGS = ("flow-logs",)

FLOW_ROLE = "aws-essentials-vpc-flow-logs"
FLOW_POLICY = "deliver-vpc-flow-logs"
LOG_GROUP = "/aws/vpc/flow-logs"
LOG_RETENTION_DAYS = 90

FIELDS = ("FlowLogId", "ResourceId", "TrafficType", "LogDestinationType", "FlowLogStatus", "DeliverLogsStatus",
          "DeliverLogsErrorMessage")


def delivering(flow_logs: Sequence[Mapping[str, Any]]) -> set[str]:
    """The resources with at least one flow log that is not failing to deliver."""
    return {f["ResourceId"] for f in flow_logs if f.get("DeliverLogsStatus") != "FAILED"}


def failing(flow_logs: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """``{resource: "fl-1 (Access error)"}`` for resources whose every flow log fails to deliver."""
    ok = delivering(flow_logs)
    out: dict[str, list[str]] = {}
    for f in flow_logs:
        if f.get("DeliverLogsStatus") == "FAILED" and f["ResourceId"] not in ok:
            out.setdefault(f["ResourceId"], []).append(
                f"{f.get('FlowLogId')} ({f.get('DeliverLogsErrorMessage') or 'delivery failed'})")
    return {resource: ", ".join(logs) for resource, logs in out.items()}


def missing_flow_logs(regions: Mapping[str, Any]) -> dict[str, list[str]]:
    """``{region: [vpc ids]}`` of VPCs with no flow log at all (a failing one is fixed by a person, not re-created)."""
    out = {}
    for region, data in regions.items():
        if is_unreadable(data["vpcs"]) or is_unreadable(data["flow_logs"]):
            continue
        logged = {f["ResourceId"] for f in data["flow_logs"]}
        missing = [v["VpcId"] for v in data["vpcs"] if v["VpcId"] not in logged]
        if missing:
            out[region] = missing
    return out


def flow_log_changes(state: Mapping[str, Any], regions: Mapping[str, Any], missing: Mapping[str, list[str]],
                     destination: str, traffic: str, bucket: str, notes: list[str]) -> list[Change]:
    """The changes that make the ``missing`` VPCs record ``traffic`` to ``destination`` (answers already checked)."""
    account, partition = state["account_id"], state.get("partition", "aws")
    cost = ("Flow logs are billed per GB of log data delivered (vended logs, about US$0.50/GB into CloudWatch Logs "
            "or US$0.25/GB to S3 in us-east-1, less at volume) plus storage. REJECT logs much less data than ALL.")
    changes: list[Change] = []
    if destination == "cloudwatch":
        role_arn = f"arn:{partition}:iam::{account}:role/{FLOW_ROLE}"
        if is_unreadable(state["flow_role"]):
            notes.append(f"Could not check whether the role {FLOW_ROLE} exists ({reason_of(state['flow_role'])}); "
                         "the plan creates it.")
        if state["flow_role"] is not True:
            trust = {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": account},
                              "ArnLike": {"aws:SourceArn": f"arn:{partition}:ec2:*:{account}:vpc-flow-log/*"}}}]}
            policy = {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups",
                           "logs:DescribeLogStreams"],
                "Resource": [f"arn:{partition}:logs:*:{account}:log-group:{LOG_GROUP}",
                             f"arn:{partition}:logs:*:{account}:log-group:{LOG_GROUP}:*"]}]}
            changes.append(Change(
                fixes=PREPARATION,
                reason=f"Create the role {FLOW_ROLE} that the flow logs service assumes to write into CloudWatch Logs "
                       "(trusted by vpc-flow-logs.amazonaws.com, for this account's flow logs only).",
                call=Call("iam", "CreateRole", {"RoleName": FLOW_ROLE, "AssumeRolePolicyDocument": json.dumps(trust),
                                                "Description": "Delivers VPC flow logs (made by aws-essentials)"}),
                before=None, after={"RoleName": FLOW_ROLE, "trust": "vpc-flow-logs.amazonaws.com"},
                undo=Call("iam", "DeleteRole", {"RoleName": FLOW_ROLE})))
            changes.append(Change(
                fixes=PREPARATION,
                reason=f"Let the role write only to the {LOG_GROUP} log groups.",
                call=Call("iam", "PutRolePolicy", {"RoleName": FLOW_ROLE, "PolicyName": FLOW_POLICY,
                                                   "PolicyDocument": json.dumps(policy)}),
                before=None, after=policy,
                undo=Call("iam", "DeleteRolePolicy", {"RoleName": FLOW_ROLE, "PolicyName": FLOW_POLICY})))
        for region, vpcs in missing.items():
            if regions[region].get("log_group") is not True:
                changes.append(Change(
                    fixes=PREPARATION,
                    reason=f"Create the log group {LOG_GROUP} in {region} for the flow logs.",
                    call=Call("logs", "CreateLogGroup", {"logGroupName": LOG_GROUP}, region),
                    before=None, after=LOG_GROUP, cost_note=cost,
                    undo=Call("logs", "DeleteLogGroup", {"logGroupName": LOG_GROUP}, region)))
                changes.append(Change(
                    fixes=PREPARATION,
                    reason=f"Keep flow logs {LOG_RETENTION_DAYS} days, so storage does not grow for ever.",
                    call=Call("logs", "PutRetentionPolicy",
                              {"logGroupName": LOG_GROUP, "retentionInDays": LOG_RETENTION_DAYS}, region),
                    before="never expire", after=f"{LOG_RETENTION_DAYS} days",
                    undo_note="removed together with the log group when that is undone"))
            changes.append(Change(
                fixes=FLOW_LOGS,
                reason=f"Record {traffic} traffic of {', '.join(vpcs)} in {region} to CloudWatch Logs ({LOG_GROUP}).",
                call=Call("ec2", "CreateFlowLogs", {
                    "ResourceIds": list(vpcs), "ResourceType": "VPC", "TrafficType": traffic,
                    "LogDestinationType": "cloud-watch-logs", "LogGroupName": LOG_GROUP,
                    "DeliverLogsPermissionArn": role_arn}, region),
                before="no flow logs", after=f"{traffic} -> {LOG_GROUP}", cost_note=cost,
                warning="A new role can take a minute to be usable; if delivery shows an access error at first, "
                        "it clears by itself.",
                undo_note="DeleteFlowLogs with the flow log ids shown in the journal's response for this change"))
    else:
        buckets = state.get("buckets")
        if is_unreadable(buckets):
            notes.append(f"Could not list buckets ({reason_of(buckets)}); the plan assumes {bucket} exists.")
        elif bucket not in buckets:
            home = state.get("home_region") or "us-east-1"
            params: dict[str, Any] = {"Bucket": bucket}
            if home != "us-east-1":
                params["CreateBucketConfiguration"] = {"LocationConstraint": home}
            changes.append(Change(
                fixes=PREPARATION,
                reason=f"Create the bucket {bucket} in {home} for the flow logs (new buckets block public access).",
                call=Call("s3", "CreateBucket", params, home), before=None, after=bucket, cost_note=cost,
                undo=Call("s3", "DeleteBucket", {"Bucket": bucket}, home),
                undo_note="DeleteBucket works only once the bucket is empty"))
        for region, vpcs in missing.items():
            changes.append(Change(
                fixes=FLOW_LOGS,
                reason=f"Record {traffic} traffic of {', '.join(vpcs)} in {region} to s3://{bucket}.",
                call=Call("ec2", "CreateFlowLogs", {
                    "ResourceIds": list(vpcs), "ResourceType": "VPC", "TrafficType": traffic,
                    "LogDestinationType": "s3", "LogDestination": f"arn:{partition}:s3:::{bucket}"}, region),
                before="no flow logs", after=f"{traffic} -> s3://{bucket}", cost_note=cost,
                warning="AWS adds a statement to the bucket policy so that log delivery can write to it.",
                undo_note="DeleteFlowLogs with the flow log ids shown in the journal's response for this change"))
    return changes
