"""Build each botocore client from parts made once per process, not once per client.

A full `check` needs a client per service per region: about 220 for one account, and as many
again for every member account of an organization. botocore builds each one from scratch: a
new client class (one method per API operation), a new parsed service model, a new parsed
endpoint ruleset and a new cache of event-name aliases. All of them depend only on the service's
model files (or on botocore's constants), which are the same for every region, account and
session, and none is changed once built. Sharing them, sharing the session's event handler trie
until a client changes it, and a few cheaper answers to questions botocore asks per client (the
profile's config section, whether a handler takes ``**kwargs``, the User-Agent header) cut the CPU
of building a client by about three quarters; the first call of an operation in one region also warms its operation
model for every other region. Models are read into plain dicts (half the CPU of OrderedDicts).

Each part replaces one private botocore method, so each is guarded: when a botocore release no
longer has what it wraps, that part is skipped (the wizard is then slower, never wrong).
``AWS_ESSENTIALS_BOTOCORE_SHARING=off`` in the environment leaves botocore as it is (for a
botocore release newer than the cap in pyproject.toml, or to rule the sharing out).
``scripts/test-newest-botocore`` runs the sharing's tests on the newest botocore on PyPI.
``tests/wizard/test_botocore_sharing.py`` checks that every part takes effect on the installed
botocore and that clients built this way still reach their own region's endpoint.
"""

from __future__ import annotations

import os
import threading
import weakref
from typing import Any

from wizard.botocore_exchange import _share_lean_exchange
from wizard.botocore_http import _share_http_sessions
from wizard.botocore_timestamps import _share_timestamps

_LOCK = threading.Lock()
_CLASSES: dict[tuple[str, str, tuple], type] = {}
_ALIASES: dict[str, str] = {}


class _LoaderParts:
    """What was built from one model loader's parsed JSON, keyed by that JSON's identity.

    It lives as long as its loader (which caches the JSON, so an id is not reused meanwhile) and
    goes with it. A process-wide cache kept every loader's documents alive instead: each boto3
    session made without the shared loader (the sandbox's seeding makes one per account on every
    reset) added its service models for good, ~40 MB per re-seed of the insecure scenario.
    """

    __slots__ = ("models", "providers", "__weakref__")

    def __init__(self) -> None:
        self.models: dict[tuple[str, int], tuple[Any, Any]] = {}
        self.providers: dict[tuple[int, frozenset], tuple[Any, Any]] = {}


_BY_LOADER: "weakref.WeakKeyDictionary[Any, _LoaderParts]" = weakref.WeakKeyDictionary()
# The endpoint provider is built from a loader's partitions document, which names its loader.
_BY_PARTITIONS: "weakref.WeakValueDictionary[int, _LoaderParts]" = weakref.WeakValueDictionary()


def _loader_parts(loader: Any) -> _LoaderParts:
    with _LOCK:
        parts = _BY_LOADER.get(loader)
        if parts is None:
            parts = _BY_LOADER[loader] = _LoaderParts()
            _BY_PARTITIONS[id(loader.load_data("partitions"))] = parts
        return parts


_installed: frozenset[str] | None = None  # the parts in place, once share_client_parts has run
OFF_SWITCH = "AWS_ESSENTIALS_BOTOCORE_SHARING"  # "off" (or 0, false, no): plain botocore, nothing replaced


def share_client_parts() -> frozenset[str]:
    """Install the sharing once per process; returns which parts are shared."""
    global _installed
    if _installed is None:
        with _LOCK:
            if _installed is None and os.environ.get(OFF_SWITCH, "").strip().lower() in ("off", "0", "false", "no"):
                _installed = frozenset()
            if _installed is None:
                from wizard.botocore_calls import PARTS as call_parts  # the per-call path's parts
                from wizard.botocore_endpoint_params import _share_endpoint_params
                from wizard.botocore_sigv4 import _share_direct_sigv4

                parts = (_share_classes, _share_service_models, _share_endpoint_providers,
                         _share_event_aliases, _share_handlers, _share_plain_json,
                         _share_kwargs_check, _share_scoped_config, _share_user_agent, _share_request_body,
                         _share_http_sessions, _share_lean_exchange, _share_recursion_check, *call_parts,
                         _share_direct_sigv4, _share_endpoint_params, _share_timestamps)
                _installed = frozenset(part.__name__.removeprefix("_share_") for part in parts if part())
    return _installed


