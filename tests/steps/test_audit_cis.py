"""Pure tests of the CIS v5.0 additions to audit_logging: the 4.4-4.15 alarms and 3.8/3.9 S3
object-level logging, on hand-written state (no sandbox)."""

from __future__ import annotations

import ast
import pathlib
import re

import pytest

from steps import audit_logging as step
from steps.base import Status, unreadable
from steps.trail_rules import METRIC_FILTER_RULES, S3_OBJECT, s3_data_coverage, selectors_adding
from tests.steps.test_audit_logging import ANSWERS, ACCOUNT, HOME, OTHER, _trail, by_check, empty_state, secure_state
from wizard.sandbox.scenarios.seeds.audit_logging import CIS_FILTER_PATTERNS

RULES = {r.cis: r for r in METRIC_FILTER_RULES}


def _near_miss(pattern: str) -> str:
    """The pattern with one event left out, or (with no alternatives) its first test inverted."""
    dropped = re.sub(r'\(\$\.\w+\s*=\s*"?[\w*.]+"?\)\s*\|\|\s*', "", pattern, count=1)
    return dropped if dropped != pattern else re.sub(r"\s=\s", " != ", pattern, count=1)


def _with_filter(cis: str, pattern: str) -> dict:
    """The secure state, with rule ``cis``'s metric filter using ``pattern``."""
    state = secure_state()
    for f in state["alarms"]["filters"]:
        if f["filterName"] == RULES[cis].key:
            f["filterPattern"] = pattern
    return state


# --- CIS 4.1-4.15: the benchmark's own text is recognised, a near miss is not -------------------


def test_the_table_covers_4_1_to_4_15_in_order():
    assert list(RULES) == [f"4.{n}" for n in range(1, 16)] == list(CIS_FILTER_PATTERNS)


@pytest.mark.parametrize("cis", list(CIS_FILTER_PATTERNS))
def test_the_cis_text_passes_and_a_near_miss_fails_and_is_fixed(cis):
    rule, text = RULES[cis], CIS_FILTER_PATTERNS[cis]
    check = f"alarm-{rule.key}"
    passing = by_check(step.evaluate(_with_filter(cis, text)))[check][0]
    assert passing.status is Status.PASS and passing.cis == (cis,)
    assert not step.plan(_with_filter(cis, text), ANSWERS).changes

    near = _near_miss(text)
    assert near != text
    state = _with_filter(cis, near)
    failing = by_check(step.evaluate(state))[check][0]
    assert failing.status is Status.FAIL and failing.fixable and f"CIS {cis}" in failing.message
    assert failing.securityhub == ((rule.securityhub,) if rule.securityhub else ())
    plan = step.plan(state, ANSWERS)
    assert [(c.call.operation, c.call.params.get("filterPattern")) for c in plan.automatic] == [
        ("PutMetricFilter", rule.pattern), ("PutMetricAlarm", None)]
    alarm = plan.automatic[1].call.params
    assert alarm["MetricName"] == rule.metric_name and alarm["AlarmActions"] == [step.topic_arn(ACCOUNT, HOME)]


@pytest.mark.parametrize("cis", ["4.4", "4.10", "4.15"])
def test_unreadable_metric_filters_are_unknown(cis):
    state = secure_state()
    state["alarms"]["filters"] = unreadable("AccessDenied")
    finding = by_check(step.evaluate(state))[f"alarm-{RULES[cis].key}"][0]
    assert finding.status is Status.UNKNOWN
    assert not [c for c in step.plan(state, ANSWERS).automatic if c.call.operation == "PutMetricFilter"]


# --- CIS 3.8/3.9: S3 object-level logging -----------------------------------------------------

MGMT = {"Name": "m", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}


def _s3_advanced(*extra):
    return {"Name": "s3", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]},
                                             {"Field": "resources.type", "Equals": [S3_OBJECT]}, *extra]}


def _s3_classic(kind, values=("arn:aws:s3",)):
    return {"ReadWriteType": kind, "IncludeManagementEvents": True,
            "DataResources": [{"Type": S3_OBJECT, "Values": list(values)}]}


@pytest.mark.parametrize("classic, advanced, expected", [
    ([_s3_classic("All")], [], (True, True)),
    ([_s3_classic("WriteOnly", ["arn:aws:s3:::"])], [], (False, True)),
    ([_s3_classic("ReadOnly")], [], (True, False)),
    ([_s3_classic("All", ["arn:aws:s3:::one-bucket/"])], [], (False, False)),  # some buckets only
    ([{"ReadWriteType": "All", "DataResources": [{"Type": "AWS::Lambda::Function", "Values": ["arn:aws:lambda"]}]}],
     [], (False, False)),
    ([], [_s3_advanced()], (True, True)),
    ([], [_s3_advanced({"Field": "readOnly", "Equals": ["true"]})], (True, False)),
    ([], [_s3_advanced({"Field": "readOnly", "Equals": ["false"]})], (False, True)),
    ([], [_s3_advanced({"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::one-bucket/"]})], (False, False)),
    ([], [MGMT], (False, False)),
    ([], [], (False, False)),
])
def test_s3_data_coverage(classic, advanced, expected):
    assert s3_data_coverage(classic, advanced) == expected


