"""wizard/aws_session.py: the wizard's sessions are botocore's, without boto3, and find the same
credentials, profile and region as a boto3 session given the same arguments and environment.

No request is sent: a role profile's credentials are only looked at, not refreshed.
"""

from __future__ import annotations

import sys

import boto3
import pytest

from wizard.aws import AWS
from wizard.aws_session import Target, new_session

CONFIG = """\
[default]
region = eu-west-1
[profile dev]
region = ap-southeast-2
[profile auditor]
role_arn = arn:aws:iam::123456789012:role/Auditor
source_profile = dev
"""
CREDENTIALS = """\
[default]
aws_access_key_id = AKIADEFAULTEXAMPLE01
aws_secret_access_key = default-secret
[dev]
aws_access_key_id = AKIADEVEXAMPLE000001
aws_secret_access_key = dev-secret
"""


@pytest.fixture
def aws_files(tmp_path, monkeypatch):
    (tmp_path / "config").write_text(CONFIG)
    (tmp_path / "credentials").write_text(CREDENTIALS)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def _seen(session) -> tuple:
    """What a session resolves: profile, profiles, region, and how and with which key it signs."""
    credentials = session.get_credentials()
    method = getattr(credentials, "method", None)
    key = None if credentials is None or method == "assume-role" else credentials.get_frozen_credentials().access_key
    return (session.profile_name, sorted(session.available_profiles), session._session.get_config_variable("region"),
            method, key)


@pytest.mark.parametrize("env, kwargs, expected", [
    ({}, {}, ("default", "eu-west-1", "shared-credentials-file", "AKIADEFAULTEXAMPLE01")),
    ({"AWS_PROFILE": "dev"}, {}, ("dev", "ap-southeast-2", "shared-credentials-file", "AKIADEVEXAMPLE000001")),
    ({"AWS_ACCESS_KEY_ID": "AKIAENVEXAMPLE000001", "AWS_SECRET_ACCESS_KEY": "env-secret"}, {},
     ("default", "eu-west-1", "env", "AKIAENVEXAMPLE000001")),
    # an explicit profile negates the environment's keys (botocore's create_credential_resolver)
    ({"AWS_ACCESS_KEY_ID": "AKIAENVEXAMPLE000001", "AWS_SECRET_ACCESS_KEY": "env-secret"},
     {"profile_name": "dev", "region_name": "us-west-2"},
     ("dev", "us-west-2", "shared-credentials-file", "AKIADEVEXAMPLE000001")),
    ({"AWS_PROFILE": "dev"}, {"aws_access_key_id": "AKIAEXPLICIT00000001", "aws_secret_access_key": "s",
                              "aws_session_token": "t"}, ("dev", "ap-southeast-2", "explicit", "AKIAEXPLICIT00000001")),
    ({}, {"profile_name": "auditor"}, ("auditor", None, "assume-role", None)),
])
def test_the_credentials_chain_is_boto3s(aws_files, monkeypatch, env, kwargs, expected):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    ours, boto3s = _seen(new_session(**kwargs)), _seen(boto3.Session(**kwargs))
    assert ours == boto3s
    profile, region, method, key = expected
    assert (ours[0], ours[2], ours[3], ours[4]) == (profile, region, method, key)
    assert ours[1] == ["auditor", "default", "dev"]


def test_a_check_needs_no_boto3(aws_files, monkeypatch):
    """Sessions, credentials and clients of every kind the wizard builds, with boto3 unimportable."""
    monkeypatch.setitem(sys.modules, "boto3", None)  # `import boto3` raises ImportError now
    aws = AWS(Target(profile="dev", endpoint_url="http://127.0.0.1:9"))
    assert aws.access_key_id == "AKIADEVEXAMPLE000001" and aws.credential_method == "shared-credentials-file"
    for service in ("sts", "s3", "s3control", "ec2", "iam"):
        client = aws.client(service, "eu-west-1")
        assert client.meta.region_name == "eu-west-1" and client.meta.endpoint_url == "http://127.0.0.1:9"
    assert not hasattr(aws.client("s3", "eu-west-1"), "upload_file")  # boto3's S3 transfer methods: not wanted
