"""The direct SigV4 signer (wizard/botocore_sigv4.py) signs exactly as botocore's own signers do.

Pure tests: no request leaves the process. tests/integration/test_call_budget.py re-signs every
request of a full check with botocore's signers (``signed_as_botocore_signs``).
"""

from __future__ import annotations

import datetime
import logging

import botocore.auth
import pytest
from botocore.awsrequest import AWSRequest
from botocore.compat import HTTPHeaders
from botocore.credentials import Credentials

from wizard import botocore_sharing, botocore_sigv4

INSTANT = datetime.datetime(2026, 11, 30, 6, 0, tzinfo=datetime.timezone.utc)
BOTOCORE = {"v4": botocore.auth.SigV4Auth, "s3v4": botocore.auth.S3SigV4Auth}


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    assert "direct_sigv4" in botocore_sharing.share_client_parts()
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: INSTANT)


def _request(method="POST", url="https://ec2.eu-west-1.amazonaws.com/", data=None, params=None, context=None,
             headers=()) -> AWSRequest:
    request = AWSRequest(method=method, url=url, data=data, params=params or {})
    request.headers = HTTPHeaders()
    for name, value in headers:  # in order, repeats kept
        request.headers[name] = value
    request.context.update(context or {})
    return request


ODD = [  # (signature version, request arguments): what a check sends, and the odd cases
    ("v4", dict(data={"Action": "DescribeVpcs", "Version": "2016-11-15", "Filter.1.Value.1": "a b/c~d*e"},
                headers=[("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
                         ("User-Agent", "Botocore/1.44"), ("amz-sdk-request", "attempt=1; max=3")])),
    ("v4", dict(method="GET", url="https://sso.eu-west-1.amazonaws.com/x/y z/%7E?b=2&a=1&a=0&c=%20%2F!",
                data=b"")),
    ("v4", dict(method="GET", url="https://iam.amazonaws.com/a/./b/../c//d/", params={"z": "1 2", "é": "ü/~*"})),
    ("v4", dict(data=b'{"Name":"\xc3\xa9t\xc3\xa9"}', context={"payload_signing_enabled": False},
                headers=[("X-Amz-Target", "TrentService.ListKeys"), ("Content-Type", "application/x-amz-json-1.1")])),
    ("v4", dict(url="http://127.0.0.1:5000/", data=b"Action=ListUsers",
                headers=[("X-Amz-Meta", "  a   b  "), ("x-amz-meta", "c\td"), ("Expect", "100-continue"),
                         ("X-Amzn-Trace-Id", "t"), ("Host", "Example.COM:5000")])),
    ("v4", dict(headers=[("Date", "Mon, 30 Nov 2026 05:00:00 GMT"), ("X-Amz-Date", "old"),
                         ("Authorization", "old")])),
    ("v4", dict(url="https://[::1]:8443/p", headers=[("X-Unicode", "caf\u00e9 \u2003 x")])),
    ("s3v4", dict(method="GET", url="https://bucket.s3.eu-west-1.amazonaws.com/a%20b/c//./k~?encryption", data=b"")),
    ("s3v4", dict(method="PUT", url="https://s3.amazonaws.com/b/key%2Bplus?tagging", data=b"<Tagging/>",
                  headers=[("Content-MD5", "x"), ("X-Amz-Content-SHA256", "stale")])),
    ("s3v4", dict(method="PUT", url="https://s3.amazonaws.com/b/k", data=b"x",
                  headers=[("Content-MD5", "x")], context={"has_streaming_input": True})),
    ("s3v4", dict(method="GET", url="https://s3-control.eu-west-1.amazonaws.com/v20180820/configuration/publicAccessBlock",
                  headers=[("x-amz-account-id", "123456789012")], context={"checksum": {"request_algorithm": {
                      "in": "trailer", "name": "x-amz-checksum-crc32"}}})),
]


@pytest.mark.parametrize("token", [None, "session-token"])
def test_signatures_are_byte_identical_to_botocores_on_odd_requests(token):
    credentials = Credentials("AKIAEXAMPLEEXAMPLE12", "secret/\u00e9" * 4, token).get_frozen_credentials()
    for version, arguments in ODD:
        ours_class = botocore.auth.AUTH_TYPE_MAPS[version]
        assert issubclass(ours_class, botocore_sigv4._DirectSigV4) and ours_class._aws_essentials_direct
        ours, theirs = _request(**arguments), _request(**arguments)
        ours_class(credentials, "ec2", "eu-west-1").add_auth(ours)
        BOTOCORE[version](credentials, "ec2", "eu-west-1").add_auth(theirs)
        assert ours.headers.items() == theirs.headers.items(), arguments
        assert ours.context == theirs.context and "Signature=" in ours.headers["Authorization"]


def test_what_it_was_not_written_for_goes_to_botocore(monkeypatch):
    """A header value email's policy turns into a ``Header`` (surrogates: botocore then fails as it
    does without the part), a padded name, debug logging: botocore's own add_auth signs."""
    credentials = Credentials("AKID", "secret").get_frozen_credentials()
    direct = botocore.auth.AUTH_TYPE_MAPS["v4"]
    sign_at = botocore_sigv4._DirectSigV4._aws_essentials_sign_at
    refused = []
    monkeypatch.setattr(botocore_sigv4._DirectSigV4, "_aws_essentials_sign_at",
                        lambda self, request, timestamp: refused.append(request) or sign_at(self, request, timestamp))
    for signer in (direct, botocore.auth.SigV4Auth):
        with pytest.raises(AttributeError, match="'Header' object has no attribute 'split'"):
            signer(credentials, "ec2", "eu-west-1").add_auth(_request(headers=[("X-Odd", "a\udce9b")]))
    ours, theirs = _request(headers=[(" X-Padded ", "1")]), _request(headers=[(" X-Padded ", "1")])
    direct(credentials, "ec2", "eu-west-1").add_auth(ours)
    botocore.auth.SigV4Auth(credentials, "ec2", "eu-west-1").add_auth(theirs)
    assert ours.headers.items() == theirs.headers.items()
    assert len(refused) == 2  # tried, then handed over
    monkeypatch.setattr(botocore.auth.logger, "isEnabledFor", lambda level: level == logging.DEBUG)
    ours, theirs = _request(), _request()
    direct(credentials, "ec2", "eu-west-1").add_auth(ours)
    botocore.auth.SigV4Auth(credentials, "ec2", "eu-west-1").add_auth(theirs)
    assert len(refused) == 2 and ours.headers.items() == theirs.headers.items()
    with pytest.raises(botocore.exceptions.NoCredentialsError):
        direct(None, "ec2", "eu-west-1").add_auth(_request())


def test_a_signer_that_signs_otherwise_is_not_installed():
    """The install's probe compares both signers; a step changed under it keeps botocore's signer."""

    class Changed(botocore.auth.SigV4Auth):
        def canonical_query_string(self, request):
            return "changed=1"

    direct = type("Direct", (botocore_sigv4._DirectSigV4, Changed), {})
    assert not botocore_sigv4._signs_alike(direct, botocore.auth.SigV4Auth)
    assert botocore_sigv4._signs_alike(botocore.auth.AUTH_TYPE_MAPS["v4"], botocore.auth.SigV4Auth)
