"""boto3 clients for an endpoint override (the sandbox, or any local AWS emulator).

botocore 1.44's s3control endpoint rules put the account id in front of a custom endpoint's host
(`http://123456789012.127.0.0.1:PORT/...`) for account-level operations, and
`Config(inject_host_prefix=False)` no longer prevents that (the prefix comes from the endpoint
ruleset, not from the operation's hostPrefix trait). `keep_endpoint_host(client)` removes that
prefix again, before signing, when the client has an endpoint override. It is not sandbox-only:
any endpoint override needs it, so wizard/aws.py can use the same function.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import boto3
from botocore.config import Config

ENDPOINT_OVERRIDE_CONFIG = Config(inject_host_prefix=False, retries={"mode": "standard", "max_attempts": 5})


def keep_endpoint_host(client):
    """Make an s3control client send to its endpoint override's host as is. Returns the client."""
    endpoint = urlsplit(client.meta.endpoint_url)
    if client.meta.service_model.service_name != "s3control" or endpoint.hostname is None \
            or endpoint.hostname.endswith("amazonaws.com"):
        return client

    def strip_account_prefix(request, **_):
        parts = urlsplit(request.url)
        if parts.netloc != endpoint.netloc and parts.netloc.endswith("." + endpoint.netloc):
            request.url = urlunsplit(parts._replace(netloc=endpoint.netloc))
            if "host" in request.headers:
                request.headers.replace_header("host", endpoint.netloc) if hasattr(request.headers, "replace_header") \
                    else request.headers.__setitem__("host", endpoint.netloc)

    client.meta.events.register_first("before-sign.s3-control", strip_account_prefix)
    return client


def client(service: str, endpoint_url: str, region: str = "us-east-1", session: boto3.session.Session | None = None,
           config: Config | None = None):
    session = session or boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                               region_name=region)
    c = session.client(service, region_name=region, endpoint_url=endpoint_url,
                       config=config or ENDPOINT_OVERRIDE_CONFIG)
    return keep_endpoint_host(c)
