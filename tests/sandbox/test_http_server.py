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


def test_stop_after_the_loop_lost_its_trigger_raises_nothing():
    """A session's sandbox stop once raised EBADF from waitress's trigger: stopping still works."""
    import os

    served = HttpServer(hello)
    os.close(served._server.trigger.trigger)  # the wake-up pipe is gone, as when the loop closed it
    served.stop()
    with pytest.raises(OSError):
        http.client.HTTPConnection("127.0.0.1", served.port, timeout=2).request("GET", "/")
