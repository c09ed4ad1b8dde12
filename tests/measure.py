"""Where the suite's time and memory go: a pytest plugin, off unless loaded.

    SUITE_MEASURE=/tmp/m .venv/bin/python -m pytest -p tests.measure ...
    .venv/bin/python -m tests.measure /tmp/m      # the summary (docs/testing.md has the figures)

Each process (every xdist worker) appends one JSON line per test to ``$SUITE_MEASURE/<pid>.jsonl``:
wall and CPU seconds of setup, call and teardown, the sandbox's reset time inside them, and the
process's RSS after the test. CPU seconds (getrusage: this process, the in-process sandbox included)
are what the figures compare, because wall time depends on what else runs on the shared machine.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest

_OUT = os.environ.get("SUITE_MEASURE")
_reset = {"wall": 0.0, "cpu": 0.0, "count": 0}  # the sandbox's resets so far in this process


def _cpu() -> float:
    """This process's CPU seconds (all threads: the sandbox serves in-process) and its ended children's."""
    return sum(u.ru_utime + u.ru_stime for u in (resource.getrusage(resource.RUSAGE_SELF),
                                                  resource.getrusage(resource.RUSAGE_CHILDREN)))


def _rss_mb() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    return 0


def _count_resets() -> None:
    """Wrap Sandbox.reset (whatever it does: seed or restore) to add up its time."""
    from wizard.sandbox.server import Sandbox

    reset = Sandbox.reset

    def counted(self, *args, **kwargs):
        wall, cpu = time.perf_counter(), _cpu()
        try:
            return reset(self, *args, **kwargs)
        finally:
            _reset["wall"] += time.perf_counter() - wall
            _reset["cpu"] += _cpu() - cpu
            _reset["count"] += 1

    Sandbox.reset = counted


def pytest_configure(config):
    if _OUT:
        Path(_OUT).mkdir(parents=True, exist_ok=True)
        _count_resets()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    if not _OUT:
        yield
        return
    phases: dict[str, dict] = {}
    item._measure = phases
    start = time.time()
    yield
    # start/end and the load: a worker's busy fraction (its tests' CPU over its span) and how loaded
    # the machine was, to compare runs with different numbers of workers
    record = {"id": item.nodeid, "file": item.nodeid.split("::")[0], "rss_mb": _rss_mb(), "start": start,
              "end": time.time(), "load1": os.getloadavg()[0], **phases}
    with open(Path(_OUT) / f"{os.getpid()}.jsonl", "a") as out:
        out.write(json.dumps(record) + "\n")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    report = (yield).get_result()
    phases = getattr(item, "_measure", None)
    if phases is not None and report.failed:
        phases.setdefault("failed", report.when)  # a failed test's figures are not comparable


def _phase(item, name):
    phases = getattr(item, "_measure", None)
    if phases is None:
        yield
        return
    wall, cpu, reset = time.perf_counter(), _cpu(), dict(_reset)
    yield
    phases[name] = {"wall": time.perf_counter() - wall, "cpu": _cpu() - cpu,
                    "reset_wall": _reset["wall"] - reset["wall"], "reset_cpu": _reset["cpu"] - reset["cpu"],
                    "resets": _reset["count"] - reset["count"]}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    yield from _phase(item, "setup")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    yield from _phase(item, "call")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield from _phase(item, "teardown")


def summary(folder: str, top: int = 25) -> str:
    """Totals, per file, the slowest tests, and each process's largest RSS."""
    tests, peak = [], {}
    for path in Path(folder).glob("*.jsonl"):
        rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        tests += rows
        peak[path.stem] = max((r["rss_mb"] for r in rows), default=0)

    def total(rows, key, phase=None):
        return sum(r.get(p, {}).get(key, 0.0) for r in rows for p in ([phase] if phase else
                                                                       ("setup", "call", "teardown")))

    lines = [f"{len(tests)} tests; wall {total(tests, 'wall'):.0f} s, CPU {total(tests, 'cpu'):.0f} s "
             f"(setup {total(tests, 'cpu', 'setup'):.0f}, call {total(tests, 'cpu', 'call'):.0f}, "
             f"teardown {total(tests, 'cpu', 'teardown'):.0f}); sandbox resets "
             f"{sum(int(total([r], 'resets')) for r in tests)}: wall {total(tests, 'reset_wall'):.0f} s, "
             f"CPU {total(tests, 'reset_cpu'):.0f} s",
             "largest RSS per process (MB): " + ", ".join(str(v) for v in sorted(peak.values(), reverse=True)),
             *_per_process(folder, total),
             "failed: " + (", ".join(r["id"] for r in tests if r.get("failed")) or "none"),
             "", "per file: CPU s, wall s, reset CPU s, tests"]
    by_file = defaultdict(list)
    for r in tests:
        by_file[r["file"]].append(r)
    for name, rows in sorted(by_file.items(), key=lambda kv: -total(kv[1], "cpu"))[:top]:
        lines.append(f"  {total(rows, 'cpu'):7.1f} {total(rows, 'wall'):7.1f} {total(rows, 'reset_cpu'):7.1f} "
                     f"{len(rows):4d}  {name}")
    lines += ["", "slowest tests: CPU s (setup/call), wall s"]
    for r in sorted(tests, key=lambda r: -total([r], "cpu"))[:top]:
        lines.append(f"  {total([r], 'cpu'):6.1f} ({r.get('setup', {}).get('cpu', 0):.1f}/"
                     f"{r.get('call', {}).get('cpu', 0):.1f}) {total([r], 'wall'):6.1f}  {r['id']}")
    return "\n".join(lines)


def _per_process(folder: str, total) -> list[str]:
    """Each worker's tests' CPU over the span from its first test's start to its last test's end: how
    busy it kept its core (the rest: waits on real time, or the machine's other work)."""
    lines, spans = [], []
    for path in sorted(Path(folder).glob("*.jsonl")):
        rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        if not rows or "start" not in rows[0]:
            continue
        span = max(r["end"] for r in rows) - min(r["start"] for r in rows)
        spans.append((min(r["start"] for r in rows), max(r["end"] for r in rows)))
        load = sum(r["load1"] for r in rows) / len(rows)
        lines.append(f"  worker {path.stem}: {len(rows)} tests, CPU {total(rows, 'cpu'):.0f} s over a span of "
                     f"{span:.0f} s (busy {total(rows, 'cpu') / max(span, 1e-9):.0%}), load average {load:.1f}")
    if spans:
        lines.insert(0, f"per worker (the tests from first start to last end: {max(e for _, e in spans) - min(s for s, _ in spans):.0f} s)")
    return lines


if __name__ == "__main__":
    print(summary(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 25))
