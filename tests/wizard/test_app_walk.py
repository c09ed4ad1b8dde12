"""The whole demo in the TUI: welcome, every step in order (console tasks simulated, every fix
applied), summary. Its own file, so that this long walk runs on one worker while the other takes
other files (tests/conftest.py, LONGEST_FIRST)."""

from __future__ import annotations

import pytest

from steps import STEPS
from steps.base import Status
from tests.helpers import DEMO_ANSWERS
from tests.wizard.tui import apply_current, assessed, fill, make_app, screen_name, simulate_actions, wait_for
from wizard.findings_groups import group_findings


@pytest.mark.timeout(1200)
async def test_walk_the_whole_demo(account):
    """Welcome → every step in order (simulating console steps, applying every fix) → summary."""
    sb = account("insecure")
    app = make_app(sb, sandbox=True)  # a sandbox connection, as `demo`'s
    async with app.run_test(size=(100, 32)) as pilot:
        await assessed(pilot, timeout=300)
        account_id = app.identity.account_id
        for index, step in enumerate(STEPS):
            step_id = step.INFO.id
            await pilot.press("n")
            await wait_for(pilot, lambda: screen_name(app) == "StepScreen" and app.screen.step is step
                           and step_id not in app.running, what=f"{step_id} (re-checked when stale)")
            assert app.position == index
            # console-only changes: the sandbox simulates them, then the step is re-checked
            tried: set[str] = set()
            while True:
                todo = [a for a in simulate_actions(app.screen) if a not in tried]
                if not todo:
                    break
                tried.add(todo[0])
                app.simulate_console(todo[0], step_id)
                await wait_for(pilot, lambda: step_id not in app.running, what=f"{step_id} re-check")
                await pilot.pause()
            await fill(pilot, DEMO_ANSWERS.get(step_id, {}))
            plan = app.plan_for(step_id)
            assert plan is not None and not plan.needs, (step_id, plan and plan.notes)
            if plan.automatic:
                await apply_current(pilot, account_id)
                assert screen_name(app) == "ApplyScreen", f"{step_id}: {getattr(app.screen, 'message', '')}"
                await pilot.press("escape")
                await wait_for(pilot, lambda: screen_name(app) == "StepScreen" and step_id not in app.running)
            again = app.plan_for(step_id)
            assert not again.automatic, (step_id, [c.title for c in again.automatic])
        await pilot.press("n")
        await wait_for(pilot, lambda: screen_name(app) == "SummaryScreen")
        left = str(app.screen.query_one("#summary-left").render())
        table = str(app.screen.query_one("#summary-table").render())
        for step in STEPS:
            result = app.results[step.INFO.id]
            assert step.INFO.label in table  # each step named whole, by its short label (issue 16)
            assert not [f for f in result.findings if f.status is Status.UNKNOWN], step.INFO.id
            plan = app.plan_for(step.INFO.id)
            assert not plan.automatic, step.INFO.id  # every automatic fix was applied
            # what is left is listed with why, one line per check and status (N/A is nothing to do)
            for group in group_findings([dict(f.to_dict(), step=step.INFO.id) for f in result.findings
                                         if f.status not in (Status.PASS, Status.NA)]):
                assert group.title in left, (step.INFO.id, group.title)
        # the console-only root checks passed once simulated
        if "root" in [s.INFO.id for s in STEPS]:
            root_mfa = [f for f in app.results["root"].findings if "1.4" in f.cis]
            assert root_mfa and root_mfa[0].status is Status.PASS
