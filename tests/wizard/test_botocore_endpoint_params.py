"""Endpoint parameters from a per-operation plan (wizard/botocore_endpoint_params.py) are botocore's own.

Pure: the clients are built, nothing is sent.
"""

from __future__ import annotations

import pytest
from botocore import context, regions

from wizard import botocore_sharing
from wizard.aws_session import new_session
from wizard.botocore_models import OPERATIONS


@pytest.fixture(scope="module")
def session(monkeypatch_module):
    assert "endpoint_params" in botocore_sharing.share_client_parts()
    return new_session(region_name="eu-west-1", aws_access_key_id="AKID", aws_secret_access_key="secret")


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        for name in ("AWS_ENDPOINT_URL", "AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT"):
            patch.delenv(name, raising=False)
        yield patch


def _both(resolver, operation_model, arguments: dict) -> list:
    """(parameters, feature ids registered) from the plan and from botocore's own resolution."""
    answers = []
    for resolve in (regions.EndpointRulesetResolver._get_provider_params,
                    regions.EndpointRulesetResolver._get_provider_params.__wrapped__):
        with context.start_as_current_context():
            params = resolve(resolver, operation_model, dict(arguments), {"client_region": "eu-west-1"})
            answers.append((params, set(context.get_context().features)))
    return answers


@pytest.mark.parametrize("endpoint_url", [None, "http://127.0.0.1:5000"])
def test_every_called_operation_resolves_botocores_parameters(session, endpoint_url):
    """Every operation the wizard calls, with no arguments and with each context parameter's member
    given (S3's Bucket and Key, s3control's AccountId, which registers a feature id): the same."""
    compared = 0
    for service, operations in sorted(OPERATIONS.items()):
        client = session.client(service, endpoint_url=endpoint_url, region_name="eu-west-1")
        resolver = client._ruleset_resolver
        for name in sorted(operations):
            operation_model = client.meta.service_model.operation_model(name)
            members = {param.member_name: ("123456789012" if param.name == "AccountId" else "name-1")
                       for param in operation_model.context_parameters}
            for arguments in ({}, members) if members else ({},):
                planned, botocores = _both(resolver, operation_model, arguments)
                assert planned == botocores, (service, name, arguments)
                compared += 1
    assert compared > 250


def test_the_clients_context_and_customised_builtins_still_count(session):
    """A client's context parameters (S3's Accelerate) and what a ``before-endpoint-resolution``
    handler sets are read on every call, not kept in the plan."""
    from botocore.config import Config

    client = session.client("s3", region_name="eu-west-1", config=Config(s3={"use_accelerate_endpoint": True}))
    operation_model = client.meta.service_model.operation_model("GetBucketEncryption")
    planned, botocores = _both(client._ruleset_resolver, operation_model, {"Bucket": "bucket-1"})
    assert planned == botocores and planned[0]["Accelerate"] is True

    def dualstack(builtins, **_):
        builtins["AWS::UseDualStack"] = True

    client.meta.events.register("before-endpoint-resolution.s3", dualstack)
    planned, botocores = _both(client._ruleset_resolver, operation_model, {"Bucket": "bucket-1"})
    assert planned == botocores and planned[0]["UseDualStack"] is True
    assert client._ruleset_resolver.construct_endpoint(operation_model, {"Bucket": "bucket-1"}, {}).url == \
        "https://bucket-1.s3-accelerate.dualstack.amazonaws.com"


def test_a_plan_made_in_one_region_serves_every_region(session):
    """The plan is kept on the operation model that every regional client of a service shares; the
    values (the region among them) are each client's own."""
    answers = []
    for region in ("eu-west-1", "ap-south-1", "us-gov-west-1"):
        client = session.client("ec2", region_name=region)
        operation_model = client.meta.service_model.operation_model("DescribeFlowLogs")
        planned, botocores = _both(client._ruleset_resolver, operation_model, {})
        assert planned == botocores and planned[0]["Region"] == region
        answers.append(operation_model.__dict__["_aws_essentials_endpoint_plan"])
    assert answers[0] is answers[1] is answers[2]
