"""The sandbox's HTTP server: HTTP/1.1 with kept-alive connections, one thread per connection.

Werkzeug's development server (what moto's own server uses) answers every request with
``Connection: close``, so each API call would pay a new TCP connection and a new server thread:
CPU on both sides that real AWS never costs a client, and that made the benchmarks measure the
sandbox's plumbing.

Until the ninth session waitress served the app: one thread polls every open connection, parses
what arrives, hands each request to a pool of task threads through a condition, and a task thread
hands the answer back through a pipe for the polling thread to send. That round trip (the loop
asking every connection whether it is readable and writable on each turn, two thread switches and
a pipe write per request) was ~40% of the sandbox's CPU in `check --org` (py-spy, GIL samples).
Here each connection has its own thread, which reads a request, runs the app and writes the
answer itself: the kernel wakes it when bytes arrive, and an idle connection costs nothing but a
blocked thread. The wizard shares one pool of connections per host (wizard/botocore_http.py),
so its connections to the sandbox are as many as its requests in flight (~50-150), and the latency
the sandbox adds (a sleep in the request's thread) never waits for a free task thread.

Parsing stays waitress's (``HTTPRequestParser``: chunked bodies, ``Expect: 100-continue``, the
limits on a header's size; a plain request whole in the buffer is parsed alike in one pass by
``http_parse.py``) and the WSGI environment and answer headers are built as waitress
builds them (waitress 3.0.2, ``WSGITask.get_environment`` and ``build_response_header``), so the
app sees the same requests and clients the same answers.
"""

from __future__ import annotations

import logging
import socket
import struct
import sys
import threading
import time
from typing import Any, Callable

IDLE_SECONDS = 30  # an idle kept-alive connection is closed after this
# Each connection holds a thread; beyond this many, new ones are closed at once. A shared pool of
# connections (the wizard's) opens one per request in flight; tests open 1,100 idle ones.
MAX_CONNECTIONS = 4_000
IDENT = "aws-essentials-sandbox"
_READ = 65_536
_HOP_BY_HOP = frozenset(("connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
                         "trailers", "transfer-encoding", "upgrade"))
_log = logging.getLogger(__name__)


