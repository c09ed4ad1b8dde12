"""What changed since the last run: each `check` keeps its findings per account, and the next run
compares with them.

The store is ``<state dir>/lastrun/<account id>.json`` (mode 0600), one entry per step with the
regions that step was checked in, so a run limited by ``--steps`` or ``--regions`` updates only
what it saw and compares only what both runs saw. Findings are keyed by (step, check, region,
resource). A damaged file is reported and left untouched (never overwritten).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from steps.base import StepError
from wizard.paths import state_dir, write_private

SCHEMA = "aws-essentials/lastrun/v1"
_ACCOUNT = re.compile(r"^[0-9A-Za-z_-]{1,64}$")

Key = tuple[str, str, str, str]


class LastRunDamaged(StepError):
    """The stored last run cannot be read; it was left as it is."""


def store_path(account_id: str) -> Path:
    if not _ACCOUNT.match(account_id or ""):
        raise StepError(f"'{account_id[:20]}' is not an account id", "the last run is stored per account id")
    return state_dir() / "lastrun" / f"{account_id}.json"


def key_of(finding: dict[str, Any]) -> Key:
    return (finding["step"], finding["check"], finding.get("region") or "", finding.get("resource") or "")


@dataclass
class Change:
    """One finding whose status moved between the two runs."""

    key: Key
    before: dict[str, Any] | None  # the previous finding (None: not seen before)
    after: dict[str, Any] | None  # the current finding (None: no longer reported)

    @property
    def finding(self) -> dict[str, Any]:
        return self.after or self.before or {}

    def line(self) -> str:
        f = self.finding
        step, check, region, resource = self.key
        where = region or "global"
        if resource:
            where += f" {resource}"
        was = self.before["status"] if self.before else "not seen"
        now = self.after["status"] if self.after else "no longer reported"
        return f"{step}: {f.get('title', check)} [{where}] ({was} -> {now})"


@dataclass
class Diff:
    """What was fixed, what regressed and what is new since ``previous_time``."""

    previous_time: str = ""
    fixed: list[Change] = field(default_factory=list)  # FAIL before, PASS (or gone) now
    regressed: list[Change] = field(default_factory=list)  # PASS or MANUAL before, FAIL now
    new: list[Change] = field(default_factory=list)  # not seen (or unknown) before, FAIL now
    first_run: bool = False

    @property
    def empty(self) -> bool:
        return not (self.fixed or self.regressed or self.new)

    def to_dict(self) -> dict[str, Any]:
        def rows(changes: list[Change]) -> list[dict[str, Any]]:
            return [{"step": c.key[0], "check": c.key[1], "region": c.key[2] or None, "resource": c.key[3] or None,
                     "title": c.finding.get("title"), "severity": c.finding.get("severity"),
                     "before": c.before["status"] if c.before else None,
                     "after": c.after["status"] if c.after else None} for c in changes]

        return {"previous_time": self.previous_time, "first_run": self.first_run, "fixed": rows(self.fixed),
                "regressed": rows(self.regressed), "new": rows(self.new)}

    def render(self) -> str:
        """The diff as text for people."""
        if self.first_run:
            return "No earlier run of this account to compare with; this run is now the reference.\n"
        lines = [f"Since the last run ({self.previous_time}): {len(self.fixed)} fixed, "
                 f"{len(self.regressed)} regressed, {len(self.new)} new."]
        for label, changes in (("Fixed", self.fixed), ("Regressed", self.regressed), ("New", self.new)):
            if changes:
                lines.append(f"{label}:")
                lines += [f"  {c.line()}" for c in changes]
        return "\n".join(lines) + "\n"


def load(account_id: str) -> dict[str, Any] | None:
    """The stored last run of ``account_id``, or None when there is none; LastRunDamaged if unreadable."""
    path = store_path(account_id)
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("schema") != SCHEMA or data.get("account_id") != account_id:
            raise ValueError("unexpected schema or account")
        for entry in data["steps"].values():
            if not isinstance(entry["findings"], list) or not isinstance(entry["regions"], list):
                raise ValueError("bad step entry")
            for finding in entry["findings"]:
                key_of(finding), finding["status"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        raise LastRunDamaged(f"the last-run file {path} is damaged",
                             "it was left untouched; move it aside to start comparing again") from None
    return data


def _steps_of(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    steps: dict[str, dict[str, Any]] = {}
    for step_id in document.get("steps") or []:
        steps[step_id] = {"regions": list(document["regions"]), "findings": []}
    for finding in document["findings"]:
        entry = steps.setdefault(finding["step"], {"regions": list(document["regions"]), "findings": []})
        entry["findings"].append(finding)
    return steps


def compare(previous: dict[str, Any] | None, document: dict[str, Any]) -> Diff:
    """Compare ``document`` (a findings document) with a stored last run, over what both saw."""
    if previous is None:
        return Diff(first_run=True)
    diff = Diff(previous_time=previous.get("generated_at", ""))
    for step_id, now in _steps_of(document).items():
        before = previous["steps"].get(step_id)
        if before is None:
            continue
        both = set(before["regions"]) & set(now["regions"])
        seen = lambda f: not f.get("region") or f["region"] in both  # noqa: E731
        old = {key_of(f): f for f in before["findings"] if seen(f)}
        new = {key_of(f): f for f in now["findings"] if seen(f)}
        for key, after in new.items():
            was = old.get(key)
            if after["status"] == "FAIL":
                # N/A before: the thing did not exist then (a database made since), so its failure is new
                if was is None or was["status"] in ("UNKNOWN", "N/A"):
                    diff.new.append(Change(key, was, after))
                elif was["status"] in ("PASS", "MANUAL"):
                    diff.regressed.append(Change(key, was, after))
            # N/A now: the failing thing is gone, as when a failing resource's finding disappears
            elif after["status"] in ("PASS", "N/A") and was is not None and was["status"] == "FAIL":
                diff.fixed.append(Change(key, was, after))
        for key, was in old.items():
            if key not in new and was["status"] == "FAIL":
                diff.fixed.append(Change(key, was, None))
    return diff


def store(document: dict[str, Any], previous: dict[str, Any] | None = None) -> Path:
    """Keep ``document`` as the account's last run, merged over ``previous`` (steps and regions this run
    did not see keep their earlier findings)."""
    account_id = document["account_id"]
    steps = dict(previous["steps"]) if previous else {}
    for step_id, now in _steps_of(document).items():
        earlier = steps.get(step_id)
        if earlier:
            checked = set(now["regions"])
            kept = [f for f in earlier["findings"] if f.get("region") and f["region"] not in checked]
            now = {"regions": sorted(set(earlier["regions"]) | checked), "findings": kept + now["findings"]}
        now["generated_at"] = document["generated_at"]
        steps[step_id] = now
    data = {"schema": SCHEMA, "account_id": account_id, "generated_at": document["generated_at"], "steps": steps}
    path = store_path(account_id)
    # Compact: only the wizard reads it, and an indented dump takes the pure-Python encoder.
    write_private(path, json.dumps(data, sort_keys=True) + "\n")
    return path


def record(document: dict[str, Any]) -> Diff:
    """Compare ``document`` with the account's last run, then store it as the new last run.

    The one call for `check` and the TUI summary. Raises :class:`LastRunDamaged` (and stores
    nothing) when the stored file cannot be read.
    """
    previous = load(document["account_id"])
    diff = compare(previous, document)
    store(document, previous)
    return diff
