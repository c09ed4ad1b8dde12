"""Pure tests of the CIS metric filter patterns and of "the trail records all management events"."""

from __future__ import annotations

import pytest

from steps.trail_rules import (
    CONSOLE_SIGNIN_WITHOUT_MFA,
    METRIC_FILTER_RULES,
    ROOT_USAGE,
    UNAUTHORIZED_API_CALLS,
    management_selector_to_add,
    matching_filters,
    records_all_management_events,
)

# --- the exact CIS v5.0.0 patterns -------------------------------------------------------------


def test_unauthorized_api_calls_pattern_is_the_cis_4_1_pattern():
    assert UNAUTHORIZED_API_CALLS.cis == "4.1" and UNAUTHORIZED_API_CALLS.securityhub == "CloudWatch.2"
    assert UNAUTHORIZED_API_CALLS.pattern == (
        '{($.errorCode ="*UnauthorizedOperation") || ($.errorCode ="AccessDenied*") '
        '&& ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }'
    )


def test_console_signin_without_mfa_pattern_is_the_cis_4_2_pattern():
    assert CONSOLE_SIGNIN_WITHOUT_MFA.cis == "4.2" and CONSOLE_SIGNIN_WITHOUT_MFA.securityhub == "CloudWatch.3"
    assert CONSOLE_SIGNIN_WITHOUT_MFA.pattern == (
        '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }'
    )


def test_root_usage_pattern_is_the_cis_4_3_pattern():
    assert ROOT_USAGE.cis == "4.3" and ROOT_USAGE.securityhub == "CloudWatch.1"
    assert ROOT_USAGE.pattern == (
        '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }'
    )


def test_each_rule_has_its_own_metric_and_key():
    assert [r.cis for r in METRIC_FILTER_RULES] == [f"4.{n}" for n in range(1, 16)]
    assert len({r.key for r in METRIC_FILTER_RULES}) == 15
    assert len({r.metric_name for r in METRIC_FILTER_RULES}) == 15


def test_patterns_are_recognised_whatever_the_spacing():
    squeezed = ROOT_USAGE.pattern.replace(" ", "").replace("NOTEXISTS", "NOT EXISTS")
    assert ROOT_USAGE.accepts(squeezed)
    assert ROOT_USAGE.accepts("\n" + ROOT_USAGE.pattern.replace(" && ", "\n&&\t") + "  ")


def test_a_weaker_pattern_is_not_accepted():
    # root use, but also counting calls AWS services make on the root's behalf
    assert not ROOT_USAGE.accepts('{ $.userIdentity.type = "Root" }')
    # sign-in without MFA, but only failed ones
    assert not CONSOLE_SIGNIN_WITHOUT_MFA.accepts(
        '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && '
        '($.responseElements.ConsoleLogin = "Failure") }')
    assert not UNAUTHORIZED_API_CALLS.accepts('{ ($.errorCode = "AccessDenied*") }')
    assert not ROOT_USAGE.accepts(None) and not ROOT_USAGE.accepts("")


def test_the_patterns_do_not_accept_each_other():
    for rule in METRIC_FILTER_RULES:
        for other in METRIC_FILTER_RULES:
            assert rule.accepts(other.pattern) is (rule is other)


def test_accepted_variants():
    assert UNAUTHORIZED_API_CALLS.accepts('{($.errorCode="*UnauthorizedOperation")||($.errorCode="AccessDenied*")}')
    assert CONSOLE_SIGNIN_WITHOUT_MFA.accepts(
        '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && '
        '($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }')


def test_matching_filters_picks_rows_by_pattern_not_name():
    rows = [
        {"filterName": "RootAccountUsage", "filterPattern": "{ $.userIdentity.type = \"Root\" }"},
        {"filterName": "anything", "filterPattern": ROOT_USAGE.pattern},
    ]
    assert [r["filterName"] for r in matching_filters(ROOT_USAGE, rows)] == ["anything"]


# --- classic event selectors ---------------------------------------------------------------------

ALL = {"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": [],
       "ExcludeManagementEventSources": []}


def test_classic_all_management_events():
    assert records_all_management_events([ALL], [])


def test_classic_defaults_mean_all_management_events():
    assert records_all_management_events([{"DataResources": []}], None)


@pytest.mark.parametrize("kind", ["ReadOnly", "WriteOnly"])
def test_classic_reads_or_writes_only_is_not_all(kind):
    assert not records_all_management_events([dict(ALL, ReadWriteType=kind)], [])


def test_classic_reads_and_writes_in_two_selectors_cover_all():
    assert records_all_management_events([dict(ALL, ReadWriteType="ReadOnly"), dict(ALL, ReadWriteType="WriteOnly")], [])


def test_classic_management_events_turned_off():
    data_only = dict(ALL, IncludeManagementEvents=False,
                     DataResources=[{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}])
    assert not records_all_management_events([data_only], [])


def test_classic_excluded_event_sources_is_not_all():
    assert not records_all_management_events([dict(ALL, ExcludeManagementEventSources=["kms.amazonaws.com"])], [])


# --- advanced event selectors --------------------------------------------------------------------

MGMT = {"Name": "Management", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}


def _with(*extra):
    return {"Name": "x", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}, *extra]}


def test_advanced_all_management_events():
    assert records_all_management_events([], [MGMT])


def test_advanced_read_only_true_is_reads_only():
    assert not records_all_management_events([], [_with({"Field": "readOnly", "Equals": ["true"]})])


def test_advanced_reads_and_writes_split_over_two_selectors():
    reads = _with({"Field": "readOnly", "Equals": ["true"]})
    writes = _with({"Field": "readOnly", "Equals": ["false"]})
    assert records_all_management_events([], [reads, writes])
    assert records_all_management_events([], [reads, _with({"Field": "readOnly", "NotEquals": ["true"]})])


def test_advanced_excluded_event_source_is_not_all():
    assert not records_all_management_events(
        [], [_with({"Field": "eventSource", "NotEquals": ["kms.amazonaws.com"]})])


def test_advanced_data_events_only_is_not_management():
    data = {"Name": "S3", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]},
                                             {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}]}
    assert not records_all_management_events([], [data])
    assert records_all_management_events([], [data, MGMT])


def test_advanced_selectors_win_over_a_stale_classic_list():
    # a trail uses one kind; when advanced selectors are present they are what counts
    data = {"Name": "S3", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]}]}
    assert not records_all_management_events([ALL], [data])


# --- the empty-selector case ---------------------------------------------------------------------


def test_empty_selectors_on_a_trail_without_custom_selectors_is_the_default():
    """A trail that never had selectors set records all management events (AWS's default)."""
    assert records_all_management_events([], [])
    assert records_all_management_events(None, None)


def test_empty_selectors_on_a_trail_with_custom_selectors_records_nothing():
    assert not records_all_management_events([], [], has_custom_selectors=True)


# --- the merge used by the fix -------------------------------------------------------------------


def test_adding_management_events_keeps_the_existing_selectors():
    data = dict(ALL, IncludeManagementEvents=False,
                DataResources=[{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}])
    params = management_selector_to_add([data], [])
    assert params["EventSelectors"][0] == data
    assert records_all_management_events(params["EventSelectors"], [])
    adv = {"Name": "S3", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]}]}
    params = management_selector_to_add([], [adv])
    assert params["AdvancedEventSelectors"][0] == adv
    assert records_all_management_events([], params["AdvancedEventSelectors"])