def _trail_with(classic=(), advanced=(), **kw):
    return _trail(selectors={"EventSelectors": list(classic), "AdvancedEventSelectors": list(advanced)}, **kw)


def _put_selectors(plan):
    return [c for c in plan.automatic if c.call.operation == "PutEventSelectors"]


def test_a_trail_without_data_events_fails_both_and_one_put_fixes_them():
    state = secure_state()
    state["trails"] = [_trail_with()]  # the default selectors: management events only
    checks = by_check(step.evaluate(state))
    for check, cis, hub in (("s3-object-write-logging", "3.8", "S3.22"), ("s3-object-read-logging", "3.9", "S3.23")):
        assert checks[check][0].status is Status.FAIL and checks[check][0].fixable
        assert checks[check][0].cis == (cis,) and checks[check][0].securityhub == (hub,)
    (change,) = _put_selectors(step.plan(state, ANSWERS))
    assert "$0.10 per 100,000" in change.cost_note and change.call.region == HOME
    assert change.undo.params["EventSelectors"][0]["IncludeManagementEvents"] is True  # back to the default
    # re-check: the trail with the selectors the fix writes passes both, management events kept
    params = {k: v for k, v in change.call.params.items() if k != "TrailName"}
    state["trails"] = [_trail_with(params.get("EventSelectors", ()), params.get("AdvancedEventSelectors", ()))]
    after = by_check(step.evaluate(state))
    assert after["s3-object-write-logging"][0].status is Status.PASS
    assert after["s3-object-read-logging"][0].status is Status.PASS and after["cloudtrail"][0].status is Status.PASS
    assert not _put_selectors(step.plan(state, ANSWERS))


def test_only_the_missing_kind_is_added_and_classic_selectors_stay_classic():
    state = secure_state()
    mgmt = {"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": []}
    state["trails"] = [_trail_with([mgmt, _s3_classic("WriteOnly")])]
    checks = by_check(step.evaluate(state))
    assert checks["s3-object-write-logging"][0].status is Status.PASS
    assert checks["s3-object-read-logging"][0].status is Status.FAIL
    (change,) = _put_selectors(step.plan(state, ANSWERS))
    *kept, added = change.call.params["EventSelectors"]
    assert kept == [mgmt, _s3_classic("WriteOnly")] and added["ReadWriteType"] == "ReadOnly"


def test_missing_management_and_data_events_are_one_put_not_two():
    state = secure_state()
    state["trails"] = [_trail_with([{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}])]
    (change,) = _put_selectors(step.plan(state, ANSWERS))
    selectors = change.call.params["EventSelectors"]
    assert s3_data_coverage(selectors, []) == (True, True)
    assert step.trail_problems(_trail_with(selectors)) == []


def test_a_new_trail_gets_data_events_before_it_starts_logging():
    plan = step.plan(empty_state(), ANSWERS)
    ops = [c.call.operation for c in plan.automatic]
    assert ops.index("CreateTrail") < ops.index("PutEventSelectors") < ops.index("StartLogging")
    (change,) = _put_selectors(plan)
    assert change.call.params["TrailName"] == step.TRAIL_NAME
    advanced = change.call.params["AdvancedEventSelectors"]
    assert s3_data_coverage([], advanced) == (True, True) and step.trail_problems(_trail_with((), advanced)) == []


def test_another_accounts_trail_without_data_events_is_manual():
    state = secure_state()
    state["trails"] = [_trail_with([], [MGMT], Name="org", TrailARN=step.trail_arn(OTHER, HOME, "org"),
                                   IsOrganizationTrail=True)]
    state["trail_bucket"] = None
    checks = by_check(step.evaluate(state))
    assert {checks[c][0].status for c in ("s3-object-write-logging", "s3-object-read-logging")} == {Status.MANUAL}
    assert not _put_selectors(step.plan(state, ANSWERS))


def test_unreadable_selectors_are_unknown_and_plan_no_put():
    state = secure_state()
    state["trails"] = [_trail_with(), _trail(Name="b", TrailARN=step.trail_arn(ACCOUNT, HOME, "b"),
                                             selectors=unreadable("AccessDenied"))]
    checks = by_check(step.evaluate(state))
    assert checks["s3-object-write-logging"][0].status is Status.UNKNOWN
    assert not _put_selectors(step.plan(state, ANSWERS))


def test_selectors_adding_keeps_a_default_trails_management_events():
    params = selectors_adding([], [], False, s3="WriteOnly")
    assert s3_data_coverage([], params["AdvancedEventSelectors"]) == (False, True)
    assert step.trail_problems(_trail_with((), params["AdvancedEventSelectors"])) == []


# --- the secure scenario is written from the documentation, not with the step's builders ------------


def test_no_seed_imports_a_step():
    seeds = pathlib.Path(__file__).parents[2] / "wizard" / "sandbox" / "scenarios" / "seeds"
    for path in sorted(seeds.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not [n for n in names if n == "steps" or n.startswith("steps.")], path.name
