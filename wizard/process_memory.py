"""Fewer glibc malloc arenas for a process that reads AWS with dozens of threads.

glibc gives each thread that allocates while another holds an arena an arena of its own, up to
8 per core, and memory freed in one is not reused by threads of another: with the 48 regional
workers (wizard/aws.py), the large account's check peaked at 198 MiB against 175 MiB with two
arenas (benchmarks/README.md). Python threads run one at a time under the GIL, so more arenas buy
no parallelism here. This is glibc's ``M_ARENA_MAX`` (mallopt(3)), as ``MALLOC_ARENA_MAX`` would
set it; a value the user set in the environment wins, and elsewhere (macOS, musl) it does nothing.
"""

from __future__ import annotations

import os

ARENAS = 2
_M_ARENA_MAX = -8  # glibc's malloc.h
_done = False


def limit_malloc_arenas() -> bool:
    """Limit this process to :data:`ARENAS` malloc arenas, once, before worker threads start; True if set."""
    global _done
    if _done or os.environ.get("MALLOC_ARENA_MAX"):
        return False
    _done = True
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc
        return False
    return bool(mallopt(_M_ARENA_MAX, ARENAS))
