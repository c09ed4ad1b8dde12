"""wizard/sandbox/moto_direct.py: moto's handlers called without Flask's request context answer
byte for byte as through Flask (status, every header, body), for each protocol, HEAD, errors,
routes Flask alone handles, and exceptions a handler raises."""

from __future__ import annotations

import io
import re
import sys

import pytest
from botocore.exceptions import ClientError

from wizard.sandbox import moto_direct

from .util import NO_RETRY, client

# what differs from one answer to the next by design: request ids, dates
_RANDOM = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\b[A-Za-z0-9]{52}\b"
                     rb"|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)?|[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} "
                     rb"\d{4} \d\d:\d\d:\d\d GMT")
_RANDOM_HEADERS = frozenset(("date", "x-amzn-requestid", "x-amz-request-id", "x-amz-id-2"))


def _reads(sb) -> None:
    """One request of each kind the wizard sends: query, EC2, JSON, REST-JSON, REST-XML, HEAD, errors."""
    client(sb, "iam").list_users()
    client(sb, "iam").get_account_summary()
    client(sb, "sts").get_caller_identity()
    client(sb, "ec2", "eu-west-1").describe_security_groups()
    client(sb, "kms").list_keys()
    client(sb, "lambda").list_functions()
    s3 = client(sb, "s3", config=NO_RETRY)
    bucket = s3.list_buckets()["Buckets"][0]["Name"]
    s3.head_bucket(Bucket=bucket)
    s3.list_objects_v2(Bucket=bucket)
    for call in (lambda: s3.head_bucket(Bucket="no-such-bucket-here"),
                 lambda: s3.get_bucket_policy(Bucket="no-such-bucket-here"),
                 lambda: s3.get_bucket_website(Bucket=bucket),
                 lambda: client(sb, "iam").get_user(UserName="nobody-of-that-name"),
                 lambda: client(sb, "organizations", config=NO_RETRY).describe_organization()):
        try:
            call()
        except ClientError:
            pass  # the error answers are compared below


@pytest.fixture(scope="module")
def recorded(sandbox):
    """The requests of ``_reads`` as moto received them (environment and body), and the direct path."""
    sandbox.reset("insecure")
    direct = sandbox.app.moto_app
    assert isinstance(direct, moto_direct.DirectDispatch)
    seen: list[tuple[dict, bytes]] = []

    def recording(environ, start_response):
        body = environ["wsgi.input"].read()
        environ["wsgi.input"] = io.BytesIO(body)
        seen.append(({k: v for k, v in environ.items() if isinstance(v, str)}, body))
        return direct(environ, start_response)

    sandbox.app.moto_app = recording
    try:
        _reads(sandbox)
    finally:
        sandbox.app.moto_app = direct
    return seen, direct


def _answer(app, environ: dict, body: bytes) -> tuple:
    environ = dict(environ, **{"wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr, "wsgi.version": (1, 0),
                               "wsgi.multithread": True, "wsgi.multiprocess": False, "wsgi.run_once": False})
    started: list = []
    chunks = app(environ, lambda status, headers, exc_info=None: started.extend((status, headers)))
    data = b"".join(chunks)
    getattr(chunks, "close", lambda: None)()
    status, headers = started
    for name, value in headers:  # the length of this answer (a float "now" varies in its digits)
        assert name.lower() != "content-length" or environ["REQUEST_METHOD"] == "HEAD" or int(value) == len(data)
    return status, [(k, "#" if k.lower() in _RANDOM_HEADERS or k.lower() == "content-length" and _RANDOM.search(data)
                     else _RANDOM.sub(b"#", v.encode()).decode()) for k, v in headers], _RANDOM.sub(b"#", data)


def test_every_protocol_answers_as_through_flask(recorded):
    seen, direct = recorded
    assert len(seen) >= 12, [(e["REQUEST_METHOD"], e["PATH_INFO"]) for e, _ in seen]
    before = dict(direct.counts)
    statuses = set()
    for environ, body in seen:
        through_flask = _answer(direct.dispatcher, environ, body)
        assert _answer(direct, environ, body) == through_flask, (environ["REQUEST_METHOD"], environ["PATH_INFO"])
        statuses.add(through_flask[0][:3])
    assert direct.counts["direct"] - before["direct"] == len(seen)  # none went through Flask
    assert {"200", "404", "400"} <= statuses  # answers and errors both compared
    assert any(e["REQUEST_METHOD"] == "HEAD" for e, _ in seen)


