"""The lean HTTP exchange (wizard/botocore_exchange.py) sends and reads what urllib3 sends and reads.

Every case sends the same prepared botocore requests once through urllib3 (botocore's own
``URLLib3Session.send``) and once through the lean exchange (the shared session's ``send``), to a
small server on this machine that records the bytes of each request and the connection they came
on, and answers from a script: plain, error, chunked, closing, truncated, malformed, silent.
"""

from __future__ import annotations

import socket
import ssl
import threading

import pytest
from botocore.awsrequest import AWSRequest

from wizard import botocore_exchange, botocore_http
from wizard.botocore_sharing import share_client_parts

XML = b'<?xml version="1.0"?><DescribeVpcsResponse><vpcSet/></DescribeVpcsResponse>'


def _answer(status: str, headers: list[tuple[str, str]], body: bytes = b"", version: str = "HTTP/1.1") -> bytes:
    return (f"{version} {status}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n").encode("latin-1") + body


OK = _answer("200 OK", [("x-amzn-RequestId", "r-1"), ("Content-Type", "text/xml"), ("Content-Length", str(len(XML))),
                        ("Date", "Mon, 30 Nov 2026 13:00:00 GMT")], XML)
ERROR = _answer("400 Bad Request", [("Content-Type", "text/xml"), ("Content-Length", "61")],
                b"<Response><Errors><Error><Code>Throttling</Code></Error></Errors>"[:61])
CHUNKED = _answer("200 OK", [("Transfer-Encoding", "chunked"), ("Content-Type", "text/xml")],
                  b"5;ext=1\r\n<?xml\r\n18\r\n version=\"1.0\"?><a>b</a>\r\n0\r\nX-Trailer: t\r\n\r\n")
CLOSING = _answer("503 Slow Down", [("Connection", "close"), ("Content-Length", "4"), ("Retry-After", "1")], b"slow")
UNTIL_CLOSE = _answer("200 OK", [("Content-Type", "application/json")], b'{"a": "' + b"y" * 50_000 + b'", "until": "the server closes"}')
DUPLICATES = _answer("200 OK", [("x-amz-meta-a", "1"), ("X-Amz-Meta-A", "2"), ("set-cookie", "c=1"), ("Content-Length", "2"),
                                ("X-Spaces", "  kept trailing  ")], b"{}")
FOLDED = _answer("200 OK", [("X-Folded", "one\r\n two"), ("Content-Length", "2")], b"ok")
HTTP10 = _answer("200 OK", [("Content-Length", "2")], b"ok", version="HTTP/1.0")
NO_HEADERS = b"HTTP/1.1 204 No Content\r\n\r\n"
NOT_MODIFIED = _answer("304 Not Modified", [("ETag", '"e"')])
HEAD_ANSWER = _answer("200 OK", [("Content-Length", "1234"), ("x-amz-bucket-region", "us-east-1")])
TRUNCATED = _answer("200 OK", [("Content-Length", "100")], b"only this much")
BAD_CHUNK = _answer("200 OK", [("Transfer-Encoding", "chunked")], b"zz\r\nnope\r\n")
BAD_STATUS = b"HTTX/1.1 200 OK\r\n\r\n"
LARGE_BODY = b"<Item>" + b"x" * 200_000 + b"</Item>"  # read in several receives
LARGE = _answer("200 OK", [("Content-Length", str(len(LARGE_BODY)))] + [(f"X-H{i}", "v" * 200) for i in range(60)],
                LARGE_BODY)
LARGE_CHUNKED = _answer("200 OK", [("Transfer-Encoding", "chunked")],
                        b"".join(b"%x\r\n%s\r\n" % (30_000, bytes([65 + i]) * 30_000) for i in range(3)) + b"0\r\n\r\n")
UNMATCHED_LENGTHS = _answer("200 OK", [("Content-Length", "2"), ("Content-Length", "3")], b"ok")


