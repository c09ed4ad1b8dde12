"""The changes made with aws-essentials (journal entries) as the reports list them: newest first,
only those of the report's accounts. Entries are wizard.journal.Entry objects or dicts alike."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Collection, Iterable


@dataclass(frozen=True)
class ChangeMade:
    time: str
    account_id: str
    step: str
    call: str  # "service.Operation", or "manual"
    region: str
    reason: str
    result: str


def _value(entry: Any, name: str, default: Any = "") -> Any:
    if isinstance(entry, dict):
        return entry.get(name, default)
    return getattr(entry, name, default)


def changes_made(entries: Iterable[Any], accounts: Collection[str]) -> list[ChangeMade]:
    """The entries of ``accounts`` (an entry without an account counts as theirs), newest first."""
    rows = []
    for entry in entries:
        account = _value(entry, "account_id") or ""
        if account and account not in accounts:
            continue
        change = _value(entry, "change", {}) or {}
        call = change.get("call") or {}
        rows.append(ChangeMade(
            time=str(_value(entry, "time")), account_id=account, step=str(_value(entry, "step")),
            call=f"{call.get('service')}.{call.get('operation')}" if call else "manual",
            region=call.get("region") or "", reason=str(change.get("reason", "")), result=str(_value(entry, "result")),
        ))
    rows.sort(key=lambda row: row.time, reverse=True)
    return rows