def _shared(cache: dict, key: Any, build: Any) -> Any:
    value = cache.get(key)
    if value is None:
        value = build()
        with _LOCK:
            value = cache.setdefault(key, value)
    return value


def _share_classes() -> bool:
    """One client class per (service, API version, handlers that shape it): ~30 ms each for EC2's 700 operations.

    Handlers of ``creating-client-class`` may add methods and bases: boto3's sessions give S3's
    class ``upload_file`` and the rest of its transfer methods, the wizard's sessions (plain
    botocore, wizard/aws_session.py) do not. A class is shared only between sessions whose
    handlers for it are the same by name (boto3 makes a new function for each of its sessions).
    """
    from botocore.client import ClientCreator
    from botocore.hooks import HierarchicalEmitter

    build = getattr(ClientCreator, "_create_client_class", None)
    if build is None or not hasattr(getattr(HierarchicalEmitter(), "_handlers", None), "prefix_search"):
        return False

    def shapers(creator: Any, service_model: Any) -> tuple | None:
        emitter = getattr(creator, "_event_emitter", None)
        event = f"creating-client-class.{service_model.service_id.hyphenize()}"
        while not hasattr(emitter, "_handlers") and hasattr(emitter, "_emitter"):  # a session's EventAliaser
            alias = getattr(emitter, "_alias_event_name", None)
            event, emitter = alias(event) if alias else event, emitter._emitter
        handlers = getattr(emitter, "_handlers", None)
        if not hasattr(handlers, "prefix_search"):
            return None
        return tuple(f"{getattr(handler, '__module__', '')}.{getattr(handler, '__qualname__', type(handler))}"
                     for handler in handlers.prefix_search(event))

    def shared_class(creator: Any, service_name: str, service_model: Any) -> type:
        shaped_by = shapers(creator, service_model)
        if shaped_by is None:  # an emitter of another kind: its handlers cannot be told
            return build(creator, service_name, service_model)
        return _shared(_CLASSES, (service_name, service_model.api_version, shaped_by),
                       lambda: build(creator, service_name, service_model))

    ClientCreator._create_client_class = shared_class
    return True


def _share_service_models() -> bool:
    """One parsed ``ServiceModel`` per service model file (the loader already caches the JSON)."""
    from botocore.client import ClientCreator
    from botocore.model import ServiceModel

    from wizard.botocore_model_cache import know_python_names

    if not hasattr(ClientCreator, "_load_service_model"):
        return False

    def shared_model(creator: Any, service_name: str, api_version: str | None = None) -> Any:
        document = creator._loader.load_service_model(service_name, "service-2", api_version=api_version)
        # The loader returns the same dict for the same file (and the wizard's sessions share one loader).
        return _shared(_loader_parts(creator._loader).models, (service_name, id(document)),
                       lambda: (document, parsed(service_name, document)))[1]

    def parsed(service_name: str, document: dict) -> Any:
        model = ServiceModel(document, service_name=service_name)
        # Its client class names a method per operation: names kept from an earlier process, if any.
        know_python_names(service_name, model.api_version, document.get("operations", {}))
        return model

    ClientCreator._load_service_model = shared_model
    return True


ENDPOINT_CACHE = 2048  # resolved endpoints kept per shared provider (botocore: 100 for all of them)


