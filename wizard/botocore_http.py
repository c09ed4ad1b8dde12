"""One HTTP session per process for each distinct set of connection settings, shared by every client.

botocore gives each client an HTTP session of its own (``URLLib3Session``: a urllib3 PoolManager,
an SSL context, a pool of 48 slots filled one by one per host) and keeps its connections alive
until the client is closed. A check builds ~220 clients per account, so an organization run with
8 members and the management account in flight held 900 to 2,000 idle connections to the sandbox
(waitress asks every open connection on each turn of its loop: a third of the sandbox's CPU), and
against AWS each client opens and verifies TLS connections of its own to a host that the same
service and region's client in the previous member account had open already.

Here every endpoint botocore creates gets the one session of its settings (timeouts, proxies,
verify, pool size, socket options, client certificate, proxies config: exactly what botocore
passes to ``http_session_cls``), so connections are pooled per host for the whole process. A
connection carries no credentials: SigV4 signs each request in its headers, so a connection opened
for one client or account carries another's request to the same host as well (within one
client botocore already shares its pool among all its threads). urllib3's pools are made to be
shared by threads (``HTTPConnectionPool``: "thread-safe connection pool for one host";
``PoolManager.connection_from_pool_key`` takes its lock). botocore sets the pool's certificate
settings from ``verify`` before each request; one session has one ``verify``, so that is the same
value every time.

A shared pool keeps every connection that was in use at once and nothing more: it opens a
connection only when none is idle (urllib3 with ``block=False``) and never discards one on return
(urllib3 discards past ``maxsize`` and logs a warning to the user's terminal). Its size is thus
the most threads that sent to one host at the same time, which the process bounds (48 region
threads shared by every account in it, plus each account's step threads), and it costs nothing to
make (urllib3 fills a queue of ``maxsize`` empty slots per pool, ~75 us for 48, per host).

``client.close()`` (``AWS.close`` closes each member account's clients) leaves a shared session
open: other clients use it. :func:`close_connections` closes them all. With
``AWS_ESSENTIALS_BOTOCORE_SHARING=off`` this is not installed and botocore makes its own sessions.
"""

from __future__ import annotations

import queue
import threading
from typing import Any

POOL_METHODS: dict[str, Any] = {}  # methods given to the shared sessions' pool classes (botocore_exchange's urlopen)
LEAN = threading.local()  # .on while a shared session sends a request whose answer botocore reads whole
HOSTS = 512  # pools kept per session; a full check reaches ~260 hosts (a service in a region each)

_LOCK = threading.Lock()
_SESSIONS: dict[Any, Any] = {}


class _Connections(queue.LifoQueue):
    """A host's idle connections: no empty slots, no limit (the threads that send are the limit)."""

    def __init__(self, maxsize: int = 0) -> None:
        super().__init__(0)

    def _put(self, item: Any) -> None:
        if item is not None:  # urllib3 puts None for a slot with no connection: there are no slots here
            self.queue.append(item)


