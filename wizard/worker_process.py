"""Starting a worker process of this package and talking to it: `check --org`'s account workers
(``org_workers``), the TUI's assessment worker (``assess_worker``) and the demo's sandbox child
(``sandbox.child``). Standard library only: a child imports what its own module needs, nothing more.
"""

from __future__ import annotations

import os
from typing import Any

# The folder holding the `wizard` and `steps` packages this process runs.
CODE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def worker_command(module: str) -> list[str]:
    """How a worker is started (``module``'s ``_worker_main``): isolated from wherever the user happens to be.

    A worker holds the management account's credentials, so it must run only this package's code
    and the standard library. ``-I`` (isolated mode) leaves the current directory, PYTHONPATH,
    PYTHONSTARTUP and the user's site-packages out of ``sys.path`` (a ``math.py`` planted in the
    working directory would otherwise be imported); the one folder it needs, this package's, is
    added explicitly, after the standard library so no file there can shadow a stdlib module, and
    before site-packages, so the worker runs this process's code even where site-packages names
    another copy (an editable install of another checkout: the old tree of a benchmark ran the
    installed checkout's code in its workers).
    """
    import sys

    boot = ("import sys, site, importlib; root = sys.argv[1]; sites = set(site.getsitepackages()); "
            "root in sys.path or sys.path.insert(next((i for i, p in enumerate(sys.path) if p in sites), "
            "len(sys.path)), root); "
            "raise SystemExit(importlib.import_module(sys.argv[2])._worker_main())")
    return [sys.executable, "-I", "-c", boot, CODE_ROOT, module]


def start_worker(module: str, stderr: Any = None) -> Any:
    """Start ``module``'s worker (:func:`worker_command`) from this package's folder, talking through its
    stdin and stdout; its stderr goes nowhere unless given a file (None: ``subprocess.DEVNULL``)."""
    import subprocess

    return subprocess.Popen(worker_command(module), cwd=CODE_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL if stderr is None else stderr)


def answer_pipe() -> Any:
    """In a long-lived worker: its stdout as a pipe for answers only. File descriptor 1 then goes to
    /dev/null, so a stray print (moto prints a line for each request to a host it does not serve)
    can neither corrupt the answers nor fill a pipe its parent no longer reads."""
    import sys

    sys.stdout.flush()
    answers = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    return answers
