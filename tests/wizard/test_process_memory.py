"""wizard/process_memory.py: a run's threads share two malloc arenas (glibc), not one each.

Counted in a fresh interpreter with glibc's ``malloc_stats`` (one "Arena N:" block per arena on
stderr), after 16 threads each allocated blocks too large for Python's own allocator.
"""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROGRAM = """
import ctypes, sys, threading
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


def _arenas(env: dict[str, str], setup: str) -> int:
    done = subprocess.run([sys.executable, "-c", PROGRAM, ROOT, setup], capture_output=True, text=True, env=env,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return sum(line.startswith("Arena ") for line in done.stderr.splitlines())


@pytest.mark.skipif(not hasattr(ctypes.CDLL(None), "malloc_stats"), reason="glibc only")
def test_a_runs_threads_share_two_malloc_arenas():
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    assert _arenas(env, "from wizard.aws import AWS; AWS()") <= 2  # what every run makes before its threads
    # the user's own setting wins (and the count would show more arenas)
    assert _arenas({**env, "MALLOC_ARENA_MAX": "8"}, "import wizard.process_memory as m; m.limit_malloc_arenas()") > 2