class _Server:
    """Answers each request with the next scripted action; records (connection number, request bytes)."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.tls = tls
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.script: list[tuple[str, bytes]] = []
        self.seen: list[tuple[int, bytes]] = []
        self.connections = 0
        self.open: list[socket.socket] = []
        self.answered = threading.Semaphore(0)  # released once each scripted action is over (closes included)
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            self.open.append(conn)
            threading.Thread(target=self._serve, args=(conn, self.connections), daemon=True).start()

    def _serve(self, conn: socket.socket, number: int) -> None:
        buf = b""
        if self.tls is not None:
            try:
                conn = self.tls.wrap_socket(conn, server_side=True)
            except OSError:  # the client refused the certificate
                conn.close()
                return
        with conn:
            while True:
                while b"\r\n\r\n" not in buf:
                    data = conn.recv(65536)
                    if not data:
                        return
                    buf += data
                head, _, buf = buf.partition(b"\r\n\r\n")
                length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                               if line.lower().startswith(b"content-length:")), 0)
                if b"transfer-encoding: chunked" in head.lower():  # a chunked request body: to its last chunk
                    while b"0\r\n\r\n" not in buf:
                        buf += conn.recv(65536)
                    length = buf.index(b"0\r\n\r\n") + 5
                while len(buf) < length:
                    buf += conn.recv(65536)
                body, buf = buf[:length], buf[length:]
                self.seen.append((number, head + b"\r\n\r\n" + body))
                action, answer = self.script.pop(0)
                try:
                    if action == "silent":  # never answers: the client's read timeout ends it
                        conn.recv(65536)
                        return
                    conn.sendall(answer)
                    if action == "close":
                        conn.shutdown(socket.SHUT_RDWR)
                        return
                finally:
                    self.answered.release()


@pytest.fixture(scope="module")
def server():
    running = _Server()
    yield running
    running.listener.close()


@pytest.fixture(scope="module")
def sessions():
    assert "lean_exchange" in share_client_parts()
    made = [botocore_http._SESSION_CLASS(timeout=(2, 0.3)) for _ in range(2)]
    yield made
    for session in made:
        session.close_connections()


def _requests(port: int) -> list:
    """Requests as botocore prepares them: a query API's signed POST, a REST GET with an encoded key, a HEAD."""
    base = f"http://127.0.0.1:{port}"
    signed = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
              "User-Agent": "Boto3/1.40 md/Botocore#1.44.8 ua/2.1 os/linux#6 md/arch#x86_64 lang/python#3.11.7",
              "X-Amz-Date": "20261130T130000Z", "amz-sdk-invocation-id": "0c9f4b9e-7c2b-4d8e-9a51-3b1e2f0a9c77",
              "amz-sdk-request": "attempt=1",
              "Authorization": "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20261130/us-east-1/ec2/aws4_request, "
                               "SignedHeaders=content-type;host;x-amz-date, Signature=" + "ab" * 32}
    return [AWSRequest("POST", base + "/", data=b"Action=DescribeVpcs&Version=2016-11-15", headers=signed).prepare(),
            AWSRequest("GET", base + "/bucket/a%2fkey%20x?policy&versionId=1", headers=signed).prepare(),
            AWSRequest("HEAD", base + "/bucket", headers=signed).prepare(),
            AWSRequest("PUT", base + "/bucket?tagging", data="<Tagging/>", headers=signed).prepare()]


def _outcome(session, request, lean: bool):
    send = session.send if lean else botocore_http._SESSION_CLASS.__mro__[1].send.__get__(session)
    try:
        response = send(request)
    except Exception as problem:  # the botocore exception both paths must raise alike
        return type(problem).__name__, str(problem)
    return response.status_code, list(response.headers.items()), response.content


def _both(server: _Server, sessions, script: list[tuple[str, bytes]], requests: list) -> tuple[list, list[int]]:
    """Each path's outcomes and the connections its requests came on (1 = its first), asserted equal."""
    results = []
    for session, lean in ((sessions[0], False), (sessions[1], True)):
        session.close_connections()
        server.script, server.seen, first = list(script), [], server.connections
        outcomes = []
        for request in requests:  # the next request once the server is done with this one (closed, if it closes)
            outcomes.append(_outcome(session, request, lean))
            assert server.answered.acquire(timeout=10)
        results.append((outcomes, [(number - first, sent) for number, sent in server.seen]))
    assert results[1] == results[0]
    assert len(results[1][1]) == len(requests) and not server.script
    return results[1][0], [number for number, _ in results[1][1]]


