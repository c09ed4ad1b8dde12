"""Benchmark how long a step switch takes in the TUI, per step, on the demo's account.

    .venv/bin/python benchmarks/tui_step_switch.py [--repeat 5] [--scenario insecure] [--size 120x40]

The wizard runs as `aws-essentials demo` runs it (the embedded sandbox started in the connect worker,
in a temporary home), headless with Textual's `App.run_test()`. Going to each step in turn (as `n`
does), it measures:

- ``switch``: from the switch to the first frame of the new screen that Textual composes (its title
  and whatever is known); the target is under 0.3 s;
- ``stall``: the longest the event loop was held (a heartbeat every 5 ms) from the switch until one
  second after that frame: the time the UI could not answer a key while the step filled in;
- ``stall CPU``: the most CPU time the event loop's thread spent between two beats
  (``time.thread_time``): on a loaded machine the wall figures grow with the load, this one hardly;
- ``gc``: the longest garbage collection meanwhile (``gc.callbacks``; it holds every thread).

First once while the first assessment is still running (``during``: steps still reading), then
``--repeat`` rounds once every step is assessed; each figure is the median of the rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


class Clock:
    """The first frame of each screen (Textual's ``_display`` is called with every composed frame,
    headless too) and a heartbeat that records how long the event loop was held."""

    def __init__(self, app: Any) -> None:
        self.frames: dict[int, float] = {}  # id(screen) -> time of its first frame
        self.beats: list[float] = []
        self.cpu: list[float] = []  # the event loop thread's CPU time at each beat
        display = app._display  # noqa: SLF001 - a benchmark's hook, never the wizard's

        def recorded(screen: Any, renderable: Any) -> None:
            if renderable is not None:
                self.frames.setdefault(id(screen), time.perf_counter())
            display(screen, renderable)

        app._display = recorded  # noqa: SLF001
        self.collections: list[tuple[float, float]] = []  # (end, seconds) of each garbage collection
        started = [0.0]

        def timed(phase: str, info: dict) -> None:
            if phase == "start":
                started[0] = time.perf_counter()
            else:
                self.collections.append((time.perf_counter(), time.perf_counter() - started[0]))

        gc.callbacks.append(timed)

    async def heartbeat(self) -> None:
        while True:
            self.beats.append(time.perf_counter())
            self.cpu.append(time.thread_time())
            await asyncio.sleep(0.005)

    def stall(self, start: float, end: float) -> tuple[float, float]:
        """The longest hold between ``start`` and ``end`` in wall seconds, and in the loop thread's CPU seconds."""
        beats = [(b, c) for b, c in zip(self.beats, self.cpu) if start <= b <= end]
        if not beats:
            return end - start, 0.0
        walls = [beats[0][0] - start, end - beats[-1][0]] + [b[0] - a[0] for a, b in zip(beats, beats[1:])]
        return max(walls), max([0.0] + [b[1] - a[1] for a, b in zip(beats, beats[1:])])

    def collecting(self, start: float, end: float) -> float:
        """The longest garbage collection between ``start`` and ``end`` (any thread's)."""
        return max([0.0] + [seconds for when, seconds in self.collections if start <= when <= end])


async def switch(app: Any, clock: Clock, position: int) -> dict[str, float]:
    before = app.screen
    clock.frames.clear()  # frames of this switch only (a new screen may reuse an old one's id)
    started = time.perf_counter()
    app.go_to(position)  # the switch itself runs in a worker
    while app.screen is before or id(app.screen) not in clock.frames:
        await asyncio.sleep(0.001)
        if time.perf_counter() - started > 60:
            raise SystemExit(f"no frame of {type(app.screen).__name__} within 60 s")
    painted = clock.frames[id(app.screen)]
    await asyncio.sleep(1.0)
    stall, cpu = clock.stall(started, painted + 1.0)
    return {"switch": painted - started, "stall": stall, "stall_cpu": cpu,
            "gc": clock.collecting(started, painted + 1.0)}


async def measure(scenario: str, size: tuple[int, int], repeat: int) -> dict[str, Any]:
    from wizard.app import WizardApp
    from wizard.commands.demo import connect_sandbox

    app = WizardApp(lambda: connect_sandbox(scenario))
    names = [step.INFO.id for step in app.steps]
    during: dict[str, dict[str, float]] = {}
    rounds: dict[str, list[dict[str, float]]] = {name: [] for name in names}
    async with app.run_test(size=size) as pilot:
        clock = Clock(app)
        beating = asyncio.ensure_future(clock.heartbeat())
        while app.identity is None:  # the sandbox is up and the first assessment has begun
            await pilot.pause(0.05)
        for position, name in enumerate(names):
            if app.assessed == len(names):
                break
            during[name] = await switch(app, clock, position)
            during[name]["known"] = name in app.results
        while app.assessed < len(names) or app.running:
            await pilot.pause(0.1)
        for _ in range(repeat):
            app.go_to(-1)
            await pilot.pause(0.5)
            for position, name in enumerate(names):
                rounds[name].append(await switch(app, clock, position))
        beating.cancel()
    after = {name: {key: round(statistics.median(r[key] for r in runs), 3) for key in ("switch", "stall", "stall_cpu", "gc")}
             for name, runs in rounds.items()}
    return {"during": {name: {k: (round(v, 3) if isinstance(v, float) else v) for k, v in figures.items()}
                       for name, figures in during.items()},
            "after": after}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scenario", default="insecure")
    parser.add_argument("--size", default="120x40")
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))
    from wizard.contained_home import ContainedHome

    with ContainedHome(prefix="aws-essentials-bench-"):
        figures = asyncio.run(measure(args.scenario, (width, height), args.repeat))
    print(f"{'step':<16}{'switch s':>10}{'stall s':>10}{'stall CPU':>10}{'gc s':>8}   while assessing: switch, "
          "stall, stall CPU, gc, findings known")
    for name, after in figures["after"].items():
        during = figures["during"].get(name)
        line = f"{name:<16}{after['switch']:>10.3f}{after['stall']:>10.3f}{after['stall_cpu']:>10.3f}{after['gc']:>8.3f}"
        if during:
            line += (f"   {during['switch']:.3f}, {during['stall']:.3f}, {during['stall_cpu']:.3f}, "
                     f"{during['gc']:.3f}, {'yes' if during['known'] else 'no'}")
        print(line)
    worst = max(figures["after"].values(), key=lambda f: f["switch"])
    print(json.dumps({"median_switch_worst_step": worst["switch"], "repeat": args.repeat, "size": args.size}))
    if args.json:
        Path(args.json).write_text(json.dumps({"date": time.strftime("%Y-%m-%d"), **figures}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
