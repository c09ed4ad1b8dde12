"""Fixtures of the reliability suite: fast retries, IAM users in the sandbox, enforcement reset.

Retry speed (documented knob): botocore's standard retry mode sleeps ``rand(0,1) * base * 2**i``
with base 1 s for throttling and 50 ms for other errors. The wizard keeps those production values
(wizard/aws.py); in this suite ``fast_retries`` scales both bases down 100-fold, so a check that
survives ~100 injected faults does not sleep for a minute. The retry logic itself (which errors are
retried, how many attempts, the retry quota) is botocore's, unchanged.
"""

from __future__ import annotations

import json

import pytest


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch):
    from botocore.retries import standard

    monkeypatch.setattr(standard.ExponentialBackoff, "_DEFAULT_BACKOFF_CONFIG",
                        {"throttling_base_scale": 0.01, "non_throttling_base_scale": 0.0005})


@pytest.fixture(autouse=True)
def _enforcement_off(sandbox):
    yield
    sandbox.set_iam_enforcement(False)
    sandbox.set_faults(rate=0.0)


def make_user(sb, name: str, document: dict):
    """An IAM user in the sandbox's main account with exactly ``document`` attached; its Credentials."""
    import boto3

    from wizard.aws import Credentials

    iam = boto3.client("iam", endpoint_url=sb.endpoint_url, region_name="us-east-1",
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    iam.create_user(UserName=name)
    arn = iam.create_policy(PolicyName=f"{name}-policy", PolicyDocument=json.dumps(document))["Policy"]["Arn"]
    iam.attach_user_policy(UserName=name, PolicyArn=arn)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return Credentials(key["AccessKeyId"], key["SecretAccessKey"])
