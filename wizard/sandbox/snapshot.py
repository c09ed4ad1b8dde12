"""A seeded account kept as a snapshot, so that going back to a scenario costs milliseconds.

Seeding a scenario sends a few hundred requests through moto (1-5 s of CPU; the org scenario
more); restoring its snapshot unpickles moto's backends and the gap state (about 20 ms). The
restored account is a deep copy: nothing of it is shared with the snapshot or with an earlier
restore, so writes after one restore are gone after the next.

What the pickle cannot or should not copy is kept by reference (``persistent_id``):
- moto's ``BackendDict`` objects are module globals its responses look up: restore refills them,
  and the state some keep beside their items (S3's global bucket-name registry, ``bucket_accounts``);
- locks cannot be pickled: each copy gets fresh ones (a snapshot is taken while no request runs);
- keys from ``cryptography`` (KMS, EC2 key pairs) cannot be pickled, are immutable, and
  re-parsing an RSA key costs ~90 ms: the copies share them.
"""

from __future__ import annotations

import io
import pickle
import threading
from dataclasses import dataclass, field
from typing import Any, Protocol

from .state import GapState


class Sandbox(Protocol):
    """What a snapshot reads and restores of a sandbox (``wizard.sandbox.server.Sandbox``, which
    imports this module: named by its shape here, not imported back)."""

    _gaps: GapState
    account_id: str
    member_account_ids: list[str]
    organization_id: str | None

_LOCK = type(threading.Lock())
_RLOCK = type(threading.RLock())


@dataclass
class Snapshot:
    data: bytes
    backend_dicts: dict[str, Any]  # BackendDict._id -> the live BackendDict
    shared: dict[int, Any] = field(default_factory=dict)  # immutable objects the copies share
    facts: dict[str, Any] = field(default_factory=dict)  # the Sandbox's own scenario facts


_FACTS = ("account_id", "member_account_ids", "organization_id")


def _shared_by_reference(obj: Any) -> bool:
    return type(obj).__module__.startswith("cryptography.")


class _Pickler(pickle.Pickler):
    def __init__(self, out: io.BytesIO, snapshot: Snapshot, backend_dict_type: type):
        super().__init__(out, protocol=pickle.HIGHEST_PROTOCOL)
        self.snapshot, self.backend_dict_type = snapshot, backend_dict_type

    def persistent_id(self, obj: Any) -> Any:
        if isinstance(obj, self.backend_dict_type):
            self.snapshot.backend_dicts[obj._id] = obj
            return ("backend_dict", obj._id)
        if isinstance(obj, (_LOCK, _RLOCK)):
            return ("lock", isinstance(obj, _RLOCK))
        if _shared_by_reference(obj):
            self.snapshot.shared[id(obj)] = obj
            return ("shared", id(obj))
        return None


class _Unpickler(pickle.Unpickler):
    def __init__(self, snapshot: Snapshot):
        super().__init__(io.BytesIO(snapshot.data))
        self.snapshot = snapshot

    def persistent_load(self, pid: Any) -> Any:
        kind, value = pid
        if kind == "backend_dict":
            return self.snapshot.backend_dicts[value]
        if kind == "lock":
            return threading.RLock() if value else threading.Lock()
        return self.snapshot.shared[value]


def _registries(backend_dict: Any) -> dict[str, dict]:
    """What a service keeps beside its backends, on the BackendDict itself: S3's bucket name ->
    owner map (``bucket_accounts``). Left behind by a restore, it names buckets no backend holds,
    and moto's get_bucket then follows it into itself without end."""
    return {name: value for name, value in vars(backend_dict).items() if isinstance(value, dict)}


def take(sandbox: "Sandbox") -> Snapshot:
    """The account as it is now: every moto backend in use, the gap state, the scenario facts."""
    from moto.core.base_backend import BackendDict

    snapshot = Snapshot(data=b"", backend_dicts={},
                        facts={name: getattr(sandbox, name) for name in _FACTS})
    out = io.BytesIO()
    with sandbox._gaps.lock:
        snapshot.backend_dicts.update((bd._id, bd) for bd in BackendDict._instances)
        contents = [(bd._id, dict(bd), _registries(bd)) for bd in BackendDict._instances]
        # one pickle for all, so objects that refer to each other across services still do
        _Pickler(out, snapshot, BackendDict).dump((contents, sandbox._gaps.accounts))
    snapshot.data = out.getvalue()
    return snapshot


def restore(sandbox: "Sandbox", snapshot: Snapshot) -> None:
    """Replace moto's backends and the gap state with a fresh copy of ``snapshot``."""
    from moto.core.base_backend import BackendDict, backend_lock
    from moto.core.model_instances import reset_model_data

    contents, accounts = _Unpickler(snapshot).load()
    with backend_lock:
        # Dropped, not reset: moto's reset re-creates every region's backend only to drop it here.
        for bd in BackendDict._instances:
            bd.clear()
            for name in _registries(bd):  # emptied too: a bucket made after the snapshot kept its name taken
                setattr(bd, name, {})
        BackendDict._instances.clear()
        for bd_id, accounts_of_service, registries in contents:
            live = snapshot.backend_dicts[bd_id]
            live.update(accounts_of_service)
            vars(live).update(registries)
            BackendDict._instances.append(live)
    reset_model_data()
    with sandbox._gaps.lock:
        sandbox._gaps.accounts.clear()
        sandbox._gaps.accounts.update(accounts)
    for name, value in snapshot.facts.items():
        setattr(sandbox, name, list(value) if isinstance(value, list) else value)
