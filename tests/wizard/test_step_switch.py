"""A step switch never waits (issue 16): the screen paints what is known while a step is still read or
planned, long lists fill in a batch at a time, typing re-plans once, counts do not flicker, and a
dialog hides what is behind it.

No AWS: the connection fails on purpose, and the steps' reads are replaced by hand-built states held
on an Event (never a sleep), so a "stalled" read or plan is a thread the test releases. How fast a
switch is, is measured by benchmarks/tui_step_switch.py, never asserted here.
"""

from __future__ import annotations

import io
import threading
from types import SimpleNamespace

from rich.console import Console
from textual.widgets import Input, Label

from steps import STEPS, by_id
from tests.steps.test_compute import region_data
from tests.wizard.tui import screen_name, wait_for
from wizard.app import WizardApp
from wizard.assess import StepResult
from wizard.connection import Connection, Identity
from wizard.widgets.batched import BATCH, LIMIT, ShowMore
from wizard.wizard_run import StepAssessed

compute, contacts = by_id("compute"), by_id("contacts")
# Like the demo's compute step, where 17 regions fail the same checks, but smaller: the test pays
# for every widget, and 42 calls show the batching and the "show the other" button as well as 88 would.
COMPUTE_STATE = {"regions": {f"region-{n}": region_data() for n in range(6)}}
ONE_REGION = {"regions": {"region-0": region_data()}}


def _unreachable() -> None:
    from steps.base import StepError

    raise StepError("no AWS credentials were found", "run `aws configure`")


async def _started(pilot, app: WizardApp) -> None:
    """The app without AWS: the connection error dismissed, a connection whose reads the test holds."""
    await wait_for(pilot, lambda: screen_name(app) == "ErrorScreen", what="the connection error")
    await pilot.press("escape")
    app.connection = Connection(SimpleNamespace(forget=lambda: None, close=lambda: None))
    app.identity, app.connect_error = Identity(account_id="123456789012"), None


def _read(app: WizardApp, step, state) -> None:
    """The step read as an assessment would have read it, and its screen asked for."""
    app.record_assessed(StepAssessed(StepResult(step, state, step.evaluate(state)), app.generation, 0))
    app.go_to_step(step.INFO.id)


def _text(app: WizardApp, selector: str) -> str:
    return "\n".join(str(widget.render()) for widget in app.screen.query(selector))


def _on_step(app: WizardApp, step) -> bool:
    return screen_name(app) == "StepScreen" and app.screen.step is step


async def test_the_compute_screen_paints_while_its_read_is_held_and_fills_in_after(monkeypatch):
    release = threading.Event()
    monkeypatch.setattr(compute, "collect", lambda aws: release.wait(60) and COMPUTE_STATE)
    app = WizardApp(_unreachable, steps=STEPS)
    async with app.run_test(size=(120, 40)) as pilot:
        await _started(pilot, app)
        app.recheck(["compute"])
        app.go_to_step("compute")
        await wait_for(pilot, lambda: _on_step(app, compute), what="the compute screen")
        assert compute.INFO.title in _text(app, "#step-title")
        assert "Reading this step from the account" in _text(app, "#step-reading")
        assert "compute" in app.running and "compute" not in app.results
        await pilot.press("b")  # the screen answers keys while the read is held
        await wait_for(pilot, lambda: screen_name(app) == "StepScreen" and app.screen.step is not compute)

        release.set()
        await wait_for(pilot, lambda: "compute" not in app.running, what="the held read")
        app.go_to_step("compute")
        await wait_for(pilot, lambda: _on_step(app, compute))
        assert app.screen.query("#findings .finding-group")  # the findings, grouped
        plan = app.plan_for("compute")
        assert len(plan.automatic) > LIMIT > BATCH  # its summary, and the calls only when asked
        summary = _text(app, "#plan .plan-summary")
        assert summary.startswith(f"Summary: {len(plan.automatic)} calls")
        assert all(f"{change.call.name}: " in summary for change in plan.automatic)  # calls per operation
        calls = app.screen.query("#plan .change")
        assert len(calls) == len(plan.manual_changes) == len(calls.filter(".-manual"))  # the console tasks stay in view
        more = app.screen.query_one("#plan ShowMore", ShowMore)
        assert f"Show the {len(plan.automatic)} calls" in str(more.label)
        children = list(app.screen.query_one("#plan").children)
        assert children.index(app.screen.query_one("#plan .plan-summary")) < children.index(more) < children.index(
            calls.first())  # the calls held under their summary, before the tasks
        more.press()
        await wait_for(pilot, lambda: not app.screen.query("#plan ShowMore"), what="the other calls")
        assert len(app.screen.query("#plan .change")) == len(plan.changes)
        assert not app.screen.query_one("#step-reading").display


