"""Per-request work moto 5.2.5 repeats although its answer never changes, done once instead.

The sandbox shares the machine with the wizard it serves, so its CPU shows in every benchmark
and test. Two of moto's per-request costs give the same answer every time:

- ``method_names_from_class`` lists a response class's methods with ``inspect.getmembers``
  (about a tenth of the sandbox's CPU in a full `check`);
- ``list_of_moto_modules`` lists moto's package directory on disk to route a request.

Both are memoized here. moto means to keep each service's table of error shapes
(``ErrorLookupFactory``'s cache) but builds a new factory, so a new table, for every error it
answers: one factory is shared here (a twentieth of the sandbox's CPU for the large benchmark
account, whose buckets answer thousands of "no such configuration" errors). And
``GetAccessKeyLastUsed`` listed every access key of every user of every account to find one (a
tenth of the sandbox's CPU for that account's 1,000 users): each account's own table of keys is
looked in by id first, and moto's search runs when the key is not there, so the answer is moto's.

More, found by profiling the sandbox during the large account's check and `check --org` (issue 18,
eighth session; each patch keeps moto's function as a ``moto_*`` attribute, which
tests/sandbox/test_moto_tuning.py compares it with):

- an EC2 resource's tags (``TaggedEC2Resource.get_tags``, for every group, instance or VPC that
  moto describes) asked ``describe_tags`` with a ``resource-id`` filter, which compiles the id into a
  regular expression and matches it against every tagged resource: 2,000 distinct ids overflow
  ``re``'s cache of 512, so every security group paid a compile. An id without a wildcard
  (``*``, ``?``, ``[``) matches only itself, so its tags are looked up by id;
- ``DomainDispatcherApplication.get_backend_for_host`` matches the host it infers for every
  request against moto's ~200 URL patterns, under the dispatcher's one lock: its answer for a
  host is kept;
- ``get_account_id_from`` (which account an access key belongs to, asked twice per request: by the
  gap layer and by moto) walked every account and all 8 partitions, creating each partition's IAM
  backend on the way: a twentieth of the sandbox's CPU in `check --org` over 21 accounts. Its
  answers are kept while no access key was added or deleted and the accounts' IAM backends are
  the same objects (a reset or a snapshot's restore makes new ones);
- moto's serializer asks, for every member of every answer, which attribute names may hold it
  (``XFormedAttributePicker.get_possible_keys``: six alias providers made and asked per member).
  The names depend on the object's class, the member's name and its shape (and that shape's
  parent), which are the same objects from one request to the next (moto caches each service
  model): they are kept per (class, member, shape) while the shape and its parent stay the same,
  for objects whose class decides their attributes;
- every answer carries a request id of 52 random characters, each drawn by ``Random.choice``:
  drawn here from the same generator in the same way (``_randbelow``'s draws of 6 bits), so the
  ids, and every id moto makes after them from its seeded generator, are the ones moto would make;
- xmltodict (1.0.4, moto's XML writer for EC2 and S3) checks every element name of every answer
  character by character; the names are the service model's, a few hundred: a name that passed is
  not checked again (one that fails is checked, and refused, every time).

And two found in the ninth session (profile of the sandbox serving `check --org`, 21 accounts):

- every error moto answers looks up which botocore service its exception's package stands for
  (``service_name_from_moto_package_name``) by building a new botocore ``Session`` and listing every
  service model folder on disk: the answer for a package name is kept (the models on disk do not
  change while the sandbox runs);
- an EC2 backend is made the first time an account's region is asked for anything, and it makes
  the default VPC's default subnet in each zone: for each, moto listed all sixteen /20 blocks of
  the VPC's /16 as ``ipaddress`` networks to pick one (8% of the sandbox's CPU in the first
  `check --org` after a start or a restore). The blocks of a CIDR are kept as text per CIDR;
- every lookup of an account's backends (``BackendDict.__getitem__``: several a request) took
  moto's one global lock, copied the dictionary's keys to a list, and asked whether the
  dictionary is among moto's ~150 in use with a Python ``__eq__`` call per dictionary: 64 request
  threads queued on that lock. An account already there is returned without it, once the
  dictionary is known to be in use (found by identity, which is what ``__eq__`` compares: ids);
- every paginated listing (``moto.utilities.paginator``) read its backend method's signature with
  ``inspect.getfullargspec``: the signature of a function is kept (moto only reads it).

Only the sandbox installs this; it never touches the wizard's AWS access.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable

_installed = False
MOTO_VERSION = "5.2.5"  # the ninth session's shortcuts copy moto's code of this version; others keep moto's


def install() -> None:
    """Put every shortcut above in place (idempotent)."""
    global _installed
    if _installed:
        return
    import moto.backends as backends
    import moto.core.responses as responses

    responses.method_names_from_class = lru_cache(maxsize=None)(responses.method_names_from_class)
    modules = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: modules
    import moto.core.errors as errors

    shared = errors.ErrorLookupFactory()
    errors.ErrorLookupFactory = lambda: shared  # get_error_model's only use of the class
    from moto.iam.models import IAMBackend

    IAMBackend.get_access_key_last_used = _key_by_id(IAMBackend.get_access_key_last_used)
    from moto.ec2.models.tags import TagBackend

    TagBackend.describe_tags = _tags_by_id(TagBackend.describe_tags)
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    DomainDispatcherApplication.get_backend_for_host = _host_kept(DomainDispatcherApplication.get_backend_for_host)
    import moto.iam.models as iam_models

    iam_models.get_account_id_from = _accounts_kept(iam_models.get_account_id_from, iam_models)
    from moto.core import serialize

    picker = serialize.XFormedAttributePicker
    picker.get_possible_keys = _names_kept(picker.get_possible_keys, serialize.DEFAULT_ALIAS_PROVIDERS)
    from moto.moto_api._internal.moto_random import MotoRandom

    MotoRandom.get_random_string = _drawn_alike(MotoRandom.get_random_string)
    import xmltodict

    if hasattr(xmltodict, "_validate_name"):  # xmltodict >= 0.15 (not pinned: moto's dependency)
        xmltodict._validate_name = _valid_names_kept(xmltodict._validate_name)
    import moto

    if moto.__version__ == MOTO_VERSION:
        import moto.core.utils as moto_utils
        from moto.ec2.models.subnets import SubnetBackend

        moto_utils.service_name_from_moto_package_name = _service_names_kept(
            moto_utils.service_name_from_moto_package_name)
        SubnetBackend.create_default_subnet = _default_subnet(SubnetBackend.create_default_subnet)
        from moto.core.base_backend import BackendDict

        BackendDict.__getitem__ = _account_backends_unlocked(BackendDict.__getitem__, BackendDict)
        import moto.utilities.paginator as paginator

        paginator.inspect = _signatures_kept(paginator.inspect)
    _installed = True


def _key_by_id(search: Callable[[Any, str], dict]) -> Callable[[Any, str], dict]:
    def get_access_key_last_used(backend: Any, access_key_id: str) -> dict:
        from moto.iam.models import iam_backends

        for account in list(iam_backends.values()):  # the accounts moto's search walks, in its order
            own = account[backend.partition]
            key = own.access_keys.get(access_key_id)
            user = own.users.get(key.user_name) if key is not None and key.user_name else None
            if user is not None and any(held is key for held in user.access_keys):
                return {"user_name": key.user_name, "last_used": key.last_used}
        return search(backend, access_key_id)  # not a user's key in any table: moto's answer, or its error

    return get_access_key_last_used


_WILDCARDS = frozenset("*?[")  # what moto's filter (fnmatch) reads as a pattern in an id


def _tags_by_id(describe: Callable[..., list]) -> Callable[..., list]:
    def describe_tags(backend: Any, filters: dict | None = None) -> list:
        ids = filters.get("resource-id") if filters is not None and len(filters) == 1 else None
        if not ids or len(ids) != 1 or not isinstance(ids[0], str) or _WILDCARDS.intersection(ids[0]):
            return describe(backend, filters)
        from moto.ec2.utils import EC2_PREFIX_TO_RESOURCE, get_prefix

        resource_id = ids[0]
        tags = backend.tags.get(resource_id) or {}  # .get: moto's defaultdict must not grow a key here
        kind = EC2_PREFIX_TO_RESOURCE.get(get_prefix(resource_id), "") if tags else ""
        return [{"resource_id": resource_id, "key": key, "value": value, "resource_type": kind}
                for key, value in list(tags.items())]

    describe_tags.moto_describe_tags = describe  # type: ignore[attr-defined]  # for the test that compares them
    return describe_tags


_HOSTS_KEPT = 4096  # inferred hosts are "<service>.<region>.amazonaws.com": a few hundred at most


def _host_kept(find: Callable[[Any, "str | None"], Any]) -> Callable[[Any, "str | None"], Any]:
    kept: dict[str, Any] = {}

    def get_backend_for_host(dispatcher: Any, host: str | None) -> Any:
        backend = kept.get(host) if host is not None else None
        if backend is None:
            backend = find(dispatcher, host)  # None is not kept: moto says so on stdout each time
            if backend is not None and host is not None and len(kept) < _HOSTS_KEPT:
                kept[host] = backend
        return backend

    get_backend_for_host.moto_get_backend_for_host = find  # type: ignore[attr-defined]
    return get_backend_for_host


def _accounts_kept(search: Callable[[str], str], iam_models: Any) -> Callable[[str], str]:
    """moto's ``get_account_id_from``, its answers kept until an access key or an account changes."""
    kept: dict[str, str] = {}
    seen: list[Any] = []  # the IAM backends of every account when ``kept`` was filled (held: ids stay unique)
    version = [0, -1]  # [now, when ``kept`` was filled]: bumped after every change to a table of access keys

    def changes_keys(method: Callable[..., Any]) -> Callable[..., Any]:
        def changed(*args: Any, **kwargs: Any) -> Any:
            try:
                return method(*args, **kwargs)
            finally:
                version[0] += 1

        return changed

    # moto's only writers of IAMBackend.access_keys, the table moto's search reads (moto 5.2.5), and
    # its reset (which makes a new table)
    backend = iam_models.IAMBackend
    for name in ("create_access_key", "create_temp_access_key", "delete_access_key_by_name", "reset"):
        setattr(backend, name, changes_keys(getattr(backend, name)))

    def get_account_id_from(access_key: str) -> str:
        now = version[0]
        accounts = list(iam_models.iam_backends.values())
        if now != version[1] or len(accounts) != len(seen) or any(a is not b for a, b in zip(accounts, seen)):
            kept.clear()
            seen[:] = accounts
            version[1] = now
        account_id = kept.get(access_key)
        if account_id is None:
            account_id = search(access_key)
            if version[0] == now == version[1] and len(kept) < 10_000:  # no key came or went meanwhile
                kept[access_key] = account_id
        return account_id

    get_account_id_from.moto_get_account_id_from = search  # type: ignore[attr-defined]
    return get_account_id_from


