"""`check --org` of two revisions, interleaved: the sandbox's open connections and CPU, the run's CPU.

    .venv/bin/python benchmarks/open_connections.py OLD_TREE [--org 20] [--pairs 2] [--latency 50]

Each side runs against its own tree's sandbox (org scenario grown to N members, seeded alike). While
a run lasts, the sandbox's open sockets are counted in /proc/PID/fd every 0.2 s: every kept-alive
connection of every client is one, and waitress's loop visits each on every turn. Prints, per run,
the most and the mean open at once, the sandbox's CPU, the run's whole-process CPU and its wall.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._sandbox import PYTHON, SandboxProcess  # noqa: E402
from benchmarks.old_vs_new import _env  # noqa: E402


def open_sockets(pid: int) -> int:
    count = 0
    for name in os.listdir(f"/proc/{pid}/fd"):
        try:
            count += os.readlink(f"/proc/{pid}/fd/{name}").startswith("socket:")
        except OSError:  # closed meanwhile
            pass
    return count


def measured(sandbox: SandboxProcess, tree: Path, argv: list[str]) -> dict[str, float]:
    samples: list[int] = []
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.2):
            samples.append(open_sockets(sandbox.proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    before_cpu, before = sandbox.cpu_seconds(), resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    sampler.start()
    with tempfile.TemporaryDirectory() as tmp:
        run = subprocess.run([PYTHON, "-m", "wizard", *argv], cwd=tree, env=_env(sandbox, tree, tmp),
                             capture_output=True, text=True, timeout=1800)
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if run.returncode not in (0, 3, 4):
        raise RuntimeError(f"{tree}: exit {run.returncode}: {run.stderr[-2000:]}")
    return {"most_open": max(samples, default=0), "mean_open": round(statistics.mean(samples or [0])),
            "sandbox_cpu": round(sandbox.cpu_seconds() - before_cpu, 2),
            "cpu": round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 2),
            "wall": round(time.monotonic() - started, 2), "stderr_lines": len(run.stderr.splitlines())}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("old", type=Path)
    parser.add_argument("--org", type=int, default=20, metavar="N")
    parser.add_argument("--pairs", type=int, default=2)
    parser.add_argument("--latency", type=int, default=50)
    args = parser.parse_args()
    trees = {"old": args.old.resolve(), "new": ROOT}
    sandboxes = {name: SandboxProcess("org", tree) for name, tree in trees.items()}
    argv = ["check", "--org", "--format", "json"]
    try:
        from benchmarks import seeding
        for sandbox in sandboxes.values():
            seeding.more_members(sandbox.env, args.org)
            sandbox.latency(args.latency)
        for name, tree in trees.items():  # warm-up: moto builds its backends per account and region
            measured(sandboxes[name], tree, argv)
        for _ in range(args.pairs):
            for name, tree in trees.items():
                print(name, measured(sandboxes[name], tree, argv), flush=True)
        return 0
    finally:
        for sandbox in sandboxes.values():
            sandbox.stop()


if __name__ == "__main__":
    sys.exit(main())
