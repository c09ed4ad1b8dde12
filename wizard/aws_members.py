"""Member accounts' clients: one per service and region for all the members reached through one account.

`check --org` builds a client per service and region in every member account (~220 each, about a
sixth of a worker's CPU), and they differ only in the credentials they sign with and the AWS object
that counts their calls. Here the members of one management AWS object share one client per
(service, region): each API call is signed with the credentials of the member account that makes
it, through botocore's own per-request credentials (``request.context["signing"]
["request_credentials"]``, which ``RequestSigner.get_auth_instance`` prefers to the client's), and
counted by that member's AWS object. Which account makes a call is the calling thread's
:func:`acting_for`: botocore sends, retries and signs a call in the thread that made it.

A shared client has no credentials of its own: a call made on it outside :func:`acting_for` cannot
be signed at all (botocore raises ``NoCredentialsError``), never with another account's. What the
accounts share besides is account-independent: the endpoint, the service model, the S3 bucket-region
cache (bucket names are global) and botocore's retry quota for that service and region (fewer
retries for all when one endpoint keeps failing, never more requests).
``AWS_ESSENTIALS_BOTOCORE_SHARING=off`` builds every member's clients of its own, as botocore does.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

_CALLER = threading.local()
PLACEHOLDER_KEY = "AKIAMEMBERSSHARED000"  # never signs: removed from every shared client's signer


class acting_for:  # noqa: N801 - used as a ``with`` statement, like a function
    """``with acting_for(aws):`` API calls made by this thread on shared clients are ``aws``'s."""

    __slots__ = ("aws", "previous")

    def __init__(self, aws: Any) -> None:
        self.aws = aws

    def __enter__(self) -> None:
        self.previous = getattr(_CALLER, "aws", None)
        _CALLER.aws = self.aws

    def __exit__(self, *_: Any) -> None:
        _CALLER.aws = self.previous


def _caller() -> Any:
    return getattr(_CALLER, "aws", None)


def _count_call(**kwargs: Any) -> None:
    aws = _caller()
    if aws is not None:
        aws._count_call(**kwargs)


def _count_request(**kwargs: Any) -> None:
    aws = _caller()
    if aws is not None:
        aws._count_request(**kwargs)


def _sign_as_caller(request: Any, **_: Any) -> None:
    """Give the request its account's credentials (none outside ``acting_for``: then it is not signed)."""
    aws = _caller()
    if aws is None:
        return
    # A new dict: the signing context must not be one that another request could see.
    request.context["signing"] = {**request.context.get("signing", {}),
                                  "request_credentials": aws._get_session().get_credentials()}


@functools.lru_cache(maxsize=1)
def can_share() -> bool:
    """Whether this botocore signs with per-request credentials (and the sharing is not switched off)."""
    import inspect

    from botocore.signers import RequestSigner

    from wizard.botocore_sharing import share_client_parts

    return (bool(share_client_parts())
            and "request_credentials" in inspect.signature(RequestSigner.get_auth_instance).parameters
            and "request_credentials" in RequestSigner.sign.__code__.co_consts)


class MemberClient:
    """A member account's view of a shared client: its API calls are made as that account."""

    __slots__ = ("_client", "_aws")

    def __init__(self, client: Any, aws: Any) -> None:
        self._client = client
        self._aws = aws

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._client, name)
        if not callable(value) or name.startswith("_"):
            return value
        aws = self._aws

        def as_member(*args: Any, **kwargs: Any) -> Any:
            with acting_for(aws):
                return value(*args, **kwargs)

        return as_member

    def close(self) -> None:
        """The client is the other members' too: it is closed with the account that reached them."""


class MemberClients:
    """The clients shared by the member accounts reached through one AWS object."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._session: Any = None
        self._clients: dict[tuple[str, str], Any] = {}

    def client(self, member: Any, service: str, region: str) -> MemberClient:
        key = (service, region)
        client = self._clients.get(key)
        if client is None:
            with self._lock:
                client = self._clients.get(key)
                if client is None:
                    client = self._clients[key] = self._build(member, service, region)
        return MemberClient(client, member)

    def _build(self, member: Any, service: str, region: str) -> Any:
        # Every member of one AWS object has its endpoint, attempts and pool size (AWS.member): one config.
        client = member._build_client(service, region, self._shared_session(member))
        client._request_signer._credentials = None
        return client

    def _shared_session(self, member: Any) -> Any:
        from wizard.aws_session import _remember_params, new_session

        if self._session is None:
            session = new_session(aws_access_key_id=PLACEHOLDER_KEY, aws_secret_access_key="x" * 40,
                                  region_name=member.home_region)
            session.events.register("before-parameter-build", _remember_params)
            session.events.register("before-call", _count_call)
            session.events.register("before-send", _count_request)
            session.events.register("before-sign", _sign_as_caller)
            self._session = session
        return self._session

    def close(self) -> None:
        with self._lock:
            clients, self._clients = self._clients, {}
        for client in clients.values():
            client.close()


def member_client(member: Any, service: str, region: str) -> MemberClient:
    """``member``'s view of the client its parent's member accounts share for ``service`` in ``region``."""
    member._get_session()  # the role assumed here, as for a client of its own: a failure is the same StepError
    parent = member.parent
    with parent._lock:
        if parent._members is None:
            parent._members = MemberClients()
    return parent._members.client(member, service, region)
