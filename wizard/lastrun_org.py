"""`check --org`'s baseline: every account's run is kept as that account's own last run
(wizard/lastrun.py, so a later single-account `check` compares with it too), and the organization
run's date beside them, so the next `check --org` says per account and in total what was fixed,
what regressed and what is new since the last visit.

An account the run could not reach is compared with nothing and its last run is left as it was;
so is an account whose last-run file is damaged (it is never overwritten).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from wizard.lastrun import LastRunDamaged, load, store, store_path, visit
from wizard.paths import write_private
from wizard.report.trend import totals

SCHEMA = "aws-essentials/lastrun-org/v1"


def org_store_path(management_id: str):
    """``<state dir>/lastrun/org-<management account id>.json``: the organization run's date."""
    return store_path(f"org-{management_id}")


def account_document(document: dict[str, Any], row: dict[str, Any],
                     by_account: dict[str, tuple[list, list]] | None = None) -> dict[str, Any]:
    """One account's part of an organization findings document, as a findings document of its own.

    ``by_account`` (from :func:`_by_account`) holds each account's findings and unassessed rows, so
    that 21 accounts do not each scan an organization's ~9,400 findings."""
    account_id = row["account_id"]
    findings, not_assessed = (by_account or _by_account(document, account_id)).get(account_id, ([], []))
    return {"account_id": account_id, "generated_at": document["generated_at"],
            "regions": row.get("regions") or document["regions"], "steps": document.get("steps") or {},
            "findings": findings, "not_assessed": not_assessed}


def _by_account(document: dict[str, Any], only: str | None = None) -> dict[str, tuple[list, list]]:
    """Each account's findings and unassessed rows, in the document's order (``only``: that account's)."""
    grouped: dict[str, tuple[list, list]] = {}
    for index, rows in enumerate((document["findings"], document.get("not_assessed") or [])):
        for item in rows:
            if only is None or item["account_id"] == only:
                grouped.setdefault(item["account_id"], ([], []))[index].append(item)
    return grouped


@dataclass
class OrgVisit:
    """The organization's comparison (``data``, for ``document["since_last_visit"]``) and what
    :meth:`keep` stores once the report is written."""

    document: dict[str, Any]
    data: dict[str, Any]
    warnings: list[str] = field(default_factory=list)  # damaged last-run files, one line each
    _keep: list[tuple[dict[str, Any], dict[str, Any] | None]] = field(default_factory=list)

    @property
    def regressed(self) -> bool:
        return any(a.get("regressed") for a in self.data["accounts"])

    def keep(self) -> None:
        """Store each assessed account's run as its last run, then the organization run's date."""
        for account_document_, previous in self._keep:
            store(account_document_, previous)
        management = self.document["account_id"]
        write_private(org_store_path(management), json.dumps(
            {"schema": SCHEMA, "account_id": management, "generated_at": self.document["generated_at"],
             "accounts": [d["account_id"] for d, _ in self._keep]}, sort_keys=True) + "\n")


def _org_time(management: str) -> str | None:
    """The last organization run's date ("" when its file is unreadable), or None when there was none."""
    path = org_store_path(management)
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return str(data["generated_at"]) if data.get("schema") == SCHEMA else ""
    except (OSError, ValueError, KeyError, TypeError):
        return ""  # only a date: the accounts' own files carry the comparison


def _last_time(account_id: str) -> str:
    try:
        previous = load(account_id)
    except LastRunDamaged:
        return ""
    return previous["generated_at"] if previous else ""


def visit_org(document: dict[str, Any]) -> OrgVisit:
    """Compare each account of an organization findings document with its own last run."""
    previous_time = _org_time(document["account_id"])
    data: dict[str, Any] = {"organization": True, "first_run": previous_time is None,
                            "previous_time": previous_time or "", "current_time": document["generated_at"],
                            "accounts": []}
    org = OrgVisit(document, data)
    by_account = _by_account(document)
    for row in document.get("accounts") or []:
        named = {"account_id": row["account_id"], "name": row.get("name") or ""}
        if row.get("error"):  # not reached: nothing to compare, and its last run stays the reference
            data["accounts"].append({**named, "not_assessed": row["error"], "previous_time": _last_time(row["account_id"])})
            continue
        mine = account_document(document, row, by_account)
        try:
            diff, previous = visit(mine)
        except LastRunDamaged as error:
            org.warnings.append(f"account {row['account_id']}: {error.title}; {error.hint}")
            data["accounts"].append({**named, "not_compared": "its last-run file is damaged", "previous_time": ""})
            continue
        data["accounts"].append({**named, **diff.to_dict()})
        org._keep.append((mine, previous))
    data["total"] = totals(data)
    return org