def _frozen(value: Any) -> Any:
    """``value`` as a key: dicts and lists as tuples (TypeError when a part cannot be one)."""
    if isinstance(value, dict):
        return tuple(sorted((key, _frozen(item)) for key, item in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(item) for item in value)
    hash(value)
    return value


def _one_send_class(connection_class: type) -> type:
    """``connection_class`` sending a request's header block and its body in one ``send``.

    urllib3 2 sends the header block, then the body in a ``send`` of its own (http.client, and
    botocore's ``_send_output``, put a bytes body after the headers in one send "to avoid performance
    problems caused by the interaction between delayed ack and the Nagle algorithm"; urllib3 2 no
    longer hands them the body). Each send on a socket with a timeout is a ``poll`` and a ``sendto``,
    both made with the GIL released: with 48 region threads, each usually a hand-over of the GIL and
    back. Most API calls (EC2, IAM and the other query and JSON APIs) have a body. Here the header
    block is held until the body's first send and both go in one: the same bytes in the same order,
    only in one system call. A body that is not ``bytes`` or ``str`` (a file being uploaded), or a
    request that waits for "100 Continue" before its body, is sent as urllib3 sends it.
    """

    class OneSendConnection(connection_class):  # type: ignore[misc, valid-type]
        _aws_essentials_held: Any = None  # None: not holding; b"": holding, nothing yet; else the header block

        def request(self, method: str, url: str, body: Any = None, headers: Any = None, *args: Any,
                    **kwargs: Any) -> Any:
            hold = (type(body) in (bytes, str) and len(body) > 0
                    and not any(str(name).lower() == "expect" for name in headers or ()))
            self._aws_essentials_held = b"" if hold else None
            try:
                answer = super().request(method, url, body, headers, *args, **kwargs)
            except BaseException:
                self._aws_essentials_held = None  # as when the headers went alone: urllib3 drops the connection
                raise
            held, self._aws_essentials_held = self._aws_essentials_held, None
            if held:  # no body was sent after all
                super().send(held)
            return answer

        def send(self, data: Any) -> Any:
            held = self._aws_essentials_held
            if held is None:
                return super().send(data)
            if not held and type(data) is bytes:  # the header block (botocore's _send_output sends it whole)
                self._aws_essentials_held = data
                return None
            self._aws_essentials_held = None
            if type(data) is bytes:
                return super().send(held + data)
            if held:
                super().send(held)
            return super().send(data)

    OneSendConnection.__name__ = OneSendConnection.__qualname__ = f"OneSend{connection_class.__name__}"
    return OneSendConnection


ORIGINS = 4 * HOSTS  # origins whose pool key is kept per pool manager


def _origin(url: str) -> str | None:
    """``http(s)://authority`` of ``url`` (where urllib3's ``parse_url`` ends the authority), or None."""
    if not url.startswith(("https://", "http://")):
        return None
    start = url.index("://") + 3
    ends = [at for at in (url.find(mark, start) for mark in "/?#\\") if at >= 0]
    return url[:min(ends)] if ends else url


def _find_pools_by_origin(manager: Any) -> None:
    """Find a URL's connection pool from its origin's pool key, worked out once per origin.

    botocore asks the pool manager for each request's pool by URL (``connection_from_url``): urllib3
    parses the whole URL (a regular expression, the host normalised, the path and query encoded),
    copies the manager's pool settings into a new context and builds a 20-field pool key from it,
    ~45 us a request, to find one of the same few pools. The scheme, host and port (all the key
    holds of the URL) come from the origin alone, so the key is worked out as urllib3 works it out
    the first time an origin is seen and kept (with the settings it was made from: changed
    settings make it again); the pool is then looked up by that key as urllib3 looks it up
    (``connection_from_pool_key``: its lock, its least-recently-used order, a new pool when the
    key's was dropped). Only for this plain ``PoolManager``; any other asks urllib3.
    """
    from urllib3 import poolmanager
    from urllib3.util.url import parse_url

    manager_class = getattr(poolmanager, "PoolManager", None)
    ports = getattr(poolmanager, "port_by_scheme", None)
    if (type(manager) is not manager_class or not isinstance(ports, dict)
            or not all(callable(getattr(manager, name, None)) for name in
                       ("connection_from_url", "connection_from_pool_key", "_merge_pool_kwargs"))
            or not isinstance(getattr(manager, "key_fn_by_scheme", None), dict)):
        return
    by_url = manager.connection_from_url
    keys: dict[str, tuple[Any, dict, dict]] = {}

    def pool_key(origin: str) -> tuple[Any, dict, dict] | None:
        """``connection_from_host``'s context and ``connection_from_context``'s key for ``origin``."""
        parts = parse_url(origin)
        context = manager._merge_pool_kwargs(None)
        scheme = context["scheme"] = parts.scheme or "http"
        make = manager.key_fn_by_scheme.get(scheme.lower())
        if not parts.host or "strict" in context or make is None:
            return None  # urllib3 raises or warns: it does so itself
        context["port"] = parts.port or ports.get(scheme.lower(), 80)
        context["host"] = parts.host
        return make(context), context, dict(manager.connection_pool_kw)

    def connection_from_url(url: str, pool_kwargs: Any = None) -> Any:
        origin = _origin(url) if pool_kwargs is None else None
        if origin is None:
            return by_url(url, pool_kwargs)
        kept = keys.get(origin)
        if kept is None or kept[2] != manager.connection_pool_kw:
            kept = pool_key(origin)
            if kept is None:
                return by_url(url)
            if len(keys) < ORIGINS:
                keys[origin] = kept
        return manager.connection_from_pool_key(kept[0], request_context=dict(kept[1]))  # a new pool pops from it

    connection_from_url.__wrapped__ = by_url  # type: ignore[attr-defined]
    manager.connection_from_url = connection_from_url


def _shared_session_class() -> Any:
    from botocore.httpsession import URLLib3Session

    class SharedSession(URLLib3Session):
        """botocore's session with pools that keep what was used at once, for many hosts, and that
        its clients do not close."""

        def __init__(self, **settings: Any) -> None:
            super().__init__(**settings)
            # The same dict the pool manager (and any proxy manager made later) takes its classes from.
            self._pool_classes_by_scheme.update(
                {scheme: type(f"Shared{cls.__name__}", (cls,),
                              {"QueueCls": _Connections, "ConnectionCls": _one_send_class(cls.ConnectionCls),
                               **POOL_METHODS})
                 for scheme, cls in self._pool_classes_by_scheme.items()})
            _find_pools_by_origin(self._manager)

        def _get_pool_manager_kwargs(self, **extra: Any) -> Any:
            settings = super()._get_pool_manager_kwargs(**extra)
            settings.setdefault("num_pools", HOSTS)  # urllib3 keeps 10 and closes the least recently used
            return settings

        def send(self, request: Any) -> Any:
            """botocore's send; a request whose answer botocore reads whole may take the lean exchange."""
            if getattr(request, "stream_output", True) or not POOL_METHODS:
                return super().send(request)
            LEAN.on = True
            try:
                return super().send(request)
            finally:
                LEAN.on = False

        def close(self) -> None:
            """Called by each client's ``close()``: the session is other clients' too."""

        def close_connections(self) -> None:
            URLLib3Session.close(self)

    return SharedSession


def shared_session(**settings: Any) -> Any:
    """The process's HTTP session for ``settings`` (botocore's ``http_session_cls`` arguments)."""
    from botocore.httpsession import URLLib3Session

    try:
        key = _frozen(settings)
    except TypeError:  # a setting that cannot be compared: a session of its own, as botocore makes
        return URLLib3Session(**settings)
    session = _SESSIONS.get(key)
    if session is None:
        with _LOCK:
            session = _SESSIONS.get(key)
            if session is None:
                session = _SESSIONS[key] = _SESSION_CLASS(**settings)
    return session


def close_connections() -> None:
    """Close every shared session's idle connections (the sessions stay usable)."""
    with _LOCK:
        sessions = list(_SESSIONS.values())
    for session in sessions:
        session.close_connections()


_SESSION_CLASS: Any = None


def _share_http_sessions() -> bool:
    """Give every endpoint botocore creates the shared session of its settings (botocore_sharing registers this)."""
    import inspect

    from botocore.endpoint import EndpointCreator
    from botocore.httpsession import URLLib3Session

    global _SESSION_CLASS
    create = getattr(EndpointCreator, "create_endpoint", None)
    parameters = list(inspect.signature(create).parameters) if create is not None else []
    if ("http_session_cls" not in parameters or not hasattr(URLLib3Session, "_get_pool_manager_kwargs")
            or not isinstance(getattr(URLLib3Session(), "_pool_classes_by_scheme", None), dict)):
        return False
    _SESSION_CLASS = _shared_session_class()
    position = parameters.index("http_session_cls")  # counting the creator itself

    def create_endpoint(creator: Any, *args: Any, **kwargs: Any) -> Any:
        if len(args) + 1 <= position:  # the caller did not name its own class by position
            kwargs.setdefault("http_session_cls", shared_session)
        return create(creator, *args, **kwargs)

    EndpointCreator.create_endpoint = create_endpoint
    return True