def _share_endpoint_providers() -> bool:
    """One parsed endpoint ruleset per service; it resolves any region (its cache is keyed by region).

    botocore keeps the last 100 resolved endpoints for all services together, and S3's parameters
    name the bucket: an account's buckets (500 in the large benchmark, each read 6 or 7 times by
    48 threads at once) and ~250 regional clients push each other out, and every miss evaluates
    S3's ruleset again (0.2-0.4 ms against 0.05 ms for a hit). A shared provider keeps its own
    2,048 in front of botocore's cache; the answers are botocore's, as before.
    """
    import functools

    import botocore.regions as regions

    provider_class = getattr(regions, "EndpointProvider", None)
    if provider_class is None or not isinstance(provider_class, type):
        return False

    def shared_provider(ruleset_data: Any, partition_data: Any, excluded_params: Any = None) -> Any:
        def build() -> Any:
            return provider_class(ruleset_data=ruleset_data, partition_data=partition_data,
                                  excluded_params=excluded_params)

        parts = _BY_PARTITIONS.get(id(partition_data))
        if parts is None:  # not from a loader whose models are shared: build it as botocore does
            return build()
        key = (id(ruleset_data), frozenset(excluded_params or ()))
        return _shared(parts.providers, key, lambda: (ruleset_data, keep_endpoints(build())))[1]

    def keep_endpoints(provider: Any) -> Any:
        resolve = provider.resolve_endpoint
        cached = functools.lru_cache(maxsize=ENDPOINT_CACHE)(lambda **params: resolve(**params))

        def resolve_endpoint(**params: Any) -> Any:
            for name, value in params.items():
                if isinstance(value, list):  # hashable, as botocore's own cache makes it
                    params[name] = tuple(value)
            return cached(**params)

        provider.resolve_endpoint = resolve_endpoint
        return provider

    regions.EndpointProvider = shared_provider
    return True


def _share_event_aliases() -> bool:
    """One cache of event-name aliases for every client, instead of one per client.

    Each client's event aliaser works out the aliased name of every event it emits (a loop over
    about 60 aliases with string splits) and caches it on the client; with ~220 clients that work
    is most of what an API call's events cost. The answer depends only on the alias table,
    which is botocore's constant unless a caller passes its own, so only those share.
    """
    from botocore.hooks import EventAliaser
    from botocore.utils import EVENT_ALIASES

    init = EventAliaser.__init__
    if not hasattr(EventAliaser, "_alias_event_name"):
        return False

    def shared_aliases(aliaser: Any, event_emitter: Any, event_aliases: Any = None) -> None:
        init(aliaser, event_emitter, event_aliases)
        if getattr(aliaser, "_alias_name_cache", None) == {} and aliaser._event_aliases == EVENT_ALIASES:
            aliaser._alias_name_cache = _ALIASES

    EventAliaser.__init__ = shared_aliases
    return True


def _share_handlers() -> bool:
    """A client's handler trie shares its nodes with its session's until one of them changes.

    Every client starts from a copy of its session's handlers (about 400 trie nodes, copied node
    by node); most of a client's ~30 own registrations touch a few short paths. Here a copy
    shares every node, and a change (``append_item``, ``remove_item``) first copies the nodes on
    its own path (path copying, as persistent data structures do). Each trie marks the nodes it
    may change in place with a token of its own; a copy gives both tries new tokens, so neither
    changes a node the other can see. Handlers registered on one client stay on that client
    (tests/wizard/test_botocore_sharing.py).
    """
    from botocore.hooks import NodeList, _PrefixTrie

    original_remove = getattr(_PrefixTrie, "_remove_item", None)
    if (original_remove is None or not hasattr(_PrefixTrie, "append_item")
            or NodeList._fields != ("first", "middle", "last")
            or set(_PrefixTrie().__dict__) != {"_root"}
            or set(_PrefixTrie()._root) != {"chunk", "children", "values"}):
        return False

    def own(trie: Any, node: dict) -> dict:
        """``node`` itself when this trie made it since its last copy, else a private copy of it."""
        if node.get("owner") is trie.__dict__.get("_token"):
            return node
        values = node["values"]
        return {"chunk": node["chunk"], "children": dict(node["children"]), "owner": trie.__dict__.get("_token"),
                "values": None if values is None else NodeList(values.first[:], values.middle[:], values.last[:])}

    def own_path(trie: Any, key: str, create: bool) -> dict:
        """The node for ``key``, with every node from the root to it owned by this trie."""
        current = trie._root = own(trie, trie._root)
        for part in key.split("."):
            child = current["children"].get(part)
            if child is None:
                if not create:
                    break
                child = {"chunk": part, "values": None, "children": {}, "owner": trie.__dict__.get("_token")}
            child = current["children"][part] = own(trie, child)
            current = child
        return current

    def append_item(trie: Any, key: str, value: Any, section: int = 1) -> None:
        node = own_path(trie, key, create=True)
        if node["values"] is None:
            node["values"] = NodeList([], [], [])
        node["values"][section].append(value)

    def remove_item(trie: Any, key: str, value: Any) -> None:
        own_path(trie, key, create=False)
        original_remove(trie, trie._root, key.split("."), value, index=0)

    def share(trie: Any) -> Any:
        copied = trie.__class__()
        copied._root = trie._root
        trie._token = object()  # nodes made so far are shared now: neither trie changes them in place
        copied._token = object()
        return copied

    _PrefixTrie.append_item = append_item
    _PrefixTrie.remove_item = remove_item
    _PrefixTrie.__copy__ = share
    return True


