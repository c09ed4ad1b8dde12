"""wizard/sandbox/http_parse.py: a plain request is parsed as waitress's parser parses it; anything
else is left to waitress (None)."""

from __future__ import annotations

import pytest

from wizard.sandbox import http_parse

_SIGNED = (b"Host: bucket-1.s3.amazonaws.com:8080\r\nAccept-Encoding: identity\r\n"
           b"User-Agent: Boto3/1.35 md/Botocore#1.35 ua/2.0 os/linux#6.1 lang/python#3.11.7\r\n"
           b"X-Amz-Date: 20261130T150000Z\r\nX-Amz-Content-SHA256: e3b0c44298fc1c149afbf4c8996fb924\r\n"
           b"Authorization: AWS4-HMAC-SHA256 Credential=AKIA/20261130/us-east-1/s3/aws4_request, "
           b"SignedHeaders=host;x-amz-date, Signature=0123abcd\r\namz-sdk-request: attempt=1\r\n")
_FORM = b"Action=ListUsers&Version=2010-05-08&Marker=a%2Fb"
# parsed here
PLAIN = [
    b"GET /?acl HTTP/1.1\r\n" + _SIGNED + b"Content-Length: 0\r\n\r\n",
    b"GET /?acl HTTP/1.1\r\n" + _SIGNED + b"\r\n",
    b"POST / HTTP/1.1\r\nHost: iam.amazonaws.com\r\nContent-Type: application/x-www-form-urlencoded; charset=utf-8\r\n"
    b"Content-Length: %d\r\n\r\n%s" % (len(_FORM), _FORM),
    b"GET /a%20b/c%2Fd?x=1&y=%20#frag HTTP/1.1\r\nHost: h\r\n\r\n",
    b"GET //double/slash?q HTTP/1.1\r\nHost: h\r\n\r\n",
    b"GET http://proxy.example:80/p?q=1 HTTP/1.1\r\nHost: h\r\n\r\n",
    b"PUT /k HTTP/1.1\r\nX-Dup: one\r\nX-Dup:two\r\nx-dup: \t three \t\r\nContent-Length: 3\r\n\r\nabcNEXT",
    b"GET / HTTP/1.1\r\nX_Under: dropped\r\nEmpty:\r\nSpaces:   \r\nObs: caf\xe9 \x80\xff\r\nTabbed:\ta\tb\r\n\r\n",
    b"GET / HTTP/1.1   \r\nConnection: close\r\n\r\n",
    b"GET / HTTP/1.1\r\nConnection: Keep-Alive\r\n\r\nGET / HTTP/1.1\r\n\r\n",
    b"DELETE /x HTTP/1.1\r\nContent-Length: 00\r\n\r\n",
    b"GET /\x01 HTTP/1.1\r\n\r\n",  # waitress takes any target without a space
]
# waitress's alone (an error, a case this module leaves, or not all there yet)
OTHER = [
    b"GET / HTTP/1.0\r\nHost: h\r\n\r\n",
    b"\r\nGET / HTTP/1.1\r\n\r\n",
    b"get / HTTP/1.1\r\n\r\n",
    b"GET / HTTP/1.1\r\nBad Name: x\r\n\r\n",
    b"GET / HTTP/1.1\r\n: empty name\r\n\r\n",
    b"GET / HTTP/1.1\r\nFolded: a\r\n  b\r\n\r\n",
    b"GET / HTTP/1.1\r\nCtl: a\x01b\r\n\r\n",
    b"GET / HTTP/1.1\r\nDel: a\x7fb\r\n\r\n",
    b"GET / HTTP/1.1\r\nBare: a\rb\r\n\r\n",
    b"GET / HTTP/1.1\r\nBare: a\nb\r\nNext: c\r\n\r\n",
    b"GET / HTTP/1.1\r\nApart: a\rb\nc\r\n\r\n",
    b"GET / HTTP/1.1\r\n\tFolded-first: a\r\n\r\n",
    b"GET / HTTP/1.1\r\nN\xe9me: a\r\n\r\n",
    b"GET / HTTP/1.1\r\nNoColon\r\n\r\n",
    b"GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
    b"PUT / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc",
    b"PUT / HTTP/1.1\r\nContent-Length: 1x\r\n\r\nabc",
    b"PUT / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc",
    b"GET / HTTP/1.1\r\nHost: h\r\n",
    b"GET / HTTP/1.1\r\nSome: value\r\n\r\n".replace(b"Some", b"S" * 300_000),
]


def _waitress(data: bytes, adj):
    from waitress.parser import HTTPRequestParser

    parser, used = HTTPRequestParser(adj), 0
    while not parser.completed and used < len(data):
        used += parser.received(data[used:])
    return parser, used


def _seen(request) -> tuple:
    return (request.command, request.version, request.request_uri, request.path, request.query, request.headers,
            request.get_body_stream().read(), request.connection_close, request.error, request.empty,
            request.expect_continue)


@pytest.fixture(scope="module")
def adj():
    from waitress.adjustments import Adjustments

    assert http_parse.usable()
    return Adjustments(ident="test")


@pytest.mark.parametrize("data", PLAIN)
def test_plain_requests_are_parsed_as_waitress_parses_them(data, adj):
    parsed = http_parse.parse(data, adj)
    assert parsed is not None
    request, used = parsed
    theirs, their_used = _waitress(data, adj)
    assert theirs.completed and theirs.error is None
    assert (_seen(request), used) == (_seen(theirs), their_used)


@pytest.mark.parametrize("data", OTHER)
def test_anything_else_is_left_to_waitress(data, adj):
    assert http_parse.parse(data, adj) is None
