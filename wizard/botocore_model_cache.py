"""Trimmed service models kept on disk, so a process reads ~1.5 MB of JSON instead of ~35 MB.

A full check decodes the whole model of each of ~22 services (~0.15 s of CPU, EC2's alone 0.04 s)
only to keep the part wizard/botocore_models.py trims it to (~0.02 s more). The trimmed part is the
same in every process until botocore's files or the trimming change, so it is written once, to
the user's cache folder, and read back in ~0.01 s for all services together.

A model decides where requests go (``hostPrefix``, endpoint traits), so a kept file is trusted no
more than botocore trusts its own model folders (it also reads ``~/.aws/models``, the user's):
the folder is made 0700, files are written 0600 and atomically, and a file is read only if it is
the user's own and nobody else may write it or its folder. A file is used only for the exact
inputs it was made from, which it names: botocore's version, every model file botocore would read
for that service (path, size, modification time, the extras included) and this package's trimming
code and operation list (a digest of wizard/botocore_models.py). Anything else (a missing, foreign,
damaged or stale file, a read-only folder) is a miss: the model is trimmed from botocore's files,
as without the cache, and the file written for it replaces the one made from the old inputs (the
folder holds one file per service and API version, ~1.5 MB in all). ``AWS_ESSENTIALS_MODEL_CACHE=off``
turns it off.

The same folder keeps botocore's list of services per model type (:func:`keep_service_listing`) and
each service's method names (:func:`know_python_names`).
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
import threading
from pathlib import Path
from typing import Any, Iterable

OFF_SWITCH = "AWS_ESSENTIALS_MODEL_CACHE"
_EXTENSIONS = (".json", ".json.gz")  # what botocore's JSONFileLoader opens, in its order
_digests: dict[str, str] = {}


def folder() -> Path:
    """``botocore-models`` in the user's cache folder (``wizard.paths.cache_dir``)."""
    from wizard.paths import cache_dir

    return cache_dir() / "botocore-models"


def _enabled() -> bool:
    return os.environ.get(OFF_SWITCH, "").strip().lower() not in ("off", "0", "false", "no")


def _digest(code: str) -> str:
    """A digest of the file ``code``, once per process."""
    if code not in _digests:
        _digests[code] = hashlib.sha256(Path(code).read_bytes()).hexdigest()
    return _digests[code]


def inputs(loader: Any, service: str, version: str, code: str) -> str | None:
    """What the trimmed model of ``service`` is made from, as one string; None if it cannot be told.

    ``code`` is the file of the trimming code and its operation list (wizard/botocore_models.py).
    """
    import botocore

    locations = getattr(loader, "_potential_locations", None)
    if locations is None:  # a botocore release without it: no cache
        return None
    names = ["service-2", *(f"service-2.{kind}-extras" for kind in loader.extras_types)]
    files = []
    for name in names:
        for base in locations(os.path.join(service, version, name)):
            for extension in _EXTENSIONS:
                try:
                    found = os.stat(base + extension)
                except OSError:
                    continue
                files.append([base + extension, found.st_size, found.st_mtime_ns])
    if not files:
        return None
    return json.dumps([botocore.__version__, _digest(code), service, version, files])


def _path(service: str, version: str, made_from: str) -> Path:
    return folder() / f"{service}-{version}-{hashlib.sha256(made_from.encode()).hexdigest()[:24]}.json"


def _trusted(path: Path) -> bool:
    """The user's own file in the user's own folder, writable by nobody else."""
    try:
        for item in (path, path.parent):
            info = os.lstat(item)
            if info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
                return False
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def read(service: str, version: str, made_from: str) -> dict[str, Any] | None:
    """The kept trimmed model made from exactly ``made_from``, or None."""
    if not _enabled():
        return None
    path = _path(service, version, made_from)
    if not _trusted(path):
        return None
    try:
        kept = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(kept, dict) or kept.get("made_from") != made_from or not isinstance(kept.get("model"), dict):
        return None
    return kept["model"]


def write(service: str, version: str, made_from: str, model: dict[str, Any]) -> None:
    """Keep ``model`` (plain JSON data) for ``made_from``; a folder that cannot be written is no error."""
    if not _enabled():
        return
    from wizard.paths import private_dir

    path = _path(service, version, made_from)
    try:
        private_dir(path.parent)
        data = json.dumps({"made_from": made_from, "model": model}, separators=(",", ":")).encode()
        # Atomic (a reader sees the old file or the whole new one); no fsync: a file lost in a
        # crash is only a miss next time.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")  # 0600
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
        for stale in path.parent.glob(f"{service}-{version}-*.json"):  # made from other inputs: not read again
            if stale != path:
                stale.unlink(missing_ok=True)
    except OSError:
        pass


