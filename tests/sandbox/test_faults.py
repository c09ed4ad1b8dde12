"""Fault and latency injection: each kind in its protocol's shape; retries; deny_actions; identification."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from wizard.sandbox.requests import identify

from .util import NO_RETRY, client


@pytest.mark.parametrize("service,call,code,status", [
    ("iam", lambda c: c.list_users(), "Throttling", 400),
    ("sts", lambda c: c.get_caller_identity(), "Throttling", 400),
    ("ec2", lambda c: c.describe_vpcs(), "RequestLimitExceeded", 503),
    ("cloudtrail", lambda c: c.describe_trails(), "ThrottlingException", 400),
    ("account", lambda c: c.list_regions(), "ThrottlingException", 400),
    ("s3", lambda c: c.list_buckets(), "SlowDown", 503),
    # signed as "elasticfilesystem", modelled as "efs" (rest-json): an XML error is not read as throttling
    ("efs", lambda c: c.describe_file_systems(), "ThrottlingException", 400),
])
def test_throttle_shape(account, service, call, code, status):
    sb = account("empty")
    sb.set_faults(rate=1.0, kinds=("throttle",))
    with pytest.raises(ClientError) as e:
        call(client(sb, service, config=NO_RETRY))
    assert e.value.response["Error"]["Code"] == code
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == status


@pytest.mark.parametrize("service,call,code", [
    ("iam", lambda c: c.list_users(), "AccessDenied"),
    ("accessanalyzer", lambda c: c.list_analyzers(), "AccessDeniedException"),
    ("sso-admin", lambda c: c.list_instances(), "AccessDeniedException"),
    ("ec2", lambda c: c.describe_vpcs(), "UnauthorizedOperation"),
    ("s3", lambda c: c.list_buckets(), "AccessDenied"),
])
def test_denied_shape_names_the_action(account, service, call, code):
    sb = account("empty")
    sb.set_faults(rate=1.0, kinds=("denied",))
    with pytest.raises(ClientError) as e:
        call(client(sb, service))  # denied is not retried even with retries on
    err = e.value.response
    assert err["Error"]["Code"] == code
    assert err["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert err["ResponseMetadata"]["RetryAttempts"] == 0
    assert "is not authorized to perform:" in err["Error"]["Message"]


def test_5xx_shape(account):
    sb = account("empty")
    sb.set_faults(rate=1.0, kinds=("5xx",))
    with pytest.raises(ClientError) as e:
        client(sb, "iam", config=NO_RETRY).list_users()
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] in (500, 503)
    assert e.value.response["Error"]["Code"] in ("InternalError", "ServiceUnavailable")


def test_throttling_is_retried_and_succeeds(account, monkeypatch):
    import botocore.endpoint

    sb = account("insecure")
    sb.set_faults(rate=0.5, kinds=("throttle", "5xx"))
    # botocore backs off before each retry: the waits it asks for are noted, not slept (3-4 s of real time)
    backoffs: list[float] = []
    monkeypatch.setattr(botocore.endpoint, "time", SimpleNamespace(sleep=backoffs.append))
    iam = client(sb, "iam", config=Config(inject_host_prefix=False, retries={"mode": "standard", "max_attempts": 10}))
    for _ in range(10):
        iam.list_users()
    assert sb.faults.injected, "faults were injected"
    assert len(backoffs) == len(sb.faults.injected) and all(b > 0 for b in backoffs), "each one retried after a backoff"
    assert {k for _, k in sb.faults.injected} <= {"throttle", "5xx"}


def test_fault_sequence_is_deterministic(account):
    sb = account("empty")
    runs = []
    for _ in range(2):
        sb.set_faults(rate=0.5, kinds=("throttle",))
        iam = client(sb, "iam", config=NO_RETRY)
        outcome = []
        for _ in range(12):
            try:
                iam.list_users()
                outcome.append("ok")
            except ClientError:
                outcome.append("x")
        runs.append(outcome)
    assert runs[0] == runs[1] and "x" in runs[0] and "ok" in runs[0]


def test_fault_filters_by_service_and_operation(account):
    sb = account("empty")
    sb.set_faults(rate=1.0, kinds=("throttle",), services={"iam"}, operations={"iam:ListRoles"})
    iam = client(sb, "iam", config=NO_RETRY)
    iam.list_users()
    client(sb, "sts", config=NO_RETRY).get_caller_identity()
    with pytest.raises(ClientError):
        iam.list_roles()


@pytest.mark.parametrize("service,call,action", [
    ("iam", lambda c, sb: c.list_users(), "iam:ListUsers"),
    ("account", lambda c, sb: c.get_alternate_contact(AlternateContactType="SECURITY"), "account:GetAlternateContact"),
    ("accessanalyzer", lambda c, sb: c.list_analyzers(), "access-analyzer:ListAnalyzers"),
    ("s3", lambda c, sb: c.get_bucket_policy(Bucket="b1"), "s3:GetBucketPolicy"),
    ("s3control", lambda c, sb: c.get_public_access_block(AccountId=sb.account_id), "s3:GetAccountPublicAccessBlock"),
    ("sso-admin", lambda c, sb: c.list_instances(), "sso:ListInstances"),
    ("securityhub", lambda c, sb: c.get_enabled_standards(), "securityhub:GetEnabledStandards"),
    ("ec2", lambda c, sb: c.describe_regions(), "ec2:DescribeRegions"),
])
def test_deny_actions_names_the_action(account, service, call, action):
    sb = account("empty")
    sb.set_faults(deny_actions={action})
    with pytest.raises(ClientError) as e:
        call(client(sb, service), sb)
    assert action in e.value.response["Error"]["Message"]
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_latency(account):
    sb = account("empty")
    sts = client(sb, "sts")
    sts.get_caller_identity()
    sb.set_latency(150)
    t0 = time.perf_counter()
    sts.get_caller_identity()
    assert time.perf_counter() - t0 >= 0.15
    sb.set_latency(0)


def test_control_endpoint_faults_and_latency(account):
    import json
    import urllib.request

    sb = account("empty")

    def post(path, body):
        req = urllib.request.Request(f"{sb.endpoint_url}/_sandbox/{path}", data=json.dumps(body).encode(), method="POST")
        return json.load(urllib.request.urlopen(req))

    post("faults", {"rate": 0, "deny_actions": ["iam:ListUsers"]})
    with pytest.raises(ClientError):
        client(sb, "iam").list_users()
    post("faults", {"rate": 0})
    client(sb, "iam").list_users()
    assert post("latency", {"ms": 0}) == {"ok": True}
    out = post("reset", {"scenario": "secure"})
    assert out["scenario"] == "secure" and sb.scenario == "secure"


def test_identify_assumed_role_maps_to_member_account(account):
    sb = account("org")
    member = sb.member_account_ids[0]
    sb.set_faults(deny_actions={"iam:ListRoles"})
    with pytest.raises(ClientError) as e:
        client(sb, "iam", account_id=member).list_roles()
    assert f"arn:aws:iam::{member}:" in e.value.response["Error"]["Message"]


def test_identify_unit():
    import io

    env = {"REQUEST_METHOD": "GET", "PATH_INFO": "/v20180820/configuration/publicAccessBlock", "QUERY_STRING": "",
           "HTTP_AUTHORIZATION": "AWS4-HMAC-SHA256 Credential=testing/20240101/eu-west-1/s3/aws4_request, "
                                 "SignedHeaders=host, Signature=x",
           "wsgi.input": io.BytesIO(b""), "CONTENT_LENGTH": "0"}
    info = identify(env)
    assert (info.service, info.operation, info.action, info.region) == (
        "s3control", "GetPublicAccessBlock", "s3:GetAccountPublicAccessBlock", "eu-west-1")
    body = b"Action=ListUsers&Version=2010-05-08"
    env = {"REQUEST_METHOD": "POST", "PATH_INFO": "/", "QUERY_STRING": "",
           "CONTENT_TYPE": "application/x-www-form-urlencoded; charset=utf-8",
           "HTTP_AUTHORIZATION": "AWS4-HMAC-SHA256 Credential=testing/20240101/us-east-1/iam/aws4_request, "
                                 "SignedHeaders=host, Signature=x",
           "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))}
    info = identify(env)
    assert info.action == "iam:ListUsers" and env["wsgi.input"].read() == body


def test_faults_answer_in_the_protocol_botocore_speaks(sandbox):
    """Shield's model lists CBOR first, but botocore speaks JSON to it: a fault must be JSON too."""
    import boto3
    from botocore.config import Config
    from botocore.exceptions import ClientError

    sandbox.set_faults(rate=1.0, kinds=("5xx",), services=["shield"])
    try:
        shield = boto3.client("shield", region_name="us-east-1", endpoint_url=sandbox.endpoint_url,
                              aws_access_key_id="testing", aws_secret_access_key="testing",
                              config=Config(retries={"total_max_attempts": 1}))  # one attempt, no backoff
        with pytest.raises(ClientError) as error:
            shield.get_subscription_state()
        assert error.value.response["Error"]["Code"] in ("InternalError", "InternalFailure", "ServiceUnavailable")
        assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] >= 500
    finally:
        sandbox.set_faults(rate=0.0)