# C's generic attribute lookup (PyObject_GenericGetAttr) under the names of the classes that set it
_GENERIC_LOOKUPS = (object.__getattribute__, dict.__getattribute__, BaseException.__getattribute__)


def class_decides(kind: type) -> bool:
    """Whether the alias providers' answers for an object of this class depend on the class alone:
    no dynamic attribute lookup (``Meta``, ``__class__`` are read from the object), no slots (a slot
    named ``Meta`` would be the object's own). A dict's or an exception's lookup is C's generic one
    too: their providers' answers are the class's (an exception's own ``Meta`` is checked per object)."""
    return (any(kind.__getattribute__ is generic for generic in _GENERIC_LOOKUPS)
            and not hasattr(kind, "__getattr__")
            and not any("__slots__" in vars(base) or isinstance(vars(base).get("__class__"), property)
                        for base in kind.__mro__))


def _names_kept(names: Callable[[Any, Any], Any], default_providers: list) -> Callable[[Any, Any], Any]:
    kept: dict[tuple, tuple] = {}
    plain: dict[type, bool] = {}

    def get_possible_keys(picker: Any, context: Any) -> Any:
        obj, shape = context.obj, context.shape
        kind = type(obj)
        decides = plain.get(kind)
        if decides is None:
            decides = plain[kind] = class_decides(kind)
        own = getattr(obj, "__dict__", None)
        if (not decides or picker.alias_providers is not default_providers
                or (own is not None and ("Meta" in own or "__class__" in own))):
            return names(picker, context)
        parent = getattr(shape, "parent", None)
        key = (kind, context.key, id(shape))
        entry = kept.get(key)
        if entry is None or entry[0] is not shape or entry[1] is not parent:
            entry = (shape, parent, tuple(names(picker, context)))  # the shape held: its id stays its own
            if len(kept) < 100_000:
                kept[key] = entry
        return entry[2]

    get_possible_keys.moto_get_possible_keys = names  # type: ignore[attr-defined]
    return get_possible_keys


