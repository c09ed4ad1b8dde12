"""Fewer glibc malloc arenas for a process that reads AWS with dozens of threads.

glibc gives each thread that allocates while another holds an arena an arena of its own, up to
8 per core, and memory freed in one is not reused by threads of another: with the 48 regional
workers (wizard/aws.py), the large account's check peaked at 198 MiB against 175 MiB with two
arenas (benchmarks/README.md). Python threads run one at a time under the GIL, so more arenas buy
no parallelism here. This is glibc's ``M_ARENA_MAX`` (mallopt(3)), as ``MALLOC_ARENA_MAX`` would
set it; a value the user set in the environment wins, and elsewhere (macOS, musl) it does nothing.

The garbage collector is told the same kind of fact (:func:`collect_less`): most of what such a
process allocates lives until it exits (service models, clients), so walking it again and again
finds nothing to free, and freeing it all at exit is work nobody needs.
"""

from __future__ import annotations

import atexit
import gc
import os

ARENAS = 2
_M_ARENA_MAX = -8  # glibc's malloc.h
_done = False
# Python's default is (700, 10, 10). Young objects are still collected as often; the older
# generations, which hold the models and clients, 5 times less often. One full check spent
# 0.31-0.33 s of CPU in the collector with the default and 0.14-0.16 s with this (gc.callbacks,
# benchmarks/README.md, seventh session); peak memory did not move.
DEFAULT_THRESHOLDS = (700, 10, 10)
THRESHOLDS = (700, 50, 50)
_collecting_less = False


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


def collect_less() -> bool:
    """Once per process: older generations collected less often, and no collection at exit.

    At exit the interpreter tears down every module and collects what is left: after a full check
    that was ~0.35 s of CPU (a sixth of the process), walking ~160,000 objects only to free them.
    Frozen (``gc.freeze``, run by ``atexit`` after the command is done and its output flushed) they
    are left to the operating system. Objects freed by reference counting still are, so files and
    sockets close as before. A threshold someone else set is kept. True the first time.
    """
    global _collecting_less
    if _collecting_less:
        return False
    _collecting_less = True
    if gc.get_threshold() == DEFAULT_THRESHOLDS:
        gc.set_threshold(*THRESHOLDS)
    atexit.register(gc.freeze)
    return True
