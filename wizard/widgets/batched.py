"""Long lists put on screen a batch at a time, and only their first rows unless asked, so a step
screen paints first and keys are answered while its rows fill in.

Textual lays out every widget of a screen again on each mount, and lays out, styles and removes
every widget of a screen it switches from. Measured on the insecure demo, the VPC step's 144
findings and 130 calls (about 1,000 widgets) held the event loop for 2 to 10 s when mounted at
once, and as long again when the screen was left; mounted in batches, each batch lays out the
whole screen again, so the whole list cost more in all. So: a batch is built (its markup parsed)
only when it is mounted, the event loop gets a turn between batches, and past ``LIMIT`` rows a
"Show the other N" button holds the rest until it is pressed.
"""

from __future__ import annotations

import asyncio
from itertools import chain, islice
from typing import Iterable, Iterator

from textual.widget import Widget
from textual.widgets import Button

BATCH = 12  # about a screen's worth of rows; a list this short is mounted at once, as before
LIMIT = 24  # rows mounted without being asked (about two screens): each costs on entering and on leaving
GROUP = "fill"  # the worker group of a container's pending batches


def fill(container: Widget, widgets: Iterable[Widget], batch: int = BATCH) -> None:
    """Replace ``container``'s children by ``widgets``: the first ``batch`` now, the rest in an
    exclusive worker of the container (a newer fill of it, or leaving the screen, cancels it)."""
    container.app.workers.cancel_group(container, GROUP)
    rows = iter(widgets)
    first = list(islice(rows, batch))
    container.remove_children()
    container.mount_all(first)
    try:
        following = next(rows)
    except StopIteration:
        return
    container.run_worker(_mount_rest(container, chain([following], rows), batch), group=GROUP, exclusive=True)


async def _mount_rest(container: Widget, rows: Iterator[Widget], batch: int, before: Widget | None = None) -> None:
    while chunk := list(islice(rows, batch)):
        await asyncio.sleep(0)  # a turn for the event loop: keys, timers, a frame
        await container.mount_all(chunk, before=before)


def capped(widgets: Iterable[Widget], total: int, what: str, limit: int = LIMIT) -> Iterator[Widget]:
    """The first ``limit`` of ``total`` widgets, then a button that mounts the rest when pressed."""
    rows = iter(widgets)
    yield from islice(rows, limit)
    if total > limit:
        yield ShowMore(f"▸ Show the other {total - limit} {what}", rows)


class ShowMore(Button):
    """Holds the rest of a long list (not yet built); pressed, it mounts them in its place."""

    def __init__(self, label: str, rows: Iterator[Widget]) -> None:
        super().__init__(label, compact=True, classes="show-more")
        self._rows = rows

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.disabled = True
        container = self.parent
        assert isinstance(container, Widget)
        container.run_worker(self._mount_rest(container), group=GROUP)

    async def _mount_rest(self, container: Widget) -> None:
        await _mount_rest(container, self._rows, BATCH, before=self)
        await self.remove()


def filling(container: Widget) -> bool:
    """Whether batches of ``container`` are still to be mounted."""
    return any(worker.group == GROUP and worker.node is container and not worker.is_finished
               for worker in container.app.workers)