def _drawn_alike(draw: Callable[..., str]) -> Callable[..., str]:
    """``MotoRandom.get_random_string`` without a ``choice`` call per character: the same draws
    (``Random._randbelow_with_getrandbits``, inlined), so the same characters from the same seed."""
    import random
    import string

    def get_random_string(rng: Any, length: int = 20, include_digits: bool = True, lower_case: bool = False) -> str:
        if type(rng)._randbelow is not random.Random._randbelow_with_getrandbits:
            return draw(rng, length, include_digits, lower_case)
        pool = string.ascii_letters + string.digits if include_digits else string.ascii_letters
        size = len(pool)
        bits = size.bit_length()
        getrandbits = rng.getrandbits
        chars = []
        for _ in range(length):
            drawn = getrandbits(bits)
            while drawn >= size:
                drawn = getrandbits(bits)
            chars.append(pool[drawn])
        text = "".join(chars)
        return text.lower() if lower_case else text

    get_random_string.moto_get_random_string = draw  # type: ignore[attr-defined]
    return get_random_string


def _valid_names_kept(validate: Callable[[Any, str], None]) -> Callable[[Any, str], None]:
    passed: set[tuple[str, str]] = set()

    def _validate_name(value: Any, kind: str) -> None:
        if type(value) is str and (value, kind) in passed:
            return
        validate(value, kind)  # raises ValueError for a name XML cannot hold
        if type(value) is str and len(passed) < 100_000:
            passed.add((value, kind))

    _validate_name.xmltodict_validate_name = validate  # type: ignore[attr-defined]
    return _validate_name


