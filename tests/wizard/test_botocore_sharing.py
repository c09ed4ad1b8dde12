"""Clients built from shared parts (wizard/botocore_sharing.py) stay as correct as botocore's own.

No request leaves the process: a ``before-call`` handler records the URL botocore resolved and
answers in place of the endpoint.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from wizard import botocore_sharing
from wizard.aws import AWS, Credentials, Target

REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2")


@pytest.fixture
def aws():
    """An AWS object for the real endpoints (no override), with made-up credentials."""
    return AWS(Target(region="us-east-1", credentials=Credentials("AKIAEXAMPLEEXAMPLE12", "secret" * 6)))


def sent_urls(client, call) -> list[str]:
    """The URLs ``call(client)`` would send to, answered locally instead."""
    urls: list[str] = []

    def answer(params, **_):
        urls.append(params["url"])
        return SimpleNamespace(status_code=200, headers={}), {}

    client.meta.events.register_first("before-call", answer)
    call(client)
    return urls


def test_every_part_is_installed_on_the_botocore_in_use(aws):
    aws.client("sts")  # a session installs the sharing
    assert botocore_sharing.share_client_parts() == {
        "classes", "service_models", "endpoint_providers", "event_aliases", "handlers", "plain_json",
        "kwargs_check", "scoped_config", "user_agent", "request_body", "http_sessions", "response_headers",
        "alias_misses", "config_lookups", "request_headers", "signing", "header_dicts",
        "paginators", "invocation_ids", "host_headers", "lean_exchange", "recursion_check", "timestamps", "client_contexts",
        "direct_sigv4", "endpoint_params"}


class _Sent(Exception):
    """Raised by ``before-send`` with the request botocore would have sent."""


def sent_request(client, call) -> tuple[dict[str, str], bytes]:
    """The headers and body ``call(client)`` would send, but for those that change every request."""
    def stop(request, **_):
        raise _Sent(request)

    client.meta.events.register_first("before-send", stop)
    with pytest.raises(_Sent) as sent:
        call(client)
    request = sent.value.args[0]
    varying = {"amz-sdk-invocation-id"}  # a new UUID per request (the signing time is fixed below)
    return {k: v for k, v in request.headers.items() if k.lower() not in varying}, request.body or b""


def _prepared_body(request):
    """botocore's own ``AWSRequest.body``: the whole request prepared, its body kept."""
    body = request.prepare().body
    return body.encode("utf-8") if isinstance(body, str) else body


def test_requests_are_byte_identical_with_the_shared_user_agent_and_body(aws, monkeypatch):
    """The kept User-Agent strings equal botocore's own, request by request (feature ids included),
    and so do the signatures over the body taken without preparing the request."""
    import datetime

    import botocore.auth
    from botocore.awsrequest import AWSRequest
    from botocore.useragent import UserAgentString

    signed_at = datetime.datetime(2026, 11, 30, 6, 0, tzinfo=datetime.timezone.utc)
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: signed_at)  # same signatures both times

    calls = [("ec2", "eu-west-1", lambda c: c.describe_vpcs(VpcIds=["vpc-1"])),
             ("s3", "eu-west-1", lambda c: c.get_bucket_policy(Bucket="audit-logs")),
             ("iam", None, lambda c: c.list_users(MaxItems=5))]
    shared = [sent_request(aws.client(service, region), call) for service, region, call in calls]
    assert all("User-Agent" in headers and "Authorization" in headers for headers, _ in shared)
    monkeypatch.setattr(UserAgentString, "to_string", UserAgentString.to_string.__wrapped__)
    monkeypatch.setattr(AWSRequest, "body", property(lambda request: _prepared_body(request)))
    plain = AWS(aws.target)  # new clients, built with botocore's own User-Agent code
    assert [sent_request(plain.client(service, region), call) for service, region, call in calls] == shared


def test_a_requests_body_is_what_botocore_prepares():
    import io

    from botocore.awsrequest import AWSRequest

    assert "request_body" in botocore_sharing.share_client_parts()
    url = "https://ec2.eu-west-1.amazonaws.com/"
    for data in ({"Action": "DescribeVpcs", "VpcId.1": "vpc-\u00e9"}, b"{}", "caf\u00e9", b"", None):
        request = AWSRequest(method="POST", url=url, data=data, params={"a": "b"}, headers={"X-A": "1"})
        assert request.body == _prepared_body(request)
    stream = io.BytesIO(b"payload")
    assert AWSRequest(method="PUT", url=url, data=stream).body is stream


def test_regional_clients_share_class_and_model_yet_reach_their_own_region(aws):
    clients = [aws.client("ec2", region) for region in REGIONS]
    assert len({type(c) for c in clients}) == 1
    assert len({id(c.meta.service_model) for c in clients}) == 1
    for region, client in zip(REGIONS, clients):
        assert client.meta.region_name == region
        assert sent_urls(client, lambda c: c.describe_vpcs()) == [f"https://ec2.{region}.amazonaws.com/"]


