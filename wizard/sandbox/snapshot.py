"""A seeded account kept as a snapshot, so that going back to a scenario costs milliseconds.

Seeding a scenario sends a few hundred requests through moto (1-5 s of CPU; the org scenario
more); restoring its snapshot unpickles moto's backends and the gap state (about 20 ms). The
restored account is a deep copy: nothing of it is shared with the snapshot or with an earlier
restore, so writes after one restore are gone after the next.

What the pickle cannot or should not copy is kept by reference (``persistent_id``):
- moto's ``BackendDict`` objects are module globals its responses look up: restore refills them,
  and sets the state some keep on themselves (S3's account of every bucket name, the global
  bucket namespace) back to the snapshot's copy;
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
# What BackendDict.__init__ sets; anything else a subclass keeps on itself is state to snapshot.
_BACKEND_DICT_SETUP = frozenset({"backend", "service_name", "_use_boto3_regions", "_additional_regions", "_id"})


def _own_state(backend_dict: Any) -> dict[str, Any]:
    return {k: v for k, v in vars(backend_dict).items() if k not in _BACKEND_DICT_SETUP}


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


def take(sandbox: "Sandbox") -> Snapshot:
    """The account as it is now: every moto backend in use, the gap state, the scenario facts."""
    from moto.core.base_backend import BackendDict

    snapshot = Snapshot(data=b"", backend_dicts={},
                        facts={name: getattr(sandbox, name) for name in _FACTS})
    out = io.BytesIO()
    with sandbox._gaps.lock:
        # every BackendDict moto made, in use or not: one not in use may still hold state of its own
        snapshot.backend_dicts.update((bd._id, bd) for bd in _all_backend_dicts(BackendDict))
        contents = [(bd._id, dict(bd)) for bd in BackendDict._instances]
        own_state = {bd_id: _own_state(bd) for bd_id, bd in snapshot.backend_dicts.items() if _own_state(bd)}
        # one pickle for all, so objects that refer to each other across services still do
        _Pickler(out, snapshot, BackendDict).dump((contents, own_state, sandbox._gaps.accounts))
    snapshot.data = out.getvalue()
    return snapshot


def _all_backend_dicts(backend_dict_type: type) -> list[Any]:
    """Every BackendDict of moto's service modules imported so far (each module has its globals)."""
    import sys

    found: dict[int, Any] = {}
    for name, module in list(sys.modules.items()):
        if name.startswith("moto.") and module is not None:
            for value in list(vars(module).values()):
                if isinstance(value, backend_dict_type):
                    found[id(value)] = value
    for bd in backend_dict_type._instances:
        found[id(bd)] = bd
    return list(found.values())


def restore(sandbox: "Sandbox", snapshot: Snapshot) -> None:
    """Replace moto's backends and the gap state with a fresh copy of ``snapshot``."""
    from moto.core.base_backend import BackendDict, backend_lock
    from moto.core.model_instances import reset_model_data

    contents, own_state, accounts = _Unpickler(snapshot).load()
    with backend_lock:
        # Dropped, not reset: moto's reset re-creates every region's backend only to drop it here.
        for bd in BackendDict._instances:
            bd.clear()
        BackendDict._instances.clear()
        for bd_id, accounts_of_service in contents:
            live = snapshot.backend_dicts[bd_id]
            live.update(accounts_of_service)
            BackendDict._instances.append(live)
        for bd in _all_backend_dicts(BackendDict):
            state = own_state.get(bd._id)
            if state is not None:
                vars(bd).update(state)
            else:  # none when the snapshot was taken (or not imported yet): empty, as moto's reset leaves it
                for value in _own_state(bd).values():
                    if hasattr(value, "clear"):
                        value.clear()
    reset_model_data()
    with sandbox._gaps.lock:
        sandbox._gaps.accounts.clear()
        sandbox._gaps.accounts.update(accounts)
    for name, value in snapshot.facts.items():
        setattr(sandbox, name, list(value) if isinstance(value, list) else value)
