"""How to reach an account: the target, its credentials, and sessions that share one model loader.

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


class Session:
    """An account's botocore session, with the part of ``boto3.Session``'s interface the wizard uses.

    boto3's Session adds resources and S3's transfer methods on top of botocore's, none of which
    a check or a fix uses; importing boto3 costs ~17 ms of CPU per process (s3transfer,
    multiprocessing) and each of its sessions ~1 ms. The arguments mean what they mean to boto3
    (boto3/session.py, which this follows): a profile and a region are session variables,
    explicit keys are the session's credentials; anything not given comes from botocore's own
    chain (environment, shared files, SSO, roles, instance metadata). Requests say botocore
    rather than Boto3 in their User-Agent.
    """

    def __init__(self, core: Any, *, profile_name: str | None = None, region_name: str | None = None,
                 aws_access_key_id: str | None = None, aws_secret_access_key: str | None = None,
                 aws_session_token: str | None = None) -> None:
        self._session = core  # boto3's name for it, which tests and helpers read
        if profile_name is not None:
            core.set_config_variable("profile", profile_name)
        if aws_access_key_id or aws_secret_access_key or aws_session_token:
            core.set_credentials(aws_access_key_id, aws_secret_access_key, aws_session_token)
        if region_name is not None:
            core.set_config_variable("region", region_name)

    @property
    def profile_name(self) -> str:
        return self._session.profile or "default"

    @property
    def region_name(self) -> str | None:
        return self._session.get_config_variable("region")

    @property
    def events(self) -> Any:
        return self._session.get_component("event_emitter")

    @property
    def available_profiles(self) -> list[str]:
        return self._session.available_profiles

    def get_credentials(self) -> Any:
        return self._session.get_credentials()

    def client(self, service_name: str, region_name: str | None = None, endpoint_url: str | None = None,
               config: Any = None, **kwargs: Any) -> Any:
        return self._session.create_client(service_name, region_name=region_name, endpoint_url=endpoint_url,
                                           config=config, **kwargs)


def new_session(**kwargs: Any) -> Session:
    """A session that shares botocore's model loader with every other one.

    Sessions hold credentials, so each account needs its own; the service models they load are
    the same, and loading them again per account would cost time and memory.
    """
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
    return Session(core, **kwargs)


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

