"""The sandbox's HTTP server keeps connections open as AWS does, survives many of them, and stops."""

from __future__ import annotations

import http.client
import resource
import socket

import pytest

from wizard.sandbox.http_server import HttpServer


def hello(environ, start_response):
    body = environ["PATH_INFO"].encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


@pytest.fixture
def server():
    served = HttpServer(hello)
    yield served
    served.stop()


def test_one_connection_carries_many_requests(server):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    connection.connect()
    first_socket = connection.sock
    for path in ("/one", "/two", "/three"):
        connection.request("GET", path)
        response = connection.getresponse()
        assert response.read() == path.encode()
        assert response.getheader("Connection", "").lower() != "close"
    assert connection.sock is first_socket  # never reconnected
    connection.close()


def test_the_sandbox_answers_aws_calls_on_a_kept_connection(sandbox):
    """Two signed-looking STS calls in a row over one socket, as botocore sends them."""
    connection = http.client.HTTPConnection("127.0.0.1", sandbox.port, timeout=10)
    headers = {"Content-Type": "application/x-www-form-urlencoded",
               "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/sts/aws4_request, "
                                "SignedHeaders=host, Signature=0"}
    for _ in range(2):
        connection.request("POST", "/", body="Action=GetCallerIdentity&Version=2011-06-15", headers=headers)
        response = connection.getresponse()
        assert response.status == 200
        assert b"<Account>" in response.read()
    connection.close()


def test_requests_are_served_past_a_thousand_open_connections(server):
    """select() stops at descriptor 1024; the server must keep serving beyond it."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)  # HttpServer raised it as far as it may
    needed = 2600  # both ends of 1,100 connections live in this process, plus what pytest holds
    if soft != resource.RLIM_INFINITY and soft < needed:
        pytest.skip(f"the limit on open files ({soft}) is below {needed}")
    idle = []
    try:
        for _ in range(1100):
            idle.append(socket.create_connection(("127.0.0.1", server.port), timeout=5))
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        connection.request("GET", "/after")
        assert connection.getresponse().read() == b"/after"
        connection.close()
    finally:
        for sock in idle:
            sock.close()


def test_stop_closes_the_port():
    served = HttpServer(hello)
    port = served.port
    served.stop()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_stop_with_connections_open_ends_their_threads():
    """Idle kept-alive connections and one mid-request: stop() closes them all, raises nothing."""
    import threading

    served = HttpServer(hello)
    idle = [socket.create_connection(("127.0.0.1", served.port), timeout=5) for _ in range(3)]
    partial = socket.create_connection(("127.0.0.1", served.port), timeout=5)
    partial.sendall(b"GET /half HTTP/1.1\r\nHost: x\r\n")  # the header never ends
    for sock in idle:
        sock.sendall(b"GET /x HTTP/1.1\r\nHost: x\r\n\r\n")
        assert sock.recv(4096).startswith(b"HTTP/1.1 200 OK")
    served.stop()
    for sock in idle + [partial]:
        try:
            assert sock.recv(4096) == b""  # closed by the server
        except ConnectionResetError:  # closed with our unread half-request in its buffer
            assert sock is partial
        sock.close()
    mine = f"aws-sandbox-{served.port}"  # this server's connection threads (other tests' sandboxes may serve)
    for _ in range(100):
        if not any(t.name == mine for t in threading.enumerate()):
            break
        threading.Event().wait(0.01)
    assert not any(t.name == mine for t in threading.enumerate())


def echo(environ, start_response):
    """What the app saw (every text entry of the environment but the ports) and the body it read."""
    if environ["PATH_INFO"] == "/fail":
        raise RuntimeError("the app failed")
    body = environ["wsgi.input"].read()
    seen = sorted((k, v) for k, v in environ.items() if isinstance(v, str) and k not in ("REMOTE_PORT", "SERVER_PORT"))
    out = repr(seen).encode() + b"|" + body
    if environ["PATH_INFO"] == "/short":  # says more bytes than it sends
        start_response("200 OK", [("content-length", str(len(out) + 10))])
        return [out]
    if environ["PATH_INFO"] == "/nocontent":
        start_response("204 No Content", [("Content-Length", "0"), ("x-amz-request-id", "r")])
        return [b""]
    start_response("200 OK", [("Content-Type", "text/xml"), ("x-amzn-requestid", "abc"), ("Server", "moto")]
                   if environ["PATH_INFO"] == "/served" else [("Content-Type", "text/xml")])
    return [out[:10], out[10:]]  # two chunks, no Content-Length


_EXCHANGES = {
    "keep-alive, then close": b"GET /a/%7Ekey?x=1&y HTTP/1.1\r\nHost: h\r\nX-Amz-Target: T.Op\r\n\r\n"
                              b"GET /b HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
    "form body": b"POST / HTTP/1.1\r\nHost: h\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                 b"Content-Length: 11\r\nConnection: close\r\n\r\nAction=List",
    "chunked body": b"PUT /bucket/k HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                    b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
    "expect 100-continue": b"PUT /o HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 3\r\n"
                           b"Connection: close\r\n\r\nabc",
    "HEAD": b"HEAD /h HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
    "HTTP/1.0 keep-alive, then 1.0": b"GET /k HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /l HTTP/1.0\r\n\r\n",
    "headers joined, underscore dropped": b"GET /j HTTP/1.1\r\nHost: h\r\nX-A: 1\r\nx-a: 2\r\nX_B: 3\r\n"
                                          b"Connection: close\r\n\r\n",
    "no content, server header kept": b"GET /nocontent HTTP/1.1\r\nHost: h\r\n\r\n"
                                      b"GET /served HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
    "too few bytes": b"GET /short HTTP/1.1\r\nHost: h\r\n\r\n",
    "bad request": b"GET /x HTTP/1.1\r\nHost h\r\n\r\n",
    "app fails": b"GET /fail HTTP/1.1\r\nHost: h\r\n\r\n",
}


def _exchange(port: int, raw: bytes) -> bytes:
    import re

    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(raw)
        got = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            got += chunk
    return re.sub(rb"Date: [^\r]+", b"Date: -", got)


def test_answers_are_waitress_answers_byte_for_byte():
    """The same raw requests (kept-alive and pipelined, chunked, Expect: 100-continue, HEAD,
    HTTP/1.0, malformed, a failing app) get the bytes waitress 3.0.2 sent, Date aside."""
    import logging
    import threading

    from waitress.server import create_server

    ours = HttpServer(echo)
    theirs = create_server(echo, host="127.0.0.1", port=0, threads=2, ident="aws-essentials-sandbox")
    loop = threading.Thread(target=theirs.run, daemon=True)
    loop.start()
    logging.getLogger("waitress").disabled = logging.getLogger(__name__.split(".")[0]).disabled = True
    try:
        for name, raw in _EXCHANGES.items():
            mine = _exchange(ours.port, raw)
            assert mine == _exchange(theirs.effective_port, raw), name
            assert mine.startswith(b"HTTP/1."), name
    finally:
        logging.getLogger("waitress").disabled = False
        ours.stop()
        theirs.close()


def test_an_idle_connection_is_closed_after_the_idle_time(monkeypatch):
    from wizard.sandbox import http_server

    monkeypatch.setattr(http_server, "IDLE_SECONDS", 0.2)
    served = HttpServer(hello)
    try:
        with socket.create_connection(("127.0.0.1", served.port), timeout=5) as sock:
            sock.sendall(b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n")
            assert sock.recv(4096).startswith(b"HTTP/1.1 200 OK")
            assert sock.recv(4096) == b""  # closed by the server after 0.2 s of silence
    finally:
        served.stop()
