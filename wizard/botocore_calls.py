"""Cheaper answers to what every API call asks, each the same as botocore's (or Python's) own.

A check makes ~640 API calls; botocore's own work per call is ~1.3 ms of CPU, spread over HTTP,
SigV4, parsing and event dispatch (benchmarks/README.md, "Eighth session"). Each part here
replaces one step of that path with a faster one that gives the same result, and falls back to
the original for anything it was not written for. They are installed by
``wizard.botocore_sharing.share_client_parts`` (so ``AWS_ESSENTIALS_BOTOCORE_SHARING=off`` leaves
them out too), and each is skipped when what it wraps is not there.
"""

from __future__ import annotations

import re
from typing import Any

# A header line as email's feedparser reads one (its ``headerRE``), but with a name of at least one
# character and never a "From " envelope line or a continuation: those go to the stdlib.
_FIELD = re.compile(r"[\041-\071\073-\176]+:")


def _install(owner: Any, name: str, replacement: Any) -> None:
    """Put ``replacement`` in place of ``owner.name``; ``__wrapped__`` keeps the original (tests compare)."""
    replacement.__wrapped__ = getattr(owner, name)
    setattr(owner, name, replacement)


def _share_response_headers() -> bool:
    """Parse a response's header block without going through ``email``'s feed parser.

    ``http.client`` reads the header lines itself and then hands them to ``email.parser`` to build
    an ``HTTPMessage``: ~20 us a response (8.5 us this way), most of it the parser's generality
    (MIME bodies, line cracking, defects). AWS's headers are plain ``Name: value`` lines. This builds the same
    ``HTTPMessage`` from them the way the feed parser does (``set_raw`` with compat32's
    ``header_source_parse``: folded lines kept, repeated headers kept in order), and gives any block
    it was not written for to the stdlib: a line that is neither a field nor a continuation, a lone
    CR, a block that ends without its blank line, a multipart or message body, another class.
    ``http.client.parse_headers`` is looked up when each response begins, so this replaces it for
    every HTTP response in the process (tests/wizard/test_botocore_calls.py compares both on many
    blocks, odd ones included).
    """
    import email.parser
    import http.client

    read_headers = getattr(http.client, "_read_headers", None)
    message_class = getattr(http.client, "HTTPMessage", None)
    original = getattr(http.client, "parse_headers", None)
    if read_headers is None or message_class is None or original is None:
        return False

    def parse_headers(fp: Any, _class: Any = message_class) -> Any:
        lines = read_headers(fp)
        message = _message(lines, _class) if _class is message_class else None
        if message is None:
            return email.parser.Parser(_class=_class).parsestr(b"".join(lines).decode("iso-8859-1"))
        return message

    _install(http.client, "parse_headers", parse_headers)
    return True


def _message(lines: list[bytes], message_class: type) -> Any:
    """The ``HTTPMessage`` email's parser would make of ``lines``, or None to let it."""
    if lines[-1] not in (b"\r\n", b"\n"):
        return None
    fields: list[list[str]] = []
    for raw in lines[:-1]:
        line = raw.decode("iso-8859-1")
        if "\r" in line.rstrip("\r\n") or not line.endswith("\n"):
            return None  # the feed parser would end a line at that CR
        if line[0] in " \t":
            if not fields:
                return None
            fields[-1].append(line)
        elif _FIELD.match(line):
            fields.append([line])
        else:
            return None
    message = message_class()
    for source in fields:  # compat32's header_source_parse, as the feed parser calls it
        name, value = source[0].split(":", 1)
        value = value.lstrip(" \t") + "".join(source[1:])
        message.set_raw(name, value.rstrip("\r\n"))
    if message.get_content_maintype() in ("message", "multipart"):
        return None
    message.set_payload("")
    return message