class HttpServer:
    """A WSGI app served on ``host:port`` (0 = a free port) from background threads."""

    def __init__(self, app: Callable[..., Any], host: str = "127.0.0.1", port: int = 0) -> None:
        from waitress.adjustments import Adjustments

        _allow_open_files(MAX_CONNECTIONS + 1_000)
        self._app = app
        self._adj = Adjustments(ident=IDENT, channel_timeout=IDLE_SECONDS)
        self._listener = socket.create_server((host, port), backlog=1024)
        self.port = int(self._listener.getsockname()[1])
        self._base = {"SERVER_PORT": str(self.port), "SERVER_NAME": self._adj.server_name,
                      "SERVER_SOFTWARE": IDENT, "SCRIPT_NAME": "", "wsgi.version": (1, 0),
                      "wsgi.errors": sys.stderr, "wsgi.multithread": True, "wsgi.multiprocess": False,
                      "wsgi.run_once": False, "wsgi.input_terminated": True,
                      "wsgi.url_scheme": self._adj.url_scheme}
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._room = threading.BoundedSemaphore(MAX_CONNECTIONS)  # as waitress's connection_limit: no accept() when full
        self._stopping = False
        self._thread = threading.Thread(target=self._accept, name="aws-sandbox", daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stopping:
            self._room.acquire()  # a new connection waits in the listen backlog until one closes
            try:
                sock, addr = self._listener.accept()
            except OSError:
                self._room.release()
                if self._stopping:
                    return
                time.sleep(0.01)  # out of descriptors, say: the clients wait in the backlog
                continue
            with self._lock:
                if self._stopping:
                    sock.close()
                    return
                self._open.add(sock)
            threading.Thread(target=self._serve, args=(sock, addr), name=f"aws-sandbox-{self.port}", daemon=True).start()

    def _serve(self, sock: socket.socket, addr: Any) -> None:
        from waitress.parser import HTTPRequestParser

        from . import http_parse

        lean = http_parse.parse if http_parse.usable() else None
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # as waitress: answers go out at once
            _idle_timeout(sock)
            pending = b""
            while not self._stopping:
                if not pending:
                    pending = sock.recv(_READ)
                    if not pending:
                        return  # the client closed the connection
                parsed = lean(pending, self._adj) if lean is not None else None  # a plain request, parsed alike
                if parsed is not None:
                    request, used = parsed
                    pending = pending[used:]
                else:
                    request = HTTPRequestParser(self._adj)
                continued = False
                while not request.completed:
                    if not pending:
                        pending = sock.recv(_READ)
                        if not pending:
                            return  # the client closed the connection
                    used = request.received(pending)
                    pending = pending[used:]
                    if request.expect_continue and request.headers_finished and not continued:
                        sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
                        continued = True
                if request.error is not None:  # waitress's answer to a request it cannot parse
                    self._send(sock, request, *request.error.to_response(IDENT), closing=True)
                    return
                if request.empty:
                    continue
                try:
                    if not self._answer(sock, addr, request):
                        return
                finally:
                    request.close()  # its body's buffer (a temporary file past 512 KiB), as waitress does
        except (OSError, ValueError):
            return  # timed out, reset, or closed by stop()
        finally:
            with self._lock:
                self._open.discard(sock)
            sock.close()
            self._room.release()

    def _environ(self, addr: Any, request: Any) -> dict:
        """waitress's WSGI environment for ``request`` (``WSGITask.get_environment``, no URL prefix)."""
        path = request.path
        if path.startswith("/"):
            path = "/" + path.lstrip("/")
        environ = dict(self._base)
        environ.update({"REMOTE_ADDR": addr[0], "REMOTE_HOST": addr[0], "REMOTE_PORT": str(addr[1]),
                        "REQUEST_METHOD": request.command.upper(), "SERVER_PROTOCOL": f"HTTP/{request.version}",
                        "PATH_INFO": path, "REQUEST_URI": request.request_uri, "QUERY_STRING": request.query,
                        "wsgi.input": request.get_body_stream()})
        for key, value in request.headers.items():
            name = key if key in ("CONTENT_LENGTH", "CONTENT_TYPE") else "HTTP_" + key
            environ.setdefault(name, value)
        return environ

    def _answer(self, sock: socket.socket, addr: Any, request: Any) -> bool:
        """Run the app for one request and send its answer; False when the connection must close."""
        answer: dict[str, Any] = {}
        written: list[bytes] = []

        def start_response(status: str, headers: list, exc_info: Any = None) -> Callable[[bytes], None]:
            if exc_info is not None and answer.get("sent"):
                raise exc_info[1].with_traceback(exc_info[2])
            if "\n" in status or "\r" in status or any("\n" in k + v or "\r" in k + v for k, v in headers):
                raise ValueError("carriage return/line feed character in the status or a header")
            if any(k.lower() in _HOP_BY_HOP for k, _ in headers):
                raise AssertionError("a hop-by-hop header cannot be set by a WSGI application (PEP 3333)")
            answer["status"], answer["headers"] = status, list(headers)
            return written.append

        try:
            chunks = self._app(self._environ(addr, request), start_response)
            # waitress knows the length only of an answer in one piece (else: chunked, then close)
            whole = not written and hasattr(chunks, "__len__") and len(chunks) == 1
            try:
                written.extend(chunks)
            finally:
                if hasattr(chunks, "close"):
                    chunks.close()
            if "status" not in answer:
                raise AssertionError("the app returned without calling start_response")
        except Exception:  # noqa: BLE001 - one failed request must not take its connection's thread down
            from waitress.utilities import InternalServerError

            _log.exception("the sandbox's app failed serving %s", request.path)
            failed = InternalServerError("The server encountered an unexpected internal server error")
            self._send(sock, request, *failed.to_response(IDENT), closing=True)
            return False
        answer["sent"] = True
        return self._send(sock, request, answer["status"], answer["headers"], written, whole)

    def _send(self, sock: socket.socket, request: Any, status: str, app_headers: list, chunks: "list | bytes",
              whole: bool = True, closing: bool = False) -> bool:
        """waitress's answer (``Task.build_response_header`` and ``write``): header names capitalised,
        Content-Length, Connection, Server and Date added, the body cut to Content-Length (chunked
        when its length is not known). ``closing``: the connection closes after it, announced."""
        if isinstance(chunks, bytes):
            chunks = [chunks]
        version = request.version if request.version in ("1.0", "1.1") else "1.0"
        has_body = not status.startswith(("1", "204", "304"))
        headers, length, dated, served = [], None, False, False
        for name, value in app_headers:
            name = _capitalized(name)
            if name == "Content-Length":
                if not has_body:
                    continue
                length = value
            dated = dated or name == "Date"
            served = served or name == "Server"
            headers.append((name, value))
        body = b"".join(chunks)
        if length is None and has_body and whole:
            length = str(len(body))
            headers.append(("Content-Length", length))
        connection = request.headers.get("CONNECTION", "").lower()
        close = closing
        if version == "1.0":
            if connection == "keep-alive" and length:
                headers.append(("Connection", "Keep-Alive"))
            else:
                close = True
        else:
            close = close or connection == "close"
            if not length:
                if has_body:
                    headers.append(("Transfer-Encoding", "chunked"))
                    body = b"".join(b"%X\r\n%s\r\n" % (len(c), c) for c in chunks if c) + b"0\r\n\r\n"
                close = True
        short = False
        if not has_body:
            body = b""
        elif length is not None:
            wanted = int(length)
            # too few bytes: closed (the client must not wait for the rest), unannounced as by waitress
            short = len(body) < wanted and request.command != "HEAD"
            body = body[:wanted]
        headers.append(("Via", IDENT) if served else ("Server", IDENT))
        if not dated:
            headers.append(("Date", _http_date()))
        sock.sendall(_head(f"HTTP/{version} {status}", headers, close) + body)
        return not (close or short)

    def stop(self) -> None:
        """Close the listening socket and every connection; their threads end."""
        self._stopping = True
        try:
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
        except OSError:
            pass
        self._listener.close()
        with self._lock:
            connections = list(self._open)
        for sock in connections:
            try:
                sock.shutdown(socket.SHUT_RDWR)  # wakes its thread from recv(); that thread closes it
            except OSError:
                pass
        self._thread.join(timeout=5)


def _idle_timeout(sock: socket.socket) -> None:
    """Close an idle connection after IDLE_SECONDS: the kernel's timeouts on a blocking socket where
    it has them (Python's own timeout polls before every recv and send: two system calls for one)."""
    try:
        seconds = struct.pack("ll", int(IDLE_SECONDS), int(IDLE_SECONDS % 1 * 1_000_000))  # struct timeval
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, seconds)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, seconds)
    except (OSError, AttributeError, struct.error):
        sock.settimeout(IDLE_SECONDS)


