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
        "classes", "service_models", "endpoint_providers", "event_aliases", "handler_copy"}


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
