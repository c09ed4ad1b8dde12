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

With `check --org`, the worker processes (wizard/org_workers.py) are started through this module
(:func:`_worker_main`) and record the same events, on the same clock (``TIMELINE_T0``, seconds since
the epoch), into ``TIMELINE_DIR``; the summary then adds, per process, its start-up, each account's
start and end, the job's unpickling and the answer's pickling, and per half second each process's CPU.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

CLOCK_TICK = os.sysconf("SC_CLK_TCK")


def _proc_cpu(pid: int | str) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICK


class Recorder:
    """Events and CPU samples of one process, on a clock shared by the run's processes."""

    def __init__(self, t0: float, sandbox_pid: str | None = None) -> None:
        self.t0 = t0
        self.events: list[tuple] = []  # (kind, name, start, end, thread)
        self.samples: list[tuple[float, float, float]] = []  # (t, this process's cpu, sandbox cpu)
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.sandbox_pid = sandbox_pid
        threading.Thread(target=self._sample, daemon=True, name="timeline-sampler").start()
        self._collecting: dict[int, float] = {}
        gc.callbacks.append(self._collection)

    def now(self) -> float:
        return time.time() - self.t0

    def add(self, kind: str, name: str, start: float, end: float | None = None) -> None:
        with self.lock:
            self.events.append((kind, name, start, self.now() if end is None else end,
                                threading.current_thread().name))

    def timed(self, kind: str, name: str, fn, name_of=None):
        def wrapper(*args, **kwargs):
            start = self.now()
            try:
                return fn(*args, **kwargs)
            finally:
                self.add(kind, name_of(*args, **kwargs) if name_of else name, start)
        return wrapper

    def _sample(self) -> None:
        while not self.stop.is_set():
            self.samples.append((self.now(), time.process_time(),
                                 _proc_cpu(self.sandbox_pid) if self.sandbox_pid else 0.0))
            self.stop.wait(0.05)

    def _collection(self, phase: str, info: dict) -> None:  # full collections hold the interpreter lock
        if info["generation"] == 2:
            if phase == "start":
                self._collecting[2] = self.now()
            elif 2 in self._collecting:
                self.add("phase", "gc (full)", self._collecting.pop(2))

    def dump(self, **extra) -> dict:
        self.stop.set()
        return {"events": self.events, "samples": self.samples, **extra}


def instrument(rec: Recorder) -> None:
    """Requests, steps, accounts and the phases of a check, timed into ``rec`` (this process)."""
    import botocore.endpoint

    make_request = botocore.endpoint.Endpoint.make_request

    def timed_request(self, operation_model, request_dict):
        start = rec.now()
        try:
            return make_request(self, operation_model, request_dict)
        finally:
            rec.add("http", f"{operation_model.service_model.service_name}.{operation_model.name}", start)

    botocore.endpoint.Endpoint.make_request = timed_request

    from steps import STEPS

    for step in STEPS:
        step.collect = rec.timed("collect", step.INFO.id, step.collect)
        step.evaluate = rec.timed("evaluate", step.INFO.id, step.evaluate)
    import wizard.aws
    import wizard.assess as assess
    import wizard.org as org
    import wizard.org_workers as org_workers
    import wizard.report as report

    assess.assess = rec.timed("phase", "assess", assess.assess)
    report.findings_document = rec.timed("phase", "findings_document", report.findings_document)
    wizard.aws.AWS.identity = rec.timed("phase", "identity", wizard.aws.AWS.identity)
    wizard.aws.AWS._assume = rec.timed("phase", "assume role", wizard.aws.AWS._assume)
    # one account's whole turn (its assessment, findings document, fixes, closing), named by its id
    org_workers.assess_account = rec.timed("account", "", org_workers.assess_account,
                                           name_of=lambda aws, *a, **k: aws.account_id)
    org.account_findings = rec.timed("phase", "account_findings", org.account_findings)


def main(out: str, argv: list[str]) -> int:
    t0 = time.time()
    rec = Recorder(t0, os.environ.get("TIMELINE_SANDBOX_PID"))
    workers_dir = tempfile.mkdtemp(prefix="timeline-workers-")
    instrument(rec)
    import wizard.commands.check as check
    import wizard.lastrun as lastrun
    import wizard.lastrun_org as lastrun_org
    import wizard.org as org
    import wizard.org_workers as org_workers
    import wizard.report as report

    lastrun.visit = rec.timed("phase", "lastrun.visit", lastrun.visit)
    lastrun.store = rec.timed("phase", "lastrun.store", lastrun.store)
    lastrun_org.visit_org = rec.timed("phase", "visit_org", lastrun_org.visit_org)
    lastrun_org.OrgVisit.keep = rec.timed("phase", "OrgVisit.keep", lastrun_org.OrgVisit.keep)
    check.write_output = rec.timed("phase", "write_output", check.write_output)
    check.open_aws = rec.timed("phase", "open_aws", check.open_aws)
    for name in ("list_members", "org_findings_document", "org_fixes"):
        setattr(org, name, rec.timed("phase", name, getattr(org, name)))
    org_workers.assess_organization = rec.timed("phase", "assess_organization", org_workers.assess_organization)
    org_workers._exchange = rec.timed("phase", "worker exchange", org_workers._exchange)
    worker_command = org_workers.worker_command

    def timed_worker_command(module: str) -> list[str]:  # the spawn follows at once
        rec.add("phase", "spawn worker", rec.now())
        return worker_command("benchmarks._timeline")

    org_workers.worker_command = timed_worker_command
    os.environ.update(TIMELINE_T0=repr(t0), TIMELINE_DIR=workers_dir)
    for name, render in list(report.RENDERERS.items()):
        report.RENDERERS[name] = rec.timed("phase", f"render {name}", render)
    from wizard.__main__ import main as cli

    imported = rec.now()
    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):  # the report goes nowhere
        code = cli(argv)
    finished = rec.now()
    workers = [json.loads(f.read_text()) for f in sorted(Path(workers_dir).glob("*.json"))]
    shutil.rmtree(workers_dir, ignore_errors=True)
    Path(out).write_text(json.dumps({"imported": imported, "finished": finished, "exit": code,
                                     **rec.dump(), "workers": workers}))
    summarize(imported, finished, rec.events, rec.samples)
    if workers:
        summarize_org(rec.events, rec.samples, workers, finished)
    return 0