def _head(first_line: str, headers: list, close: bool) -> bytes:
    if close and not any(name.capitalize() == "Connection" for name, _ in headers):
        headers = headers + [("Connection", "close")]
    # sorted by name as waitress sends them (a stable sort keeps same-named headers in order)
    lines = [first_line] + [f"{name}: {value}" for name, value in sorted(headers, key=lambda h: h[0])]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


_NAMES_KEPT = 1_024  # header names: moto's and ours, a few dozen
_names: dict[str, str] = {}


def _capitalized(name: str) -> str:
    """waitress's spelling of a header name ("x-amzn-requestid" -> "X-Amzn-Requestid"), kept per name."""
    spelled = _names.get(name)
    if spelled is None:
        spelled = "-".join(part.capitalize() for part in name.split("-"))
        if len(_names) < _NAMES_KEPT:
            _names[name] = spelled
    return spelled


_date = (0, "")  # (second, its HTTP date): one formatting a second, not one a request


def _http_date() -> str:
    global _date
    now = int(time.time())
    second, text = _date
    if second != now:
        from waitress.utilities import build_http_date  # here: an import statement costs a lookup per request

        text = build_http_date(now)
        _date = (now, text)
    return text


def _allow_open_files(wanted: int) -> None:
    """Raise this process's soft limit on open files towards ``wanted`` (never above the hard limit).

    Many systems start processes at 1,024, which an organization-wide run passes.
    """
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