def test_shared_endpoint_rules_keep_service_specific_routing(aws):
    """S3 (path-style buckets) and a global service resolve as botocore resolves them."""
    s3 = aws.client("s3", "eu-west-1")
    assert sent_urls(s3, lambda c: c.get_bucket_policy(Bucket="audit-logs")) == [
        "https://audit-logs.s3.eu-west-1.amazonaws.com/?policy"]
    iam = aws.client("iam")
    assert sent_urls(iam, lambda c: c.list_users()) == ["https://iam.amazonaws.com/"]


def test_a_shared_endpoint_ruleset_keeps_more_endpoints_than_botocore(aws, monkeypatch):
    """Reads of 150 buckets resolve each bucket's endpoint once (botocore keeps 100 for every client)."""
    from botocore.endpoint_provider import RuleSet

    evaluated = []
    evaluate = RuleSet.evaluate
    monkeypatch.setattr(RuleSet, "evaluate", lambda ruleset, params: evaluated.append(1) or evaluate(ruleset, params))
    s3 = aws.client("s3", "eu-west-1")
    operation = s3.meta.service_model.operation_model("GetBucketPolicy")
    buckets = [f"bucket-{n}" for n in range(150)]
    first = [s3._ruleset_resolver.construct_endpoint(operation, {"Bucket": b}, {}) for b in buckets]
    assert len(evaluated) == 150
    assert [s3._ruleset_resolver.construct_endpoint(operation, {"Bucket": b}, {}) for b in buckets] == first
    assert len(evaluated) == 150  # botocore's own cache (100 endpoints for all services) would evaluate again
    assert first[7][0] == "https://bucket-7.s3.eu-west-1.amazonaws.com"


def test_handlers_registered_on_one_client_stay_on_that_client(aws):
    first, second = aws.client("kms", "us-east-1"), aws.client("kms", "eu-west-1")
    heard: list[str] = []
    first.meta.events.register("before-call.kms.ListKeys", lambda **_: heard.append("first"))
    sent_urls(second, lambda c: c.list_keys())
    assert heard == []
    sent_urls(first, lambda c: c.list_keys())
    assert heard == ["first"]


def test_event_alias_cache_is_one_for_all_clients(aws):
    first, second = aws.client("logs", "us-east-1"), aws.client("logs", "eu-west-1")
    assert first.meta.events._alias_name_cache is second.meta.events._alias_name_cache


def test_a_sharing_whose_botocore_hook_is_gone_is_skipped(monkeypatch):
    from botocore.client import ClientCreator

    monkeypatch.delattr(ClientCreator, "_load_service_model")
    assert botocore_sharing._share_service_models() is False


def test_session_and_client_handlers_stay_apart_after_the_trie_is_shared(aws):
    """Registrations on the session after a client exists, and removals on a client, stay where made."""
    session = aws._get_session()
    client = aws.client("kms", "us-east-1")
    heard: list[str] = []

    def on_session(**_):
        heard.append("session")

    def on_client(**_):
        heard.append("client")

    session.events.register("before-call.kms.ListKeys", on_session)
    later = aws.client("kms", "eu-west-1")  # built after the session's registration: it has it
    client.meta.events.register("before-call.kms.ListKeys", on_client)
    sent_urls(client, lambda c: c.list_keys())
    assert heard == ["client"]
    heard.clear()
    sent_urls(later, lambda c: c.list_keys())
    assert heard == ["session"]
    later.meta.events.unregister("before-call.kms.ListKeys", on_session)
    heard.clear()
    sent_urls(later, lambda c: c.list_keys())
    assert heard == []
    third = aws.client("kms", "ap-southeast-2")
    sent_urls(third, lambda c: c.list_keys())
    assert heard == ["session"]  # the client's removal did not reach the session


def test_shared_trie_finds_what_botocore_own_trie_finds():
    """Path copying keeps every prefix search's answer and order, for both tries after a copy."""
    import copy

    from botocore.hooks import _PrefixTrie

    assert "handlers" in botocore_sharing.share_client_parts()
    def built(items):
        trie = _PrefixTrie()
        for key, value, section in items:
            trie.append_item(key, value, section=section)
        return trie

    first = [("a.b.c", 1, 1), ("a.b", 2, 1), ("a.*.c", 3, 1), ("a.b.c", 4, 0), ("x", 5, 2)]
    original = built(first)
    copied = copy.copy(original)
    copied.append_item("a.b.c", 6)
    copied.remove_item("a.b", 2)
    original.append_item("a.b", 7)
    # Each answers as a trie that was never copied, holding the same registrations, answers.
    as_original = built(first + [("a.b", 7, 1)])
    as_copied = built([item for item in first if item[1] != 2] + [("a.b.c", 6, 1)])
    for key in ("a.b.c", "a.b", "a.z.c", "x.y", "a"):
        assert list(original.prefix_search(key)) == list(as_original.prefix_search(key))
        assert list(copied.prefix_search(key)) == list(as_copied.prefix_search(key))
        assert list(copy.copy(copied).prefix_search(key)) == list(as_copied.prefix_search(key))
    assert 7 in original.prefix_search("a.b") and 7 not in copied.prefix_search("a.b")
    assert 6 in copied.prefix_search("a.b.c") and 6 not in original.prefix_search("a.b.c")


