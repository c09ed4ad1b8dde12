"""One run's timeline, in a fresh interpreter: `python benchmarks/_timeline.py OUT.json check [CLI args...]`.

Where the wall time of a check goes: when each step's collect and evaluate start and end (and on
which thread), every request's start and end (botocore's ``Endpoint.make_request``: sending,
waiting, parsing, retries included) with its operation, the phases after the assessment (the
findings document, the last-run comparison, the rendering, the write), full garbage collections, and
every 50 ms the CPU this process and the sandbox (``TIMELINE_SANDBOX_PID``) have used. It writes the
raw events to OUT.json and prints a summary: per step, per phase, per operation, the run's shape in
units of its mean request time, and per half second how many requests were in flight and how busy
each side kept the two cores.

Instrumentation costs CPU of its own (a lock and a list append per request, a sampler thread), so its
figures are for the run's shape, not for comparing CPU: `_measure.py` and `old_vs_new.py` are for that.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import sys
import threading
import time
from pathlib import Path

CLOCK_TICK = os.sysconf("SC_CLK_TCK")


def _proc_cpu(pid: int | str) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICK


def main(out: str, argv: list[str]) -> int:
    t0 = time.perf_counter()
    events: list[tuple] = []  # (kind, name, start, end, thread)
    samples: list[tuple[float, float, float]] = []  # (t, our cpu, sandbox cpu)
    lock = threading.Lock()

    def now() -> float:
        return time.perf_counter() - t0

    def timed(kind: str, name: str, fn):
        def wrapper(*args, **kwargs):
            start = now()
            try:
                return fn(*args, **kwargs)
            finally:
                with lock:
                    events.append((kind, name, start, now(), threading.current_thread().name))
        return wrapper

    sandbox_pid = os.environ.get("TIMELINE_SANDBOX_PID")
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            samples.append((now(), time.process_time(), _proc_cpu(sandbox_pid) if sandbox_pid else 0.0))
            stop.wait(0.05)

    threading.Thread(target=sample, daemon=True, name="timeline-sampler").start()
    collecting: dict[int, float] = {}

    def collection(phase: str, info: dict) -> None:  # full collections hold the interpreter lock
        if info["generation"] == 2:
            if phase == "start":
                collecting[2] = now()
            elif 2 in collecting:
                events.append(("phase", "gc (full)", collecting.pop(2), now(), threading.current_thread().name))

    gc.callbacks.append(collection)

    import botocore.endpoint

    make_request = botocore.endpoint.Endpoint.make_request

    def timed_request(self, operation_model, request_dict):
        start = now()
        try:
            return make_request(self, operation_model, request_dict)
        finally:
            with lock:
                events.append(("http", f"{operation_model.service_model.service_name}.{operation_model.name}",
                               start, now(), threading.current_thread().name))

    botocore.endpoint.Endpoint.make_request = timed_request

    from steps import STEPS

    for step in STEPS:
        step.collect = timed("collect", step.INFO.id, step.collect)
        step.evaluate = timed("evaluate", step.INFO.id, step.evaluate)
    import wizard.commands.check as check
    import wizard.lastrun as lastrun
    import wizard.report as report
    import wizard.assess as assess

    assess.assess = timed("phase", "assess", assess.assess)
    report.findings_document = timed("phase", "findings_document", report.findings_document)
    lastrun.visit = timed("phase", "lastrun.visit", lastrun.visit)
    lastrun.store = timed("phase", "lastrun.store", lastrun.store)
    check.write_output = timed("phase", "write_output", check.write_output)
    for name, render in list(report.RENDERERS.items()):
        report.RENDERERS[name] = timed("phase", f"render {name}", render)
    import wizard.aws

    wizard.aws.AWS.identity = timed("phase", "identity", wizard.aws.AWS.identity)
    from wizard.__main__ import main as cli

    imported = now()
    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):  # the report goes nowhere
        code = cli(argv)
    finished = now()
    stop.set()
    Path(out).write_text(json.dumps({"imported": imported, "finished": finished, "exit": code,
                                     "events": events, "samples": samples}))
    summarize(imported, finished, events, samples)
    return 0


def summarize(imported: float, finished: float, events: list, samples: list, step: float = 0.5) -> None:
    print(f"imports done {imported:.2f} s, command done {finished:.2f} s")
    print("\nsteps (s from start): collect start-end, evaluate start-end")
    by_step: dict[str, dict[str, tuple]] = {}
    for kind, name, start, end, _thread in events:
        if kind in ("collect", "evaluate"):
            by_step.setdefault(name, {})[kind] = (start, end)
    for name, parts in sorted(by_step.items(), key=lambda kv: kv[1].get("collect", (0, 0))[0]):
        c, e = parts.get("collect", (0, 0)), parts.get("evaluate", (0, 0))
        print(f"  {name:14} collect {c[0]:6.2f}-{c[1]:6.2f} ({c[1] - c[0]:5.2f})  evaluate {e[0]:6.2f}-{e[1]:6.2f} "
              f"({e[1] - e[0]:5.2f})")
    print("\nphases")
    for kind, name, start, end, _thread in sorted(events, key=lambda e: e[2]):
        if kind == "phase":
            print(f"  {name:20} {start:6.2f}-{end:6.2f} ({end - start:5.2f})")
    http = [e for e in events if e[0] == "http"]
    print(f"\nrequests: {len(http)}")
    ops: dict[str, list[tuple[float, float]]] = {}
    for _k, name, start, end, _t in http:
        ops.setdefault(name, []).append((start, end))
    print("  operation                                 count  mean ms  first start - last end (s)")
    for name, spans in sorted(ops.items(), key=lambda kv: -len(kv[1]))[:14]:
        mean = 1000 * sum(end - start for start, end in spans) / len(spans)
        first, last = min(s for s, _ in spans), max(e for _, e in spans)
        print(f"  {name:40} {len(spans):6} {mean:8.1f}  {first:6.2f} - {last:6.2f}")
    _shape(events, http, finished)
    print(f"\nper {step} s: requests in flight (mean), started; wizard / sandbox CPU in cores")
    t = 0.0
    while t < finished:
        window = (t, t + step)
        inflight = sum(max(0.0, min(e[3], window[1]) - max(e[2], window[0])) for e in http) / step
        started = sum(1 for e in http if window[0] <= e[2] < window[1])
        inside = [s for s in samples if window[0] <= s[0] <= window[1]]
        ours = sandbox = 0.0
        if len(inside) > 1:
            span = inside[-1][0] - inside[0][0]
            ours = (inside[-1][1] - inside[0][1]) / span
            sandbox = (inside[-1][2] - inside[0][2]) / span
        running = sorted({e[1] for e in events if e[0] in ("collect", "evaluate", "phase")
                          and e[2] < window[1] and e[3] > window[0] and e[1] != "assess"})
        print(f"  {t:5.1f} {inflight:6.1f} {started:5} | {ours:4.2f} {sandbox:4.2f} | {' '.join(running)[:90]}")
        t += step


def _shape(events: list, http: list, finished: float, step: float = 0.1) -> None:
    """The run's shape in units of its own mean request time R, comparable across machine loads: how
    long after the steps start the pool is first half full (24 in flight), and how long the command
    runs after the pool is last half full."""
    starts = [e[2] for e in events if e[0] == "collect"]
    if not http or not starts:
        return
    mean = sum(e[3] - e[2] for e in http) / len(http)
    half: list[float] = []
    t = min(starts)
    while t < finished:
        if sum(max(0.0, min(e[3], t + step) - max(e[2], t)) for e in http) / step >= 24:
            half.append(t)
        t += step
    if half:
        ramp, tail = half[0] - min(starts), finished - (half[-1] + step)
        print(f"\nshape: mean request R = {1000 * mean:.0f} ms; pool half full {ramp:.2f} s after the steps start "
              f"({ramp / mean:.1f} R); command ends {tail:.2f} s after the pool was last half full "
              f"({tail / mean:.1f} R)")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
