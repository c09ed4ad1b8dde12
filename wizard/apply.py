"""Applying a confirmed plan: the one place every interface (TUI, plain, `fix`, undo) goes through."""

from __future__ import annotations

from types import ModuleType
from typing import Any, Callable, Mapping

from steps.base import Change, Plan
from steps.executor import ApplyResult, ChangeResult, StopSignal, run_changes
from wizard.journal import Journal, endpoint_of


def fresh_collect(aws: Any, step: ModuleType) -> Any:
    """Collect ``step`` again, ignoring what this run has already read."""
    aws.forget()
    return step.collect(aws)


def apply_plan(
    aws: Any,
    step: ModuleType,
    plan: Plan,
    answers: Mapping[str, str] | None = None,
    *,
    journal: Journal | None = None,
    on_progress: Callable[[int, ChangeResult], None] | None = None,
    only: Callable[[Change], bool] | None = None,
    on_wait: Callable[[str], None] | None = None,
    stop: StopSignal | None = None,
) -> ApplyResult:
    """Run exactly ``plan`` (after the drift check), journalled, with the wizard's local actions;
    ``stop`` ends it after the call in flight.

    Writes go through :class:`wizard.propagation.SurvivingWriter`: propagation errors a change
    declares are retried, and ``on_wait`` hears each "waiting for IAM to propagate" line."""
    from wizard.local_actions import local_actions
    from wizard.propagation import SurvivingWriter

    writer = SurvivingWriter(aws, plan.changes, on_wait, stop=stop)
    outcome = run_changes(
        writer,
        step,
        plan,
        answers or {},
        journal or Journal(aws.account_id, endpoint=endpoint_of(aws)),
        recollect=lambda: fresh_collect(aws, step),
        local_actions=local_actions(aws),
        on_progress=on_progress,
        only=only,
        stop=stop,
    )
    writer.settle()  # the re-check after apply sees AWS's background work done (within a bound)
    return outcome
