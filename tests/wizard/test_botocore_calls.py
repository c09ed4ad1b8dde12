"""The per-call parts (wizard/botocore_calls.py) answer exactly as botocore and the stdlib do.

Pure tests: no request leaves the process and no sandbox is needed.
"""

from __future__ import annotations

import http.client
import io
import itertools

import pytest

from wizard import botocore_calls, botocore_sharing


@pytest.fixture(scope="module", autouse=True)
def installed():
    return botocore_sharing.share_client_parts()


def _shape(message) -> object:
    """Everything a parsed message holds, nested messages and defects compared by value."""
    if isinstance(message, list):
        return [_shape(part) for part in message]
    if not hasattr(message, "_headers"):
        return message
    state = dict(vars(message))
    state["defects"] = [(type(defect), defect.args) for defect in state["defects"]]
    state["_payload"] = _shape(state["_payload"])
    return type(message), state


AWS_BLOCKS = [
    b"Server: Werkzeug/3.1.3 Python/3.11.7\r\nDate: Mon, 30 Nov 2026 08:20:00 GMT\r\nContent-Type: text/xml\r\n"
    b"x-amzn-RequestId: 6b2c7e0c-5a35\r\nContent-Length: 1234\r\nConnection: keep-alive\r\n\r\n",
    b"x-amz-id-2: a/b+c=\r\nx-amz-request-id: 1\r\nContent-Type: application/x-amz-json-1.1\r\n"
    b"Set-Cookie: a=1\r\nset-cookie: b=2\r\nTransfer-Encoding: chunked\r\n\r\n",
    b"X-Folded: one\r\n two\r\n\tthree\r\nX-Empty:\r\nX-Spaces:   padded   \r\nX-Colon: a: b: c\r\n\r\n",
    b"Content-Type: text/plain\nContent-Length: 0\n\n",  # bare LF endings
    b"X-Latin: caf\xe9 \x85 \x0b \x1c end\r\n\r\n",  # bytes email's line splitting might treat as breaks
    b"\r\n",  # no headers at all
]
ODD_BLOCKS = [
    b":no-name\r\nA: b\r\n\r\n",
    b" starts folded\r\nA: b\r\n\r\n",
    b"From someone\r\nA: b\r\n\r\n",
    b"no colon here\r\nA: b\r\n\r\n",
    b"A: b\rc\r\n\r\n",  # a lone CR ends a line for the feed parser
    b"Content-Type: multipart/mixed; boundary=x\r\n\r\n",
    b"Content-Type: message/rfc822\r\n\r\n",
    b"Content-Type: message/delivery-status\r\n\r\n",
    b"A: b\r\n",  # the connection closed before the blank line
    b"A: b",
    b"",
    b"Name With Space: x\r\n\r\n",
]
PIECES = [b"A: 1\r\n", b"a: 2\r\n", b" cont\r\n", b"\tcont\r\n", b"B:\r\n", b"B:  x \r\n", b"C: \xff\r\n",
          b"bad\r\n", b"D: e\rf\r\n", b"Content-Type: text/xml\r\n", b"content-type: MULTIPART/x\r\n", b"E: f\n"]


def _both(block: bytes):
    stdlib = http.client.parse_headers.__wrapped__
    return stdlib(io.BytesIO(block)), http.client.parse_headers(io.BytesIO(block))


def test_response_headers_parse_as_the_stdlib_parses_them():
    blocks = AWS_BLOCKS + ODD_BLOCKS + [b"".join(combo) + b"\r\n" for combo in itertools.product(PIECES, repeat=3)]
    for block in blocks:
        expected, fast = _both(block)
        assert _shape(fast) == _shape(expected), block
        assert fast.get_all("a") == expected.get_all("a") and fast.items() == expected.items(), block