def _share_alias_misses() -> bool:
    """Work out a new event name's alias with one split, not one per alias.

    Each emitter looks up the aliased form of every event name it emits; the answers are cached
    (one cache for every client, wizard/botocore_sharing.py ``_share_event_aliases``), but each
    name's first lookup splits the name again for each of botocore's ~65 aliases: ~1,000 names a
    check, ~25 us each. The answer is the first alias (in the table's order) whose part is one of
    the name's parts, or whose dotted form occurs in the name, applied as botocore applies it.
    Only for botocore's own alias table; another table goes to botocore.
    """
    import logging

    from botocore import hooks
    from botocore.utils import EVENT_ALIASES

    aliaser = getattr(hooks, "EventAliaser", None)
    original = getattr(aliaser, "_alias_event_name", None)
    if original is None or not hasattr(aliaser, "_replace_subsection"):
        return False
    table = list(EVENT_ALIASES.items())
    plain = {old: (order, new) for order, (old, new) in reversed(list(enumerate(table))) if "." not in old}
    dotted = [(order, old, new) for order, (old, new) in enumerate(table) if "." in old]
    logger = logging.getLogger(hooks.__name__)

    def alias_event_name(emitter: Any, event_name: str) -> str:
        cache = emitter._alias_name_cache
        if event_name in cache:
            return cache[event_name]
        if emitter._event_aliases != EVENT_ALIASES:
            return original(emitter, event_name)
        parts = event_name.split(".")
        first = min((plain[part] for part in parts if part in plain), default=None)
        within = next((alias for alias in dotted if alias[1] in event_name), None)  # botocore: a substring test
        if within is not None and (first is None or within[0] < first[0]):
            emitter._replace_subsection(parts, within[1].split("."), within[2])
        elif first is not None:
            parts[parts.index(table[first[0]][0])] = first[1]
        else:
            cache[event_name] = event_name
            return event_name
        new_name = ".".join(parts)
        logger.debug("Changing event name from %s to %s", event_name, new_name)
        cache[event_name] = new_name
        return new_name

    _install(aliaser, "_alias_event_name", alias_event_name)
    return True


def _share_config_lookups() -> bool:
    """Answer botocore's config lookups without copying the session's variables or raising KeyError.

    Building a client asks ~20 settings, each through a chain of providers: the session's own
    variables (botocore hands over a copy of them each time), the environment (``name in
    os.environ`` then ``os.environ[name]``: the name encoded twice, and a KeyError raised and caught
    for every variable that is not set, which is most of them), the config file. ~9,500 provider
    calls a check. These read the same dict and the same environment, once, without the copy or
    the exception; a session class with its own ``instance_variables``, or an environment that is
    not ``os.environ``, goes to botocore.
    """
    import os

    from botocore import configprovider
    from botocore.session import Session

    instance = getattr(configprovider, "InstanceVarProvider", None)
    environment = getattr(configprovider, "EnvironmentProvider", None)
    session_variables = getattr(Session, "instance_variables", None)
    environ_class = type(os.environ)
    if (instance is None or environment is None or session_variables is None
            or not all(hasattr(os.environ, name) for name in ("_data", "encodekey", "decodevalue"))):
        return False
    instance_provide, environment_provide = instance.provide, environment.provide

    def provide_instance_variable(provider: Any) -> Any:
        session = provider._session
        variables = getattr(session, "_session_instance_vars", None)
        if type(session).instance_variables is not session_variables or type(variables) is not dict:
            return instance_provide(provider)
        return variables.get(provider._instance_var)

    def provide_environment_variable(provider: Any) -> Any:
        env = provider._env
        if type(env) is not environ_class:
            return environment_provide(provider)
        value = env._data.get(env.encodekey(provider._name))
        return None if value is None else env.decodevalue(value)

    _install(instance, "provide", provide_instance_variable)
    _install(environment, "provide", provide_environment_variable)
    return True


