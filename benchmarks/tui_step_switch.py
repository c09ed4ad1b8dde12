"""Benchmark how long a step switch takes in the TUI, per step, on the demo's account.

    .venv/bin/python benchmarks/tui_step_switch.py [--runs 3] [--repeat 5] [--scenario insecure] [--size 120x40]

The wizard runs as `aws-essentials demo` runs it (the embedded sandbox started in the connect worker,
in a temporary home), headless with Textual's `App.run_test()`. Going to each step in turn (as `n`
does), it measures:

- ``switch``: from the switch to the first frame of the new screen that Textual composes (its title
  and whatever is known); the target is under 0.3 s;
- ``stall``: the longest the event loop was held (a heartbeat every 5 ms) from the switch until one
  second after that frame: the time the UI could not answer a key while the step filled in;
- ``switch-q`` and ``stall-q``: the same less the time the event loop's thread waited for a core
  (Linux's run-queue delay, /proc/thread-self/schedstat): on a machine loaded by other processes
  this is about what a quiet machine shows; what is left is the process's own work and the time
  the loop waited for the interpreter lock held by the process's other threads;
- ``cpu``: the CPU time of the event loop's thread from the switch until one second after that
  frame (the heartbeat's own share included, the same for every step): what the switch cost, which
  a loaded machine inflates far less than the wall times;
- ``gc``: the longest full (generation 2) garbage collection in that window, in CPU seconds.

First once while the first assessment is still running (``during``: steps still reading), then
``--repeat`` rounds once every step is assessed; ``--runs`` runs of the wizard; each figure is the
median over them. The wizard is made as `demo` makes it: the sandbox in a child process, the
assessments in a worker process; the TUI process's CPU during the first assessment is printed too.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


class FullCollections:
    """The CPU time of each full garbage collection (gc.callbacks), as (end time, seconds)."""

    def __init__(self) -> None:
        self.done: list[tuple[float, float]] = []
        self._start = 0.0
        gc.callbacks.append(self._note)

    def _note(self, phase: str, info: dict[str, Any]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._start = time.thread_time()
        else:
            self.done.append((time.perf_counter(), time.thread_time() - self._start))

    def longest(self, start: float, end: float) -> float:
        return max([spent for at, spent in self.done if start <= at <= end] or [0.0])


FULL = FullCollections()


def now() -> tuple[float, float]:
    """The time, and how long this thread has waited so far for a core (0 where Linux's schedstat is missing)."""
    try:
        with open("/proc/thread-self/schedstat") as stat:
            waited = int(stat.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        waited = 0.0
    return time.perf_counter(), waited


class Clock:
    """The first frame of each screen (Textual's ``_display`` is called with every composed frame,
    headless too) and a heartbeat that records how long the event loop was held."""

    def __init__(self, app: Any) -> None:
        self.frames: dict[int, tuple[float, float]] = {}  # id(screen) -> now() at its first frame
        self.beats: list[tuple[float, float]] = []
        display = app._display  # noqa: SLF001 - a benchmark's hook, never the wizard's

        def recorded(screen: Any, renderable: Any) -> None:
            if renderable is not None and id(screen) not in self.frames:
                self.frames[id(screen)] = now()
            display(screen, renderable)

        app._display = recorded  # noqa: SLF001

    async def heartbeat(self) -> None:
        while True:
            self.beats.append(now())
            await asyncio.sleep(0.005)

    def stall(self, start: tuple[float, float], end: float) -> tuple[float, float]:
        """The longest gap between beats, and the longest less the run-queue wait within it."""
        beats = [start, *(b for b in self.beats if start[0] <= b[0] <= end)]
        gaps = [(later[0] - earlier[0], later[0] - earlier[0] - (later[1] - earlier[1]))
                for earlier, later in zip(beats, beats[1:])]
        return (max(g for g, _ in gaps), max(q for _, q in gaps)) if gaps else (0.0, 0.0)


async def switch(app: Any, clock: Clock, position: int) -> dict[str, float]:
    before = app.screen
    clock.frames.clear()  # frames of this switch only (a new screen may reuse an old one's id)
    started, cpu = now(), time.thread_time()
    app.go_to(position)  # the switch itself runs in a worker
    while app.screen is before or id(app.screen) not in clock.frames:
        await asyncio.sleep(0.001)
        if time.perf_counter() - started[0] > 60:
            raise SystemExit(f"no frame of {type(app.screen).__name__} within 60 s")
    painted = clock.frames[id(app.screen)]
    await asyncio.sleep(1.0)
    cpu = time.thread_time() - cpu
    stall, stall_quiet = clock.stall(started, painted[0] + 1.0)
    switched = painted[0] - started[0]
    return {"switch": switched, "stall": stall, "switch-q": switched - (painted[1] - started[1]), "stall-q": stall_quiet,
            "cpu": cpu, "gc": FULL.longest(started[0], painted[0] + 1.0)}


async def measure(scenario: str, size: tuple[int, int], repeat: int) -> dict[str, Any]:
    """One run of the wizard: switches while the first assessment runs, then ``repeat`` rounds after it."""
    from wizard.app import WizardApp
    from wizard.commands.demo import connect_sandbox

    app = WizardApp(lambda: connect_sandbox(scenario), assess_in_worker=True)  # as `demo` makes it
    names = [step.INFO.id for step in app.steps]
    during: dict[str, dict[str, Any]] = {}
    rounds: dict[str, list[dict[str, float]]] = {name: [] for name in names}
    async with app.run_test(size=size) as pilot:
        clock = Clock(app)
        beating = asyncio.ensure_future(clock.heartbeat())
        while app.identity is None:  # the sandbox is up and the first assessment has begun
            await pilot.pause(0.05)
        assessing = time.perf_counter(), time.process_time()
        for position, name in enumerate(names):
            if app.assessed == len(names):
                break
            during[name] = {**await switch(app, clock, position), "known": name in app.results}
        while app.assessed < len(names) or app.running:
            await pilot.pause(0.1)
        first = {"wall": time.perf_counter() - assessing[0], "cpu": time.process_time() - assessing[1]}
        for _ in range(repeat):
            app.go_to(-1)
            await pilot.pause(0.5)
            for position, name in enumerate(names):
                rounds[name].append(await switch(app, clock, position))
        beating.cancel()
    return {"during": during, "after": rounds, "first_assessment": first}


KEYS = ("switch", "stall", "switch-q", "stall-q", "cpu", "gc")


def medians(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Each figure's median over the runs (while assessing: over the runs that reached the step)."""
    def median_of(rows: list[dict[str, float]]) -> dict[str, float]:
        return {key: round(statistics.median(row[key] for row in rows), 3) for key in KEYS} | {"n": len(rows)}

    names = list(runs[0]["after"])
    during = {name: median_of([run["during"][name] for run in runs if name in run["during"]])
              for name in names if any(name in run["during"] for run in runs)}
    after = {name: median_of([row for run in runs for row in run["after"][name]]) for name in names
             if any(run["after"][name] for run in runs)}
    first = {key: round(statistics.median(run["first_assessment"][key] for run in runs), 2) for key in ("wall", "cpu")}
    return {"during": during, "after": after, "first_assessment": first}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="rounds once every step is assessed, per run")
    parser.add_argument("--runs", type=int, default=1, help="runs of the wizard (each a first assessment)")
    parser.add_argument("--scenario", default="insecure")
    parser.add_argument("--size", default="120x40")
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))
    from wizard.contained_home import ContainedHome

    runs = []
    for _ in range(args.runs):
        with ContainedHome(prefix="aws-essentials-bench-"):
            runs.append(asyncio.run(measure(args.scenario, (width, height), args.repeat)))
    figures = medians(runs)
    first = figures["first_assessment"]
    print(f"first assessment: {first['wall']:.2f} s, {first['cpu']:.2f} s CPU in the TUI's process (median of "
          f"{args.runs}); load average {os.getloadavg()[0]:.1f}")
    print(f"{'step':<16}{'once read: switch, stall, -q: the same less run-queue wait, cpu, gc':<72}"
          "while assessing: the same")
    for name in runs[0]["after"]:
        line = f"{name:<16}"
        for part in ("after", "during"):
            row = figures[part].get(name)
            cell = ", ".join(f"{row[key]:.3f}" for key in KEYS) + f" ({row['n']})" if row else "-"
            line += f"{cell:<72}"
        print(line.rstrip())
    if args.json:
        Path(args.json).write_text(json.dumps({"date": time.strftime("%Y-%m-%d"), **figures, "runs": runs},
                                              indent=2) + "\n")
    os._exit(0)  # sandbox threads tied to kept-alive connections would hold the exit


if __name__ == "__main__":
    sys.exit(main())
