"""The sandbox answers AWS tools, never a web page: no CORS headers, no preflight, no cross-origin request."""

from __future__ import annotations

import http.client

from wizard.sandbox.app import SandboxApp
from wizard.sandbox.faults import Faults
from wizard.sandbox.state import GapState

STS_CALL = "Action=GetCallerIdentity&Version=2011-06-15"
SIGNED = {"Content-Type": "application/x-www-form-urlencoded",
          "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/sts/aws4_request, "
                           "SignedHeaders=host, Signature=0"}
EVIL = "http://evil.example"


def _send(sandbox, method, path="/", body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", sandbox.port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def test_a_request_from_another_origin_gets_no_cors_header_and_no_answer(sandbox):
    status, headers, body = _send(sandbox, "POST", body=STS_CALL, headers={**SIGNED, "Origin": EVIL})
    assert "access-control-allow-origin" not in headers
    assert status == 403 and b"<Account>" not in body
    # the control endpoint, which rewrites the account, is not reachable from a page either
    status, headers, _ = _send(sandbox, "POST", "/_sandbox/faults", body="{}",
                               headers={"Content-Type": "text/plain", "Origin": EVIL})
    assert status == 403 and "access-control-allow-origin" not in headers


def test_a_preflight_is_refused(sandbox):
    for path in ("/", "/some-bucket", "/_sandbox/reset"):
        status, headers, _ = _send(sandbox, "OPTIONS", path, headers={
            "Origin": EVIL, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type"})
        assert status == 403, path
        assert not any(name.startswith("access-control-") for name in headers), (path, headers)


def test_aws_tools_are_still_answered(sandbox):
    status, headers, body = _send(sandbox, "POST", body=STS_CALL, headers=SIGNED)
    assert status == 200 and b"<Account>" in body
    assert "access-control-allow-origin" not in headers


def test_cors_headers_that_moto_adds_are_dropped():
    """Whatever moto's own server adds on the way out (it wraps every service in flask_cors)."""
    def moto_app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain"), ("Access-Control-Allow-Origin", "*"),
                                  ("access-control-allow-credentials", "true")])
        return [b"ok"]

    app = SandboxApp(moto_app, GapState(), Faults(), control=lambda name, payload: None)
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["headers"] = headers

    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/moto-api/", "wsgi.input": None}
    assert b"".join(app(environ, start_response)) == b"ok"
    assert [name for name, _ in seen["headers"]] == ["Content-Type"]
