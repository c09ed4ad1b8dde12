"""The sandbox in a child process, for the TUI demo: its answers cost the TUI's process nothing.

In the TUI's own process, moto's request threads (JSON and XML for every call) shared the
interpreter lock with the event loop: while the first assessment ran they took more CPU there than
the assessment itself (benchmarks/README.md, "TUI step switches"). The child serves the same
:class:`~wizard.sandbox.Sandbox` on 127.0.0.1; the TUI reaches it over HTTP only, as it already
did (AWS calls, ``/_sandbox/`` console simulations).

The child is started as `check --org`'s workers are (``worker_process.worker_command``); it gets the
scenario and realism settings pickled on its stdin, answers with its port and environment, and
stops when its stdin closes, so it never outlives the demo.
"""

from __future__ import annotations

import os
import pickle
from typing import Any

from steps.base import StepError


class SandboxProcess:
    """What the demo needs of a :class:`~wizard.sandbox.Sandbox`, served from a child process."""

    def __init__(self, scenario: str = "insecure", realism: Any = None) -> None:
        self.scenario = scenario
        self.realism = realism
        self._process: Any = None
        self._env: dict[str, str] = {}
        self.endpoint_url = ""
        self.account_id = ""

    def start(self) -> "SandboxProcess":
        from wizard.worker_process import start_worker

        # stderr goes nowhere: the TUI owns the terminal, and a failure to start comes back as an answer
        self._process = start_worker(__name__)
        try:
            pickle.dump((self.scenario, self.realism), self._process.stdin)
            self._process.stdin.flush()
            answer = pickle.load(self._process.stdout)
        except Exception:  # noqa: BLE001 - the child ended before answering
            answer = ("failed", f"it ended with exit code {self._process.wait()}")
        if answer[0] != "ready":
            self.stop()
            raise StepError(f"the sandbox did not start: {answer[1]}",
                            "run `aws-essentials sandbox` to see the error in full")
        _, self.endpoint_url, self.account_id, self._env = answer
        return self

    def env(self) -> dict[str, str]:
        return dict(self._env)

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        try:
            process.stdin.close()  # the child stops its server and exits
            process.wait(timeout=2)
        except Exception:  # noqa: BLE001 - a child that does not stop at once is stopped
            process.kill()


def _worker_main() -> int:
    """The child: start the sandbox, say where it is, serve until stdin closes."""
    import signal
    import sys

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the process group; the demo decides
    from wizard.worker_process import answer_pipe
    from wizard.sandbox import Sandbox

    answers = answer_pipe()  # moto prints; the demo reads one answer only
    scenario, realism = pickle.load(sys.stdin.buffer)
    try:
        sandbox = Sandbox(scenario=scenario, realism=realism).start()
    except Exception as error:  # noqa: BLE001 - said in the demo's words
        pickle.dump(("failed", f"{type(error).__name__}: {error}"), answers)
        answers.flush()
        return 1
    pickle.dump(("ready", sandbox.endpoint_url, sandbox.account_id, sandbox.env()), answers)
    answers.flush()
    sys.stdin.buffer.read()  # until the demo closes it (or ends)
    sandbox.stop()
    os._exit(0)  # request threads tied to kept-alive connections would hold the exit
