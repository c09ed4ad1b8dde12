"""Ctrl-C and SIGTERM during an apply: stop after the call in flight instead of abandoning it.

Inside :func:`stop_on_signals` the first SIGINT or SIGTERM only sets the stop event that
``run_changes`` checks before each call, so the call on the wire finishes and is journalled, and
nothing more is sent. A second signal does what it did before (KeyboardInterrupt, or the
command line's SIGTERM handler): the person insists.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from contextlib import contextmanager
from typing import Any, Iterator

SIGNALS = (signal.SIGINT, signal.SIGTERM)
NOTICE = b"\nStopping: the call in flight finishes, nothing more is sent (press Ctrl-C again to abandon it).\n"


class StopRequest(threading.Event):
    """A stop event that remembers which signal asked for it (None: not by a signal)."""

    signum: int | None = None

    @property
    def exit_code(self) -> int:
        """The shell's code for the signal that stopped the run: 130 for Ctrl-C, 143 for SIGTERM."""
        return 128 + int(self.signum or signal.SIGINT)


@contextmanager
def stop_on_signals() -> Iterator[StopRequest]:
    stop = StopRequest()
    if threading.current_thread() is not threading.main_thread():  # only the main thread gets signals
        yield stop
        return
    previous: dict[int, Any] = {}

    def on_signal(signum: int, frame: Any) -> None:
        if stop.is_set():  # the second signal: behave as before
            _restore(previous)
            handler = previous[signum]
            if callable(handler):
                handler(signum, frame)
            raise KeyboardInterrupt()
        stop.signum = signum
        stop.set()
        try:  # os.write, not print: a print here could re-enter a print the main thread is inside
            os.write(sys.stderr.fileno(), NOTICE)
        except (AttributeError, OSError, ValueError):  # stderr replaced (tests) or closed
            pass

    for signum in SIGNALS:
        current = signal.getsignal(signum)
        if current is signal.SIG_IGN:  # started with the signal ignored (nohup): keep it so
            continue
        previous[signum] = current
        signal.signal(signum, on_signal)
    try:
        yield stop
    finally:
        _restore(previous)


def _restore(previous: dict[int, Any]) -> None:
    for signum, handler in previous.items():
        signal.signal(signum, handler if handler is not None else signal.SIG_DFL)


POLL = 0.25  # seconds between looks at a pending signal while the main thread waits

# The exception a stop signal raised in the main thread (KeyboardInterrupt, or the command line's
# Terminated), kept: Python raises it wherever the main thread happens to be, and raised inside a
# weakref callback or a __del__ it is only printed ("Exception ignored in: ...") and the run goes on.
# A stopped `check --org` hung that way: the signal landed in an import's module-lock callback
# between its taking and its release of the import lock, so every thread that imported next waited
# forever (gdb, CI run of tests/reliability/test_interrupt.py), while the main thread's timed wait
# went on. :func:`raise_pending` raises it again there, and the command line exits.
_PENDING: list[type[BaseException]] = []


def note_stop_signal(exception: type[BaseException]) -> None:
    """Called by a signal handler before it raises ``exception``: remember it (the first one)."""
    if not _PENDING:
        _PENDING.append(exception)


def raise_pending() -> None:
    """Raise the stop signal's exception again, in case its first raise was swallowed."""
    if _PENDING:
        raise _PENDING[0]()


def result_interruptibly(future: Any, poll: float = POLL) -> Any:
    """``future.result()``, but a signal is acted on within ``poll`` seconds.

    The kernel may hand a process's SIGINT or SIGTERM to any of its threads. Python then only marks
    it for the main thread, and a main thread blocked in an untimed wait (``future.result()``) runs
    the handler when the wait ends: a stopped ``check --org`` went on until a worker process had
    finished its accounts (12 s in a CI run). A timed wait returns to Python often enough to run it.
    """
    while True:
        raise_pending()
        try:
            return future.result(timeout=poll)
        except TimeoutError:  # concurrent.futures.TimeoutError is TimeoutError since Python 3.11
            continue
