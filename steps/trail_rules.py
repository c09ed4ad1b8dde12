"""Pure rules for the audit_logging step: the CIS metric filters, and what a trail records.

No AWS calls here: these functions take the shapes the AWS APIs return (``GetEventSelectors``,
``DescribeMetricFilters``) and answer yes or no, so they can be tested on hand-written data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence


# --- CIS AWS Foundations Benchmark v5.0.0, section 4 (monitoring): metric filters -------------


@dataclass(frozen=True)
class MetricFilterRule:
    """One CIS monitoring recommendation: the filter pattern to look for and the alarm to raise."""

    key: str  # our stable id, used in filter, metric and alarm names
    title: str
    cis: str
    securityhub: str
    pattern: str  # the exact pattern the benchmark gives; the one the fix writes
    also_accepted: tuple[str, ...] = ()  # equivalent patterns that other published guidance uses
    metric_name: str = ""

    def accepts(self, pattern: str | None) -> bool:
        """True when ``pattern`` is this rule's pattern (or an accepted variant), spacing and quotes aside."""
        if not pattern:
            return False
        wanted = {normalize_pattern(p) for p in (self.pattern, *self.also_accepted)}
        return normalize_pattern(pattern) in wanted


METRIC_NAMESPACE = "CISBenchmark"

UNAUTHORIZED_API_CALLS = MetricFilterRule(
    key="unauthorized-api-calls",
    title="Unauthorized API calls raise an alarm",
    cis="4.1",
    securityhub="CloudWatch.2",
    pattern=(
        '{($.errorCode ="*UnauthorizedOperation") || ($.errorCode ="AccessDenied*") '
        '&& ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }'
    ),
    # the shorter form in earlier benchmark versions and Security Hub's CloudWatch.2 guidance
    also_accepted=('{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',),
    metric_name="unauthorized_api_calls_metric",
)

CONSOLE_SIGNIN_WITHOUT_MFA = MetricFilterRule(
    key="console-signin-without-mfa",
    title="Console sign-in without MFA raises an alarm",
    cis="4.2",
    securityhub="CloudWatch.3",
    pattern='{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }',
    # the benchmark's variant that leaves out sign-ins through IAM Identity Center
    also_accepted=(
        '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && '
        '($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
    ),
    metric_name="no_mfa_console_signin_metric",
)

ROOT_USAGE = MetricFilterRule(
    key="root-usage",
    title="Use of the root user raises an alarm",
    cis="4.3",
    securityhub="CloudWatch.1",
    pattern='{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
    metric_name="root_usage_metric",
)

def _any_event(*names: str, source: str = "") -> str:
    """``{ ($.eventName = A) || ($.eventName = B) ... }``, optionally ANDed with an event source:
    the shape of CIS 4.4-4.15. Only for readability of the table below; each result is pinned in
    tests/steps/test_trail_rules.py against the CIS text."""
    names_part = " || ".join(f"($.eventName = {n})" for n in names)
    if source:
        return f"{{ ($.eventSource = {source}) && ({names_part}) }}"
    return f"{{ {names_part} }}"