def _share_plain_json() -> bool:
    """Read botocore's model files into plain dicts rather than ``OrderedDict``s.

    botocore parses every model with ``object_pairs_hook=OrderedDict``, which keeps the parse in
    Python; without the hook it stays in C. Dicts keep insertion order (Python 3.7+), which is
    all botocore relies on. About 20 service models and their endpoint rules take 0.13 s of CPU
    this way instead of 0.25 s, and less memory.
    """
    import json
    import os

    from botocore.loaders import JSONFileLoader

    if not hasattr(JSONFileLoader, "_load_file"):
        return False

    def load_file(loader: Any, full_path: str, open_method: Any) -> Any:
        if not os.path.isfile(full_path):
            return None
        with open_method(full_path, "rb") as fp:
            return json.loads(fp.read().decode("utf-8"))

    JSONFileLoader._load_file = load_file
    return True


def _share_kwargs_check() -> bool:
    """Answer botocore's "does this handler take **kwargs" from the function's code flags.

    botocore asks ``inspect.getfullargspec`` on every registration (~40 per client); for a plain
    function or method the answer is one bit of its code object. Anything else (a partial, a
    callable object, a function with its own ``__signature__``) still goes to botocore's check.
    """
    import inspect
    from types import FunctionType, MethodType

    import botocore.hooks as hooks

    original = getattr(hooks, "accepts_kwargs", None)
    if original is None:
        return False

    def accepts_kwargs(func: Any) -> Any:
        plain = func.__func__ if type(func) is MethodType else func
        if type(plain) is FunctionType and "__signature__" not in plain.__dict__:
            return plain.__code__.co_flags & inspect.CO_VARKEYWORDS
        return original(func)

    hooks.accepts_kwargs = accepts_kwargs
    return True


def _share_scoped_config() -> bool:
    """Work out a session's profile section once, not ~50 times per client.

    botocore looks up the profile section of the config file for nearly every setting of every
    client it builds, each time resolving the profile's name through the environment again.
    The file is already read once per session; this keeps the section too, until the session's
    own variables change (``set_config_variable``, as ``profile_name=`` does).
    """
    from botocore.session import Session

    scoped = getattr(Session, "get_scoped_config", None)
    set_variable = getattr(Session, "set_config_variable", None)
    if scoped is None or set_variable is None:
        return False

    def kept_scoped_config(session: Any) -> Any:
        kept = session.__dict__.get("_aws_essentials_scoped")
        if kept is None:
            kept = session._aws_essentials_scoped = scoped(session)
        return kept

    def set_config_variable(session: Any, logical_name: str, value: Any) -> None:
        session.__dict__.pop("_aws_essentials_scoped", None)
        set_variable(session, logical_name, value)

    Session.get_scoped_config = kept_scoped_config
    Session.set_config_variable = set_config_variable
    return True


