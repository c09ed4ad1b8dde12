"""Build each botocore client from parts made once per process, not once per client.

A full `check` needs a client per service per region: about 220 for one account, and as many
again for every member account of an organization. botocore builds each one from scratch: a
new client class (one method per API operation), a new parsed service model, a new parsed
endpoint ruleset and a new cache of event-name aliases. All of them depend only on the service's
model files (or on botocore's constants), which are the same for every region, account and
session, and none is changed once built. Sharing them, and copying the session's event handlers
more directly, halves the CPU of building a client; the first call of an operation in one region
also warms its operation model for every other region.

Each part replaces one private botocore method, so each is guarded: when a botocore release no
longer has what it wraps, that part is skipped (the wizard is then slower, never wrong).
``tests/wizard/test_botocore_sharing.py`` checks that every part takes effect on the installed
botocore and that clients built this way still reach their own region's endpoint.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

_LOCK = threading.Lock()
_CLASSES: dict[tuple[str, str], type] = {}
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


def share_client_parts() -> frozenset[str]:
    """Install the sharing once per process; returns which parts are shared."""
    global _installed
    if _installed is None:
        with _LOCK:
            if _installed is None:
                parts = (_share_classes, _share_service_models, _share_endpoint_providers,
                         _share_event_aliases, _share_handler_copy)
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
    """One client class per (service, API version): ~30 ms each for EC2's 700 operations."""
    from botocore.client import ClientCreator

    build = getattr(ClientCreator, "_create_client_class", None)
    if build is None:
        return False

    def shared_class(creator: Any, service_name: str, service_model: Any) -> type:
        return _shared(_CLASSES, (service_name, service_model.api_version),
                       lambda: build(creator, service_name, service_model))

    ClientCreator._create_client_class = shared_class
    return True


def _share_service_models() -> bool:
    """One parsed ``ServiceModel`` per service model file (the loader already caches the JSON)."""
    from botocore.client import ClientCreator
    from botocore.model import ServiceModel

    if not hasattr(ClientCreator, "_load_service_model"):
        return False

    def shared_model(creator: Any, service_name: str, api_version: str | None = None) -> Any:
        document = creator._loader.load_service_model(service_name, "service-2", api_version=api_version)
        # The loader returns the same dict for the same file (and the wizard's sessions share one loader).
        return _shared(_loader_parts(creator._loader).models, (service_name, id(document)),
                       lambda: (document, ServiceModel(document, service_name=service_name)))[1]

    ClientCreator._load_service_model = shared_model
    return True


def _share_endpoint_providers() -> bool:
    """One parsed endpoint ruleset per service; it resolves any region (its cache is keyed by region)."""
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
        return _shared(parts.providers, key, lambda: (ruleset_data, build()))[1]

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


def _share_handler_copy() -> bool:
    """Copy a session's handler trie for a new client without ``copy.copy`` on every node.

    (Not a sharing: each client still gets its own copy, as it must, since it registers its
    own handlers; the copy is only made more directly.)

    Every client starts from a copy of its session's handlers (about 400 trie nodes); botocore
    copies it through the generic ``copy`` protocol, node by node. This does the same copy (the
    trie's structure and handler lists, never the handlers) directly.
    """
    from botocore.hooks import NodeList, _PrefixTrie

    if not hasattr(_PrefixTrie, "_recursive_copy") or NodeList._fields != ("first", "middle", "last"):
        return False

    def recursive_copy(trie: Any, node: dict) -> dict:
        copied = {}
        for key, value in node.items():
            if isinstance(value, NodeList):
                copied[key] = NodeList(value.first.copy(), value.middle.copy(), value.last.copy())
            elif isinstance(value, dict):
                copied[key] = recursive_copy(trie, value)
            else:
                copied[key] = value
        return copied

    _PrefixTrie._recursive_copy = recursive_copy
    return True