def test_routes_flask_alone_handles_answer_as_before(recorded):
    """A path the service's URL map does not match, OPTIONS, moto's own API go through Flask; a doubled
    slash (S3's routes take any path) the direct way; each answers as through Flask alone."""
    seen, direct = recorded
    iam = next((e, b) for e, b in seen if "/iam/" in e.get("HTTP_AUTHORIZATION", ""))
    cases = [dict(iam[0], PATH_INFO="/no/such/route"), dict(iam[0], REQUEST_METHOD="OPTIONS"),
             dict(iam[0], PATH_INFO="/moto-api/", REQUEST_METHOD="GET")]
    s3 = next(e for e, _ in seen if e["REQUEST_METHOD"] == "HEAD")
    cases.append(dict(s3, PATH_INFO="//" + s3["PATH_INFO"].lstrip("/")))
    before = dict(direct.counts)
    statuses = []
    for environ in cases:
        answer = _answer(direct, environ, iam[1])
        assert answer == _answer(direct.dispatcher, environ, iam[1]), environ["PATH_INFO"]
        statuses.append(answer[0][:3])
    assert statuses == ["404", "200", "200", "200"]
    assert direct.counts["flask"] - before["flask"] == 3 and direct.counts["direct"] - before["direct"] == 1


def test_exceptions_from_a_handler_are_handled_as_flask_does(recorded, monkeypatch):
    """An HTTPException becomes Flask's answer; anything else propagates (moto's app is in debug mode)."""
    from werkzeug.exceptions import NotFound

    seen, direct = recorded
    environ, body = next((e, b) for e, b in seen if "/kms/" in e.get("HTTP_AUTHORIZATION", ""))
    app = direct.dispatcher.get_application(dict(environ))
    view = next(v for v in app.view_functions.values() if hasattr(v, "callback"))

    def not_found(*args):
        raise NotFound("gone, as a handler may say")

    monkeypatch.setattr(view, "callback", not_found)
    assert _answer(direct, environ, body) == _answer(direct.dispatcher, environ, body)
    assert _answer(direct, environ, body)[0] == "404 NOT FOUND"
    assert direct.counts["error"] >= 1

    def broken(*args):
        raise RuntimeError("a bug in moto")

    monkeypatch.setattr(view, "callback", broken)
    for app_ in (direct, direct.dispatcher):
        with pytest.raises(RuntimeError, match="a bug in moto"):
            _answer(app_, environ, body)


def test_other_moto_or_flask_versions_keep_flasks_path(monkeypatch):
    import moto

    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    dispatcher = DomainDispatcherApplication(create_backend_app)
    assert isinstance(moto_direct.wrap(dispatcher), moto_direct.DirectDispatch)
    monkeypatch.setattr(moto, "__version__", "5.3.0")
    assert moto_direct.wrap(dispatcher) is dispatcher


def test_request_reads_what_flasks_request_reads_in_the_apps_context():
    """Limits and a bad JSON body's error as Flask's request in moto's (debug) app context; the form alike."""
    from moto.moto_server.werkzeug_app import create_backend_app
    from werkzeug.exceptions import BadRequest
    from werkzeug.test import EnvironBuilder

    app = create_backend_app("iam")
    direct_class = moto_direct._request_class(app)

    def environ(data: bytes, content_type: str) -> dict:
        return EnvironBuilder(method="POST", path="/", data=data, content_type=content_type).get_environ()

    def read(request) -> tuple:
        try:
            request.get_json()
            error = None
        except BadRequest as e:
            error = (type(e), e.description)
        return (request.max_content_length, request.max_form_parts, request.max_form_memory_size, error)

    form = b"Action=ListUsers&Version=2010-05-08"
    with app.app_context():
        in_flask = [read(app.request_class(environ(b"{bad", "application/json"))),
                    app.request_class(environ(form, "application/x-www-form-urlencoded")).form.to_dict()]
    direct = [read(direct_class(environ(b"{bad", "application/json"))),
              direct_class(environ(form, "application/x-www-form-urlencoded")).form.to_dict()]
    assert direct == in_flask
    assert in_flask[0][3][1].startswith("Failed to decode JSON object")  # debug mode's message, not a bare 400
    assert direct_class.__name__ == app.request_class.__name__ and issubclass(direct_class, app.request_class)


