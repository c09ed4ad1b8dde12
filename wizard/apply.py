"""Applying a confirmed plan: the one place every interface (TUI, plain, `fix`, undo) goes through."""

from __future__ import annotations

from types import ModuleType
from typing import Any, Callable, Mapping

from steps.base import Change, Plan
from steps.executor import ApplyResult, ChangeResult, StopSignal, run_changes
from wizard.journal import Journal


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
    stop: StopSignal | None = None,
) -> ApplyResult:
    """Run exactly ``plan`` (after the drift check), journalled, with the wizard's local actions;
    ``stop`` ends it after the call in flight."""
    from wizard.local_actions import local_actions

    return run_changes(
        aws,
        step,
        plan,
        answers or {},
        journal or Journal(aws.account_id),
        recollect=lambda: fresh_collect(aws, step),
        local_actions=local_actions(aws),
        on_progress=on_progress,
        only=only,
        stop=stop,
    )