def _worker_main() -> int:
    """An org worker started by :func:`main`: timed as the parent is, then the real worker's work."""
    rec = Recorder(float(os.environ["TIMELINE_T0"]))
    rec.add("phase", "interpreter up", rec.now())
    started = rec.now()
    import wizard.org_workers as org_workers

    instrument(rec)
    rec.add("phase", "worker imports", started)
    org_workers._assess_job = rec.timed("phase", "assess job", org_workers._assess_job)
    import pickle

    for name in ("loads", "dumps"):
        setattr(pickle, name, rec.timed("phase", f"pickle.{name}", getattr(pickle, name)))
    code = org_workers._worker_main()
    rec.add("phase", "worker exits", rec.now())
    Path(os.environ["TIMELINE_DIR"], f"{os.getpid()}.json").write_text(json.dumps({"pid": os.getpid(), **rec.dump()}))
    return code


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
    print(f"\nper {step} s: requests in flight (mean; of them IAM's), started; wizard / sandbox CPU in cores")
    t = 0.0
    while t < finished:
        window = (t, t + step)
        inflight = sum(max(0.0, min(e[3], window[1]) - max(e[2], window[0])) for e in http) / step
        iam = sum(max(0.0, min(e[3], window[1]) - max(e[2], window[0])) for e in http if e[1].startswith("iam.")) / step
        started = sum(1 for e in http if window[0] <= e[2] < window[1])
        inside = [s for s in samples if window[0] <= s[0] <= window[1]]
        ours = sandbox = 0.0
        if len(inside) > 1:
            span = inside[-1][0] - inside[0][0]
            ours = (inside[-1][1] - inside[0][1]) / span
            sandbox = (inside[-1][2] - inside[0][2]) / span
        running = sorted({e[1] for e in events if e[0] in ("collect", "evaluate", "phase")
                          and e[2] < window[1] and e[3] > window[0] and e[1] != "assess"})
        print(f"  {t:5.1f} {inflight:6.1f} {iam:5.1f} {started:5} | {ours:4.2f} {sandbox:4.2f} | {' '.join(running)[:90]}")
        t += step


def summarize_org(events: list, samples: list, workers: list[dict], finished: float, step: float = 0.5) -> None:
    """The organization run: each process's phases and accounts, then per half second each one's CPU."""
    procs = [("main", events, samples)] + [(f"w{i + 1}", w["events"], w["samples"]) for i, w in enumerate(workers)]
    print("\norganization run: phases and accounts per process (s from the parent's start)")
    for label, evs, smp in procs:
        cpu = smp[-1][1] if smp else 0.0
        print(f"  {label} (CPU {cpu:.2f} s)")
        for kind, name, start, end, _thread in sorted(evs, key=lambda e: e[2]):
            if kind == "account" or (kind == "phase" and name not in ("identity", "findings_document",
                                                                    "account_findings", "assume role", "assess")):
                print(f"    {kind:7} {name:24} {start:6.2f}-{end:6.2f} ({end - start:5.2f})")
        roles = [e for e in evs if e[1] == "assume role"]
        if roles:
            print(f"    {len(roles)} roles assumed, {sum(e[3] - e[2] for e in roles):.2f} s in all")
    http = [e for _l, evs, _s in procs for e in evs if e[0] == "http"]
    print(f"\nrequests: {len(http)} (all processes)")
    print(f"per {step} s: requests in flight (mean) | CPU in cores: " + " ".join(f"{label:>5}" for label, *_ in procs)
          + " sandbox | accounts in flight per process")
    t = 0.0
    while t < finished:
        window = (t, t + step)
        inflight = sum(max(0.0, min(e[3], window[1]) - max(e[2], window[0])) for e in http) / step
        cores, accounts = [], []
        for _label, evs, smp in procs:
            inside = [x for x in smp if window[0] <= x[0] <= window[1]]
            span = inside[-1][0] - inside[0][0] if len(inside) > 1 else 0
            cores.append((inside[-1][1] - inside[0][1]) / span if span else 0.0)
            accounts.append(sum(1 for e in evs if e[0] == "account" and e[2] < window[1] and e[3] > window[0]))
        inside = [x for x in samples if window[0] <= x[0] <= window[1]]
        span = inside[-1][0] - inside[0][0] if len(inside) > 1 else 0
        sandbox = (inside[-1][2] - inside[0][2]) / span if span else 0.0
        print(f"  {t:5.1f} {inflight:6.1f} | " + " ".join(f"{c:5.2f}" for c in cores) + f" {sandbox:7.2f} | "
              + " ".join(str(a) for a in accounts))
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
