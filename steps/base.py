"""The step contract: what every step declares, finds and plans (the one executor is steps/executor.py).

A step module has ``INFO`` and four functions. Only ``collect`` talks to AWS:

- ``collect(aws) -> State``: read-only calls; the state is plain JSON-able data, described by the
  step's ``State`` TypedDict.
- ``evaluate(state) -> list[Finding]``: pure.
- ``plan(state, answers) -> Plan``: pure; each ``Change`` is one API call or one manual instruction.
- ``apply = run_changes`` (steps/executor.py): runs exactly the confirmed plan, after a drift check.

Reads that fail are recorded in the state with :func:`unreadable` so that ``evaluate`` can turn
them into UNKNOWN findings instead of guessing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Iterable, Mapping, Sequence, TypedDict, TypeVar, Union

from steps.validators import (  # noqa: F401  (the validators live there; names kept for callers)
    Validator, has_control_chars, one_line, validate_email, validate_phone, validate_text,
)


class Status(str, Enum):
    """The outcome of one check."""

    PASS = "PASS"
    FAIL = "FAIL"
    MANUAL = "MANUAL"  # a person must look or act
    UNKNOWN = "UNKNOWN"  # could not be checked (access denied, unsupported, throttled out)
    # not applicable: the check is about a resource that does not exist (the trail's bucket when there
    # is no trail). Never a failure, and left out of the failing counts (AWS Config's NOT_APPLICABLE).
    NA = "N/A"


class Severity(str, Enum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"


class StepError(Exception):
    """A failure a person can act on: ``title`` says what went wrong, ``hint`` what to do."""

    def __init__(self, title: str, hint: str = "") -> None:
        super().__init__(title)
        self.title = title
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.title}: {self.hint}" if self.hint else self.title


# --- inputs (their validators are in steps/validators.py) ----------------------------------------


@dataclass(frozen=True)
class Input:
    """A value the step asks the user for, declared once and rendered by every interface."""

    name: str
    label: str
    validate: Validator
    help: str = ""
    required: bool = True
    default: str = ""
    secret: bool = False
    choices: tuple[str, ...] = ()

    @property
    def prompt(self) -> str:
        """The label as every interface shows it beside the field: "(optional)" once when it may stay empty."""
        optional = not self.required and "(optional)" not in self.label
        return f"{self.label} (optional)" if optional else self.label

    def check(self, value: str | None) -> str | None:
        """Return one line saying what is wrong with ``value``, or None when it is acceptable."""
        value = (value or "").strip()
        if not value:
            return f"{self.label} is required" if self.required else None
        if self.choices and value not in self.choices:
            return f"{self.label} must be one of: {', '.join(self.choices)}"
        error = self.validate(value)
        return f"{self.label}: {one_line(error, value)}" if error else None


def check_answers(inputs: Iterable[Input], answers: Mapping[str, str]) -> dict[str, str]:
    """Validate all answers; return ``{input name: error line}`` (empty when all are fine)."""
    errors = {}
    for item in inputs:
        error = item.check(answers.get(item.name))
        if error:
            errors[item.name] = error
    return errors


# --- what a step declares and finds -------------------------------------------------------------


@dataclass(frozen=True)
class StepInfo:
    """What a step is: shown on its screen, and used to build the permissions policy."""

    id: str
    title: str
    why: str
    guide_section: str
    severity: Severity
    reads: tuple[str, ...]  # IAM actions collect needs
    writes: tuple[str, ...]  # IAM actions the fixes need
    inputs: tuple[Input, ...] = ()
    # the step's declared checks (steps.checks.Check): every finding is built from one of them
    checks: tuple[Any, ...] = ()
    # a few words the sidebar shows whole even at 80 columns (the title is cut there)
    short: str = ""

    @property
    def label(self) -> str:
        return self.short or self.title


@dataclass(frozen=True)
class Finding:
    """The result of one check on one resource."""

    check: str  # stable id within the step, e.g. "security-contact"
    title: str
    status: Status
    message: str
    severity: Severity = Severity.MEDIUM
    region: str | None = None
    resource: str | None = None
    cis: tuple[str, ...] = ()
    securityhub: tuple[str, ...] = ()
    fixable: bool = False
    # what the finding is about (steps.checks: "resource", "account", "region" or "local", a fact about the
    # operator's machine that the TUI and plain mode show as advice and reports leave out)
    scope: str = "resource"

    @property
    def local(self) -> bool:
        return self.scope == "local"

    def to_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "title": self.title,
            "status": self.status.value,
            "severity": self.severity.value,
            "region": self.region,
            "resource": self.resource,
            "message": self.message,
            "cis": list(self.cis),
            "securityhub": list(self.securityhub),
            "fixable": self.fixable,
        }


@dataclass(frozen=True)
class Ref:
    """A parameter whose value comes from the response of an earlier change in the same plan.

    ``change`` is the earlier change's ``key``; ``path`` is a dotted path into its response,
    e.g. ``Ref("create-set", "PermissionSet.PermissionSetArn")``.
    """

    change: str
    path: str

    def resolve(self, results: Mapping[str, Any]) -> Any:
        value: Any = results[self.change]
        for part in self.path.split("."):
            value = value[int(part)] if isinstance(value, list) else value[part]
        return value


@dataclass(frozen=True)
class Call:
    """One AWS API call: the unit of a change and of its undo."""

    service: str
    operation: str  # botocore's PascalCase name, e.g. "PutAlternateContact"
    params: Mapping[str, Any] = field(default_factory=dict)
    region: str | None = None

    @property
    def name(self) -> str:
        return f"{self.service}.{self.operation}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "operation": self.operation,
            "params": _jsonable(self.params),
            "region": self.region,
        }


@dataclass(frozen=True)
class Change:
    """One step of a plan: a single API call, or a manual instruction for a person.

    ``before``/``after`` describe the value being changed, for the preview and the journal.
    ``undo`` is the call that reverses this change, computed from the before-state at plan time
    (its params may use ``Ref`` to this or an earlier change's response, e.g. a created policy's
    id: the journal records it resolved); when it is None, ``undo_note`` says why the change
    cannot be undone.
    """

    reason: str
    call: Call | None = None  # None for a manual change
    key: str = ""  # lets later changes refer to this one's response with Ref
    before: Any = None
    after: Any = None
    undo: Call | None = None
    undo_note: str = ""
    warning: str = ""
    cost_note: str = ""
    risky: bool = False  # needs the account id typed before it runs
    manual: bool = False
    console_url: str = ""
    instructions: tuple[str, ...] = ()
    # The name of the console-only task a manual change stands for (e.g. "enable_root_mfa"): the
    # sandbox can simulate it by that name, so the demo shows the wait-and-re-check loop.
    console_action: str = ""
    secret_params: tuple[str, ...] = ()  # parameter names never shown, logged or journalled
    # AWS error codes ("Code" or "Code: message fragment") that mean "not propagated yet": the
    # apply retries them with backoff for a while (wizard/propagation.py)
    retry_on: tuple[str, ...] = ()
    # The ids of the step's checks (steps/checks.py) this change helps to pass: the report pairs a
    # finding with the changes that declare its check. PREPARATION (empty) for a change that fixes
    # nothing by itself; None only when a plan has not declared it (a test refuses that).
    fixes: tuple[str, ...] | None = None

    @property
    def title(self) -> str:
        return self.call.name if self.call else "Manual: " + self.reason

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "reason": self.reason,
            "manual": self.manual,
            "call": redact(self.call.to_dict(), self.secret_params) if self.call else None,
            "before": _jsonable(self.before),
            "after": _jsonable(self.after),
            "undo": self.undo.to_dict() if self.undo else None,
            "undo_note": self.undo_note,
            "warning": self.warning,
            "cost_note": self.cost_note,
            "risky": self.risky,
            "console_url": self.console_url,
            "instructions": list(self.instructions),
            "console_action": self.console_action,
            "fixes": list(self.fixes or ()),
        }


# ``Change.fixes`` of a change that makes no check pass by itself (it only prepares a later change,
# or tidies up after one): declared explicitly, so a forgotten declaration still stands out.
PREPARATION: tuple[str, ...] = ()


def manual(reason: str, console_url: str, *instructions: str, key: str = "", console_action: str = "",
           fixes: tuple[str, ...] | None = None) -> Change:
    """A change a person makes in the console; the wizard links to it and re-checks after."""
    return Change(reason=reason, manual=True, console_url=console_url, instructions=instructions, key=key,
                  console_action=console_action, fixes=fixes)


@dataclass(frozen=True)
class Plan:
    """The changes that would make a step compliant, in order. Empty means compliant."""

    step: str
    changes: tuple[Change, ...] = ()
    notes: tuple[str, ...] = ()  # things the user should know that are not changes
    needs: tuple[str, ...] = ()  # names of inputs that must be answered before it can run

    @property
    def automatic(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if not c.manual)

    @property
    def manual_changes(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.manual)

    @property
    def risky(self) -> bool:
        return any(c.risky for c in self.changes)

    @property
    def fingerprint(self) -> str:
        """A digest of exactly what would be sent; it changes when the account drifts."""
        payload = json.dumps([c.to_dict() for c in self.changes], sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    def to_dict(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "fingerprint": self.fingerprint,
            "changes": [c.to_dict() for c in self.changes],
            "notes": list(self.notes),
            "needs": list(self.needs),
        }


# --- reads that failed ----------------------------------------------------------------------------
# The one spelling of "could not be read" in a step's state: ``{UNREADABLE: reason}``, alone in place of
# the value, or added to a record of which only some fields are known (a bucket whose region could not
# be read keeps its name). Always tested with is_unreadable and read with reason_of.

UNREADABLE = "__unreadable__"
Unreadable = TypedDict("Unreadable", {UNREADABLE: str})
_T = TypeVar("_T")
OrUnreadable = Union[_T, Unreadable]  # in a State type: the value as read, or the marker saying why not


def unreadable(reason: str) -> Unreadable:
    """The state's marker for a value that could not be read, with the reason."""
    return {UNREADABLE: reason}