# CIS v5.0.0 4.4-4.15. The patterns are the benchmark's text as the cis_5.0_aws mapping of Prowler
# (prowler/compliance/aws/cis_5.0_aws.json, RemediationProcedure) reproduces it. That mapping drops
# the benchmark's double quotes; CloudWatch needs quotes only around a value with a space, so 4.6's
# "Failed authentication" is quoted, and ``accepts`` ignores quotes (``$.eventName = "X"`` and
# ``$.eventName = X`` select the same events).
IAM_POLICY_CHANGES = MetricFilterRule(
    key="iam-policy-changes", title="IAM policy changes raise an alarm", cis="4.4", securityhub="CloudWatch.4",
    pattern=(
        "{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||"
        "($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||"
        "($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||"
        "($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||"
        "($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||"
        "($.eventName=DetachGroupPolicy)}"
    ),
    metric_name="iam_policy_changes_metric",
)
CLOUDTRAIL_CHANGES = MetricFilterRule(
    key="cloudtrail-changes", title="CloudTrail configuration changes raise an alarm", cis="4.5",
    securityhub="CloudWatch.5",
    pattern=_any_event("CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging"),
    metric_name="cloudtrail_changes_metric",
)
CONSOLE_AUTH_FAILURES = MetricFilterRule(
    key="console-auth-failures", title="Console authentication failures raise an alarm", cis="4.6",
    securityhub="CloudWatch.6",
    pattern='{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
    metric_name="console_signin_failure_metric",
)
KMS_KEY_DISABLE_OR_DELETION = MetricFilterRule(
    key="kms-key-disable-or-deletion", title="Disabling or scheduled deletion of a KMS key raises an alarm",
    cis="4.7", securityhub="CloudWatch.7",
    pattern="{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }",
    metric_name="disable_or_delete_cmk_changes_metric",
)
S3_BUCKET_POLICY_CHANGES = MetricFilterRule(
    key="s3-bucket-policy-changes", title="S3 bucket policy changes raise an alarm", cis="4.8",
    securityhub="CloudWatch.8",
    pattern=_any_event("PutBucketAcl", "PutBucketPolicy", "PutBucketCors", "PutBucketLifecycle",
                       "PutBucketReplication", "DeleteBucketPolicy", "DeleteBucketCors", "DeleteBucketLifecycle",
                       "DeleteBucketReplication", source="s3.amazonaws.com"),
    metric_name="s3_bucket_policy_changes_metric",
)
CONFIG_CHANGES = MetricFilterRule(
    key="config-changes", title="AWS Config configuration changes raise an alarm", cis="4.9",
    securityhub="CloudWatch.9",
    pattern=("{ ($.eventSource = config.amazonaws.com) && (($.eventName=StopConfigurationRecorder)||"
             "($.eventName=DeleteDeliveryChannel)||($.eventName=PutDeliveryChannel)||"
             "($.eventName=PutConfigurationRecorder)) }"),
    metric_name="aws_config_changes_metric",
)
SECURITY_GROUP_CHANGES = MetricFilterRule(
    key="security-group-changes", title="Security group changes raise an alarm", cis="4.10",
    securityhub="CloudWatch.10",
    pattern=_any_event("AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress",
                       "RevokeSecurityGroupEgress", "CreateSecurityGroup", "DeleteSecurityGroup",
                       "ModifySecurityGroupRules"),
    metric_name="security_group_changes_metric",
)
NACL_CHANGES = MetricFilterRule(
    key="nacl-changes", title="Network ACL changes raise an alarm", cis="4.11", securityhub="CloudWatch.11",
    pattern=_any_event("CreateNetworkAcl", "CreateNetworkAclEntry", "DeleteNetworkAcl", "DeleteNetworkAclEntry",
                       "ReplaceNetworkAclEntry", "ReplaceNetworkAclAssociation"),
    metric_name="nacl_changes_metric",
)
NETWORK_GATEWAY_CHANGES = MetricFilterRule(
    key="network-gateway-changes", title="Network gateway changes raise an alarm", cis="4.12",
    securityhub="CloudWatch.12",
    pattern=_any_event("CreateCustomerGateway", "DeleteCustomerGateway", "AttachInternetGateway",
                       "CreateInternetGateway", "DeleteInternetGateway", "DetachInternetGateway"),
    metric_name="network_gw_changes_metric",
)
ROUTE_TABLE_CHANGES = MetricFilterRule(
    key="route-table-changes", title="Route table changes raise an alarm", cis="4.13", securityhub="CloudWatch.13",
    # the audit procedure's pattern (it names the event source); its remediation leaves the source out
    pattern=("{($.eventSource = ec2.amazonaws.com) && ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || "
             "($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || "
             "($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable) }"),
    also_accepted=(_any_event("CreateRoute", "CreateRouteTable", "ReplaceRoute", "ReplaceRouteTableAssociation",
                              "DeleteRouteTable", "DeleteRoute", "DisassociateRouteTable"),),
    metric_name="route_table_changes_metric",
)
VPC_CHANGES = MetricFilterRule(
    key="vpc-changes", title="VPC changes raise an alarm", cis="4.14", securityhub="CloudWatch.14",
    pattern=_any_event("CreateVpc", "DeleteVpc", "ModifyVpcAttribute", "AcceptVpcPeeringConnection",
                       "CreateVpcPeeringConnection", "DeleteVpcPeeringConnection", "RejectVpcPeeringConnection",
                       "AttachClassicLinkVpc", "DetachClassicLinkVpc", "DisableVpcClassicLink",
                       "EnableVpcClassicLink"),
    metric_name="vpc_changes_metric",
)
ORGANIZATIONS_CHANGES = MetricFilterRule(
    key="organizations-changes", title="AWS Organizations changes raise an alarm", cis="4.15",
    securityhub="",  # Security Hub has no control for this one
    pattern=_any_event("AcceptHandshake", "AttachPolicy", "CreateAccount", "CreateOrganizationalUnit", "CreatePolicy",
                       "DeclineHandshake", "DeleteOrganization", "DeleteOrganizationalUnit", "DeletePolicy",
                       "DetachPolicy", "DisablePolicyType", "EnablePolicyType", "InviteAccountToOrganization",
                       "LeaveOrganization", "MoveAccount", "RemoveAccountFromOrganization", "UpdatePolicy",
                       "UpdateOrganizationalUnit", source="organizations.amazonaws.com"),
    metric_name="organizations_changes_metric",
)

