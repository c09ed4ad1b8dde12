"""Clients share one HTTP session per process and connection settings (wizard/botocore_http.py).

Requests go to a small HTTP/1.1 server on this machine that answers STS GetCallerIdentity and
records, per request, the connection it came on and the access key it was signed with.
"""

from __future__ import annotations

import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from wizard.aws import AWS, Credentials, Target
from wizard.botocore_sharing import share_client_parts

ANSWER = (b'<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>'
          b"<Arn>arn:aws:iam::123456789012:user/a</Arn><UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account>"
          b"</GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>"
          b"</GetCallerIdentityResponse>")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.seen: list[tuple[tuple[str, int], str]] = []  # (the connection's client address, access key)
        self.lock = threading.Lock()
        self.barrier: threading.Barrier | None = None  # requests held until this many arrived

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def connections(self) -> set[tuple[str, int]]:
        return {address for address, _ in self.seen}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keeps connections alive

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        key = self.headers.get("Authorization", "").partition("Credential=")[2].partition("/")[0]
        with self.server.lock:
            self.server.seen.append((self.client_address, key))
        if self.server.barrier is not None:
            self.server.barrier.wait(timeout=20)
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(ANSWER)))
        self.end_headers()
        self.wfile.write(ANSWER)

    def log_message(self, *_args) -> None:
        pass


@pytest.fixture
def server():
    running = _Server()
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    yield running
    running.shutdown()
    running.server_close()


def _account(server: _Server, key: str, **kw) -> AWS:
    return AWS(Target(region="us-east-1", endpoint_url=server.endpoint, credentials=Credentials(key, "s" * 40)), **kw)


def test_accounts_send_over_one_connection_each_signing_its_own_requests(server):
    """Member accounts' clients of one host reuse one kept-alive connection (botocore: one per client), and
    closing one account's clients leaves it open for the others."""
    keys = ["AKIAFIRSTACCOUNT0001", "AKIASECONDACCOUNT002", "AKIATHIRDACCOUNT0003"]
    first, second = _account(server, keys[0]), _account(server, keys[1])
    first.client("sts").get_caller_identity()
    second.client("sts").get_caller_identity()
    first.close()  # as check --org closes each member's clients when it is done
    third = _account(server, keys[2])
    third.client("sts", "eu-west-1").get_caller_identity()  # another client, another region: the same host here
    second.client("sts").get_caller_identity()
    assert [key for _, key in server.seen] == [keys[0], keys[1], keys[2], keys[1]]
    assert len(server.connections()) == 1
    assert first.client("sts")._endpoint.http_session is third.client("sts")._endpoint.http_session


