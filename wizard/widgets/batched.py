"""Long lists put on screen a batch at a time, so a step screen paints first and keys are answered
while its hundreds of rows fill in.

Textual lays out every widget of a screen again on each mount; measured on the insecure demo, the
VPC step's 144 findings and 130 calls (about 1,000 widgets) held the event loop for 2 to 10 s when
mounted at once. A batch is built (its markup parsed) only when it is mounted, and the event loop
gets a turn between batches, so a key pressed meanwhile (leaving the screen) is handled at once.
"""

from __future__ import annotations

import asyncio
from itertools import chain, islice
from typing import Iterable, Iterator

from textual.widget import Widget

BATCH = 12  # about a screen's worth of rows; a list this short is mounted at once, as before
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


async def _mount_rest(container: Widget, rows: Iterator[Widget], batch: int) -> None:
    while chunk := list(islice(rows, batch)):
        await asyncio.sleep(0)  # a turn for the event loop: keys, timers, a frame
        await container.mount_all(chunk)


def filling(container: Widget) -> bool:
    """Whether batches of ``container`` are still to be mounted."""
    return any(worker.group == GROUP and worker.node is container and not worker.is_finished
               for worker in container.app.workers)
