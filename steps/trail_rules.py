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
        """True when ``pattern`` is this rule's pattern (or an accepted variant), spacing aside."""
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

METRIC_FILTER_RULES: tuple[MetricFilterRule, ...] = (UNAUTHORIZED_API_CALLS, CONSOLE_SIGNIN_WITHOUT_MFA, ROOT_USAGE)


def normalize_pattern(pattern: str) -> str:
    """A filter pattern with all white space removed: CloudWatch ignores it between terms."""
    return re.sub(r"\s+", "", pattern or "")


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


def management_selector_to_add(event_selectors: Sequence[Mapping[str, Any]] | None,
                               advanced_selectors: Sequence[Mapping[str, Any]] | None) -> dict[str, Any]:
    """The ``PutEventSelectors`` parameters that keep a trail's selectors and add all management
    events (merge, never clobber: data-event selectors stay as they are)."""
    advanced = list(advanced_selectors or [])
    if advanced:
        return {"AdvancedEventSelectors": advanced + [
            {"Name": "All management events", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}
        ]}
    classic = [dict(s) for s in event_selectors or []]
    return {"EventSelectors": classic + [
        {"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": []}
    ]}