def test_more_threads_than_the_pool_size_keep_their_connections_without_a_warning(server, caplog):
    """urllib3 discards a connection returned to a full pool and logs a warning to the user's terminal;
    a shared pool keeps every connection that was in use at once, and reuses them all."""
    aws = _account(server, "AKIACONCURRENTREADS1", max_workers=10)  # max_pool_connections 10
    senders = 14
    server.barrier = threading.Barrier(senders)  # every request waits for all: 14 connections at once

    def send_all() -> None:
        threads = [threading.Thread(target=aws.client("sts").get_caller_identity) for _ in range(senders)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

    with caplog.at_level(logging.WARNING, logger="urllib3"):
        send_all()
        send_all()
    assert len(server.seen) == 2 * senders
    assert not [record.getMessage() for record in caplog.records if "pool is full" in record.getMessage()]
    assert len(server.connections()) == senders  # the second round opened none


def test_one_session_per_distinct_connection_settings():
    """Clients whose connection settings differ (timeouts, proxies) keep sessions apart; same settings share."""
    from botocore.config import Config

    aws = AWS(Target(region="us-east-1", credentials=Credentials("AKIAEXAMPLEEXAMPLE12", "s" * 40)))
    session = aws._get_session()

    def http_session(**config):
        return session.client("sts", region_name="eu-west-1", config=Config(**config))._endpoint.http_session

    plain = http_session(read_timeout=31)
    assert http_session(read_timeout=31) is plain
    assert http_session(read_timeout=32) is not plain
    proxied = http_session(read_timeout=31, proxies={"https": "http://proxy.invalid:3128"})
    assert proxied is not plain
    assert proxied._proxy_config.proxy_url_for("https://sts.eu-west-1.amazonaws.com/") == "http://proxy.invalid:3128"
    assert plain._proxy_config.proxy_url_for("https://sts.eu-west-1.amazonaws.com/") is None


class _Socket:
    """A connected socket as http.client uses one to send: records each ``sendall``."""

    def __init__(self) -> None:
        self.sent: list[bytes] = []

    def settimeout(self, _value) -> None:
        pass

    def sendall(self, data) -> None:
        self.sent.append(bytes(data))


def _sent(connection_class, body, **headers) -> list[bytes]:
    connection = connection_class("ec2.eu-west-1.amazonaws.com", 443)
    connection.sock = _Socket()
    connection.request("POST", "/", body=body, headers={"Content-Type": "application/x-www-form-urlencoded",
                                                         **headers})
    return connection.sock.sent


def test_a_request_goes_in_one_send_with_botocores_bytes():
    """The shared sessions' connections send a request's header block and its body in one system call
    (urllib3 2: two), the same bytes in the same order; bodies they were not written for go as before."""
    import io

    from botocore.awsrequest import AWSHTTPConnection, AWSHTTPSConnection

    from wizard.botocore_http import shared_session

    share_client_parts()
    session = shared_session(timeout=(5, 60), max_pool_connections=48)
    ours = {scheme: pool.ConnectionCls for scheme, pool in session._pool_classes_by_scheme.items()}
    assert issubclass(ours["http"], AWSHTTPConnection) and issubclass(ours["https"], AWSHTTPSConnection)
    body = "Action=DescribeVpcs&Version=2016-11-15&VpcId.1=vpc-\u00e9"
    for sending, plain in ((ours["http"], AWSHTTPConnection), (ours["https"], AWSHTTPSConnection)):
        for sent, sends in ((body, 1), (body.encode(), 1), (b"", 1), (None, 1), (b"{}", 1)):
            one, botocores = _sent(sending, sent), _sent(plain, sent)
            assert b"".join(one) == b"".join(botocores) and len(one) == sends, sent
        assert len(_sent(plain, body)) == 2  # what urllib3 2 does on its own
        for odd, headers in ((b"streamed", {"Content-Length": "8"}), (body, {"Expect": "100-continue"})):
            made = (lambda: io.BytesIO(odd)) if isinstance(odd, bytes) else (lambda: odd)
            assert _sent(sending, made(), **headers) == _sent(plain, made(), **headers)  # sent as urllib3 sends it
        chunked = _sent(sending, body, **{"Transfer-Encoding": "chunked"})  # the header block with the first chunk
        assert b"".join(chunked) == b"".join(_sent(plain, body, **{"Transfer-Encoding": "chunked"}))


def test_pools_are_found_by_origin_as_urllib3_finds_them(monkeypatch):
    """A request's pool comes from its origin's pool key, worked out once (urllib3 parses every URL and
    builds its key again): the same pool as urllib3's own lookup for every URL, after a pool was dropped
    for want of room, after the manager's settings changed, and the same errors for bad URLs."""
    import urllib3
    from urllib3 import poolmanager

    from wizard.botocore_http import shared_session

    share_client_parts()
    parsed: list[str] = []
    parse_url = poolmanager.parse_url
    monkeypatch.setattr(poolmanager, "parse_url", lambda url: parsed.append(url) or parse_url(url))
    manager = shared_session(timeout=(5, 60), max_pool_connections=48)._manager
    for _ in range(100):
        manager.connection_from_url("https://ec2.eu-west-1.amazonaws.com/")
    assert parsed == []  # urllib3: one parse per request

    from wizard.botocore_http import _find_pools_by_origin

    manager = urllib3.PoolManager(num_pools=2, maxsize=3)
    _find_pools_by_origin(manager)
    own = manager.connection_from_url.__wrapped__
    urls = ["https://ec2.eu-west-1.amazonaws.com/", "https://EC2.eu-west-1.amazonaws.com:443/?Action=x",
            "http://127.0.0.1:4566/bucket/key?policy#f", "http://127.0.0.1:4566", "http://[::1]:8080/a",
            "https://user:pw@s3.amazonaws.com/b", "https://s3.amazonaws.com\\evil/b",
            "http://bucket.s3.amazonaws.com:80/k"]
    for round_ in range(3):  # two pools for five origins: urllib3 drops and makes pools on the way
        for url in urls:
            pool = manager.connection_from_url(url)
            assert pool is own(url) and pool.pool is not None, url
        manager.connection_pool_kw["maxsize"] = 4 + round_  # other settings: other keys, other pools
        assert manager.connection_from_url(urls[0]) is own(urls[0]) and own(urls[0]).pool.maxsize == 4 + round_
    for bad in ("http:///no-host", "http://127.0.0.1:99999/", "ftp://example.com/"):
        errors = []
        for lookup in (manager.connection_from_url, own):
            try:
                lookup(bad)
            except Exception as error:  # noqa: BLE001 - compared
                errors.append(type(error))
        assert len(errors) == 2 and errors[0] is errors[1], bad
