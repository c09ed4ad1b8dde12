"""Helpers for driving the wizard with Textual's Pilot against the sandbox."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from textual.actions import parse
from textual.pilot import WaitForScreenTimeout
from textual.widgets import Button, Input, Select

from tests.helpers import open_aws
from wizard.app import Connection, WizardApp


def make_app(sb: Any, steps: Sequence[Any] | None = None, report_dir: Path | None = None,
             sandbox: bool = False) -> WizardApp:
    """The wizard on the sandbox account the ``account`` fixture prepared; ``sandbox``: the connection
    says it is the sandbox (as `demo`'s does), so console tasks can be simulated."""
    endpoint = sb.endpoint_url if sandbox else ""
    return WizardApp(lambda: Connection(open_aws(sb), label="sandbox: test", sandbox_endpoint=endpoint),
                     steps=steps, report_dir=report_dir)


def button_actions(screen: Any) -> list[tuple[str, tuple[Any, ...]]]:
    """The (action, arguments) of the screen's buttons that run an action, e.g. ("screen.simulate", ("x",))."""
    actions = []
    for button in screen.query(Button):
        if button.action:
            namespace, name, args = parse(button.action)
            actions.append((f"{namespace}.{name}" if namespace else name, args))
    return actions


def simulate_actions(screen: Any) -> list[str]:
    """The console tasks the step screen offers to simulate (sandbox only)."""
    return [args[0] for action, args in button_actions(screen) if action == "screen.simulate"]


def settled(app: Any) -> bool:
    """The screen shows all it knows: a step screen makes its plan in a worker and mounts long lists
    a batch at a time after it has painted (``StepScreen.settled``)."""
    return getattr(app.screen, "settled", True)


POLL_S = 0.01


async def wait_for(pilot: Any, condition: Callable[[], bool], timeout: float = 90.0, what: str = "",
                   settle: bool = True) -> None:
    """Wait until ``condition`` holds and (``settle``) the screen has settled."""
    # Polls with a plain sleep: pilot.pause() walks every widget and forces a screen update each
    # time, which made the waits for AWS work cost more CPU than the work (the app repaints itself).
    # A poll is a condition read (microseconds), so every 10 ms: at 50 ms a test that waits for
    # each of 30 keys' effects sat idle ~25 ms a key on top of Pilot's own waits.
    deadline = time.monotonic() + timeout
    await _pause(pilot, deadline)
    while not (condition() and (not settle or settled(pilot.app))):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        await asyncio.sleep(POLL_S)
    await _pause(pilot, deadline)


async def _pause(pilot: Any, deadline: float) -> None:
    """pilot.pause(), which gives up after 30 s when the app is still busy (a loaded machine: seen in
    the snapshot tests); tried again until ``deadline``, as the condition's own wait is."""
    while True:
        try:
            await pilot.pause()
            return
        except WaitForScreenTimeout:
            if time.monotonic() > deadline:
                raise


async def press_until(pilot: Any, key: str, condition: Callable[[], bool], what: str = "") -> None:
    """Press ``key`` and wait for its effect. Pilot's press returns once the app looks idle, which on a
    loaded machine can be before the key has bubbled up to the binding (or handler) that acts on it."""
    await pilot.press(key)
    await wait_for(pilot, condition, 30.0, what or f"what {key} does", settle=False)


async def open_step(pilot: Any, step_id: str) -> None:
    """Go to a step and wait for its screen, plan drawn (the switch runs in a worker: a pause right
    after go_to_step could still see the screen before)."""
    app = pilot.app
    app.go_to_step(step_id)
    await wait_for(pilot, lambda: screen_name(app) == "StepScreen" and app.screen.info.id == step_id,
                   what=f"the {step_id} step screen")


async def assessed(pilot: Any, timeout: float = 120.0) -> None:
    app = pilot.app
    await wait_for(pilot, lambda: app.identity is not None and app.assessed == len(app.steps) and not app.running,
                   timeout, "the first assessment")


def screen_name(app: Any) -> str:
    return type(app.screen).__name__


async def fill(pilot: Any, answers: Mapping[str, str]) -> None:
    """Set the step screen's inputs as a person would leave them."""
    screen = pilot.app.screen
    for name, value in answers.items():
        found = screen.query(f"#input-{name}")
        if not found:
            continue
        widget = found.first()
        if isinstance(widget, Input):
            widget.value = value
        elif isinstance(widget, Select):
            if value:
                widget.value = value
            elif widget._allow_blank:  # noqa: SLF001
                widget.clear()
    await wait_for(pilot, lambda: True, what="the plan after the answers")


async def apply_current(pilot: Any, account_id: str) -> None:
    """Review, confirm (typing the account id when asked), wait for apply and re-check, close."""
    app = pilot.app
    await pilot.press("a")
    await wait_for(pilot, lambda: screen_name(app) == "ConfirmScreen", what="the confirmation")
    if app.screen.plan.risky:
        app.screen.query_one("#confirm-account", Input).value = account_id
        await pilot.pause()
    await pilot.click("#apply")
    await wait_for(pilot, lambda: screen_name(app) in ("ApplyScreen", "ErrorScreen"), what="apply")
    await wait_for(pilot, lambda: screen_name(app) == "ErrorScreen" or getattr(app.screen, "done", False),
                   what="apply to finish")
