"""Full garbage collections run when the TUI is idle, not in the middle of a step switch
(wizard/idle_gc.py): one ran in almost every switch and held the event loop for 0.09-0.31 s."""

from __future__ import annotations

import asyncio
import gc

from textual.app import App
from textual.reactive import reactive

from wizard import idle_gc


def test_a_full_collection_runs_once_after_the_screen_has_been_still_for_the_idle_time(monkeypatch):
    now, state, full = [0.0], ["step 1"], []
    monkeypatch.setattr(gc, "collect", lambda generation=2: full.append(generation) or 0)
    collector = idle_gc.IdleCollector(lambda: state[0], idle=2.0, clock=lambda: now[0])
    for moment, shown in ((0.0, "step 1"), (0.5, "step 2"), (1.0, "step 3"), (2.5, "step 3")):
        now[0], state[0] = moment, shown
        collector.tick()
    assert full == []  # switching, and still for only 1.5 s
    for moment in (3.0, 3.5, 10.0):
        now[0] = moment
        collector.tick()
    assert full == [2]  # once, not on every tick while nothing happens
    now[0], state[0] = 11.0, "step 4"
    collector.tick()
    now[0] = 13.0
    collector.tick()
    assert full == [2, 2] and collector.collections == 2


async def test_the_app_freezes_what_it_holds_and_gives_python_its_collections_back_when_it_ends():
    class Host(App):
        version: reactive[int] = reactive(0)

        def on_mount(self) -> None:
            idle_gc.start(self)
            idle_gc.start(self)  # connected again (another account): once per app

    before = gc.get_threshold()
    app = Host()
    async with app.run_test() as pilot:
        assert gc.get_freeze_count() > 0 and gc.get_threshold()[2] == idle_gc.RARE
        collector = app._idle_gc
        assert collector.activity() == collector.activity()  # nothing happens: the same, so it can be idle
        release = asyncio.Event()
        worker = app.run_worker(release.wait())
        await pilot.pause()
        assert collector.activity() != collector.activity()  # a worker runs (a switch, a plan): never idle
        release.set()
        await worker.wait()
        app.version += 1
        assert collector.activity() == collector.activity()
        idle_gc.stop(app)
        idle_gc.stop(app)  # as the app's unmount does again
    assert gc.get_freeze_count() == 0 and gc.get_threshold() == before


def test_a_step_screen_without_its_parts_is_not_settled_and_does_not_raise():
    # The collector's timer asks the current screen whether it has settled at any moment, also while a
    # step screen is mounting or being removed: its findings and plan were looked up with query_one,
    # whose NoMatches ended the app (seen under load in tests/wizard/test_hostile_tui.py and test_consent.py).
    from steps import contacts
    from wizard.screens.step import StepScreen

    screen = StepScreen(contacts)
    screen._plan_asked = screen._plan_answered = 1  # its plan has been answered, its parts are not there
    assert screen.settled is False
