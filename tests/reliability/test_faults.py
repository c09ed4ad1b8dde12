"""Faults: throttling and 5xx never change a finding; a denied read makes only its step UNKNOWN;
a failure in the middle of an apply stops the plan, journals what was done, and a re-run finishes
the rest without redoing anything.

Figures (faults injected and survived) are printed with `pytest -s`.
"""

from __future__ import annotations

import json

from steps import STEPS, by_id
from steps.base import Status
from wizard.apply import apply_plan, fresh_collect
from wizard.assess import assess
from wizard.aws import AWS, Target
from wizard.journal import Journal


def _outcome(results):
    return sorted((r.id, f.check, f.status.value, f.region or "", f.resource or "", f.message)
                  for r in results for f in r.findings)


def test_full_check_survives_20_percent_throttling_and_5xx(account):
    sb = account("insecure")
    clean = assess(AWS(Target(endpoint_url=sb.endpoint_url)), STEPS)
    # Only a request's first two attempts may be faulted: every request succeeds within the wizard's
    # six attempts, so the outcome is the same whatever order the threads ask in.
    sb.set_faults(rate=0.2, kinds=("throttle", "5xx"), max_attempt=2)
    aws = AWS(Target(endpoint_url=sb.endpoint_url))
    faulty = assess(aws, STEPS)
    injected = list(sb.faults.injected)
    sb.set_faults(rate=0.0)
    assert len(injected) > 50, "faults were injected"
    assert {kind for _, kind in injected} == {"throttle", "5xx"}
    assert not [f for r in faulty for f in r.findings if f.status is Status.UNKNOWN]
    assert _outcome(faulty) == _outcome(clean)
    print(f"\n[figures] check: {aws.requests} requests, {len(injected)} faults injected "
          f"({sum(k == 'throttle' for _, k in injected)} throttling, {sum(k == '5xx' for _, k in injected)} 5xx), "
          "all survived, findings identical")


def test_denied_reads_make_that_step_unknown_and_name_the_action(account):
    sb = account("insecure")
    denied = {"account:GetAlternateContact", "account:GetContactInformation"}
    sb.set_faults(deny_actions=denied)
    others = [by_id(s) for s in ("root", "keys", "s3")]
    results = {r.id: r for r in assess(AWS(Target(endpoint_url=sb.endpoint_url)), [by_id("contacts"), *others])}
    contacts = results["contacts"].findings
    assert contacts and all(f.status is Status.UNKNOWN for f in contacts)
    named = " ".join(f.message for f in contacts)
    assert "account:GetAlternateContact" in named and "access denied" in named
    for step in others:
        findings = results[step.INFO.id].findings
        assert findings and not [f for f in findings if f.status is Status.UNKNOWN], step.INFO.id
        assert any(f.status is Status.FAIL for f in findings)
    assert {a for a, _ in sb.faults.injected} == denied


def _calls(entries):
    return [json.dumps([e.call, e.change["call"].get("region"), e.params], sort_keys=True) for e in entries]


def test_a_fault_mid_apply_stops_the_plan_and_a_rerun_completes_it_once(account, capsys):
    sb = account("insecure")
    step = by_id("compute")
    aws = AWS(Target(endpoint_url=sb.endpoint_url), regions=["us-east-1", "eu-west-1"])  # the workload regions
    plan = step.plan(fresh_collect(aws, step), {})
    changes = list(plan.automatic)
    assert len(changes) >= 4
    # the operation whose first change sits nearest the middle of the plan (not the first one)
    first_at = {}
    for index, change in enumerate(changes):
        first_at.setdefault(change.call.operation, index)
    operation, stop = min(((op, i) for op, i in first_at.items() if 0 < i < len(changes) - 1),
                          key=lambda item: abs(item[1] - len(changes) / 2))
    sb.set_faults(rate=1.0, kinds=("5xx",), operations={operation})  # fails even after every retry
    journal = Journal(aws.account_id)
    result = apply_plan(aws, step, plan, {}, journal=journal)
    injected = len(sb.faults.injected)
    sb.set_faults(rate=0.0)

    assert not result.ok
    assert [r.ok for r in result.results] == [True] * stop + [False]
    assert result.failed.change.call.operation == operation and "failed" in result.failed.detail
    assert [c for c in result.skipped if not c.manual] == changes[stop + 1:]  # shown as not done
    first_run = journal.entries()
    assert [e.ok for e in first_run] == [True] * stop + [False]  # journalled: done, failed, nothing after

    rerun_plan = step.plan(fresh_collect(aws, step), {})
    assert len(rerun_plan.automatic) == len(changes) - stop  # what was done is not planned again
    again = apply_plan(aws, step, rerun_plan, {}, journal=journal)
    assert again.ok, again.failed and again.failed.detail
    second_run = journal.entries()[len(first_run):]
    done_first = _calls([e for e in first_run if e.ok])
    assert not set(_calls(second_run)) & set(done_first), "nothing done was sent again"
    assert len(_calls(second_run)) == len(set(_calls(second_run)))
    planned = [json.dumps([c.call.name, c.call.region, dict(c.call.params)], sort_keys=True) for c in changes]
    assert sorted(done_first + _calls(second_run)) == sorted(planned)  # every change made exactly once
    assert not step.plan(fresh_collect(aws, step), {}).automatic
    print(f"\n[figures] apply: {injected} faults injected into {operation} (change {stop + 1} of {len(changes)}); "
          f"{stop} done, rest completed by the re-run, 0 duplicated")