def test_aws_header_blocks_take_the_fast_path_and_odd_ones_do_not():
    assert "response_headers" in botocore_sharing.share_client_parts()
    lines = lambda block: http.client._read_headers(io.BytesIO(block))  # noqa: E731
    assert all(botocore_calls._message(lines(block), http.client.HTTPMessage) is not None for block in AWS_BLOCKS)
    assert all(botocore_calls._message(lines(block), http.client.HTTPMessage) is None for block in ODD_BLOCKS)
    message = http.client.parse_headers(io.BytesIO(AWS_BLOCKS[1]))
    assert type(message) is http.client.HTTPMessage
    assert message.get_all("SET-COOKIE") == ["a=1", "b=2"] and message["content-type"] == "application/x-amz-json-1.1"


def test_response_header_limits_stay_the_stdlibs():
    with pytest.raises(http.client.LineTooLong):
        http.client.parse_headers(io.BytesIO(b"A: " + b"x" * 70000 + b"\r\n\r\n"))
    with pytest.raises(http.client.HTTPException):
        http.client.parse_headers(io.BytesIO(b"A: b\r\n" * 101 + b"\r\n"))


def test_event_aliases_are_botocores_for_every_service_and_alias():
    """Every service's event names, and every alias's own part placed anywhere in a name."""
    import botocore.session
    from botocore.hooks import EventAliaser
    from botocore.utils import EVENT_ALIASES

    assert "alias_misses" in botocore_sharing.share_client_parts()
    services = botocore.session.get_session().get_available_services()
    names = [f"{event}.{service}.DescribeThings" for event in ("before-call", "docs.request-params")
             for service in services]
    names += [name for old in EVENT_ALIASES for name in (old, f"before-call.{old}.X", f"x{old}x.y", f"{old}.{old}")]
    names += ["before-call", "", "a.api.sagemaker.apigateway", "apigateway.runtime.sagemaker", "x.data.jobs.iot.y"]
    botocores, ours = EventAliaser(None), EventAliaser(None)
    assert [EventAliaser._alias_event_name.__wrapped__(botocores, name) for name in names] == [
        ours._alias_event_name(name) for name in names]
    assert ours._alias_event_name("before-call.apigateway.GetRestApis") == "before-call.api-gateway.GetRestApis"
    other = EventAliaser(None, {"ec2": "elastic-compute"})  # another table: botocore's own code
    assert other._alias_event_name("before-call.ec2.DescribeVpcs") == "before-call.elastic-compute.DescribeVpcs"


def test_config_lookups_answer_as_botocores_providers(monkeypatch):
    import os

    import botocore.session
    from botocore.configprovider import EnvironmentProvider, InstanceVarProvider

    assert "config_lookups" in botocore_sharing.share_client_parts()
    session = botocore.session.Session()
    session.set_config_variable("region", "eu-west-1")
    monkeypatch.setenv("AWS_ESSENTIALS_TEST_SET", "caf\u00e9 \udcff")  # a surrogate-escaped byte, as os keeps it
    monkeypatch.delenv("AWS_ESSENTIALS_TEST_UNSET", raising=False)
    providers = [InstanceVarProvider(name, session) for name in ("region", "profile", "nothing")]
    providers += [EnvironmentProvider(name, env) for env in (os.environ, {"A": "dict"})
                  for name in ("AWS_ESSENTIALS_TEST_SET", "AWS_ESSENTIALS_TEST_UNSET", "A")]
    expected = [type(provider).provide.__wrapped__(provider) for provider in providers]
    assert [provider.provide() for provider in providers] == expected
    assert expected[0] == "eu-west-1" and expected[3] == "caf\u00e9 \udcff" and expected[4] is None
    os.environ["AWS_ESSENTIALS_TEST_UNSET"] = "now set"  # a change after the provider was made is seen
    session.set_config_variable("region", "ap-southeast-2")
    assert providers[4].provide() == "now set" and providers[0].provide() == "ap-southeast-2"
    del os.environ["AWS_ESSENTIALS_TEST_UNSET"]