def is_unreadable(value: Any) -> bool:
    return isinstance(value, dict) and UNREADABLE in value


def reason_of(value: Any) -> str:
    return value[UNREADABLE] if is_unreadable(value) else ""


# --- secrets ---------------------------------------------------------------------------------------

SECRET_KEYS = frozenset(
    {"SecretAccessKey", "SessionToken", "Password", "NewPassword", "OldPassword", "aws_secret_access_key",
     "aws_session_token", "PrivateKey"}
)


def redact(value: Any, extra: Iterable[str] = ()) -> Any:
    """A copy of ``value`` with every secret field replaced, for screens, logs and the journal."""
    secret = SECRET_KEYS | set(extra)
    if isinstance(value, Mapping):
        return {k: ("***" if k in secret else redact(v, extra)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact(v, extra) for v in value]
    return value


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str)) if value is not None else None


# --- helpers for step modules -------------------------------------------------------------------


def unknown_finding(check: str, title: str, reason: str, **kw: Any) -> Finding:
    """The finding for a check whose data could not be read. Never FAIL what was not seen."""
    return Finding(check=check, title=title, status=Status.UNKNOWN, message=f"Could not check: {reason}", **kw)


def summarize(findings: Sequence[Finding]) -> dict[str, int]:
    """``{status value: count}`` with every status (N/A included: a report shows it apart from the rest)."""
    counts = {s.value: 0 for s in Status}
    for f in findings:
        counts[f.status.value] += 1
    return counts