def test_the_bytes_sent_and_the_answers_read_are_urllib3s(server, sessions):
    requests = _requests(server.port)
    answers = [OK, CHUNKED, HEAD_ANSWER, ERROR, DUPLICATES, NO_HEADERS, NOT_MODIFIED, FOLDED, LARGE, LARGE_CHUNKED]
    outcomes, connections = _both(server, sessions, [("answer", a) for a in answers],
                                  [requests[i % 4] for i in range(len(answers))])
    assert outcomes[0] == (200, [("x-amzn-RequestId", "r-1"), ("Content-Type", "text/xml"),
                                 ("Content-Length", str(len(XML))), ("Date", "Mon, 30 Nov 2026 13:00:00 GMT")], XML)
    assert outcomes[1][2] == b'<?xml version="1.0"?><a>b</a>'
    assert outcomes[2][2] == b"" and outcomes[3][0] == 400
    assert ("x-amz-meta-a", "1, 2") in outcomes[4][1] and ("X-Spaces", "kept trailing  ") in outcomes[4][1]
    assert outcomes[7][1][0] == ("X-Folded", "one two")  # a folded line: read by http.client, as urllib3 joins it
    assert outcomes[8][2] == LARGE_BODY and len(outcomes[9][2]) == 90_000
    assert connections == [1] * len(answers)  # one kept-alive connection throughout


def test_closing_answers_and_framings_read_until_close(server, sessions):
    requests = _requests(server.port)
    script = [("answer", CLOSING), ("answer", OK), ("close", UNTIL_CLOSE), ("answer", HTTP10), ("answer", OK),
              ("close", OK), ("answer", OK)]
    outcomes, connections = _both(server, sessions, script, [requests[0]] * len(script))
    assert [o[0] for o in outcomes] == [503, 200, 200, 200, 200, 200, 200]
    assert outcomes[2][2].endswith(b"the server closes\"}")
    # Connection: close, a body until close and an HTTP/1.0 answer each end their connection;
    # the one the server dropped while idle is found dropped and replaced before the last request.
    assert connections == [1, 2, 2, 3, 4, 4, 5]


def test_failures_raise_botocores_exceptions_as_urllib3s_do(server, sessions):
    requests = _requests(server.port)
    script = [("close", b""), ("close", TRUNCATED), ("answer", BAD_CHUNK), ("answer", BAD_STATUS),
              ("answer", UNMATCHED_LENGTHS), ("silent", b""), ("answer", OK)]
    outcomes, _ = _both(server, sessions, script, [requests[0]] * len(script))
    assert [o[0] for o in outcomes] == ["ConnectionClosedError", 200, "ConnectionClosedError", "ConnectionClosedError",
                                        "HTTPClientError", "ReadTimeoutError", 200]
    assert outcomes[1][2] == b"only this much"  # enforce_content_length=False: what came is the body


def test_streamed_answers_and_chunked_requests_stay_urllib3s(server, sessions, monkeypatch):
    calls = []
    monkeypatch.setattr(botocore_exchange, "_exchange", lambda *args: calls.append(args))
    request = _requests(server.port)[0]
    request.stream_output = True
    server.script = [("answer", OK), ("answer", OK)]
    response = sessions[1].send(request)
    assert response.raw.read() == XML and calls == []
    chunked = AWSRequest("PUT", f"http://127.0.0.1:{server.port}/b/k", data=iter([b"a", b"b"]),
                         headers={"User-Agent": "x"}).prepare()
    assert sessions[1].send(chunked).content == XML and calls == []


def test_https_connects_and_verifies_as_urllib3_does(tmp_path):
    """TLS stays urllib3's: the same answers over a verified connection, the same failure for an unknown CA."""
    import shutil
    import subprocess

    if shutil.which("openssl") is None:
        pytest.skip("no openssl to make a certificate with")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost"], check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = _Server(tls=context)
    try:
        request = AWSRequest("POST", f"https://localhost:{server.port}/", data=b"Action=X",
                             headers={"User-Agent": "x"}).prepare()
        verified = [botocore_http._SESSION_CLASS(verify=str(cert), timeout=(2, 2)) for _ in range(2)]
        outcomes, connections = _both(server, verified, [("answer", OK), ("answer", LARGE)], [request, request])
        assert outcomes[1][2] == LARGE_BODY and connections == [1, 1]
        unknown = [botocore_http._SESSION_CLASS(verify=True, timeout=(2, 2)) for _ in range(2)]
        assert _outcome(unknown[0], request, False) == _outcome(unknown[1], request, True)
        assert _outcome(unknown[1], request, True)[0] == "SSLError"
    finally:
        server.listener.close()
