"""What changed since the last run: each `check` keeps its findings per account, and the next run
compares with them.

The store is ``<state dir>/lastrun/<account id>.json`` (mode 0600), one entry per step with its
scope (the regions it was checked in, the checks it made, the date), so a run limited by
``--steps`` or ``--regions``, or a version that added checks, updates only what it assessed and
compares only what both runs assessed; the diff names what it compared and what it left out (and
says so when the two runs share no step, rather than "0 fixed"). A step that could not be
assessed keeps its earlier findings. Findings are keyed by (step, check, region, resource). A
damaged file is reported and left untouched (never overwritten).
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
    resource = finding.get("resource") or ""
    # A finding about an account setting names the account (wizard/report/model.py::account_resource);
    # runs kept before that named nothing. One key for both, or an upgrade reads as "1 fixed, 1 new".
    if resource.startswith("AWS::::Account:"):
        resource = ""
    return (finding["step"], finding["check"], finding.get("region") or "", resource)


@dataclass
class Change:
    """One finding whose status moved between the two runs."""

    key: Key
    before: dict[str, Any] | None  # the previous finding (None: not seen before)
    after: dict[str, Any] | None  # the current finding (None: no longer reported)

    @property
    def finding(self) -> dict[str, Any]:
        return self.after or self.before or {}


@dataclass
class Diff:
    """What was fixed, what regressed and what is new between the last run and this one, over the
    steps, regions and checks both runs assessed (``compared``); the rest is named in ``left_out``."""

    previous_time: str = ""  # the latest date among the compared steps' last runs
    fixed: list[Change] = field(default_factory=list)  # FAIL before, PASS (or gone) now
    regressed: list[Change] = field(default_factory=list)  # PASS or MANUAL before, FAIL now
    new: list[Change] = field(default_factory=list)  # not seen (or unknown) before, FAIL now
    first_run: bool = False
    current_time: str = ""
    previous_times: list[str] = field(default_factory=list)  # every compared step's last-run date
    compared_steps: list[str] = field(default_factory=list)
    compared_regions: list[str] = field(default_factory=list)
    left_out: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # (kind, why) -> names

    @property
    def empty(self) -> bool:
        return not (self.fixed or self.regressed or self.new)

    @property
    def nothing_compared(self) -> bool:
        """True when the two runs share no step: a "0 fixed" would be a claim about nothing."""
        return not self.first_run and not self.compared_steps

    def leave_out(self, kind: str, name: str, why: str) -> None:
        self.left_out.setdefault((kind, why), set()).add(name)

    def to_dict(self) -> dict[str, Any]:
        def rows(changes: list[Change]) -> list[dict[str, Any]]:
            return [{"step": c.key[0], "check": c.key[1], "region": c.key[2] or None, "resource": c.key[3] or None,
                     "title": c.finding.get("title"), "severity": c.finding.get("severity"),
                     "before": c.before["status"] if c.before else None,
                     "after": c.after["status"] if c.after else None} for c in changes]

        return {"previous_time": self.previous_time, "current_time": self.current_time,
                "previous_times": list(self.previous_times), "first_run": self.first_run,
                "nothing_compared": self.nothing_compared,
                "compared": {"steps": list(self.compared_steps), "regions": list(self.compared_regions)},
                "left_out": [{"kind": kind, "why": why, "names": sorted(names)}
                             for (kind, why), names in sorted(self.left_out.items())],
                "fixed": rows(self.fixed), "regressed": rows(self.regressed), "new": rows(self.new)}

    def render(self) -> str:
        """The diff as text for people."""
        from wizard.report.trend import account_text

        return account_text(self.to_dict())


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
            if not isinstance(entry["findings"], list) or not isinstance(entry["regions"], list) \
                    or not isinstance(entry.get("checks") or [], list):
                raise ValueError("bad step entry")
            for finding in entry["findings"]:
                key_of(finding), finding["status"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        raise LastRunDamaged(f"the last-run file {path} is damaged",
                             "it was left untouched; move it aside to start comparing again") from None
    return data


def _steps_of(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The steps ``document`` assessed: ``{step: {"regions", "checks", "findings"}}``.

    ``document["steps"]`` maps each step run to its declared check ids (``checks`` None when a
    document does not say). A step this run could not assess (``not_assessed``) is left out: its
    earlier findings stay the reference, and it is compared with nothing.
    """
    skipped = {row["step"] for row in document.get("not_assessed") or []
               if row.get("step") and row.get("account_id", document["account_id"]) == document["account_id"]}
    declared = document.get("steps") or {}
    steps: dict[str, dict[str, Any]] = {}
    for step_id in declared:
        checks = declared[step_id] if isinstance(declared, dict) else None
        steps[step_id] = {"regions": list(document["regions"]), "checks": checks, "findings": []}
    for finding in document["findings"]:
        entry = steps.setdefault(finding["step"], {"regions": list(document["regions"]), "checks": None,
                                                   "findings": []})
        entry["findings"].append(finding)
    return {step_id: entry for step_id, entry in steps.items() if step_id not in skipped}