def test_models_read_as_plain_dicts_equal_botocore_own():
    from collections import OrderedDict

    from botocore.loaders import JSONFileLoader, create_loader

    assert "plain_json" in botocore_sharing.share_client_parts()
    loader = create_loader()
    plain = loader.load_service_model("sts", "service-2")
    path = loader.load_data_with_path("sts/" + loader.determine_latest_version("sts", "service-2") + "/service-2")[1]
    import gzip
    import json
    import os

    opened = gzip.open if os.path.exists(path + ".json.gz") else open
    with opened(path + (".json.gz" if opened is gzip.open else ".json"), "rb") as fp:
        ordered = json.loads(fp.read().decode("utf-8"), object_pairs_hook=OrderedDict)
    assert type(plain) is dict and plain == ordered and list(plain["operations"]) == list(ordered["operations"])
    assert JSONFileLoader._load_file.__module__ == botocore_sharing.__name__


def test_kwargs_check_agrees_with_inspect():
    import functools

    from botocore import compat, hooks

    assert "kwargs_check" in botocore_sharing.share_client_parts()

    def takes(a, **kw): ...
    def refuses(a, b=1): ...

    class Handler:
        def method(self, **kw): ...
        def __call__(self, x): ...

    for func in (takes, refuses, Handler().method, functools.partial(takes, 1), Handler(), print):
        try:
            expected = compat.accepts_kwargs(func)
        except TypeError:
            continue
        assert bool(hooks.accepts_kwargs(func)) == bool(expected), func


def test_the_environment_switch_turns_every_part_off(tmp_path):
    """With the switch off, a fresh interpreter builds clients with botocore's own code."""
    import subprocess
    import sys

    code = ("from wizard.aws import AWS, Credentials, Target; from wizard import botocore_sharing as b; "
            "from botocore.hooks import _PrefixTrie; import http.client, botocore.auth; "
            "a = AWS(Target(region='us-east-1', credentials=Credentials('AKIAEXAMPLEEXAMPLE12', 'x' * 30))); "
            "c = a.client('sts'); print(sorted(b.share_client_parts()), _PrefixTrie.__copy__.__module__, "
            "type(c._endpoint.http_session).__module__, http.client.parse_headers.__module__, "
            "botocore.auth.AUTH_TYPE_MAPS['v4'].__module__, type(c).get_paginator.__module__)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={**__import__("os").environ, botocore_sharing.OFF_SWITCH: "off"})
    assert done.stdout.split() == ["[]", "botocore.hooks", "botocore.httpsession", "http.client",
                                   "botocore.auth", "botocore.client"], done.stderr


def test_a_class_is_shared_only_by_sessions_whose_handlers_shape_it_alike(aws):
    """boto3's sessions add S3's transfer methods to its class; the wizard's botocore sessions do not."""
    import boto3

    ours = aws.client("s3", "eu-west-1")
    theirs = boto3.Session(region_name="eu-west-1", aws_access_key_id="AKIAEXAMPLEEXAMPLE12",
                           aws_secret_access_key="secret").client("s3")
    assert hasattr(theirs, "upload_file") and not hasattr(ours, "upload_file")
    assert type(AWS(aws.target).client("s3", "us-east-1")) is type(ours)  # another of our sessions: the same class
    assert type(boto3.Session(region_name="us-east-1").client("s3")) is type(theirs)


@pytest.mark.parametrize("lambda_name, trace_id", [(None, None), ("fn", None), (None, "Root=1-abc"),
                                                   ("fn", "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1")])
def test_the_lambda_trace_header_is_sent_exactly_when_botocore_sends_it(aws, monkeypatch, lambda_name, trace_id):
    from botocore import handlers

    client = aws.client("sts")
    for name, value in (("AWS_LAMBDA_FUNCTION_NAME", lambda_name), ("_X_AMZN_TRACE_ID", trace_id)):
        monkeypatch.delenv(name, raising=False)
        if value is not None:
            monkeypatch.setenv(name, value)  # set after the client: the environment is asked per call
    headers, _ = sent_request(client, lambda c: c.get_caller_identity())
    expected = {"headers": {}}
    handlers.add_recursion_detection_header(expected)  # botocore's own handler (the registered one is ours)
    assert any(getattr(handler, "__wrapped__", None) is handlers.add_recursion_detection_header
               for _, handler, *_ in handlers.BUILTIN_HANDLERS)
    sent = headers.get("X-Amzn-Trace-Id")
    assert (sent.decode() if isinstance(sent, bytes) else sent) == expected["headers"].get("X-Amzn-Trace-Id")
    assert ("X-Amzn-Trace-Id" in headers) == bool(lambda_name and trace_id)
