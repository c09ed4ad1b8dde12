"""ARNs of the resources findings are about, for ids that AWS answers without one (issue 17: a resource
id on every finding, as Security Hub and Prowler give).

EC2 resource ARNs are ``arn:<partition>:ec2:<region>:<account>:<type>/<id>`` (Service Authorization
Reference, "Resource types defined by Amazon EC2": instance, security-group, network-acl, vpc).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterable

from steps.base import Finding

# an EC2 id's prefix -> its resource type in the ARN
EC2_TYPES = {"vpc-": "vpc", "sg-": "security-group", "acl-": "network-acl", "i-": "instance"}


def ec2_arn(partition: str, region: str, account: str, resource_id: str) -> str:
    kind = next(kind for prefix, kind in EC2_TYPES.items() if resource_id.startswith(prefix))
    return f"arn:{partition}:ec2:{region}:{account}:{kind}/{resource_id}"


def with_ec2_arns(findings: Iterable[Finding], partition: str | None, account: str | None) -> list[Finding]:
    """``findings`` with every bare EC2 id (vpc-, sg-, acl-, i-) as its resource replaced by its ARN;
    unchanged when the account is not known (a state written by hand, an unreadable identity)."""
    out = []
    for finding in findings:
        rid = finding.resource or ""
        if account and finding.region and rid.startswith(tuple(EC2_TYPES)) and "/" not in rid:
            finding = replace(finding, resource=ec2_arn(partition or "aws", finding.region, account, rid))
        out.append(finding)
    return out


ACCOUNT_PREFIX = "AWS::::Account:"


def account_resource(account_id: str) -> str:
    """The account as the resource of a finding about one of its settings: Security Hub's id for an
    AwsAccount resource (its findings for account-level controls, e.g. IAM.9 or EC2.7, name this)."""
    return f"{ACCOUNT_PREFIX}{account_id}"