def _share_request_headers() -> bool:
    """Read a request's headers without asking the email policy about each ASCII value.

    botocore keeps a request's headers in an ``email`` message (``botocore.compat.HTTPHeaders``),
    and every read of them (``items()`` five times a request: signing twice, preparing, encoding,
    sending; ``get``) passes each value through compat32's ``header_fetch_parse``, which returns it
    unchanged unless it holds surrogates (then a ``Header``). An ASCII ``str`` holds none, so it is
    returned as it is; any other value, or another policy, still goes through the policy.
    """
    from email.policy import compat32

    from botocore.compat import HTTPHeaders

    probe = HTTPHeaders()
    if probe.policy is not compat32 or type(getattr(probe, "_headers", None)) is not list:
        return False
    items, get = HTTPHeaders.items, HTTPHeaders.get

    def request_items(headers: Any) -> list:
        policy = headers.policy
        if policy is not compat32:
            return items(headers)
        return [(name, value) if type(value) is str and value.isascii() else
                (name, policy.header_fetch_parse(name, value)) for name, value in headers._headers]

    def request_get(headers: Any, name: str, failobj: Any = None) -> Any:
        policy = headers.policy
        if policy is not compat32:
            return get(headers, name, failobj)
        name = name.lower()
        for key, value in headers._headers:
            if key.lower() == name:
                return value if type(value) is str and value.isascii() else policy.header_fetch_parse(key, value)
        return failobj

    _install(HTTPHeaders, "items", request_items)
    _install(HTTPHeaders, "get", request_get)
    return True


class _SignedHeadersOnce:
    """SigV4 with the headers to sign worked out once per signature, not twice.

    botocore's ``add_auth`` selects the headers to sign (a new ``HTTPHeaders``, each name
    lowercased, the host from the URL) for the canonical request and again, from the same
    request, for the Authorization header's ``SignedHeaders``. The second time returns the first
    answer when the request, its URL and its headers are what they were.
    """

    def headers_to_sign(self, request: Any) -> Any:
        state = (request.url, tuple(request.headers._headers))
        kept = self.__dict__.get("_aws_essentials_signed")
        if kept is not None and kept[0] is request and kept[1] == state:
            return kept[2]
        selected = super().headers_to_sign(request)  # type: ignore[misc]
        self._aws_essentials_signed = (request, state, selected)
        return selected


def _share_signing() -> bool:
    """Register SigV4 signers that select the headers to sign once (``_SignedHeadersOnce``).

    botocore picks a request's signer class from ``botocore.auth.AUTH_TYPE_MAPS`` by signature
    version; "v4" and "s3v4" are replaced there by subclasses of botocore's own, and only when they
    are botocore's pure-Python signers (with awscrt installed botocore signs in C: left alone).
    """
    from botocore import auth

    maps = getattr(auth, "AUTH_TYPE_MAPS", None)
    pure = {"v4": getattr(auth, "SigV4Auth", None), "s3v4": getattr(auth, "S3SigV4Auth", None)}
    if (not isinstance(maps, dict) or any(signer is None or maps.get(name) is not signer
                                          for name, signer in pure.items())
            or "headers_to_sign" not in vars(auth.SigV4Auth)):
        return False
    for name, signer in pure.items():
        maps[name] = type(signer.__name__, (_SignedHeadersOnce, signer), {"__module__": __name__})
    return True


