"""Applying a confirmed plan in a thread worker: a bar per change, a live log, then a re-check.

Esc, q or Ctrl-C while it runs asks to stop: the call in flight finishes and is journalled, nothing
more is sent, the rows not sent are marked, and the step is re-checked as after any apply."""

from __future__ import annotations

import threading
from types import ModuleType
from typing import Any, Mapping

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Footer, Label, ProgressBar, Static

from wizard.safe_text import clean
from wizard.widgets.cells import Cell, Columns
from wizard.widgets.render import escape
from wizard.widgets.wrap import WrappingLog, breakable
from wizard.wizard_run import ReachesWizard, StepAssessed
from steps.base import Plan, StepError
from steps.executor import ChangeResult, PlanDrifted


PENDING, RUNNING, DONE, FAILED, NOT_SENT = (Content.from_markup(markup) for markup in (
    "·", "[$text-accent]⟳[/]", "[$text-success]✔[/]", "[$text-error]✘[/]", "[$text-warning]–[/]"))


PROGRESS_EVERY = 0.1  # seconds: the progress of an apply is shown at most this often


class Progressed(Message):
    """Changes were sent: their results are queued on the screen."""


class ApplyRow(Widget):
    """A change of the plan as one widget: its state's glyph, then its call and why (wrapped)."""

    DEFAULT_CSS = "ApplyRow { height: auto; }"

    def __init__(self, text: Content, id: str) -> None:
        super().__init__(id=id, classes="apply-row")
        self.text, self.glyph = text, PENDING

    def render(self) -> Columns:
        return Columns([Cell(self.glyph, 2), Cell(self.text)])

    def set_glyph(self, glyph: Content) -> None:
        self.glyph = glyph
        self.refresh()  # one cell, the same size: no layout