async def test_a_held_plan_does_not_hold_the_screen(monkeypatch):
    """The plan is made in a thread: the screen shows the step and its findings, and answers keys,
    while the plan is still being made."""
    entered, release, done = threading.Event(), threading.Event(), threading.Event()
    make_plan = compute.plan

    def held_plan(state, answers):
        entered.set()
        release.wait(60)
        done.set()
        return make_plan(state, answers)

    monkeypatch.setattr(compute, "plan", held_plan)
    app = WizardApp(_unreachable, steps=STEPS)
    async with app.run_test(size=(120, 40)) as pilot:
        await _started(pilot, app)
        _read(app, compute, ONE_REGION)
        await wait_for(pilot, lambda: _on_step(app, compute) and entered.is_set() and bool(
            app.screen.query(".finding-row")), what="the compute screen", settle=False)
        assert not done.is_set(), "the screen waited for the plan"
        assert compute.INFO.title in _text(app, "#step-title")
        assert "Preparing the plan" in _text(app, "#plan Label")
        await pilot.press("b")
        await wait_for(pilot, lambda: screen_name(app) == "StepScreen" and app.screen.step is not compute,
                       settle=False)
        assert not done.is_set()
        release.set()
        app.go_to_step("compute")  # made again (no cache): the held thread's answer was for the screen left
        await wait_for(pilot, lambda: _on_step(app, compute))
        assert len(app.screen.query("#plan .change")) == len(make_plan(ONE_REGION, {}).changes)


CONTACTS_STATE = {"alternate": {"SECURITY": None, "BILLING": None, "OPERATIONS": None}, "primary": {"FullName": "A"}}


async def test_typing_replans_once_after_the_last_key_and_an_unchanged_plan_is_not_redrawn(monkeypatch):
    planned = []
    make_plan = contacts.plan
    monkeypatch.setattr(contacts, "plan", lambda state, answers: planned.append(dict(answers)) or make_plan(state, answers))
    app = WizardApp(_unreachable, steps=STEPS)
    async with app.run_test(size=(120, 40)) as pilot:
        await _started(pilot, app)
        _read(app, contacts, CONTACTS_STATE)
        await wait_for(pilot, lambda: _on_step(app, contacts))
        name = app.screen.query_one("#input-name", Input)
        planned.clear()
        name.value = "S"
        await wait_for(pilot, lambda: bool(planned), what="the plan after the first key")
        drawn = list(app.screen.query_one("#plan").children)
        planned.clear()
        for typed in ("Se", "Sec", "Secu", "Secur"):  # keys faster than the delay
            name.value = typed
        await wait_for(pilot, lambda: bool(planned), what="the plan after typing")
        assert [answers["name"] for answers in planned] == ["Secur"]
        # A longer name, the other fields still missing: the same plan, not drawn again.
        assert list(app.screen.query_one("#plan").children) == drawn, "an unchanged plan was drawn again"

        app.screen.query_one("#input-email", Input).value = "not-an-email"
        await wait_for(pilot, lambda: "not-an-email" in _text(app, "#plan .plan-note"), what="the new notes")


async def test_counts_stay_while_steps_are_rechecked():
    """The failing count and a step's counts keep their last value until the re-check answers."""
    app = WizardApp(_unreachable, steps=STEPS)
    async with app.run_test(size=(120, 40)) as pilot:
        await _started(pilot, app)
        for step in STEPS:
            findings = compute.evaluate(COMPUTE_STATE) if step is compute else []
            app.record_assessed(StepAssessed(StepResult(step, None, findings), app.generation, 0, first=True))
        await pilot.pause()
        label = app.screen.query_one("#assess-label", Label)
        options = app.screen.query_one("#step-options")
        row = [s.INFO.id for s in STEPS].index("compute") + 1
        assert str(label.render()) == f"1 of {len(STEPS)} failing"
        counts = options.render_line(row).text.split()[-1]
        app.running |= {s.INFO.id for s in STEPS}  # what "re-check all" does until the answers come
        app.touch()
        await pilot.pause()
        assert str(label.render()) == f"1 of {len(STEPS)} failing"
        line = options.render_line(row).text
        assert "⟳" in line and line.split()[-1] == counts