def keep_service_listing(loader: Any) -> bool:
    """Make ``loader`` list the services of botocore's own data folder from a kept listing.

    botocore's ``load_service_model`` asks ``list_available_services(type)`` only to tell an unknown
    service (UnknownServiceError): it lists every folder of every search path and each of their API
    versions, ~450 services, once per model type a process loads (endpoint rules, paginators: ~35 ms
    of a check's CPU). The answer for botocore's own folder is the same until botocore changes, so
    it is kept in this module's folder, made from botocore's version and that folder's path and
    modification time (a service added or removed changes it); it is worked out by botocore's own
    ``list_available_services`` on that folder alone. Every other search path (``~/.aws/models``,
    ``AWS_DATA_PATH``, boto3's) is still listed by botocore each time, and the union sorted, as
    botocore does. Returns whether it took effect (not on a botocore without these parts).
    """
    from botocore.loaders import Loader

    builtin = getattr(Loader, "BUILTIN_DATA_PATH", None)
    if (builtin is None or not isinstance(getattr(loader, "_cache", None), dict)
            or not hasattr(loader, "list_available_services") or not hasattr(loader, "search_paths")):
        return False
    lock = threading.Lock()

    def botocore_listing(paths: list[str], type_name: str) -> set[str]:
        alone = Loader(extra_search_paths=paths, file_loader=loader.file_loader, include_default_search_paths=False)
        return set(alone.list_available_services(type_name))

    def builtin_listing(type_name: str) -> set[str]:
        import botocore

        try:
            found = os.stat(builtin)
        except OSError:
            return botocore_listing([builtin], type_name)
        made_from = json.dumps(["services-1", botocore.__version__, builtin, found.st_ino, found.st_mtime_ns,
                                type(loader.file_loader).__qualname__, type_name])
        kept = read("_services", type_name, made_from)
        listed = kept.get("services") if kept is not None else None
        if isinstance(listed, list) and all(isinstance(name, str) for name in listed):
            return set(listed)
        services = botocore_listing([builtin], type_name)
        write("_services", type_name, made_from, {"services": sorted(services)})
        return services

    def list_available_services(type_name: str) -> list[str]:
        key = ("list_available_services", type_name)  # botocore's own cache of it (instance_cache)
        with lock:
            services = loader._cache.get(key)
            if services is None:
                paths = [path for path in loader.search_paths if os.path.isdir(path)]
                others = [path for path in paths if os.path.realpath(path) != os.path.realpath(builtin)]
                listed = botocore_listing(others, type_name) if others else set()
                if len(others) < len(paths):
                    listed |= builtin_listing(type_name)
                services = loader._cache[key] = sorted(listed)
        return services

    loader.list_available_services = list_available_services
    return True


def know_python_names(service: str, version: str, operations: Iterable[str]) -> None:
    """Put the method names of ``operations`` into botocore's cache of ``xform_name``, kept from before.

    A client class has a method per operation of its service, named by ``xform_name``
    (``DescribeVpcs``: ``describe_vpcs``): ~2,600 names for a check's 22 services, three regular
    expressions each (~15 ms of CPU), the same answers in every process of one botocore. They are
    kept per service, made from botocore's version and the operations' names. Only if botocore
    still caches its answers in ``_xform_cache`` under ``(name, "_")``; else botocore works them out.
    """
    import botocore

    cache = getattr(botocore, "_xform_cache", None)
    if (not _enabled() or not isinstance(cache, dict) or botocore.xform_name("DescribeVpcs") != "describe_vpcs"
            or cache.get(("DescribeVpcs", "_")) != "describe_vpcs"):
        return
    names = sorted(operations)
    made_from = json.dumps(["python-names-1", botocore.__version__, service, version,
                            hashlib.sha256("\n".join(names).encode()).hexdigest()])
    kept = read(f"_names-{service}", version, made_from)
    known = kept.get("names") if kept is not None else None
    if isinstance(known, dict) and all(isinstance(value, str) for value in known.values()):
        for name in names:
            if name in known:
                cache.setdefault((name, "_"), known[name])
        return
    write(f"_names-{service}", version, made_from, {"names": {name: botocore.xform_name(name) for name in names}})