# In CIS order (4.1-4.15); 4.16 (Security Hub) is a check of its own, not a metric filter.
METRIC_FILTER_RULES: tuple[MetricFilterRule, ...] = (
    UNAUTHORIZED_API_CALLS, CONSOLE_SIGNIN_WITHOUT_MFA, ROOT_USAGE, IAM_POLICY_CHANGES, CLOUDTRAIL_CHANGES,
    CONSOLE_AUTH_FAILURES, KMS_KEY_DISABLE_OR_DELETION, S3_BUCKET_POLICY_CHANGES, CONFIG_CHANGES,
    SECURITY_GROUP_CHANGES, NACL_CHANGES, NETWORK_GATEWAY_CHANGES, ROUTE_TABLE_CHANGES, VPC_CHANGES,
    ORGANIZATIONS_CHANGES,
)


def normalize_pattern(pattern: str) -> str:
    """A filter pattern with all white space and double quotes removed: CloudWatch ignores white
    space between terms, and a quoted value selects what the bare value does."""
    return re.sub(r'[\s"]+', "", pattern or "")


def matching_filters(rule: MetricFilterRule, filters: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The metric filters (``DescribeMetricFilters`` rows) whose pattern is ``rule``'s."""
    return [f for f in filters if rule.accepts(f.get("filterPattern"))]


# --- "the trail records all management events" --------------------------------------------------


def _classic_coverage(selectors: Sequence[Mapping[str, Any]]) -> tuple[bool, bool]:
    """(reads covered, writes covered) by classic event selectors."""
    read = write = False
    for sel in selectors:
        if not sel.get("IncludeManagementEvents", True):
            continue
        if sel.get("ExcludeManagementEventSources"):
            continue  # some management events (e.g. KMS, RDS Data API) are left out
        kind = sel.get("ReadWriteType", "All")
        read = read or kind in ("All", "ReadOnly")
        write = write or kind in ("All", "WriteOnly")
    return read, write


def _advanced_coverage(selectors: Sequence[Mapping[str, Any]]) -> tuple[bool, bool]:
    """(reads covered, writes covered) by advanced event selectors.

    A selector is an AND of field conditions. It covers all management reads and/or writes when
    ``eventCategory`` equals ``Management`` and the only other condition is on ``readOnly``.
    """
    read = write = False
    for sel in selectors:
        fields = {f.get("Field"): f for f in sel.get("FieldSelectors") or []}
        category = fields.pop("eventCategory", None)
        if not category or "Management" not in (category.get("Equals") or []):
            continue
        if any(category.get(op) for op in ("NotEquals", "StartsWith", "NotStartsWith", "EndsWith", "NotEndsWith")):
            continue
        ro = fields.pop("readOnly", None)
        if fields:
            continue  # narrowed by event source or another field: not every management event
        if ro is None:
            sel_read = sel_write = True
        else:
            equals = [str(v).lower() for v in ro.get("Equals") or []]
            not_equals = [str(v).lower() for v in ro.get("NotEquals") or []]
            sel_read = ("true" in equals or "false" in not_equals) if (equals or not_equals) else True
            sel_write = ("false" in equals or "true" in not_equals) if (equals or not_equals) else True
        read = read or sel_read
        write = write or sel_write
    return read, write


def records_all_management_events(event_selectors: Sequence[Mapping[str, Any]] | None,
                                  advanced_selectors: Sequence[Mapping[str, Any]] | None,
                                  has_custom_selectors: bool = False) -> bool:
    """True when a trail records every management event, reads and writes.

    ``event_selectors``/``advanced_selectors`` are ``GetEventSelectors``' two lists (a trail uses
    one kind or the other); the reads and writes may be covered by different selectors. When both
    lists are empty, the trail has its default configuration (all management events) unless
    ``has_custom_selectors`` (``DescribeTrails``' ``HasCustomEventSelectors``) says custom
    selectors were set, in which case it records nothing.
    """
    classic = list(event_selectors or [])
    advanced = list(advanced_selectors or [])
    if not classic and not advanced:
        return not has_custom_selectors
    read, write = _advanced_coverage(advanced) if advanced else _classic_coverage(classic)
    return read and write


# --- S3 object-level logging (CIS 3.8 writes, 3.9 reads): data events on every bucket ------------

S3_OBJECT = "AWS::S3::Object"
# CloudTrail API reference, DataResource: "arn:aws:s3" (or "arn:aws:s3:::") logs data events for
# all objects in all current and future S3 buckets (in this partition).
_ALL_BUCKETS = re.compile(r"^arn:aws(-[a-z]+)*:s3(:::)?$")
MANAGEMENT_CLASSIC = {"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": []}
MANAGEMENT_ADVANCED = {"Name": "All management events",
                       "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}


def _advanced_s3_coverage(selectors: Sequence[Mapping[str, Any]]) -> tuple[bool, bool]:
    read = write = False
    for sel in selectors:
        fields = {f.get("Field"): f for f in sel.get("FieldSelectors") or []}
        category, kind = fields.pop("eventCategory", None) or {}, fields.pop("resources.type", None) or {}
        if category.get("Equals") != ["Data"] or S3_OBJECT not in (kind.get("Equals") or []):
            continue
        if any(f.get(op) for f in (category, kind)
               for op in ("NotEquals", "StartsWith", "NotStartsWith", "EndsWith", "NotEndsWith")):
            continue
        ro = fields.pop("readOnly", None)
        if fields:
            continue  # narrowed to some buckets, prefixes or event names: not every object
        equals = [str(v).lower() for v in (ro or {}).get("Equals") or []]
        read = read or not equals or "true" in equals
        write = write or not equals or "false" in equals
    return read, write


def s3_data_coverage(event_selectors: Sequence[Mapping[str, Any]] | None,
                     advanced_selectors: Sequence[Mapping[str, Any]] | None) -> tuple[bool, bool]:
    """(reads, writes): does a trail with these ``GetEventSelectors`` lists record S3 object-level
    events in every bucket? A selector for some buckets only does not count."""
    if advanced_selectors:
        return _advanced_s3_coverage(advanced_selectors)
    read = write = False
    for sel in event_selectors or []:
        everywhere = any(r.get("Type") == S3_OBJECT and any(_ALL_BUCKETS.match(str(v)) for v in r.get("Values") or [])
                         for r in sel.get("DataResources") or [])
        if everywhere:
            kind = sel.get("ReadWriteType", "All")
            read = read or kind in ("All", "ReadOnly")
            write = write or kind in ("All", "WriteOnly")
    return read, write


def selectors_adding(event_selectors: Sequence[Mapping[str, Any]] | None,
                     advanced_selectors: Sequence[Mapping[str, Any]] | None, has_custom_selectors: bool,
                     management: bool = False, s3: str | None = None) -> dict[str, Any]:
    """The ``PutEventSelectors`` parameters that keep a trail's selectors (merge, never clobber) and
    add all management events (``management``) and/or S3 data events on every bucket (``s3``:
    "All", "ReadOnly" or "WriteOnly"). A trail with classic selectors keeps classic ones; otherwise
    advanced selectors are written. A trail without custom selectors records all management events
    by default, and keeps doing so. (PutEventSelectors takes one kind or the other, and replaces all.)"""
    classic = [dict(s) for s in event_selectors or []]
    if classic:
        if management:
            classic.append(dict(MANAGEMENT_CLASSIC))
        if s3:
            classic.append({"ReadWriteType": s3, "IncludeManagementEvents": False,
                            "DataResources": [{"Type": S3_OBJECT, "Values": ["arn:aws:s3"]}]})
        return {"EventSelectors": classic}
    advanced = [dict(s) for s in advanced_selectors or []]
    if management or not (advanced or has_custom_selectors):
        advanced.append(dict(MANAGEMENT_ADVANCED))
    if s3:
        fields = [{"Field": "eventCategory", "Equals": ["Data"]}, {"Field": "resources.type", "Equals": [S3_OBJECT]}]
        if s3 != "All":
            fields.append({"Field": "readOnly", "Equals": ["true" if s3 == "ReadOnly" else "false"]})
        advanced.append({"Name": f"S3 object-level events ({s3}) in every bucket", "FieldSelectors": fields})
    return {"AdvancedEventSelectors": advanced}


def management_selector_to_add(event_selectors: Sequence[Mapping[str, Any]] | None,
                               advanced_selectors: Sequence[Mapping[str, Any]] | None) -> dict[str, Any]:
    """The ``PutEventSelectors`` parameters that keep a trail's selectors and add all management
    events (merge, never clobber: data-event selectors stay as they are)."""
    return selectors_adding(event_selectors, advanced_selectors, True, management=True)