def _frame_lines(app: WizardApp) -> list[str]:
    """The screen as drawn, in text: the top screen composited over the ones below (what Textual's
    own export_screenshot renders)."""
    console = Console(width=app.size.width, height=app.size.height, file=io.StringIO(), record=True,
                      force_terminal=True, color_system="truecolor", legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(  # noqa: SLF001 - as App.export_screenshot does
        full=True, screen_stack=app._background_screens))  # noqa: SLF001
    return console.export_text().splitlines()


async def test_nothing_behind_a_dialog_shows_beside_it():
    app = WizardApp(_unreachable, steps=STEPS)
    async with app.run_test(size=(100, 32)) as pilot:
        await _started(pilot, app)
        app.go_to_step("compute")  # a screen full of text behind the dialog
        await wait_for(pilot, lambda: _on_step(app, compute))
        app.show_error("A long error", "word " * 80, "a hint")
        await wait_for(pilot, lambda: screen_name(app) == "ErrorScreen")
        dialog = app.screen.query_one("#error-dialog").region
        lines = _frame_lines(app)
        beside = [line[:dialog.x] + line[dialog.right:] for line in lines[dialog.y:dialog.bottom]]
        assert not "".join(beside).strip(), beside


async def test_keys_pressed_during_a_switch_move_its_target_and_nothing_fails():
    """Holding `n`: each press lands while the last screen is still mounting. Before, every press
    mounted a screen and removed the one before mid-mount, and the app stopped (NoMatches)."""
    app = WizardApp(_unreachable, steps=STEPS)
    async with app.run_test(size=(100, 32)) as pilot:
        await _started(pilot, app)
        for _ in range(6):
            app.action_next()
        app.action_back()
        await wait_for(pilot, lambda: _on_step(app, STEPS[4]) and app.position == 4, what="the fifth step")
        assert len(app.screen_stack) == 2  # the default screen and the step: none left on the way
    assert app.return_code in (None, 0)  # run_test also raises what stopped the app


async def test_keys_typed_right_after_a_reach_the_confirmation():
    """`a` then the account id at once, as a terminal hands over typed keys: the first digits went to
    the step screen while the confirmation was still being put up, and the id field missed them."""
    from textual import events

    app = WizardApp(_unreachable, steps=STEPS)
    async with app.run_test(size=(120, 40)) as pilot:
        await _started(pilot, app)
        _read(app, compute, COMPUTE_STATE)  # 42 calls: a confirmation that takes a while to put up
        await wait_for(pilot, lambda: _on_step(app, compute), what="the compute screen")
        assert app.plan_for("compute").risky  # the account id must be typed
        for key in ["a", *"123456789012"]:
            app.post_message(events.Key(key, key))
        await wait_for(pilot, lambda: screen_name(app) == "ConfirmScreen", what="the confirmation")
        field = app.screen.query_one("#confirm-account", Input)
        await wait_for(pilot, lambda: len(field.value) == 12, timeout=10, what=f"the typed id, not {field.value!r}")
        assert field.value == "123456789012" and app.screen.focused is field
        await pilot.press("escape")
        await wait_for(pilot, lambda: _on_step(app, compute), what="the step again")

        # In a field, `a` (a priority binding now) is a letter like any other: it types, never reviews.
        _read(app, contacts, CONTACTS_STATE)
        await wait_for(pilot, lambda: _on_step(app, contacts), what="the contacts screen")
        first = app.screen.query(Input).first()
        first.focus()
        await wait_for(pilot, lambda: app.screen.focused is first, settle=False)
        for key in "ab":
            app.post_message(events.Key(key, key))
        await wait_for(pilot, lambda: first.value.endswith("ab"), timeout=10, what="the letters in the field")
        assert _on_step(app, contacts) and first.value == "ab"
