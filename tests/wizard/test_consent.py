"""What the owner approves in the TUI: the confirmation shows every call (summary first, a list the
keys scroll), and a running apply can be stopped. (A wrong typed account id: test_app.py.)"""

from __future__ import annotations

import threading

import pytest
from textual.containers import VerticalScroll
from textual.geometry import Region
from textual.widgets import Input, Label, Static

from steps import by_id
from tests.helpers import DEMO_ANSWERS
from tests.wizard.tui import assessed, make_app, open_step, press_until, screen_name, wait_for
from wizard.journal import Journal
from wizard.widgets.wrap import WrappingLog


async def open_confirmation(pilot, step_id):
    app = pilot.app
    await assessed(pilot)
    # the answers as a person leaves them, set before the step screen opens
    app.answers[step_id] = dict(DEMO_ANSWERS[step_id])
    await open_step(pilot, step_id)
    await pilot.press("a")
    await wait_for(pilot, lambda: screen_name(app) == "ConfirmScreen", what="the confirmation")
    await pilot.pause()
    return app.screen


def shown_calls(screen) -> set[int]:
    """The numbers (1-based) of the call entries inside the list's visible window right now."""
    scroll = screen.query_one("#confirm-calls", VerticalScroll)
    window = Region(0, round(scroll.scroll_y), scroll.size.width, scroll.scrollable_content_region.height)
    return {n for n, entry in enumerate(screen.query(".confirm-call"), 1) if entry.virtual_region.overlaps(window)}


async def test_vpc_confirmation_shows_every_call_and_keys_scroll_it(account):
    sb = account("insecure")
    app = make_app(sb, steps=[by_id("vpc")])
    async with app.run_test(size=(110, 36)) as pilot:
        screen = await open_confirmation(pilot, "vpc")
        plan = screen.plan
        automatic = plan.automatic
        assert len(automatic) > 100  # the case of the issue: far more calls than fit
        summary = str(screen.query_one("#confirm-summary", Static).render())
        assert summary.startswith(f"Summary: {len(automatic)} calls")
        entries = [str(s.render()) for s in screen.query(".confirm-call")]
        assert len(entries) == len(automatic)
        for number, (text, change) in enumerate(zip(entries, automatic), 1):
            assert text.startswith(f"{number}. {change.call.name}  ({change.call.region or 'global'})")
        # the account id field has the focus (the plan is risky); the keys still scroll the list,
        # and paging from the top to the bottom passes every call
        assert screen.focused is screen.query_one("#confirm-account", Input)
        scroll = screen.query_one("#confirm-calls", VerticalScroll)
        await wait_for(pilot, lambda: scroll.max_scroll_y > 0, what="the list to be laid out")
        seen = shown_calls(screen)
        # each key's effect is waited for: Pilot's press can return before the key has bubbled up
        # from the field to the screen's binding (a loaded machine)
        for _ in range(400):
            if scroll.scroll_y >= scroll.max_scroll_y:
                break
            before = scroll.scroll_y
            await press_until(pilot, "pagedown", lambda: scroll.scroll_y > before)
            seen |= shown_calls(screen)
        assert scroll.scroll_y == scroll.max_scroll_y > 0, (scroll.scroll_y, scroll.max_scroll_y)
        assert seen == set(range(1, len(automatic) + 1)), sorted(set(range(1, len(automatic) + 1)) - seen)
        await press_until(pilot, "up", lambda: scroll.scroll_y == scroll.max_scroll_y - 1)
        await press_until(pilot, "pageup", lambda: scroll.scroll_y < scroll.max_scroll_y - 1)
        before = scroll.scroll_y
        await press_until(pilot, "down", lambda: scroll.scroll_y == before + 1)
        # A key scrolls at once, not after the next refresh: one pressed before that refresh would
        # start from the old position (this test failed under load when it did).
        for how, delta in (("up", -1), ("page_up", -scroll.scrollable_content_region.height), ("down", 1)):
            before = scroll.scroll_y
            screen.action_scroll(how)
            assert scroll.scroll_y == before + delta, how


def journal_calls(account_id):
    return [(e.call, e.ok) for e in Journal(account_id).entries()]


async def stop_midway(pilot, key):
    """Confirm, start the apply, and press ``key`` while its second call is in flight: that call is
    held inside ``AWS.write`` until the key has asked the screen to stop (a fixed latency raced the
    key on a loaded machine: all three calls had run before it landed). Wait for the re-check;
    return the apply screen."""
    app = pilot.app
    if app.screen.plan.risky:
        app.screen.query_one("#confirm-account", Input).value = app.identity.account_id
        await pilot.pause()
    aws = app.connection.aws
    send, sent = aws.write, []
    in_flight, release = threading.Event(), threading.Event()

    def held_write(call):
        sent.append(call)
        if len(sent) == 2:
            in_flight.set()
            release.wait(60)
        return send(call)

    aws.write = held_write
    await pilot.click("#apply")
    await wait_for(pilot, lambda: screen_name(app) == "ApplyScreen", what="apply")
    screen = app.screen
    await wait_for(pilot, in_flight.is_set, what="the second call in flight")
    await pilot.press(key)
    await wait_for(pilot, screen.stop.is_set, what="the key to ask for the stop")
    release.set()
    await wait_for(pilot, lambda: screen.done, what="the stop and the re-check")
    del aws.write
    assert len(sent) == 2  # the call in flight finished; nothing was sent after it
    return screen


@pytest.mark.parametrize("key", ["escape", "q", "ctrl+c"])
async def test_a_running_apply_stops_after_the_call_in_flight(account, key):
    step_id = "contacts"  # three calls; the key lands while the second is in flight
    sb = account("insecure")
    app = make_app(sb, steps=[by_id(step_id)])
    async with app.run_test(size=(110, 36)) as pilot:
        confirm = await open_confirmation(pilot, step_id)
        planned = confirm.plan.automatic
        screen = await stop_midway(pilot, key)
        assert screen.plan is confirm.plan  # what runs is the very plan the dialog showed
        ran = app.applied[step_id]
        assert len(ran) == 2 < len(planned)
        assert all(r.ok for r in ran)
        # the journal holds exactly the calls that ran, each finished
        assert journal_calls(app.identity.account_id) == [(r.change.call.name, True) for r in ran]
        # the screen says what did not run: one mark and one log line for each
        assert len(screen.not_run) == len(planned) - len(ran)
        log = list(screen.query_one("#apply-log", WrappingLog).lines)
        assert sum("not sent (you stopped the apply)" in line for line in log) == len(planned) - len(ran)
        assert "Re-checked" in log[-1]
        status = str(screen.query_one("#apply-status", Label).render())
        assert f"Stopped: {len(ran)} sent and journalled, {len(planned) - len(ran)} not sent" in status
        # and it closes, back to a usable step screen whose plan holds only what is left
        await press_until(pilot, "escape", lambda: screen_name(app) == "StepScreen", "closing the apply")
        assert len(app.plan_for(step_id).automatic) < len(planned)