def test_root_url_kept_is_werkzeugs():
    """The root URL kept per (scheme, host, server, root path) is the one werkzeug computes."""
    from moto.moto_server.werkzeug_app import create_backend_app
    from werkzeug.test import EnvironBuilder

    app = create_backend_app("iam")
    direct_class = moto_direct._request_class(app)
    cases = [("http://127.0.0.1:5000", "/"), ("http://localhost", "/"), ("https://[::1]:8443", "/x"),
             ("http://127.0.0.1:5000", "/")]
    for base_url, path in cases:
        for headers in ({}, {"Host": "iam.amazonaws.com"}):
            environ = EnvironBuilder(method="GET", path=path, base_url=base_url, headers=headers).get_environ()
            direct, plain = direct_class(dict(environ)), app.request_class(dict(environ))
            assert (direct.root_url, direct.raw_url) == (plain.root_url, plain.raw_url)
    environ = EnvironBuilder(path="/", base_url="http://127.0.0.1:5000/app/").get_environ()
    assert direct_class(environ).root_url == app.request_class(environ).root_url == "http://127.0.0.1:5000/app/"


def test_headers_dict_is_dict_of_motos_headers():
    from moto.core.request import PRESERVED_HEADER_NAMES_ENVIRON_KEY
    from moto.moto_server.werkzeug_app import create_backend_app

    request_class = create_backend_app("s3").request_class
    base = {"REQUEST_METHOD": "PUT", "PATH_INFO": "/b/k", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80",
            "wsgi.url_scheme": "http", "HTTP_HOST": "127.0.0.1", "HTTP_X_AMZ_DATE": "20261130T000000Z",
            "CONTENT_TYPE": "text/plain", "CONTENT_LENGTH": "", "HTTP_USER_AGENT": "Botocore/1.44",
            "HTTP_X_AMZ_META_MY_KEY": "v", "HTTP_AUTHORIZATION": "AWS4-HMAC-SHA256 Credential=x"}
    cases = [base, dict(base, CONTENT_LENGTH="3"), dict(base, HTTP_CONTENT_TYPE="x"),
             dict(base, **{PRESERVED_HEADER_NAMES_ENVIRON_KEY: {"HTTP_X_AMZ_META_MY_KEY": "x-amz-meta-my_key"}}),
             dict(base, HTTP_x_lower="odd"), dict(base, HTTP_X_DASH="-", **{"HTTP_X-DASH": "d"}), {}]
    def outcome(make):
        try:
            return list(make().items())
        except Exception as e:  # noqa: BLE001 - an odd key fails moto's lookup: it must fail alike
            return type(e)

    for environ in cases:
        request = request_class(environ)
        assert outcome(lambda: moto_direct._headers_dict(request)) == outcome(lambda: dict(request.headers)), environ
    assert "x-amz-meta-my_key" in moto_direct._headers_dict(request_class(cases[3]))


def test_a_receiver_of_flasks_request_signals_gets_flasks_path(recorded):
    from flask import request_started

    seen, direct = recorded
    environ, body = seen[0]
    heard = []

    def receiver(sender, **extra):
        heard.append(sender)

    request_started.connect(receiver)
    try:
        before = dict(direct.counts)
        _answer(direct, environ, body)
        assert direct.counts["flask"] - before["flask"] == 1 and len(heard) == 1
    finally:
        request_started.disconnect(receiver)
    _answer(direct, environ, body)
    assert direct.counts["direct"] - before["direct"] == 1 and len(heard) == 1
