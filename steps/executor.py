"""The one executor: runs exactly a confirmed plan, journalled, and stops when asked.

It imports the step contract from ``steps.base``, never the other way round (no import cycle).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Callable, Mapping, Protocol

from steps.base import Change, Plan, Ref, StepError, redact


class CallRunner(Protocol):
    """What the executor needs from the AWS layer (``wizard.aws.AWS`` provides it)."""

    def write(self, call: Any) -> Any: ...


class Journal(Protocol):
    """Write-ahead record of changes (``wizard.journal.Journal`` provides it)."""

    def start_apply(self) -> str: ...

    def begin(self, step: str, change: Change, params: Mapping[str, Any]) -> str: ...

    def finish(self, entry_id: str, ok: bool, detail: str = "", response: Any = None,
               undo: Any = None) -> None: ...


class StopSignal(Protocol):
    """Set by the interface when the person asks to stop (``threading.Event`` provides it)."""

    def is_set(self) -> bool: ...


class PlanDrifted(Exception):
    """The account changed after the user looked: the new plan is attached, nothing was written."""

    def __init__(self, new_plan: Plan) -> None:
        super().__init__("the account changed since this plan was shown")
        self.new_plan = new_plan


@dataclass
class ChangeResult:
    change: Change
    ok: bool
    detail: str = ""
    journal_id: str = ""


@dataclass
class ApplyResult:
    """What ``run_changes`` did: one result per change it attempted, in order."""

    step: str
    results: list[ChangeResult] = field(default_factory=list)
    skipped: list[Change] = field(default_factory=list)  # manual changes, and those after a failure
    # changes that would have run but were not sent because the person asked to stop
    not_run: list[Change] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    @property
    def failed(self) -> ChangeResult | None:
        return next((r for r in self.results if not r.ok), None)

    @property
    def stopped(self) -> bool:
        return bool(self.not_run)


LocalAction = Callable[[Mapping[str, Any], Mapping[str, Any]], Any]  # (params, results so far) -> response


def run_changes(
    aws: CallRunner,
    step: Any,
    plan: Plan,
    answers: Mapping[str, str],
    journal: Journal,
    *,
    recollect: Callable[[], Any] | None = None,
    local_actions: Mapping[str, LocalAction] | None = None,
    on_progress: Callable[[int, ChangeResult], None] | None = None,
    only: Callable[[Change], bool] | None = None,
    stop: StopSignal | None = None,
) -> ApplyResult:
    """Run exactly the confirmed ``plan`` of ``step``, in order, and nothing else.

    Before writing, the step's state is collected again (``recollect``, default
    ``step.collect(aws)``) and planned with the same answers; if that plan's fingerprint differs,
    :class:`PlanDrifted` carries the new plan and nothing is sent. Each change is journalled
    (write-ahead) before its call; the first failure stops the plan and the rest are skipped.
    Changes whose ``call.service`` is ``"local"`` run a handler from ``local_actions`` (keyring
    storage, config-file writes): steps stay free of UI and keyring code. ``only`` runs a subset
    (e.g. the non-risky changes for ``fix --yes``); the drift check still covers the whole plan, and
    a change that refers to a skipped one is skipped too. ``stop`` is checked before each call: once
    it is set, the call in flight has finished and every change still to send goes to ``not_run``.
    """
    if plan.needs:
        raise StepError("the plan is missing answers: " + ", ".join(plan.needs), "fill in the step's inputs first")
    fresh_state = recollect() if recollect else step.collect(aws)
    fresh = step.plan(fresh_state, answers)
    if fresh.fingerprint != plan.fingerprint:
        raise PlanDrifted(fresh)

    journal.start_apply()  # this run's entries are one apply, for `undo --last`
    outcome = ApplyResult(step=plan.step)
    responses: dict[str, Any] = {}
    for index, change in enumerate(plan.changes):
        if change.manual or change.call is None or (only and not only(change)):
            outcome.skipped.append(change)
            continue
        if outcome.not_run or (stop is not None and stop.is_set()):
            outcome.not_run.append(change)
            continue
        try:
            params = _resolve(change.call.params, responses)
        except KeyError:  # it needs the response of a change that was skipped
            outcome.skipped.append(change)
            continue
        entry = journal.begin(plan.step, change, params)
        try:
            if change.call.service == "local":
                handler = (local_actions or {}).get(change.call.operation)
                if handler is None:
                    raise StepError(f"no handler for local action {change.call.operation}")
                response = handler(params, responses)
            else:
                response = aws.write(replace(change.call, params=params))
        except Exception as error:  # noqa: BLE001 - every failure is recorded, then reported
            detail = str(error)
            journal.finish(entry, ok=False, detail=detail)
            result = ChangeResult(change, ok=False, detail=detail, journal_id=entry)
            outcome.results.append(result)
            outcome.skipped.extend(plan.changes[index + 1 :])
            if on_progress:
                on_progress(index, result)
            break
        if change.key:
            responses[change.key] = response
        undo = _resolved_undo(change, responses)
        journal.finish(entry, ok=True, response=redact(response, change.secret_params), undo=undo)
        result = ChangeResult(change, ok=True, journal_id=entry)
        outcome.results.append(result)
        if on_progress:
            on_progress(index, result)
    return outcome


def _resolved_undo(change: Change, responses: Mapping[str, Any]) -> dict[str, Any] | None:
    """The undo call with its Refs filled from the responses (a created resource's id), if any."""
    if change.undo is None or not _has_ref(change.undo.params):
        return None
    try:
        return replace(change.undo, params=_resolve(change.undo.params, responses)).to_dict()
    except (KeyError, IndexError, TypeError):
        return None


def _has_ref(value: Any) -> bool:
    if isinstance(value, Ref):
        return True
    if isinstance(value, Mapping):
        return any(_has_ref(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_has_ref(v) for v in value)
    return False


def _resolve(params: Any, responses: Mapping[str, Any]) -> Any:
    if isinstance(params, Ref):
        return params.resolve(responses)
    if isinstance(params, Mapping):
        return {k: _resolve(v, responses) for k, v in params.items()}
    if isinstance(params, (list, tuple)):
        return [_resolve(v, responses) for v in params]
    return params
