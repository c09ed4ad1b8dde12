"""What the screens see of a wizard run, and the messages its workers post.

Screens and widgets reach the run through one typed property, ``self.wizard`` (a :class:`WizardRun`),
never through ``self.app.<attribute>``. Workers (connect, assess, re-check, simulate, apply) never touch
that state from their threads: they post messages that carry the *generation* they started in, the
number of account switches so far, and the app drops a message from an older generation, so the
findings of an account the person has left never land on the account shown now.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol, Sequence, cast, runtime_checkable

from textual.message import Message

from steps.base import Plan, StepError
from steps.executor import ChangeResult
from wizard.connection import Connection, Identity

if TYPE_CHECKING:
    from wizard.assess import StepResult


class StepAssessed(Message):
    """A step was collected and evaluated. ``changes`` is how many changes the wizard had made to the
    account when the read began: a read older than the one shown is dropped, and a step read before
    the latest change is stale."""

    def __init__(self, result: "StepResult", generation: int, changes: int, first: bool = False) -> None:
        super().__init__()
        self.result = result
        self.generation = generation
        self.changes = changes
        self.first = first  # part of the first assessment of this account (the sidebar counts those)


class Connected(Message):
    """The connect worker reached the account and knows who it runs as."""

    def __init__(self, connection: Connection, identity: Identity, generation: int) -> None:
        super().__init__()
        self.connection = connection
        self.identity = identity
        self.generation = generation


class WorkFailed(Message):
    """A worker could not do its work (connect, simulate): shown in a modal, never a traceback."""

    def __init__(self, title: str, error: StepError, generation: int, connecting: bool = False) -> None:
        super().__init__()
        self.title = title
        self.error = error
        self.generation = generation
        self.connecting = connecting  # the account could not be reached at all


@runtime_checkable
class WizardRun(Protocol):
    """The run's state and what screens may ask of it (``wizard.app.WizardApp`` implements it)."""

    steps: tuple[ModuleType, ...]
    connection: Connection | None
    identity: Identity | None
    connect_error: StepError | None
    first: dict[str, "StepResult"]  # step id -> the first result ("before")
    results: dict[str, "StepResult"]  # step id -> the latest result
    running: set[str]
    skipped: set[str]
    applied: dict[str, list[ChangeResult]]
    assessed: int  # steps finished in this account's first assessment
    position: int  # -1 welcome, 0..n-1 a step, n the summary
    generation: int
    changes: int
    last_report: Path | None  # the HTML report exported last in this run

    def step_state(self, step_id: str) -> str: ...
    def known_state(self, step_id: str) -> str: ...
    def plan_for(self, step_id: str) -> Plan | None: ...
    def answers_for(self, step: ModuleType) -> dict[str, str]: ...
    def is_stale(self, step_id: str) -> bool: ...
    def go_to(self, position: int) -> None: ...
    def recheck(self, step_ids: Sequence[str]) -> None: ...
    def simulate_console(self, action: str, step_id: str) -> None: ...
    def switch_account(self, account_id: str) -> None: ...
    def record_apply(self, step_id: str, results: Sequence[ChangeResult]) -> None: ...
    def record_assessed(self, message: StepAssessed) -> None: ...
    def show_error(self, title: str, message: str = "", hint: str = "") -> None: ...
    def export_report(self, folder: Path) -> Path | None: ...
    def action_export(self) -> None: ...
    def since_last_check(self) -> str: ...
    def review_current(self) -> None: ...
    def action_skip(self) -> None: ...
    def action_help(self) -> None: ...
    def show_journal(self, undo: bool = False) -> None: ...


class ReachesWizard:
    """For screens, widgets and palette providers: ``self.wizard`` is the run, typed."""

    app: Any

    @property
    def wizard(self) -> WizardRun:
        return cast(WizardRun, self.app)
