"""The TUI's assessments in a worker process, so the screen never waits for the interpreter.

Collecting and evaluating a step is CPU work in Python (botocore builds clients, signs, parses
JSON and XML; ``evaluate`` walks the state) on dozens of threads. In the TUI's own process those
threads share the interpreter lock with the event loop: while the first assessment ran, a step
switch took 0.5 s and keys waited as long (benchmarks/README.md, "TUI step switches"). Here one
worker process, started with the connection and kept for the run, assesses every request (the
first assessment, re-checks, after a simulation) with :func:`wizard.assess.assess`, exactly as
the threads did, and streams each step's state and findings back as soon as it is known; the TUI
process only unpickles them.

The worker is started as `check --org`'s workers are (``worker_process.worker_command``: isolated,
this package only, Ctrl-C ignored). Each request carries the account as it is reached at that
moment (current credentials, endpoint, regions) and this process's environment (the sandbox's and
the contained home's variables), through the worker's own pipe. If the worker cannot be started or
dies, what it has not answered is assessed in this process: slower to show, never lost.
"""

from __future__ import annotations

import os
import pickle
import queue
import threading
from dataclasses import dataclass
from types import ModuleType
from typing import IO, Any, Callable, Sequence


@dataclass(frozen=True)
class Request:
    """One assessment: which account (``target``, already signed in), which regions and steps;
    ``fresh``: forget what was read before (a re-check)."""

    target: Any  # wizard.aws_session.Target with frozen credentials
    regions: tuple[str, ...] | None
    step_ids: tuple[str, ...]
    fresh: bool
    environ: dict[str, str]


class AssessWorker:
    """This side of the worker: start it, send requests, hand each step's result to its requester."""

    def __init__(self) -> None:
        self._process: Any = None
        self._failed = False  # could not start or has died: assess in this process
        self._stopped = False  # the TUI is closing: nothing more to assess anywhere
        self._lock = threading.Lock()  # the pipe to the worker and the table below
        self._waiting: dict[int, queue.SimpleQueue] = {}  # request number -> its answers
        self._numbers = 0

    def start(self) -> None:
        """Start the worker (its imports then run beside the connection's); once, from a thread."""
        from wizard.worker_process import start_worker

        with self._lock:
            if self._process is not None or self._failed:
                return
            try:
                # stderr goes nowhere: the TUI owns the terminal, and failures come back as answers
                self._process = start_worker(__name__)
            except OSError:
                self._failed = True
                return
        threading.Thread(target=self._read, args=(self._process.stdout,), name="aws-assess-answers", daemon=True).start()

    def assess(self, aws: Any, steps: Sequence[ModuleType], on_done: Callable[[Any], None],
               fresh: bool = False) -> None:
        """Assess ``steps`` on ``aws``'s account, calling ``on_done`` with each
        :class:`~wizard.assess.StepResult` as it arrives; returns when every step is done."""
        from wizard.assess import assess

        by_id = {step.INFO.id: step for step in steps}
        answers = self._send(aws, tuple(by_id), fresh)
        if answers is not None:
            while by_id:
                kind, *rest = answers.get()
                if kind != "result":
                    break  # the worker failed or ended: the rest below, in this process
                on_done(_result(by_id.pop(rest[0]), *rest[1:]))
        if by_id and not self._stopped:
            assess(aws, list(by_id.values()), on_done=on_done)

    def _send(self, aws: Any, step_ids: tuple[str, ...], fresh: bool) -> queue.SimpleQueue | None:
        self.start()
        try:
            request = Request(aws.frozen_target(), aws.requested_regions, step_ids, fresh, dict(os.environ))
        except Exception:  # noqa: BLE001 - no credentials to hand over: this process reads as before
            return None
        answers: queue.SimpleQueue = queue.SimpleQueue()
        with self._lock:
            if self._process is None or self._failed:
                return None
            self._numbers += 1
            number = self._numbers
            self._waiting[number] = answers
            try:
                pickle.dump((number, request), self._process.stdin)
                self._process.stdin.flush()
            except (OSError, ValueError):
                del self._waiting[number]
                self._failed = True
                return None
        return answers

    def _read(self, answers_in: IO[bytes]) -> None:
        """Route the worker's answers to their requests; at its end, tell every request still waiting."""
        # pickle.load each time: one Unpickler's memo outlives a load, and MEMOIZE numbers from its size
        while True:
            try:
                answer = pickle.load(answers_in)
            except Exception:  # noqa: BLE001 - EOF or a damaged pipe: the worker is gone
                break
            with self._lock:
                waiting = self._waiting.get(answer[1])
                if answer[0] != "result":
                    self._waiting.pop(answer[1], None)
            if waiting is not None:
                waiting.put((answer[0], *answer[2:]))
        with self._lock:
            self._failed = True
            waiting_now, self._waiting = list(self._waiting.values()), {}
        for answers in waiting_now:
            answers.put(("ended",))

    def stop(self) -> None:
        """End the worker: it exits when its input closes; killed if it does not at once."""
        with self._lock:
            process, self._process, self._failed, self._stopped = self._process, None, True, True
        if process is None:
            return
        try:
            process.stdin.close()
            process.wait(timeout=1)
        except Exception:  # noqa: BLE001 - a worker still busy with a read: stop it
            process.kill()


