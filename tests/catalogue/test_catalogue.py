"""Properties every step of the catalogue must have, checked against the sandbox over HTTP."""

from __future__ import annotations

import pytest

from steps import STEPS
from steps.base import Status
from steps.catalogue import undeclared
from steps.checks import ACCOUNT, LOCAL, REGION
from tests.helpers import DEMO_ANSWERS, open_aws, plan_for, undeclared_fixes, unpaired_failures
from wizard.apply import apply_plan, fresh_collect

STEP_IDS = [s.INFO.id for s in STEPS]


@pytest.mark.parametrize("step", STEPS, ids=STEP_IDS)
def test_info_is_complete(step):
    info = step.INFO
    assert info.id and info.title and info.guide_section
    assert len(info.why) > 80, "why should explain, in a few sentences of our own"
    assert info.reads, "every step reads something"
    assert all(":" in action for action in info.reads + info.writes)
    names = [i.name for i in info.inputs]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("step", STEPS, ids=STEP_IDS)
def test_secure_account_passes(account, step):
    sb = account("secure")
    findings = step.evaluate(fresh_collect(open_aws(sb), step))
    assert findings
    failing = [f for f in findings if f.status in (Status.FAIL, Status.UNKNOWN)]
    assert not failing, failing
    assert not undeclared(step, findings), "every finding is built from the step's declared checks"


@pytest.mark.parametrize("step", STEPS, ids=STEP_IDS)
def test_insecure_account_fails_with_ids(account, step):
    sb = account("insecure")
    state = fresh_collect(open_aws(sb), step)
    findings = step.evaluate(state)
    assert any(f.status is Status.FAIL for f in findings)
    assert not [f for f in findings if f.status is Status.UNKNOWN], "the sandbox must answer every read"
    assert not undeclared(step, findings), "every finding is built from the step's declared checks"
    for finding in findings:
        if finding.status is Status.FAIL:
            assert finding.message
    # the report's "how to fix": every change says which checks it fixes, and every fixable FAIL has one
    assert not undeclared_fixes(step, state)
    assert not unpaired_failures(step, state, findings)
    assert not [f for f in findings if f.status is Status.FAIL and not resource_named(f)], \
        "a failure about a resource names it (issue 17); an account or regional setting is declared so"


# Checks whose resources AWS gives no ARN: access keys (their id), roles and inline policies found through
# ListEntitiesForPolicy and the inline listings ("role/NAME", "user/NAME/POLICY").
CANONICAL_IDS = {"key-age", "unused-credentials", "setup-keys", "cloudshell-full-access", "full-admin-attached"}


def resource_named(finding) -> bool:
    """A resource-level finding names its resource by ARN (or canonical id where AWS has no ARN); an
    account or regional setting is declared so in the catalogue (reports then name the account)."""
    if finding.scope in (ACCOUNT, REGION, LOCAL):
        return True
    return bool(finding.resource) and (finding.resource.startswith("arn:") or finding.check in CANONICAL_IDS)


@pytest.mark.parametrize("step", STEPS, ids=STEP_IDS)
def test_fix_then_nothing_left_to_do(account, step):
    """Idempotence: doing the whole plan (console tasks simulated by the sandbox) leaves nothing to do."""
    fix_everything_then_recheck(account("insecure"), step)


@pytest.mark.parametrize("step", STEPS, ids=STEP_IDS)
def test_fix_then_nothing_left_to_do_realistic(realistic_account, realism_clock, step):
    """The same on a realistic sandbox (IAM propagation, cached reports, pending states: issue 14)."""
    sb = realistic_account("insecure", delay_s=1.0)
    realism_clock()  # time passes only while the apply waits
    fix_everything_then_recheck(sb, step)


def fix_everything_then_recheck(sb, step):
    aws = open_aws(sb)
    answers = DEMO_ANSWERS.get(step.INFO.id, {})
    plan = plan_for(aws, step)
    assert plan.changes, "the insecure scenario should give every step something to fix"
    for round_ in range(3):  # a console task can unlock automatic changes (Identity Center, then its setup)
        if round_:  # read again after the console tasks (the first round applies the plan just read)
            plan = plan_for(aws, step)
        result = apply_plan(aws, step, plan, answers)
        assert result.ok, result.failed and result.failed.detail
        simulated = [c.console_action for c in plan.manual_changes if c.console_action]
        for action in simulated:
            sb.console(action)
        if not simulated:
            break
    state = fresh_collect(aws, step)  # one read of the fixed account for both the plan and the findings
    again = step.plan(state, answers)
    assert not again.automatic, [c.title for c in again.automatic]
    findings = step.evaluate(state)
    assert not [f for f in findings if f.status is Status.FAIL and f.fixable], "every fixable FAIL was fixed"
    assert any(f.status is Status.PASS for f in findings), "fixing should turn checks to PASS"
