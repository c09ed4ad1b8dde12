"""Clients into the sandbox for these tests (main account, or a member via OrganizationAccountAccessRole)."""

from __future__ import annotations

import boto3
import botocore.session
from botocore.config import Config

from wizard.sandbox.clients import client as sandbox_client

# One attempt: botocore's ``max_attempts`` counts the retries, not the first request (botocore/config.py,
# ``total_max_attempts``), so "max_attempts": 1 retried once, after a backoff of up to 1 s of real
# time for every fault a test injected (~7 s of idle wall in test_faults.py alone).
NO_RETRY = Config(inject_host_prefix=False, retries={"mode": "standard", "total_max_attempts": 1})

_SESSIONS: dict[str, boto3.session.Session] = {}


def _session(**credentials: str) -> boto3.session.Session:
    """A session on the one botocore model loader of these tests: a client from a session of its
    own read and parsed its service model again (~120 ms of CPU a client, ~9 ms this way)."""
    core = botocore.session.Session()
    if _SESSIONS:
        core.register_component("data_loader", next(iter(_SESSIONS.values()))._session.get_component("data_loader"))
    return boto3.session.Session(botocore_session=core, **credentials)


def client(sb, service, region="us-east-1", account_id=None, config=None):
    if account_id and account_id != sb.account_id:
        sts = client(sb, "sts")
        creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole",
                                RoleSessionName="test")["Credentials"]
        session = _session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                           aws_session_token=creds["SessionToken"])
    else:
        if "main" not in _SESSIONS:
            _SESSIONS["main"] = _session(aws_access_key_id="testing", aws_secret_access_key="testing")
        session = _SESSIONS["main"]
    return sandbox_client(service, sb.endpoint_url, region, session=session, config=config)
