"""The sandbox's HTTP server: waitress, which keeps connections open as AWS endpoints do.

Werkzeug's development server (what moto's own server uses) answers every request with
``Connection: close``, so each API call would pay a new TCP connection and a new server thread:
CPU on both sides that real AWS never costs a client, and that made the benchmarks measure the
sandbox's plumbing. Waitress speaks HTTP/1.1 with keep-alive and serves requests from a fixed
pool of threads; the pool is large because the sandbox sleeps in its request threads to add
latency, and the wizard runs dozens of regional reads at once.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Callable

WORKER_THREADS = 64  # at least the wizard's regional pool (48), or added latency would queue
IDLE_SECONDS = 30  # an idle kept-alive connection is closed after this
# A `check --org` keeps a connection per client: ~220 per account, 8 accounts at a time.
MAX_CONNECTIONS = 10_000


class HttpServer:
    """A WSGI app served on ``host:port`` (0 = a free port) from a background thread."""

    def __init__(self, app: Callable[..., Any], host: str = "127.0.0.1", port: int = 0) -> None:
        from waitress.server import create_server

        _allow_open_files(MAX_CONNECTIONS + 1_000)
        logging.getLogger("waitress").setLevel(logging.ERROR)  # no queue-depth warnings in the wizard's output
        self._server = create_server(app, host=host, port=port, threads=WORKER_THREADS,
                                     channel_timeout=IDLE_SECONDS, connection_limit=MAX_CONNECTIONS,
                                     # poll(), not select(): select() fails once a descriptor
                                     # number passes 1024, which kept-alive connections reach.
                                     asyncore_use_poll=True, ident="aws-essentials-sandbox")
        self.port = int(self._server.effective_port)
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="aws-sandbox", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        failures = 0
        while not self._stopping and failures < 3:
            try:
                self._server.run()
                return
            except Exception:  # noqa: BLE001 - a dead loop would leave every client waiting
                if self._stopping:
                    return  # sockets closed under the loop while stopping
                failures += 1
                logging.getLogger(__name__).exception("the sandbox's HTTP loop failed; restarting it")

    def stop(self) -> None:
        """Close the listening socket and every connection, then stop the worker threads."""
        from waitress import wasyncore

        server = self._server
        self._stopping = True
        # Close everything from inside the event loop (asyncore is not thread-safe); the loop
        # ends when its socket map is empty.
        try:
            server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
        except OSError:  # the trigger is gone (the loop already closed its map): close what is left here
            wasyncore.close_all(server._map)
        self._thread.join(timeout=5)
        server.task_dispatcher.shutdown(timeout=2)


def _allow_open_files(wanted: int) -> None:
    """Raise this process's soft limit on open files towards ``wanted`` (never above the hard limit).

    Many systems start processes at 1,024, which an organization-wide run passes.
    """
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