def _share_header_dicts() -> bool:
    """Copy, read and list botocore's ``HeadersDict`` without a new key object per entry read.

    A prepared request's and a response's headers are each a ``HeadersDict`` (a case-insensitive
    mapping keyed by ``_HeaderKey`` objects) built 3 times a call, copied, listed and looked up
    through ``MutableMapping``'s generic methods: every entry listed is looked up again by a new
    key, every ``get`` or ``in`` of an absent header raises and catches a KeyError (~50 key objects
    a call). These do the same on the underlying dict: the same entries, the same order, the same
    keys kept when one is set again; other mappings and iterables are added as
    ``MutableMapping.update`` adds them.
    """
    from collections.abc import ItemsView, Mapping

    from botocore import awsrequest

    headers_class, key_class = getattr(awsrequest, "HeadersDict", None), getattr(awsrequest, "_HeaderKey", None)
    if headers_class is None or key_class is None:
        return False
    probe = headers_class({"A": "1"})
    if type(probe.__dict__.get("_dict")) is not dict or any(type(key) is not key_class for key in probe._dict) \
            or list(probe) != ["A"] or not hasattr(key_class("A"), "_key"):
        return False
    class HeaderItems(ItemsView):
        def __iter__(self) -> Any:
            for key, value in self._mapping._dict.items():
                yield key._key, value

    def update(headers: Any, other: Any = (), /, **more: Any) -> None:
        entries = headers._dict
        if type(other) is ItemsView or type(other) is HeaderItems:
            other = other._mapping
        if type(other) is headers_class:  # its keys are already keys: the same entries, no new key each
            entries.update(other._dict)
        elif isinstance(other, Mapping):
            for name in other:
                entries[key_class(name)] = other[name]
        elif hasattr(other, "keys"):
            for name in other.keys():
                entries[key_class(name)] = other[name]
        else:
            for name, value in other:
                entries[key_class(name)] = value
        for name, value in more.items():
            entries[key_class(name)] = value

    def items(headers: Any) -> Any:
        return HeaderItems(headers)

    def get(headers: Any, name: str, default: Any = None) -> Any:
        return headers._dict.get(key_class(name), default)

    def contains(headers: Any, name: Any) -> bool:
        return key_class(name) in headers._dict

    for name, function in (("update", update), ("items", items), ("get", get), ("__contains__", contains)):
        _install(headers_class, name, function)
    return True


def _share_paginators() -> bool:
    """One paginator per client and operation, made on its first use.

    ``get_paginator`` makes a new class (with a docstring object) and a new ``Paginator`` (which
    compiles its token and result-key expressions) every time it is asked, ~80 us, once per
    paginated read. A ``Paginator`` keeps only its configuration and the client's bound method:
    each ``paginate()`` starts its own page iterator, so one serves every thread of its client.
    """
    from botocore.client import BaseClient

    original = getattr(BaseClient, "get_paginator", None)
    if original is None:
        return False

    def get_paginator(client: Any, operation_name: str) -> Any:
        made = client.__dict__.get("_aws_essentials_paginators")
        if made is None:
            made = client.__dict__.setdefault("_aws_essentials_paginators", {})
        paginator = made.get(operation_name)
        if paginator is None:  # not pageable: botocore raises, and nothing is kept
            paginator = made[operation_name] = original(client, operation_name)
        return paginator

    _install(BaseClient, "get_paginator", get_paginator)
    return True


def _share_invocation_ids() -> bool:
    """Draw each call's invocation id from the kernel's random bytes 4 KB at a time, not 16 bytes a call.

    botocore gives every API call an ``amz-sdk-invocation-id`` header, ``str(uuid.uuid4())``:
    ``UUID(bytes=os.urandom(16), version=4)``. Each ``os.urandom`` is a ``getrandom`` system call
    made with the GIL released, and with 48 region threads a released GIL is usually taken by
    another thread, so the caller then waits to get it back: a hand-over (futex calls, two context
    switches) per API call. Here the same expression takes its 16 bytes from one ``os.urandom`` of
    4 KB (256 ids): the same kernel source, each block of bytes handed out once (``next`` on a list
    iterator is atomic under the GIL), none after a fork (the child draws its own).
    """
    import os
    import uuid

    from botocore import endpoint

    update = getattr(getattr(endpoint, "Endpoint", None), "_update_retries_context", None)
    names = getattr(getattr(update, "__code__", None), "co_names", ())
    if getattr(endpoint, "uuid", None) is not uuid or "uuid4" not in names:
        return False
    blocks = [iter(())]
    os.register_at_fork(after_in_child=lambda: blocks.__setitem__(0, iter(())))

    def uuid4() -> uuid.UUID:
        try:
            random = next(blocks[0])
        except StopIteration:
            drawn = os.urandom(16 * 256)
            fresh = iter([drawn[start:start + 16] for start in range(0, len(drawn), 16)])
            blocks[0] = fresh
            random = next(fresh)
        return uuid.UUID(bytes=random, version=4)

    class InvocationIds:
        """``botocore.endpoint``'s name for the uuid module: its ``uuid4`` is the one above."""

        def __getattr__(self, name: str) -> Any:
            return getattr(uuid, name)

    ids = InvocationIds()
    ids.uuid4 = uuid4
    uuid4.__wrapped__ = uuid.uuid4
    endpoint.uuid = ids
    return True