def test_request_header_reads_equal_the_email_policys():
    from email.header import Header

    from botocore.compat import HTTPHeaders

    assert "request_headers" in botocore_sharing.share_client_parts()
    headers = HTTPHeaders()
    for name, value in [("Content-Type", "text/xml"), ("X-Amz-Date", "20261130T060000Z"), ("x-amz-date", "dup"),
                        ("X-Latin", "caf\u00e9"), ("X-Surrogate", "a\udcffb"), ("X-Bytes", b"raw"), ("X-Empty", "")]:
        headers[name] = value
    own_items, own_get = HTTPHeaders.items.__wrapped__, HTTPHeaders.get.__wrapped__
    shape = lambda pairs: [(k, (type(v), str(v))) for k, v in pairs]  # noqa: E731  Header has no __eq__
    assert shape(headers.items()) == shape(own_items(headers))
    assert isinstance(dict(headers.items())["X-Surrogate"], Header)
    for name in ("x-amz-date", "X-LATIN", "x-bytes", "x-empty", "missing", "X-Surrogate"):
        assert shape([(name, headers.get(name, "default"))]) == shape([(name, own_get(headers, name, "default"))])
    assert headers["X-Amz-Date"] == "20261130T060000Z"


def test_signatures_are_byte_identical_to_botocores(monkeypatch):
    """Every header of a request signed by the registered signers equals botocore's own signing,
    also when the same signer signs a second request or the request changes in between."""
    import datetime

    import botocore.auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    assert "signing" in botocore_sharing.share_client_parts()
    monkeypatch.setattr(botocore.auth, "get_current_datetime",
                        lambda: datetime.datetime(2026, 11, 30, 6, 0, tzinfo=datetime.timezone.utc))
    credentials = Credentials("AKIAEXAMPLEEXAMPLE12", "secret" * 6, "token").get_frozen_credentials()

    def request(url="https://ec2.eu-west-1.amazonaws.com/", **headers):
        return AWSRequest(method="POST", url=url, data={"Action": "DescribeVpcs", "VpcId.1": "vpc-\u00e9"},
                          headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8", **headers})

    signers = {"v4": botocore.auth.SigV4Auth, "s3v4": botocore.auth.S3SigV4Auth}
    for version, botocores in signers.items():
        ours = botocore.auth.AUTH_TYPE_MAPS[version]
        assert ours is not botocores and issubclass(ours, botocores)
        signer = ours(credentials, "ec2", "eu-west-1")
        for sent in (request(), request("https://s3.eu-west-1.amazonaws.com/b/k?x=1", Range="bytes=0-1")):
            expected = request(sent.url, **({"Range": "bytes=0-1"} if "Range" in sent.headers else {}))
            botocores(credentials, "ec2", "eu-west-1").add_auth(expected)
            signer.add_auth(sent)
            assert sent.headers.items() == expected.headers.items() and "Signature=" in sent.headers["Authorization"]
        changed = request()
        signer.headers_to_sign(changed)
        changed.headers["X-Amz-Meta"] = "late"  # selected before a header was added: selected again
        assert "x-amz-meta" in signer.headers_to_sign(changed)


def test_header_dicts_hold_and_list_what_botocores_hold():
    """Built from each kind of source, copied, read: the same entries, order, keys and answers."""
    import urllib3
    from botocore.awsrequest import HeadersDict

    assert "header_dicts" in botocore_sharing.share_client_parts()
    own = {name: getattr(HeadersDict, name).__wrapped__ for name in ("update", "items", "get", "__contains__")}

    def botocores(*args, **kwargs):
        made = HeadersDict()
        own["update"](made, *args, **kwargs)
        return made

    joined = urllib3.HTTPHeaderDict()
    joined.add("Set-Cookie", "a")
    joined.add("set-cookie", "b")  # a mapping that joins repeated headers: read through its own []
    sources = [({"Content-Type": "a", "X-A": "1"},), (joined,), ([("A", "1"), ("a", "2"), ("B", "3")],),
               (HeadersDict({"X-Amz-Date": "d", "x-amz-date": "e"}),), ({"K": "v"}.items(),)]
    for source in sources:
        ours, theirs = HeadersDict(*source, Extra="x"), botocores(*source, Extra="x")
        for made in (ours, theirs):
            made["x-a"] = "again"  # set again under another case: the first key's spelling stays
        for made, copied in ((ours, ours.copy()), (theirs, botocores(own["items"](theirs)))):
            copied["Only-In-Copy"] = "c"
            assert "Only-In-Copy" not in made
        assert repr(ours) == repr(theirs) and list(ours) == list(theirs), source
        assert list(ours.items()) == list(own["items"](theirs)) and list(ours.copy().items()) == list(ours.items())
        for name in ("content-type", "X-A", "SET-COOKIE", "absent"):
            assert ours.get(name, 0) == own["get"](theirs, name, 0)
            assert (name in ours) == own["__contains__"](theirs, name)


def test_a_clients_paginator_is_made_once_and_pages_as_botocores():
    """The second ``get_paginator`` for an operation is the first one (botocore made a new class and
    paginator each time); its pages are botocore's own paginator's, from two threads at once too,
    and an operation that cannot be paginated still raises."""
    import copy

    import boto3
    from botocore.exceptions import OperationNotPageableError
    from botocore.stub import Stubber

    assert "paginators" in botocore_sharing.share_client_parts()
    client = boto3.session.Session().client("iam", region_name="us-east-1", aws_access_key_id="AKIAEXAMPLEEXAMPLE12",
                                            aws_secret_access_key="x" * 40)
    first = client.get_paginator("list_users")
    assert client.get_paginator("list_users") is first
    pages = [{"Users": [{"UserName": name, "UserId": "AIDA" + "X" * 16, "Arn": f"arn:aws:iam::1:user/{name}",
                         "Path": "/", "CreateDate": "2026-01-01T00:00:00Z"}], "IsTruncated": more,
              **({"Marker": name} if more else {})} for name, more in (("a", True), ("b", False))]
    with Stubber(client) as stub:
        for _ in range(3):  # copies: merging pages extends the first page's list
            stub.add_response("list_users", copy.deepcopy(pages[0]), {})
            stub.add_response("list_users", copy.deepcopy(pages[1]), {"Marker": "a"})
        botocores = client.get_paginator.__func__.__wrapped__(client, "list_users")
        expected = botocores.paginate().build_full_result()
        one, two = first.paginate(), first.paginate()  # both started before either is read
        both = [one.build_full_result(), two.build_full_result()]
    assert both == [expected, expected] and [u["UserName"] for u in expected["Users"]] == ["a", "b"]
    assert botocores is not first
    with pytest.raises(OperationNotPageableError):
        client.get_paginator("get_user")


def test_invocation_ids_are_uuid4s_from_a_few_large_draws_of_random_bytes(monkeypatch):
    """Every call's amz-sdk-invocation-id is a fresh, valid uuid4 made as uuid4 makes it (``os.urandom``),
    from one draw of 4 KB per 256 ids (botocore: a ``getrandom`` system call, with the GIL released, per
    call); a forked child draws its own."""
    import os
    import select
    import signal
    import uuid

    from botocore import endpoint

    assert "invocation_ids" in botocore_sharing.share_client_parts()
    draws: list[int] = []
    urandom = os.urandom
    monkeypatch.setattr(os, "urandom", lambda n: draws.append(n) or urandom(n))
    endpoint_ = endpoint.Endpoint("https://ec2.eu-west-1.amazonaws.com", "ec2", None)
    contexts = [{} for _ in range(1000)]
    for context in contexts:
        endpoint_._update_retries_context(context, 1)
    ids = [context["retries"]["invocation-id"] for context in contexts]
    parsed = [uuid.UUID(value) for value in ids]
    assert all(value.version == 4 and value.variant == uuid.RFC_4122 and str(value) == text
               for value, text in zip(parsed, ids))
    assert len(set(ids)) == 1000 and len(draws) <= 5 and set(draws) == {4096}
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child's answer comes back through the pipe
        context: dict = {}
        endpoint_._update_retries_context(context, 1)
        os.write(writer, context["retries"]["invocation-id"].encode())
        os._exit(0)
    os.close(writer)
    answered, _, _ = select.select([reader], [], [], 20)
    if not answered:  # pragma: no cover - never leave a child behind
        os.kill(child, signal.SIGKILL)
    os.waitpid(child, 0)
    in_child = os.read(reader, 100).decode() if answered else ""
    os.close(reader)
    after: dict = {}
    endpoint_._update_retries_context(after, 1)
    assert uuid.UUID(in_child).version == 4 and in_child not in ids and in_child != after["retries"]["invocation-id"]


def test_the_host_header_is_worked_out_once_per_url(monkeypatch):
    """SigV4's Host header (``_host_from_url``) is botocore's answer for every URL, worked out once per
    origin (botocore: a URL split and an IPv6 test every signature); a URL that makes it raise raises again."""
    from botocore import auth

    botocore_sharing.share_client_parts()
    own = getattr(auth._host_from_url, "__wrapped__", auth._host_from_url)
    urls = ["https://ec2.eu-west-1.amazonaws.com/", "https://EC2.EU-WEST-1.amazonaws.com:443/", "http://h:80/x",
            "http://127.0.0.1:4566/bucket?policy", "https://[::1]:8443/a", "https://[fe80::1%25eth0]/",
            "https://user:pw@s3.amazonaws.com:444/b", "https://s3.amazonaws.com/b/key%20with%20space",
            "https://a.b\\c/d"]
    same_origin = ["https://s3.amazonaws.com", "https://s3.amazonaws.com/other/key", "https://s3.amazonaws.com?x=1",
                   "https://[::1]:8443/b#f"]
    odd = ["https://s3.amazonaws.com/b/key\nwith-lf", "https://[::1]:8443/a\tb", "HTTPS://S3.amazonaws.com/",
           "ftp://h/"]
    expected = [own(url) for url in urls + same_origin + odd]
    getattr(auth._host_from_url, "cache_clear", lambda: None)()
    split = auth.urlsplit
    splits: list[str] = []
    monkeypatch.setattr(auth, "urlsplit", lambda url: splits.append(url) or split(url))
    assert [auth._host_from_url(url) for url in urls + same_origin + odd] == expected
    assert len(splits) == len(urls) + len(odd)  # one per origin; the odd ones every time
    assert [auth._host_from_url(url) for url in (urls + same_origin) * 2] == expected[:-len(odd)] * 2
    assert len(splits) == len(urls) + len(odd)
    for bad in ("https://host:port/", "https://[::1/", "https://[::1]:8443\\x/y#z", "https://h:port\n/"):
        for _ in range(2):
            with pytest.raises(ValueError):
                auth._host_from_url(bad)


def test_client_contexts_are_copies_as_botocores_deepcopy_makes_them():
    """Each context started is a new, independent copy of the current one (or a new one), put back
    on the way out, also after an exception and as a decorator; odd contexts still deep-copied."""
    from botocore import context
    from botocore.useragent import register_feature_id

    start = context.start_as_current_context
    assert start is not start.__wrapped__
    assert context.get_context() is None
    with start():
        outer = context.get_context()
        assert type(outer) is context.ClientContext and outer.features == set()
        register_feature_id("PAGINATOR")
        paginator = set(outer.features)  # its feature code
        with start():
            inner = context.get_context()
            assert inner is not outer and inner.features == paginator and inner.features is not outer.features
            register_feature_id("WAITER")
        assert context.get_context() is outer and outer.features == paginator and len(paginator) == 1
        with pytest.raises(ValueError), start():
            raise ValueError
        assert context.get_context() is outer

        @start()
        def features():
            register_feature_id("RETRY_MODE_STANDARD")
            return context.get_context().features

        assert len(features()) == 2 and features() > paginator and outer.features == paginator

        class Odd(context.ClientContext):
            pass

        odd = Odd({("a", "tuple")})
        with start(odd):
            copied = context.get_context()
            assert type(copied) is Odd and copied.features == odd.features and copied is not odd
    assert context.get_context() is None
