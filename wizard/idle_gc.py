"""Python's full garbage collections, made when the TUI is idle instead of in the middle of a switch.

A full (generation 2) collection walks every object the process holds. Measured in the TUI on the
insecure demo (benchmarks/README.md, "TUI step switches"): one ran in almost every step switch and
held the event loop for 0.09-0.31 s of CPU in one go (more as the session went on: each screen left
is a web of cycles only a full collection frees), the largest single hold of a switch. So:

- what exists once the app is connected (the modules, Textual's and boto3's classes) is frozen
  (``gc.freeze``): it is never garbage, and no collection walks it again;
- the automatic full collections are made rare (after ``RARE`` generation-1 collections, not 10);
- a full collection runs when nothing has changed on screen for ``IDLE`` seconds (no switch, no new
  state, no focus move, the screen settled and no worker running): the screens left behind are
  freed while nobody waits for a key.
Generation 0 and 1 collections stay as Python makes them (a few ms each).
"""

from __future__ import annotations

import gc
import time
from typing import Any, Callable, Hashable

IDLE = 2.0  # seconds without a change on screen before the full collection
RARE = 1000  # generation-1 collections before an automatic full one (Python's default: 10)
TICK = 0.5  # how often the app is looked at


class IdleCollector:
    """Watches ``activity()`` (anything that changes when the person or the run does something) and
    makes a full collection once it has not changed for ``idle`` seconds."""

    def __init__(self, activity: Callable[[], Hashable], idle: float = IDLE,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.activity, self.idle, self.clock = activity, idle, clock
        self.seen: Hashable = None
        self.since = clock()
        self.collected = True  # nothing to collect until something happens
        self.collections = 0
        self.thresholds = gc.get_threshold()  # the process's, given back when the app ends

    def tick(self) -> None:
        now, seen = self.clock(), self.activity()
        if seen != self.seen:
            self.seen, self.since, self.collected = seen, now, False
        elif not self.collected and now - self.since >= self.idle:
            gc.collect()
            self.collected = True
            self.collections += 1


def start(app: Any) -> IdleCollector:
    """Freeze what the app holds now, make automatic full collections rare, and collect when idle;
    once per app (it connects again on a switch of account)."""
    if isinstance(getattr(app, "_idle_gc", None), IdleCollector):
        return app._idle_gc
    gc.freeze()
    before = gc.get_threshold()  # (700, 50, 50) once wizard.aws has made a client (process_memory.py)
    gc.set_threshold(before[0], before[1], RARE)

    def activity() -> Hashable:
        # A screen still filling in, or any worker still running, is not idle however long it takes
        # (on a loaded machine a switch can take seconds).
        screen = app.screen
        busy = not getattr(screen, "settled", True) or any(worker.is_running for worker in app.workers)
        return id(screen), id(screen.focused), app.version, len(app.screen_stack), object() if busy else None

    collector = app._idle_gc = IdleCollector(activity)
    collector.thresholds = before
    app.set_interval(TICK, collector.tick)
    return collector


def stop(app: Any) -> None:
    """Python's own collections again (the app has ended: a test process goes on)."""
    if not isinstance(getattr(app, "_idle_gc", None), IdleCollector):
        return
    gc.set_threshold(*app._idle_gc.thresholds)
    app._idle_gc = None
    gc.unfreeze()
