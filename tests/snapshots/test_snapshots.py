"""SVG snapshots of every screen state, at 100x32 (and one at 80x24).

The apps here show the `root` and `contacts` steps only, so that the pictures stay the same
while other steps join the catalogue; the screens are generic, and the Pilot walk test covers
every step. Update with `pytest tests/snapshots --snapshot-update` after a deliberate change,
and look at the report it writes.
"""

from __future__ import annotations

import pytest

from steps import by_id
from tests.helpers import DEMO_ANSWERS
from tests.wizard.tui import apply_current, assessed, fill, make_app, screen_name, wait_for

SIZE = (100, 32)


@pytest.fixture
def demo_app(account, monkeypatch, tmp_path):
    """The wizard on the insecure sandbox account, with the sandbox-only actions shown."""
    sb = account("insecure")
    for name in ("NO_COLOR", "TEXTUAL_THEME", "TEXTUAL_ANIMATIONS"):
        monkeypatch.delenv(name, raising=False)
    app = make_app(sb, steps=[by_id("root"), by_id("contacts")], report_dir=tmp_path, sandbox=True)
    app.sandbox = sb
    return app


async def _contacts_filled(pilot) -> None:
    await assessed(pilot)
    pilot.app.go_to_step("contacts")
    await wait_for(pilot, lambda: screen_name(pilot.app) == "StepScreen")
    await fill(pilot, DEMO_ANSWERS["contacts"])
    pilot.app.screen.query_one("#step-scroll").focus()
    await pilot.pause()


def test_welcome(snap_compare, demo_app):
    async def run_before(pilot):
        await assessed(pilot)

    assert snap_compare(demo_app, terminal_size=SIZE, run_before=run_before)


def test_failing_step_with_its_plan(snap_compare, demo_app):
    async def run_before(pilot):
        await _contacts_filled(pilot)
        pilot.app.screen.query_one("#plan").scroll_visible(top=True, animate=False)
        await pilot.pause()

    assert snap_compare(demo_app, terminal_size=SIZE, run_before=run_before)


def test_confirmation_modal(snap_compare, demo_app):
    async def run_before(pilot):
        await _contacts_filled(pilot)
        await pilot.press("a")
        await wait_for(pilot, lambda: screen_name(pilot.app) == "ConfirmScreen")

    assert snap_compare(demo_app, terminal_size=SIZE, run_before=run_before)


def test_applying(snap_compare, demo_app):
    async def run_before(pilot):
        await _contacts_filled(pilot)
        await apply_current(pilot, pilot.app.identity.account_id)

    assert snap_compare(demo_app, terminal_size=SIZE, run_before=run_before)


def test_error_modal(snap_compare, demo_app):
    async def run_before(pilot):
        await _contacts_filled(pilot)
        demo_app.sandbox.set_faults(rate=1.0, kinds=("denied",), operations=["PutAlternateContact"])
        await apply_current(pilot, pilot.app.identity.account_id)
        await wait_for(pilot, lambda: screen_name(pilot.app) == "ErrorScreen")
        demo_app.sandbox.set_faults(rate=0.0)
        await wait_for(pilot, lambda: pilot.app.screen_stack[-2].done)

    assert snap_compare(demo_app, terminal_size=SIZE, run_before=run_before)


def test_manual_step(snap_compare, demo_app):
    async def run_before(pilot):
        await assessed(pilot)
        pilot.app.go_to_step("root")
        await wait_for(pilot, lambda: screen_name(pilot.app) == "StepScreen")  # and its plan drawn
        pilot.app.screen.query_one("#plan").scroll_visible(top=True, animate=False)
        await pilot.pause()

    assert snap_compare(demo_app, terminal_size=SIZE, run_before=run_before)


def test_summary_after_applying(snap_compare, demo_app):
    async def run_before(pilot):
        await _contacts_filled(pilot)
        await apply_current(pilot, pilot.app.identity.account_id)
        await pilot.press("escape")
        await wait_for(pilot, lambda: screen_name(pilot.app) == "StepScreen" and not pilot.app.running)
        pilot.app.action_summary()
        await wait_for(pilot, lambda: screen_name(pilot.app) == "SummaryScreen")

    assert snap_compare(demo_app, terminal_size=SIZE, run_before=run_before)


def test_step_at_80x24(snap_compare, demo_app):
    async def run_before(pilot):
        await _contacts_filled(pilot)

    assert snap_compare(demo_app, terminal_size=(80, 24), run_before=run_before)