def compare(previous: dict[str, Any] | None, document: dict[str, Any]) -> Diff:
    """Compare ``document`` (a findings document) with a stored last run, over the steps, regions and
    checks both assessed; what only one of them assessed is named in ``left_out``."""
    diff = Diff(current_time=document.get("generated_at", ""))
    if previous is None:
        diff.first_run = True
        return diff
    now_steps = _steps_of(document)
    skipped = {row["step"] for row in document.get("not_assessed") or [] if row.get("step")}
    times, regions = set(), set()
    for step_id, now in now_steps.items():
        before = previous["steps"].get(step_id)
        if before is None:
            diff.leave_out("step", step_id, "not checked in the last run")
            continue
        both = set(before["regions"]) & set(now["regions"])
        for region in set(now["regions"]) - both:
            diff.leave_out("region", region, "not checked in the last run")
        for region in set(before["regions"]) - both:
            diff.leave_out("region", region, "not checked this run")
        checks = _checks_in_both(diff, step_id, before.get("checks"), now["checks"])
        seen = lambda f: ((not f.get("region") or f["region"] in both)  # noqa: E731
                          and (checks is None or f["check"] in checks))
        _compare_findings(diff, {key_of(f): f for f in before["findings"] if seen(f)},
                          {key_of(f): f for f in now["findings"] if seen(f)})
        diff.compared_steps.append(step_id)
        regions |= both
        times.add(before.get("generated_at") or previous.get("generated_at", ""))
    for step_id in previous["steps"]:
        if step_id not in now_steps:
            diff.leave_out("step", step_id, "could not be assessed this run" if step_id in skipped
                           else "not checked this run")
    diff.compared_regions = sorted(regions)
    diff.previous_times = sorted(t for t in times if t)
    diff.previous_time = diff.previous_times[-1] if diff.previous_times else previous.get("generated_at", "")
    return diff


def _checks_in_both(diff: Diff, step_id: str, before: list[str] | None, now: list[str] | None) -> set[str] | None:
    """The step's checks both runs made (None: a run that did not record them made them all)."""
    if before is None or now is None:
        return None
    both = set(before) & set(now)
    for check in set(now) - both:  # a check this version added
        diff.leave_out("check", f"{step_id}/{check}", "not checked in the last run")
    for check in set(before) - both:
        diff.leave_out("check", f"{step_id}/{check}", "not checked this run")
    return both


def _compare_findings(diff: Diff, old: dict[Key, dict[str, Any]], new: dict[Key, dict[str, Any]]) -> None:
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


def store(document: dict[str, Any], previous: dict[str, Any] | None = None) -> Path:
    """Keep ``document`` as the account's last run, merged over ``previous`` (steps and regions this run
    did not assess keep their earlier findings, with their own date)."""
    account_id = document["account_id"]
    steps = dict(previous["steps"]) if previous else {}
    for step_id, now in _steps_of(document).items():
        earlier = steps.get(step_id)
        if earlier:
            checked = set(now["regions"])
            kept = [f for f in earlier["findings"] if f.get("region") and f["region"] not in checked]
            now = {"regions": sorted(set(earlier["regions"]) | checked), "checks": now["checks"],
                   "findings": kept + now["findings"]}
        now["generated_at"] = document["generated_at"]
        steps[step_id] = now
    data = {"schema": SCHEMA, "account_id": account_id, "generated_at": document["generated_at"], "steps": steps}
    path = store_path(account_id)
    # Compact: only the wizard reads it, and an indented dump takes the pure-Python encoder.
    write_private(path, json.dumps(data, sort_keys=True) + "\n")
    return path


def visit(document: dict[str, Any]) -> tuple[Diff, dict[str, Any] | None]:
    """Compare ``document`` with the account's last run: the diff, and the last run to pass to
    :func:`store` once the report is written (so a report that could not be written leaves the
    last run as it was). Raises :class:`LastRunDamaged` when the stored file cannot be read."""
    previous = load(document["account_id"])
    return compare(previous, document), previous


def record(document: dict[str, Any]) -> Diff:
    """Compare ``document`` with the account's last run, then store it as the new last run.

    The one call for `check` and the TUI summary. Raises :class:`LastRunDamaged` (and stores
    nothing) when the stored file cannot be read.
    """
    diff, previous = visit(document)
    store(document, previous)
    return diff
