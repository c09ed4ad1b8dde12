"""What AWS authorizes for one request besides its own action, with the resource and condition keys.

IAM enforcement (iam_enforce.py) judges each of these as AWS does, so that a policy that scopes
iam:PassRole or iam:CreateServiceLinkedRole is proven, not assumed:

- passing a role (IAM user guide, "Grant a user permissions to pass a role to an AWS service"):
  the role's ARN is the resource, ``iam:PassedToService`` the service it goes to;
- a service-linked role, created by CreateServiceLinkedRole or by turning a service on the first
  time (``iam:AWSServiceName``; Organizations answers AccessDeniedForDependencyException without it).
  AWS asks only when the role does not exist yet; the sandbox asks every time, which is stricter;
- flow logs to S3: logs:CreateLogDelivery, and s3:GetBucketPolicy / s3:PutBucketPolicy on the bucket
  (AWS adds the log delivery's statement to the bucket policy);
- tags given at creation of a KMS key: kms:TagResource;
- sts:AssumeRole, on the role asked for; the writes to one role, on that role.
"""

from __future__ import annotations

import json
from typing import Any

from .requests import RequestInfo

Need = tuple[str, "str | None", dict]  # (action, resource ARN or None when not known, condition keys)

# The role each service creates for itself (IAM user guide, each service's "Using service-linked roles").
LINKED_ROLE_NAMES = {
    "config.amazonaws.com": "AWSServiceRoleForConfig",
    "guardduty.amazonaws.com": "AWSServiceRoleForAmazonGuardDuty",
    "securityhub.amazonaws.com": "AWSServiceRoleForSecurityHub",
    "access-analyzer.amazonaws.com": "AWSServiceRoleForAccessAnalyzer",
    "organizations.amazonaws.com": "AWSServiceRoleForOrganizations",
}

# Operations that create their service's linked role when it is missing.
CREATES_LINKED_ROLE = {
    "access-analyzer:CreateAnalyzer": "access-analyzer.amazonaws.com",
    "guardduty:CreateDetector": "guardduty.amazonaws.com",
    "securityhub:EnableSecurityHub": "securityhub.amazonaws.com",
    "organizations:CreateOrganization": "organizations.amazonaws.com",
}


def needs(info: RequestInfo) -> list[Need]:
    """The request's own action first (with its resource when the sandbox knows it), then the implied ones."""
    action = info.action
    out: list[Need] = []
    if action == "iam:CreateServiceLinkedRole":
        service = info.params.get("AWSServiceName", "")
        out.append((action, _linked_role_arn(info.account_id, service), {"iam:AWSServiceName": service}))
    elif action == "sts:AssumeRole":
        out.append((action, info.params.get("RoleArn") or None, {}))
    elif action in ROLE_WRITES and info.params.get("RoleName"):
        # attaching or detaching a managed policy also carries the policy's ARN (iam:PolicyARN)
        keys = {"iam:PolicyARN": info.params["PolicyArn"]} if info.params.get("PolicyArn") else {}
        out.append((action, _role_arn(info.account_id, info.params["RoleName"], info.params.get("Path", "/")), keys))
    else:
        out.append((action, None, {}))
    if action in CREATES_LINKED_ROLE:
        service = CREATES_LINKED_ROLE[action]
        out.append(("iam:CreateServiceLinkedRole", _linked_role_arn(info.account_id, service),
                    {"iam:AWSServiceName": service}))
    if action == "ec2:CreateFlowLogs":
        out.append(("logs:CreateLogDelivery", None, {}))
        if info.params.get("DeliverLogsPermissionArn"):
            out.append(_pass(info.params["DeliverLogsPermissionArn"], "vpc-flow-logs.amazonaws.com"))
        if info.params.get("LogDestinationType") == "s3":
            bucket = info.params.get("LogDestination", "").split("/", 1)[0]
            out += [("s3:GetBucketPolicy", bucket, {}), ("s3:PutBucketPolicy", bucket, {})]
    elif action in ("cloudtrail:CreateTrail", "cloudtrail:UpdateTrail"):
        role = _json(info).get("CloudWatchLogsRoleArn")
        if role:
            out.append(_pass(role, "cloudtrail.amazonaws.com"))
    elif action == "config:PutConfigurationRecorder":
        role = (_json(info).get("ConfigurationRecorder") or {}).get("roleARN")
        if role:
            out.append(_pass(role, "config.amazonaws.com"))
    elif action == "kms:CreateKey" and _json(info).get("Tags"):
        out.append(("kms:TagResource", None, {}))
    return out


# Operations on one role, named by RoleName: the role's ARN is their resource.
ROLE_WRITES = frozenset({"iam:CreateRole", "iam:DeleteRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy",
                         "iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:DeleteServiceLinkedRole"})


def _role_arn(account_id: str, name: str, path: str) -> str:
    service = next((s for s, n in LINKED_ROLE_NAMES.items() if n == name), None)
    if service:  # a service-linked role lives under its service's path
        path = f"/aws-service-role/{service}/"
    return f"arn:aws:iam::{account_id}:role{path}{name}"


def _pass(role_arn: str, service: str) -> Need:
    return ("iam:PassRole", role_arn, {"iam:PassedToService": service})


def _linked_role_arn(account_id: str, service: str) -> str:
    name = LINKED_ROLE_NAMES.get(service, "AWSServiceRoleFor" + service.split(".")[0].title())
    return f"arn:aws:iam::{account_id}:role/aws-service-role/{service}/{name}"


def _json(info: RequestInfo) -> dict[str, Any]:
    try:
        document = json.loads(info.body) if info.body else {}
    except ValueError:
        return {}
    return document if isinstance(document, dict) else {}