def assess_steps(worker: AssessWorker | None, aws: Any, steps: Sequence[ModuleType], on_done: Callable[[Any], None],
                 fresh: bool = False) -> None:
    """Assess ``steps`` in ``worker``, or with this process's threads without one. ``fresh``: read
    again (a re-check); forgotten here too, so an apply's re-collect never reads the account as it was."""
    from wizard.assess import assess

    if fresh:
        aws.forget()
    if worker is not None:
        worker.assess(aws, steps, on_done, fresh=fresh)
    else:
        assess(aws, steps, on_done=on_done)


def _result(step: ModuleType, state: Any, findings: list, error: tuple[str, str] | None) -> Any:
    from steps.base import StepError
    from wizard.assess import StepResult

    return StepResult(step, state, findings, StepError(*error) if error else None)


# --- the worker process ---------------------------------------------------------------------------


def _worker_main() -> int:
    """The worker (``worker_command(__name__)``): requests from stdin, answers to stdout, pickled."""
    import signal
    import sys

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the process group; the TUI decides
    # Imported by name, so what is pickled refers to wizard.assess_worker, not to __main__.
    from wizard.assess_worker import serve
    from wizard.worker_process import answer_pipe

    answers = answer_pipe()
    serve(sys.stdin.buffer, answers)
    answers.flush()
    os._exit(0)  # not waiting for reads still running for a TUI that has gone


def serve(requests: IO[bytes], answers: IO[bytes]) -> None:
    """Answer each request on its own thread (a re-check need not wait for the first assessment):
    ("result", number, step id, state, findings, error) per step, then ("done", number), or
    ("failed", number, reason). Returns when ``requests`` ends."""
    # imported now, while the TUI is still connecting
    from steps import STEPS
    from wizard.assess import assess
    from wizard.aws import AWS

    lock = threading.Lock()
    accounts: dict[tuple[Any, Any], Any] = {}

    def send(*answer: Any) -> None:
        data = pickle.dumps(answer)
        with lock:
            answers.write(data)
            answers.flush()

    def run(number: int, request: Request) -> None:
        try:
            with lock:
                if dict(os.environ) != request.environ:  # the sandbox's endpoint, the contained home
                    os.environ.clear()
                    os.environ.update(request.environ)
                aws = accounts.get((request.target, request.regions))
                if aws is None:
                    aws = accounts[(request.target, request.regions)] = AWS(request.target, regions=request.regions)
            if request.fresh:
                aws.forget()
            chosen = [step for step in STEPS if step.INFO.id in request.step_ids]
            assess(aws, chosen, on_done=lambda r: send("result", number, r.id, r.state, r.findings,
                                                       (r.error.title, r.error.hint) if r.error else None))
            send("done", number)
        except Exception as error:  # noqa: BLE001 - said to the TUI, which assesses the rest itself
            send("failed", number, f"{type(error).__name__}: {error}")

    while True:
        try:
            number, request = pickle.load(requests)
        except EOFError:
            return
        threading.Thread(target=run, args=(number, request), name="aws-assess", daemon=True).start()