def _share_user_agent() -> bool:
    """One User-Agent string per distinct value, not one built twice per request.

    botocore builds the header when it serialises a request and again when the request is
    created, each time cleaning every character of the request's feature ids, and builds its
    fixed part once per client (~0.2 ms: ~250 clients a check). The string depends only on the
    builder's own fields (platform, Python and SDK versions), the client config values botocore
    itself keys its per-client cache on (``_static_inputs``) and the request's feature ids, so it
    is kept per those. A customised ``modify_components`` (botocore's own hook) still goes to botocore.
    """
    from botocore import useragent

    builder = getattr(useragent, "UserAgentString", None)
    if (builder is None or not all(hasattr(builder, name) for name in ("to_string", "_static_inputs"))
            or not hasattr(useragent, "get_context") or not hasattr(useragent, "_default_modify_components")):
        return False
    to_string = builder.to_string
    per_client = frozenset({"_client_config", "_static_parts", "_client_features"})
    built: dict[tuple, str] = {}

    def shared_to_string(ua: Any) -> str:
        if useragent.modify_components is not useragent._default_modify_components:
            return to_string(ua)
        context = useragent.get_context()
        features = frozenset(ua._client_features or ()).union(() if context is None else context.features)
        try:
            key = (ua._static_inputs(), tuple(item for item in ua.__dict__.items() if item[0] not in per_client),
                   features)
            value = built.get(key)
        except TypeError:  # a field botocore added that cannot be a key
            return to_string(ua)
        if value is None:
            value = to_string(ua)
            if len(built) < 1000:
                built[key] = value
        return value

    shared_to_string.__wrapped__ = to_string  # type: ignore[attr-defined]
    builder.to_string = shared_to_string
    return True


def _share_request_body() -> bool:
    """A request's body for signing without preparing the whole request first.

    SigV4 hashes ``AWSRequest.body``, which botocore computes by preparing the whole request (the
    URL with its query encoded, a copy of every header, the content length) and keeping only the
    body; the request is prepared again to be sent. The body is what botocore's own preparer makes
    of it (``_prepare_body``), on its own: the same bytes for ~60 us less a request.
    """
    from botocore.awsrequest import AWSRequest, AWSRequestPreparer

    body = AWSRequest.__dict__.get("body")
    if (not isinstance(body, property) or not hasattr(AWSRequestPreparer, "_prepare_body")
            or getattr(AWSRequestPreparer.prepare, "__code__", None) is None
            or "_prepare_body" not in AWSRequestPreparer.prepare.__code__.co_names):
        return False

    def request_body(request: Any) -> Any:
        preparer = request._request_preparer
        if type(preparer).prepare is not AWSRequestPreparer.prepare:  # someone's own preparer: theirs
            return body.fget(request)
        prepared = preparer._prepare_body(request)
        return prepared.encode("utf-8") if isinstance(prepared, str) else prepared

    AWSRequest.body = property(request_body, doc=body.__doc__)
    return True


def _share_recursion_check() -> bool:
    """botocore's Lambda trace header handler, asking the environment without raising.

    ``add_recursion_detection_header`` runs before every call and asks ``os.environ`` for two
    variables only Lambda sets; each miss raises and catches a KeyError inside ``os.environ``
    (~12 us a call on a loaded machine, 2.4% of a large re-run's samples). The same two questions
    are asked of the environment's own dictionary, which ``os.environ`` keeps in step, and botocore's
    handler runs when both are there.
    """
    from botocore import handlers

    original = getattr(handlers, "add_recursion_detection_header", None)
    data, encode = getattr(os.environ, "_data", None), getattr(os.environ, "encodekey", None)
    entry = ("before-call", original)
    if original is None or not isinstance(data, dict) or encode is None or entry not in handlers.BUILTIN_HANDLERS:
        return False
    lambda_name, trace_id = encode("AWS_LAMBDA_FUNCTION_NAME"), encode("_X_AMZN_TRACE_ID")

    def add_recursion_detection_header(params: Any, **kwargs: Any) -> None:
        if lambda_name in data and trace_id in data:
            original(params, **kwargs)

    add_recursion_detection_header.__wrapped__ = original  # type: ignore[attr-defined]
    handlers.BUILTIN_HANDLERS[handlers.BUILTIN_HANDLERS.index(entry)] = ("before-call", add_recursion_detection_header)
    return True