def _service_names_kept(lookup: Callable[[str], str]) -> Callable[[str], str]:
    kept = lru_cache(maxsize=1024)(lookup)  # moto's package names: a few hundred

    def service_name_from_moto_package_name(moto_package_name: str) -> str:
        return kept(moto_package_name)

    service_name_from_moto_package_name.moto_service_name_from_moto_package_name = lookup  # type: ignore[attr-defined]
    return service_name_from_moto_package_name


@lru_cache(maxsize=256)
def _blocks_of_20(cidr_block: str) -> tuple[str, ...]:
    import ipaddress

    return tuple(str(block) for block in ipaddress.ip_network(cidr_block).subnets(new_prefix=20))


def _default_subnet(make: Callable[[Any, str], Any]) -> Callable[[Any, str], Any]:
    """moto 5.2.5's ``SubnetBackend.create_default_subnet``, with the VPC's /20 blocks kept per CIDR."""

    def create_default_subnet(backend: Any, availability_zone: str) -> Any:
        from moto.ec2.exceptions import DefaultSubnetAlreadyExistsInAvailabilityZoneError, DefaultVpcDoesNotExistError

        default_subnets = backend.get_default_subnets()
        if availability_zone in default_subnets:
            raise DefaultSubnetAlreadyExistsInAvailabilityZoneError(
                default_subnets[availability_zone].id, availability_zone)
        default_vpc = backend.get_default_vpc()
        if default_vpc is None:
            raise DefaultVpcDoesNotExistError()
        blocks = _blocks_of_20(default_vpc.cidr_block)
        return backend.create_subnet(vpc_id=default_vpc.id, cidr_block=blocks[len(default_subnets)],
                                     availability_zone=availability_zone)

    create_default_subnet.moto_create_default_subnet = make  # type: ignore[attr-defined]
    return create_default_subnet


def _account_backends_unlocked(lookup: Callable[[Any, str], Any], backend_dict: type) -> Callable[[Any, str], Any]:
    """moto 5.2.5's ``BackendDict.__getitem__`` without its lock for an account that is there already.

    moto's version makes the account's entry if missing and puts the dictionary among
    ``BackendDict._instances`` (what its reset empties) if not there; when both are so already it
    changes nothing, which is what is checked here, lock-free (reads of a dict and a list are
    atomic under the GIL; moto's reset and our restore change them under its lock)."""
    import itertools
    import operator

    get = dict.get

    def __getitem__(backends: Any, account_id: str) -> Any:
        found = get(backends, account_id)
        if found is not None and any(map(operator.is_, backend_dict._instances, itertools.repeat(backends))):
            return found
        return lookup(backends, account_id)

    __getitem__.moto_getitem = lookup  # type: ignore[attr-defined]
    return __getitem__


def _signatures_kept(inspect_module: Any) -> Any:
    """What moto's paginator uses of ``inspect`` (only ``getfullargspec``), a function's answer kept."""
    import types

    kept = lru_cache(maxsize=4096)(inspect_module.getfullargspec)  # moto's paginated methods: a few hundred
    return types.SimpleNamespace(getfullargspec=kept, moto_inspect=inspect_module)
