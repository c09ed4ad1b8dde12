"""How to reach an account: the target, its credentials, and boto3 sessions that share one model loader.

Also the client-level fixes an endpoint override needs (s3control's host) and the per-process
facts a client's configuration reads (the environment's proxies).
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from wizard.botocore_model_cache import keep_service_listing
from wizard.botocore_models import keep_called_operations
from wizard.botocore_sharing import share_client_parts

@dataclass(frozen=True)
class Credentials:
    """Static credentials, for example a customer profile read from the keyring."""

    access_key_id: str
    secret_access_key: str = field(repr=False)
    session_token: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Target:
    """Which account to reach and how: immutable, so every thread builds the same thing."""

    profile: str | None = None
    region: str | None = None
    endpoint_url: str | None = None  # default: AWS_ENDPOINT_URL, which boto3 also honours
    credentials: Credentials | None = None
    role_arn: str | None = None
    external_id: str | None = None
    role_session_name: str = "aws-essentials"
    label: str = ""  # a customer or account name to show

    @property
    def endpoint(self) -> str | None:
        return self.endpoint_url or os.environ.get("AWS_ENDPOINT_URL") or None


_LOADER_LOCK = threading.Lock()
_LOADER: Any = None


def new_session(**kwargs: Any) -> Any:
    """A boto3 session that shares botocore's model loader with every other one.

    Sessions hold credentials, so each account needs its own; the service models they load are
    the same, and loading them again per account would cost time and memory.
    """
    import boto3
    import botocore.session

    global _LOADER
    shared = share_client_parts()
    core = botocore.session.Session()
    with _LOADER_LOCK:
        if _LOADER is None:
            _LOADER = core.get_component("data_loader")
            if shared:  # not with AWS_ESSENTIALS_BOTOCORE_SHARING=off: botocore's own models then
                keep_called_operations(_LOADER)
                keep_service_listing(_LOADER)
        else:
            core.register_component("data_loader", _LOADER)
    session = boto3.Session(botocore_session=core, **kwargs)
    with _LOADER_LOCK:
        # Each boto3 session appends boto3's data folder to its loader's search path: on the shared
        # loader that made one more folder to search per session (per member account, per test),
        # without end in a long-lived process. The first of each is the one botocore reads from.
        paths = _LOADER.search_paths
        if len(paths) != len(set(paths)):
            paths[:] = dict.fromkeys(paths)
    return session



@lru_cache(maxsize=1)
def _environment_proxies() -> dict[str, str]:
    """The proxies botocore would find (HTTPS_PROXY and the like, or the OS's), read once per process."""
    from urllib.request import getproxies

    return getproxies()


def _remember_params(params: Any = None, context: Any = None, **_: Any) -> None:
    """Keep an API call's parameters in its context, for the call log (``before-call`` sees the request)."""
    if context is not None:
        context["aws_essentials_params"] = json.dumps(params or {}, sort_keys=True, default=str)


def keep_endpoint_host(client: Any) -> Any:
    """Make an s3control client send to its endpoint override's host as it is.

    botocore's s3control endpoint rules put the account id in front of a custom endpoint's host
    (``http://123456789012.127.0.0.1:PORT``) whatever ``inject_host_prefix`` says; such a host does
    not resolve. This strips the prefix again just before signing. Returns the client.
    """
    from urllib.parse import urlsplit, urlunsplit

    endpoint = urlsplit(client.meta.endpoint_url)
    if endpoint.hostname is None or endpoint.hostname.endswith("amazonaws.com"):
        return client

    def strip_account_prefix(request: Any, **_: Any) -> None:
        parts = urlsplit(request.url)
        if parts.netloc != endpoint.netloc and parts.netloc.endswith("." + endpoint.netloc):
            request.url = urlunsplit(parts._replace(netloc=endpoint.netloc))
            if "host" in request.headers:
                del request.headers["host"]
                request.headers["host"] = endpoint.netloc

    client.meta.events.register_first("before-sign.s3-control", strip_account_prefix)
    return client

