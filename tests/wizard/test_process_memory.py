"""wizard/process_memory.py: a run's threads share two malloc arenas (glibc), not one each, and the
collector leaves a run's long-lived objects alone, also at exit.

Counted in a fresh interpreter with glibc's ``malloc_stats`` (one "Arena N:" block per arena on
stderr), after 16 threads each allocated blocks too large for Python's own allocator. The same
interpreter says, from the last exit handler, what the collector was set to and froze.
"""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROGRAM = """
import atexit, ctypes, gc, sys, threading
atexit.register(lambda: print("gc", *gc.get_threshold(), gc.get_freeze_count() > 0))  # runs last
sys.path.insert(0, sys.argv[1])
exec(sys.argv[2])
kept, started = [], threading.Barrier(16)
def work():
    started.wait()  # all at once, so that glibc would hand out arenas of their own
    kept.append([bytearray(4096) for _ in range(200)])
threads = [threading.Thread(target=work) for _ in range(16)]
[t.start() for t in threads]; [t.join() for t in threads]
ctypes.CDLL(None).malloc_stats()
"""


def _run(env: dict[str, str], setup: str) -> tuple[int, str]:
    """(malloc arenas, what the program printed) of PROGRAM after ``setup``."""
    done = subprocess.run([sys.executable, "-c", PROGRAM, ROOT, setup], capture_output=True, text=True, env=env,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return sum(line.startswith("Arena ") for line in done.stderr.splitlines()), done.stdout


def _arenas(env: dict[str, str], setup: str) -> int:
    return _run(env, setup)[0]


ENV = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}


@pytest.fixture(scope="module")
def a_run():
    """One interpreter that made what every run makes before its threads (an AWS object)."""
    return _run(ENV, "from wizard.aws import AWS; AWS()")


@pytest.mark.skipif(not hasattr(ctypes.CDLL(None), "malloc_stats"), reason="glibc only")
def test_a_runs_threads_share_two_malloc_arenas(a_run):
    env = ENV
    assert a_run[0] <= 2  # what every run makes before its threads
    # the user's own setting wins (and the count would show more arenas)
    assert _arenas({**env, "MALLOC_ARENA_MAX": "8"}, "import wizard.process_memory as m; m.limit_malloc_arenas()") > 2


def test_a_run_collects_its_older_generations_less_and_nothing_at_exit(a_run):
    from wizard.process_memory import THRESHOLDS

    assert a_run[1].split() == ["gc", *map(str, THRESHOLDS), "True"]
    # a threshold set before the run is the caller's, and kept
    assert _run(ENV, "import gc; gc.set_threshold(900, 5, 5); import wizard.process_memory as m; m.collect_less()"
                )[1].split() == ["gc", "900", "5", "5", "True"]
