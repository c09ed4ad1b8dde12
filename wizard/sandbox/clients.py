"""boto3 clients for an endpoint override (the sandbox, or any local AWS emulator).

botocore 1.44's s3control endpoint rules put the account id in front of a custom endpoint's host
(`http://123456789012.127.0.0.1:PORT/...`) for account-level operations, and
`Config(inject_host_prefix=False)` no longer prevents that; `wizard.aws.keep_endpoint_host`
removes the prefix again, for the wizard's own clients and these alike.
"""

from __future__ import annotations

import boto3
from botocore.config import Config

from wizard.aws import keep_endpoint_host

ENDPOINT_OVERRIDE_CONFIG = Config(inject_host_prefix=False, retries={"mode": "standard", "max_attempts": 5})


def client(service: str, endpoint_url: str, region: str = "us-east-1", session: boto3.session.Session | None = None,
           config: Config | None = None):
    session = session or boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                               region_name=region)
    c = session.client(service, region_name=region, endpoint_url=endpoint_url,
                       config=config or ENDPOINT_OVERRIDE_CONFIG)
    return keep_endpoint_host(c)
