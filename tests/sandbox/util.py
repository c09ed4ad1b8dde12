"""Clients into the sandbox for these tests (main account, or a member via OrganizationAccountAccessRole)."""

from __future__ import annotations

import boto3
from botocore.config import Config

from wizard.sandbox.clients import client as sandbox_client

NO_RETRY = Config(inject_host_prefix=False, retries={"mode": "standard", "max_attempts": 1})


def client(sb, service, region="us-east-1", account_id=None, config=None):
    session = None
    if account_id and account_id != sb.account_id:
        sts = sandbox_client("sts", sb.endpoint_url)
        creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole",
                                RoleSessionName="test")["Credentials"]
        session = boto3.session.Session(aws_access_key_id=creds["AccessKeyId"],
                                        aws_secret_access_key=creds["SecretAccessKey"],
                                        aws_session_token=creds["SessionToken"], region_name=region)
    return sandbox_client(service, sb.endpoint_url, region, session=session, config=config)
