"""Stopping a running apply: Ctrl-C or SIGTERM during `fix` (a real process) and during plain mode's
apply lets the call in flight finish, sends nothing more, journals what ran and says what did not."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from steps import by_id
from tests.helpers import DEMO_ANSWERS, plan_for, open_aws
from wizard.journal import read_entries

ROOT = Path(__file__).resolve().parents[2]
ANSWERS = DEMO_ANSWERS["contacts"]
# Ctrl-C behaves as in a terminal even when this test runs where SIGINT is ignored (a background job)
FIX = ("import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
       "sys.argv = ['aws-essentials', 'fix', '--steps', 'contacts', 'root', '--yes', "
       + ", ".join(repr(f"--set=contacts.{k}={v}") for k, v in ANSWERS.items())
       + "]; runpy.run_module('wizard', run_name='__main__')")


@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_stopped_fix_finishes_the_call_in_flight_and_sends_nothing_more(account, sig, code):
    sb = account("insecure")
    planned = plan_for(open_aws(sb), by_id("contacts"), ANSWERS).automatic
    assert len(planned) == 3
    sb.set_latency(150)  # each call takes long enough that the signal lands while the first is in flight
    journal = Path(os.environ["AWS_ESSENTIALS_STATE_DIR"]) / "journal.jsonl"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    proc = subprocess.Popen([sys.executable, "-c", FIX], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 90
    while not journal.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)  # the first call's write-ahead line: the apply is under way
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=90)
    sb.set_latency(0)
    assert proc.returncode == code, (out, err)
    assert "Traceback" not in out + err
    entries = read_entries(journal)
    # the call in flight finished and was journalled as done; nothing after it was sent
    assert [(e.call, e.ok) for e in entries] == [("account.PutAlternateContact", True)]
    assert out.count("contacts: account.PutAlternateContact: done") == 1
    assert out.count("contacts: not sent (stopped): account.PutAlternateContact") == 2
    assert "root: not started (stopped)" in out
    assert "1 call(s) were sent and journalled, 2 not sent" in err
    assert len(plan_for(open_aws(sb), by_id("contacts"), ANSWERS).automatic) == 2  # the account agrees


class _Stopped(Exception):
    pass


def _raise_stopped(signum, frame):
    raise _Stopped()


def test_a_signal_taken_by_another_thread_stops_the_main_threads_wait():
    """The kernel may give a process's signal to any of its threads; Python runs the handler in the
    main thread. `check --org` waited on its workers with an untimed `future.result()`, so a SIGTERM
    taken by another thread was acted on only once a worker had finished (12 s in a CI run)."""
    import threading
    from concurrent.futures import Future

    from wizard.stopping import result_interruptibly

    never = Future()  # a worker that would take long; set after 3 s so an untimed wait ends too
    finish = threading.Timer(3.0, lambda: never.set_result("finished"))

    def signal_on_this_thread():
        time.sleep(0.2)
        signal.pthread_kill(threading.get_ident(), signal.SIGUSR1)

    previous = signal.signal(signal.SIGUSR1, _raise_stopped)
    other = threading.Thread(target=signal_on_this_thread)
    try:
        finish.start()
        other.start()
        started = time.monotonic()
        with pytest.raises(_Stopped):  # an untimed never.result() returned "finished" after 3 s instead
            result_interruptibly(never)
        assert time.monotonic() - started < 2
    finally:
        other.join()
        finish.cancel()
        finish.join()
        signal.signal(signal.SIGUSR1, previous)


def test_an_interrupt_swallowed_where_it_landed_still_stops_the_wait(monkeypatch):
    """Python raises a signal's KeyboardInterrupt wherever the main thread is; raised inside a weakref
    callback (an import's module-lock callback, in a CI run of `check --org` stopped while its parent
    still imported) it is printed as "Exception ignored" and lost, and the run went on to its end."""
    import gc
    import threading
    import weakref
    from concurrent.futures import Future

    from wizard import __main__ as cli, stopping
    from wizard.stopping import result_interruptibly

    monkeypatch.setattr(stopping, "_PENDING", [])

    class Held:
        pass

    def lands_here(_):  # the handler runs here, as the signal's did in importlib's callback
        cli._on_sigint(signal.SIGINT, None)

    held = Held()
    _keep = weakref.ref(held, lands_here)
    monkeypatch.setattr(sys, "unraisablehook", lambda unraisable: None)  # what Python does: print, go on
    del held
    gc.collect()
    never = Future()  # a worker that would take long; it ends after 2 s, so a lost interrupt ends the wait too
    finish = threading.Timer(2.0, lambda: never.set_result("finished"))
    finish.start()
    started = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):  # it returned "finished": the interrupt was lost
            result_interruptibly(never, poll=0.05)
        assert time.monotonic() - started < 1
    finally:
        finish.cancel()
        finish.join()
    assert _keep() is None