class ApplyScreen(ReachesWizard, ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", "Stop / Close"),
        Binding("q", "close", "Stop / Close", show=False),
        Binding("ctrl+c", "close", "Stop / Close", show=False),
    ]

    def __init__(self, step: ModuleType, plan: Plan, answers: Mapping[str, str]) -> None:
        super().__init__()
        self.step = step
        self.plan = plan
        self.answers = dict(answers)
        self.done = False
        self.stop = threading.Event()  # set by the person; run_changes checks it before each call
        self.not_run: list = []  # the changes the stop kept from being sent
        # indexes into plan.changes of the automatic changes, in order
        self.indexes = [i for i, c in enumerate(plan.changes) if not c.manual and c.call is not None]
        self._queued: list[tuple[int, ChangeResult]] = []  # progress from the apply thread, not yet shown
        self._queued_lock = threading.Lock()

    def compose(self) -> ComposeResult:
        with Vertical(id="apply-dialog", classes="dialog"):
            yield Static(Content.from_markup(f"[b]Applying {escape(self.step.INFO.title)}[/b]"), classes="dialog-title")
            yield ProgressBar(total=len(self.indexes), show_eta=False, id="apply-total")
            with VerticalScroll(id="apply-changes"):
                for position, index in enumerate(self.indexes):
                    change = self.plan.changes[index]
                    yield ApplyRow(breakable(Content.from_markup(
                        f"{escape(change.call.name)}  [$text-muted]{escape(change.reason)}[/]")), id=f"row-{position}")
            yield WrappingLog(id="apply-log")  # an ARN in a line wraps at its : and /, never cut
            yield Label("Applying… Esc, q or Ctrl-C stops after the call in flight.", id="apply-status")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Close", id="close", variant="primary", compact=True, disabled=True,
                             action="screen.close")
        yield Footer()  # its own keys, over the footer of the screen behind, whose keys do not work here

    def on_mount(self) -> None:
        run = self.wizard
        assert run.connection is not None  # the step screen offers apply only once connected
        self.aws, self.generation = run.connection.aws, run.generation
        if self.indexes:
            self.query_one("#row-0", ApplyRow).set_glyph(RUNNING)
        self._log("Checking that the account still matches the plan you confirmed…")
        self.run_apply()

    def _log(self, line: str) -> None:
        # an ESC or C1 in an AWS error (quoting a name) would reach the terminal
        self.query_one("#apply-log", WrappingLog).write_line(clean(line))

    @work(thread=True, exclusive=True, group="apply")
    def run_apply(self) -> None:
        from wizard.apply import apply_plan
        from wizard.assess import assess_step

        app, aws = self.app, self.aws
        outcome: Any = None
        error: Exception | None = None
        try:
            outcome = apply_plan(aws, self.step, self.plan, self.answers, stop=self.stop,
                                 on_progress=self._progressed, on_wait=lambda line: app.call_from_thread(self._waited, line))
        except (PlanDrifted, StepError) as caught:
            error = caught
        except Exception as caught:  # noqa: BLE001 - shown in a modal, the app keeps running
            error = StepError(f"{type(caught).__name__}: {caught}", "nothing after the failing change was sent")
        # Waits for the screen to record the apply, so the re-read below counts as after it.
        changes = app.call_from_thread(self._applied, outcome, error)
        aws.forget()
        # Posted to this screen, which has the app keep it before it says "re-checked".
        self.post_message(StepAssessed(assess_step(aws, self.step), self.generation, changes))

    def _position(self, index: int) -> int:
        return self.indexes.index(index) if index in self.indexes else -1

    def _progressed(self, index: int, result: ChangeResult) -> None:
        """From the apply thread: queue the result; the screen shows what is queued when it next
        can, in one go (a VPC apply sends ~140 calls faster than a screen is drawn)."""
        with self._queued_lock:
            self._queued.append((index, result))
            if len(self._queued) > 1:
                return  # a Progressed is on its way and will take this one too
        self.post_message(Progressed())

    def on_progressed(self, message: Progressed) -> None:
        message.stop()
        # A tenth of a second on: each write to the log lays the whole screen out (a VPC apply has
        # ~140 rows), so what arrives meanwhile is shown with it.
        self.set_timer(PROGRESS_EVERY, self._show_progress)

    def _waited(self, line: str) -> None:
        self._show_progress()  # the results before the wait, then the wait
        self._log(line)

    def _show_progress(self) -> None:
        with self._queued_lock:
            done, self._queued = self._queued, []
        if not done:
            return
        rows = self.query(ApplyRow)
        lines = []
        for index, result in done:
            position = self._position(index)
            if position < 0:
                continue
            # the glyph is the row's whole state: no re-layout, only that row redrawn
            rows[position].set_glyph(DONE if result.ok else FAILED)
            if result.ok and position + 1 < len(self.indexes):
                rows[position + 1].set_glyph(RUNNING)
            name = result.change.call.name if result.change.call else "manual"
            lines.append(clean(f"{'✔' if result.ok else '✘'} {name}: {'done' if result.ok else result.detail}"))
        self.query_one("#apply-total", ProgressBar).advance(len(lines))
        self.query_one("#apply-log", WrappingLog).write_lines(lines)

    def _applied(self, outcome: Any, error: Exception | None) -> int:
        """Record and show what was sent; return the run's change count, which now includes it."""
        self._show_progress()  # what is still queued, before what follows it
        run = self.wizard
        run.record_apply(self.step.INFO.id, outcome.results if outcome is not None else [])
        if outcome is not None:
            for change in outcome.skipped:
                if not change.manual:
                    self._log(f"- {change.title}: not sent (an earlier change failed)")
            self.not_run = list(outcome.not_run)
            self._mark_not_run(self.not_run)
        status = self.query_one("#apply-status", Label)
        if outcome is not None and outcome.stopped and outcome.failed is None:
            sent, unsent = len(outcome.results), len(outcome.not_run)
            status.update(Content.from_markup(
                f"[$text-warning]Stopped: {sent} call{'s' if sent != 1 else ''} sent and journalled, "
                f"{unsent} not sent (marked –).[/] Re-checking…"))
        elif isinstance(error, PlanDrifted):
            status.update("Nothing was sent: the account changed since you looked.")
            self._log("Nothing was sent: the account changed since the plan was shown.")
            lines = [f"{n}. {c.title}" for n, c in enumerate(error.new_plan.changes, 1)] or ["(nothing to change now)"]
            run.show_error("The account changed since you looked",
                           "Nothing was sent. The new plan is on the step screen:\n" + "\n".join(lines),
                           "review the new plan, then apply again")
        elif error is not None:
            title = error.title if isinstance(error, StepError) else str(error)
            hint = error.hint if isinstance(error, StepError) else ""
            status.update("Nothing was sent.")
            self._log(f"✘ {title}")
            run.show_error("The changes could not be applied", title, hint)
        elif outcome is not None and outcome.failed is not None:
            failed = outcome.failed
            status.update(Content.from_markup(f"[$text-error]✘ {escape(failed.change.title)} failed; "
                                              "the changes before it were kept.[/]"))
            title = f"{failed.change.title} failed"
            run.show_error(title, failed.detail, "the changes before it were made and journalled; "
                           "fix the cause and apply again (the plan will only contain what is left)")
        else:
            status.update(Content.from_markup("[$text-success]✔ Every change was applied.[/] Re-checking…"))
        self._log("Re-checking the step…")
        return run.changes

    def _mark_not_run(self, changes: list) -> None:
        """Mark the rows of the changes the stop kept from being sent, and list them in the log."""
        positions = {id(self.plan.changes[index]): position for position, index in enumerate(self.indexes)}
        for change in changes:
            position = positions.get(id(change), -1)
            if position >= 0:
                self.query_one(f"#row-{position}", ApplyRow).set_glyph(NOT_SENT)
            self._log(f"– {change.title}: not sent (you stopped the apply)")

    def on_step_assessed(self, message: StepAssessed) -> None:
        """The re-check after the apply: the app records it first, so the screens below show it too."""
        message.stop()
        self.wizard.record_assessed(message)
        result = message.result
        summary = result.summary
        not_applicable = f", {summary['N/A']} n/a" if summary.get("N/A") else ""
        self._log(f"Re-checked: {summary['PASS']} pass, {summary['FAIL']} fail, {summary['MANUAL']} manual, "
                  f"{summary['UNKNOWN']} unknown{not_applicable}.")
        self.done = True
        button = self.query_one("#close", Button)
        button.disabled = False
        if not isinstance(self.app.screen, ModalScreen) or self.app.screen is self:
            button.focus()
        status = self.query_one("#apply-status", Label)
        if self.not_run:
            sent = len(self.plan.automatic) - len(self.not_run)
            status.update(Content.from_markup(
                f"[$text-warning]Stopped: {sent} sent and journalled, {len(self.not_run)} not sent (marked –).[/] "
                f"Re-checked: {summary['FAIL']} still failing."))
        elif result.summary["FAIL"] == 0:
            status.update(Content.from_markup("[$text-success]✔ Applied and re-checked: nothing fails any more.[/]"))
        else:
            status.update(Content.from_markup(f"Re-checked: [$text-error]{summary['FAIL']} still failing[/] "
                                              "(see the step screen)."))

    def action_close(self) -> None:
        if self.done:
            self.dismiss()
        elif not self.stop.is_set():
            self.stop.set()
            self.query_one("#apply-status", Label).update(
                "Stopping: the call in flight finishes and is journalled; nothing more is sent…")
            self._log("Stop requested: nothing more is sent after the call in flight.")