def _share_host_headers() -> bool:
    """Keep the Host header SigV4 signs per URL origin (``botocore.auth._host_from_url``: ~6.5 us a request).

    botocore works it out from the URL for every signature: a ``urlsplit``, the host lowercased, an
    IPv6 test (a second ``urlparse`` and a regular expression), the default port left out. All of
    it depends on the scheme and the authority only (``urlsplit`` ends the authority at the first
    ``/``, ``?`` or ``#``; the IPv6 test also refuses a URL holding a tab, CR or LF, which
    ``urlsplit`` would delete), so the answer for ``scheme://authority`` is the URL's and is kept
    for the last 1,024 origins. A URL with a tab, CR or LF, or another scheme, goes to botocore; a
    URL that makes it raise is not kept and raises again.
    """
    import functools

    from botocore import auth

    host_from_url = getattr(auth, "_host_from_url", None)
    headers_to_sign = getattr(getattr(auth, "SigV4Auth", None), "headers_to_sign", None)
    if host_from_url is None or "_host_from_url" not in getattr(getattr(headers_to_sign, "__code__", None),
                                                                "co_names", ()):
        return False
    kept = functools.lru_cache(maxsize=1024)(host_from_url)

    def host_of(url: str) -> str:
        if type(url) is not str or not url.startswith(("https://", "http://")) or "\t" in url or "\r" in url \
                or "\n" in url:
            return host_from_url(url)
        ends = [at for at in (url.find(mark, 8 if url[4] == "s" else 7) for mark in "/?#") if at >= 0]
        return kept(url[:min(ends)] if ends else url)

    host_of.cache_clear = kept.cache_clear  # type: ignore[attr-defined]
    _install(auth, "_host_from_url", host_of)
    return True


def _share_client_contexts() -> bool:
    """Copy the client context each API call starts (``start_as_current_context``) without ``deepcopy``.

    Every ``_make_api_call`` runs in a copy of the current ``ClientContext``; under a paginator (most
    of a check's reads) there is one, holding a set of feature-id strings, and ``deepcopy`` of it
    costs ~7.5 us a call (a generic copy of a dataclass). A new context with a new set of the same
    strings is that deep copy; a context of another shape still goes to ``deepcopy``. A class
    rather than a generator context manager (~1 us less); as a decorator it makes one per call.
    """
    import contextlib
    import dataclasses

    from botocore import context

    client_context = getattr(context, "ClientContext", None)
    if (not hasattr(context, "start_as_current_context") or client_context is None
            or [field.name for field in dataclasses.fields(client_context)] != ["features"]):
        return False
    get_context, set_context, reset_context, deepcopy = (context.get_context, context.set_context,
                                                         context.reset_context, context.deepcopy)

    class CurrentContext(contextlib.ContextDecorator):
        def __init__(self, ctx: Any = None) -> None:
            self._context = ctx

        def _recreate_cm(self) -> Any:
            return CurrentContext(self._context)

        def __enter__(self) -> None:
            current = self._context or get_context()
            if current is None:
                new = client_context()
            elif (type(current) is client_context and type(current.__dict__.get("features")) is set
                  and len(current.__dict__) == 1 and all(type(name) is str for name in current.features)):
                new = client_context(set(current.features))
            else:
                new = deepcopy(current)
            self._token = set_context(new)

        def __exit__(self, *exc: Any) -> None:
            reset_context(self._token)

    _install(context, "start_as_current_context", CurrentContext)
    return True


PARTS = (_share_response_headers, _share_alias_misses, _share_config_lookups, _share_request_headers,
         _share_signing, _share_header_dicts, _share_paginators, _share_invocation_ids,
         _share_host_headers, _share_client_contexts)
