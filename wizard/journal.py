"""The change journal: a write-ahead record of every change, with what is needed to undo it.

One JSON object per line in ``journal.jsonl`` in the state directory (mode 0600). A ``begin``
line is written and fsynced before the call is sent; an ``end`` line records the outcome. A
``begin`` without its ``end`` is an interrupted change: the next run reports it. Secrets are
redacted before anything is written.

Each ``begin`` also records the endpoint the call went to ("aws", or the ``AWS_ENDPOINT_URL`` of a
sandbox or a local stack) and the id of the apply it belongs to (one ``run_changes``, or one undo
run), so ``undo`` reverses only what was made where it is pointed now, and ``undo --last`` a whole apply.
"""

from __future__ import annotations

import json
import os
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Mapping

from steps.base import Change, StepError, redact
from wizard.paths import private_dir, state_dir


@dataclass
class Entry:
    """One journalled change: its begin line merged with its end line (if any)."""

    id: str
    time: str
    account_id: str
    step: str
    change: dict[str, Any]
    params: dict[str, Any]
    ok: bool | None = None  # None: no end line, the change was interrupted
    detail: str = ""
    interrupted_seen: bool = False  # a later run reported the interruption
    response: Any = None
    undone_by: str = ""
    undo_of: str = ""
    endpoint: str = ""  # "" in entries written before endpoints were recorded
    apply_id: str = ""  # "" likewise: such an entry is an apply of its own

    @property
    def call(self) -> str:
        call = self.change.get("call") or {}
        return f"{call.get('service')}.{call.get('operation')}"

    @property
    def interrupted(self) -> bool:
        return self.ok is None or self.interrupted_seen

    @property
    def result(self) -> str:
        if self.interrupted:
            return "interrupted"
        if not self.ok:
            return "failed"
        return f"undone by {self.undone_by}" if self.undone_by else "ok"


class Journal:
    """Append-only journal for one account (``account_id`` is recorded on every line)."""

    def __init__(self, account_id: str, path: Path | None = None, endpoint: str | None = None) -> None:
        self.account_id = account_id
        self.path = path or state_dir() / "journal.jsonl"
        self.endpoint = endpoint or endpoint_label(None)
        self.apply_id = uuid.uuid4().hex[:12]
        self._lock = threading.Lock()

    def start_apply(self) -> str:
        """Group the entries begun from now on as one apply (``undo --last`` reverses them together)."""
        self.apply_id = uuid.uuid4().hex[:12]
        return self.apply_id

    def _append(self, record: Mapping[str, Any]) -> None:
        line = json.dumps(record, sort_keys=True, default=str) + "\n"
        with self._lock:
            private_dir(self.path.parent)
            try:
                # O_NOFOLLOW: a symlink planted at the journal's name is refused, never appended through.
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
            except OSError as error:
                raise StepError(f"could not write the journal {self.path}: {error.strerror}",
                                "it must be a regular file of yours; move aside what is there") from None
            try:
                os.write(fd, line.encode())
                os.fsync(fd)
            finally:
                os.close(fd)

    def begin(self, step: str, change: Change, params: Mapping[str, Any], undo_of: str = "") -> str:
        """Record that ``change`` is about to be sent with ``params``; returns the entry id."""
        entry_id = uuid.uuid4().hex[:12]
        self._append({
            "phase": "begin",
            "id": entry_id,
            "time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "account_id": self.account_id,
            "endpoint": self.endpoint,
            "apply_id": self.apply_id,
            "step": step,
            "change": change.to_dict(),
            "params": redact(dict(params), change.secret_params),
            "undo_of": undo_of,
        })
        return entry_id

    def finish(self, entry_id: str, ok: bool, detail: str = "", response: Any = None, undo: Any = None) -> None:
        """Record the outcome of the change ``entry_id`` (and its undo call, once its Refs are known)."""
        self._append({
            **({"undo": redact(undo)} if undo else {}),
            "phase": "end",
            "id": entry_id,
            "time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "ok": ok,
            "detail": detail,
            "response": redact(response) if response is not None else None,
        })

    def entries(self, all_accounts: bool = False) -> list[Entry]:
        """Every change in the order it was begun, for this account (or all)."""
        return [e for e in read_entries(self.path) if all_accounts or e.account_id == self.account_id]

    def interrupted(self) -> list[Entry]:
        """Changes that were begun and never finished (a crash or kill during apply), not yet reported."""
        return [e for e in self.entries() if e.ok is None]

    def acknowledge_interrupted(self) -> list[Entry]:
        """Return the unreported interrupted changes and record that they were reported."""
        found = self.interrupted()
        for entry in found:
            self._append({
                "phase": "end", "id": entry.id, "time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "ok": False, "interrupted": True,
                "detail": "the process stopped before AWS answered: the change may or may not have been made",
            })
        return found


def endpoint_label(endpoint_url: str | None) -> str:
    """How the journal names where calls go: the endpoint override (as ``wizard.aws.Target.endpoint``
    resolves it: given, else ``AWS_ENDPOINT_URL``), or "aws" for AWS itself."""
    return endpoint_url or os.environ.get("AWS_ENDPOINT_URL") or "aws"


def endpoint_of(aws: Any) -> str:
    """:func:`endpoint_label` for an ``AWS`` object's target; an object without one (a stand-in that
    only writes) is taken to go where the environment points."""
    return endpoint_label(getattr(getattr(aws, "target", None), "endpoint", None))


def read_entries(path: Path) -> list[Entry]:
    """Parse a journal file. A damaged file raises StepError and is left as it is."""
    if not path.exists():
        return []
    entries: dict[str, Entry] = {}
    for number, line in _lines(path):
        try:
            record = json.loads(line)
            if record["phase"] == "begin":
                entries[record["id"]] = Entry(
                    id=record["id"], time=record["time"], account_id=record["account_id"], step=record["step"],
                    change=record["change"], params=record["params"], undo_of=record.get("undo_of", ""),
                    endpoint=record.get("endpoint", ""), apply_id=record.get("apply_id", ""),
                )
            else:
                entry = entries[record["id"]]
                entry.ok, entry.detail, entry.response = record["ok"], record.get("detail", ""), record.get("response")
                entry.interrupted_seen = bool(record.get("interrupted"))
                if record.get("undo"):
                    entry.change["undo"] = record["undo"]
        except (ValueError, KeyError, TypeError):
            # A torn last line (killed mid-write) is expected after a crash; anything else is damage.
            if number == _count_lines(path):
                continue
            raise StepError(
                f"the journal {path} is damaged at line {number}",
                "it was left untouched; move it aside to start a new one",
            ) from None
    for entry in entries.values():
        if entry.undo_of and entry.undo_of in entries and entry.ok:
            entries[entry.undo_of].undone_by = entry.id
    return list(entries.values())


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    with open(path, encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                yield number, line


def _count_lines(path: Path) -> int:
    with open(path, "rb") as handle:
        return sum(1 for _ in handle)
