"""One generic screen for every step: why it matters, findings, inputs, and the plan preview.

Everything on it comes from the step module (``INFO``, ``evaluate``'s findings, ``plan``), so a
step registered in ``steps.STEPS`` appears here without any screen code of its own.

A switch never waits: the screen paints its title and what is known at once (a "reading" line while
the step is still read), the plan is made in a thread worker, and long lists of findings and calls
are mounted a batch at a time (``wizard.widgets.batched``). Typing in a field re-plans once, a
quarter of a second after the last key, and only a plan that differs is drawn again.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any, Sequence

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Button, Static

from steps.base import Plan
from wizard.safe_text import clean
from wizard.screens.base import WizardScreen, takes_letters
from wizard.widgets.findings import FindingsTable
from wizard.widgets.batched import filling
from wizard.widgets.form import InputsForm
from wizard.widgets.plan import Block, PlanView, plan_blocks
from wizard.widgets.render import escape, glyph

REPLAN_DELAY = 0.25  # seconds after the last key before the plan is made again (VPC's is 130 calls)


class PlanReady(Message):
    """The plan worker's answer to request ``number``; the screen drops an answer to an older one."""

    def __init__(self, number: int, plan: Plan | None, blocks: Sequence[Block], simulate: bool) -> None:
        super().__init__()
        self.number = number
        self.plan = plan
        self.blocks = blocks
        self.simulate = simulate


class StepScreen(WizardScreen):
    AUTO_FOCUS = "#step-scroll"
    BINDINGS = [
        Binding("n", "app.next", "Next"),
        Binding("b", "app.back", "Back"),
        Binding("r", "recheck", "Re-check"),
        # A priority binding: the confirmation is put up as the app takes the key, so the keys typed
        # after it (the account id) go to the dialog, not to this screen (check_action: never in a field).
        Binding("a", "review", "Review & apply", priority=True),
        Binding("s", "app.skip", "Skip"),
    ]

    def __init__(self, step: ModuleType) -> None:
        super().__init__()
        self.step = step
        self.info = step.INFO
        self._shown: object = object()  # the StepResult on screen, to redraw only when it changes
        self._plan_asked = 0  # plan requests so far; the worker's answer carries its number
        self._plan_answered = 0
        self._plan_drawn: tuple[Plan | None, bool] | None = None  # the plan on screen and its simulate flag
        self._replan: Timer | None = None  # pending re-plan after typing
        self._lines = ("", "")  # the meta and reading lines on screen (each update lays the screen out)

    def compose_main(self) -> ComposeResult:
        info = self.info
        with VerticalScroll(id="step-scroll"):
            yield Static(Content.from_markup(f"[b]{escape(info.title)}[/b]"), classes="screen-title", id="step-title")
            yield Static("", id="step-meta")
            yield Static(info.why, markup=False, id="why")
            yield Static("Findings", classes="section")
            yield Static("", id="step-reading", classes="muted")
            yield FindingsTable(id="findings")
            if info.inputs:
                yield Static("Your answers", classes="section", id="inputs-title")
                yield InputsForm(info.inputs, self.wizard.answers_for(self.step), id="form")
            yield Static("Plan", classes="section")
            yield PlanView(id="plan")
        with Horizontal(classes="actions"):
            yield Button("Review and apply", id="review", variant="primary", compact=True, action="screen.review")
            yield Button("Re-check", id="recheck", compact=True, action="screen.recheck")
            yield Button("Skip", id="skip", compact=True, action="app.skip")
            yield Button("Next", id="next", compact=True, action="app.next")

    def on_mount(self) -> None:
        super().on_mount()
        run = self.wizard
        for index, step in enumerate(run.steps):
            if step is self.step:
                run.position = index
        self.refresh_state()
        if run.is_stale(self.info.id) and self.info.id not in run.running:
            run.recheck([self.info.id])  # the wizard changed the account since this step was read

    def refresh_state(self) -> None:
        run = self.wizard
        step_id = self.info.id
        state = run.step_state(step_id)
        result = run.results.get(step_id)
        ids = sorted({c for f in getattr(result, "findings", []) for c in f.cis})
        meta = (f"{glyph(state, word=True)}   [$text-muted]guide:[/] {escape(self.info.guide_section)}   "
                f"[$text-muted]severity:[/] {escape(self.info.severity.value)}")
        if ids:
            meta += f"   [$text-muted]CIS:[/] {escape(', '.join(ids))}"
        reading = self._reading_line(state, result is not None)
        if (meta, reading) != self._lines:  # the run's state changes often; these lines seldom
            self._lines = (meta, reading)
            self.query_one("#step-meta", Static).update(Content.from_markup(meta))
            self.query_one("#step-reading", Static).update(reading)
            self.query_one("#step-reading", Static).display = bool(reading)
        if result is self._shown:
            return
        self._shown = result
        findings = self.query_one("#findings", FindingsTable)
        findings.display = result is not None
        findings.show(result.findings if result else [], step=self.info.id)
        self._ask_plan()

    def _reading_line(self, state: str, known: bool) -> str:
        """What the screen is waiting for, while it waits; the findings shown meanwhile are the last known."""
        if state == "RUNNING":
            return ("⟳ Re-checking: the findings below are from the last read." if known else
                    "⟳ Reading this step from the account… its findings and plan appear here as soon as it has been read.")
        if known:
            return ""
        if self.wizard.connect_error is not None:
            return "Not connected: nothing was read."
        return "⟳ Connecting to the account…"

    def _ask_plan(self) -> None:
        """Make the plan (and its text) from the latest state and answers in a thread worker: the
        screen keeps answering keys while a big account's plan is made."""
        if self._replan is not None:
            self._replan.stop()
            self._replan = None
        run = self.wizard
        self._plan_asked += 1
        simulate = run.connection is not None and run.connection.is_sandbox
        result = run.results.get(self.info.id)
        if result is None or result.state is None:  # nothing to plan from: said at once
            self.on_plan_ready(PlanReady(self._plan_asked, None, plan_blocks(None), simulate))
            return
        self.query_one("#plan", PlanView).preparing()
        self._make_plan(self._plan_asked, result, dict(run.answers_for(self.step)), simulate)

    @work(thread=True, exclusive=True, group="plan")
    def _make_plan(self, number: int, result: Any, answers: dict[str, str], simulate: bool) -> None:
        try:
            plan = result.plan(answers)
            blocks = plan_blocks(plan, simulate)
        except Exception as error:  # noqa: BLE001 - a bug in a step's plan is said, never a traceback
            plan, blocks = None, [Block("note", Content(clean(f"• Could not make the plan: {error}")))]
        self.post_message(PlanReady(number, plan, blocks, simulate))

    def on_plan_ready(self, message: PlanReady) -> None:
        if message.number != self._plan_asked:
            return  # an answer to an older request (the state or an answer changed since)
        self._plan_answered = message.number
        plan = message.plan
        self.query_one("#review", Button).disabled = not (plan is not None and (bool(plan.automatic)
                                                                                 or bool(plan.needs)))
        if (plan, message.simulate) == self._plan_drawn:
            return  # typing that does not change the plan redraws nothing
        self._plan_drawn = (plan, message.simulate)
        self.query_one("#plan", PlanView).show_blocks(message.blocks)

    @property
    def settled(self) -> bool:
        """Everything known is on screen: no plan being made or waiting for typing to stop, no rows
        still to mount (tests wait for this; the person never has to). A screen whose parts are not
        mounted yet, or are being removed, is not settled: the idle collector's timer asks at any moment
        (wizard/idle_gc.py), and a raise there ended the app."""
        if not (self._plan_asked > 0 and self._replan is None and self._plan_answered == self._plan_asked):
            return False
        parts = [self.query("#findings"), self.query("#plan")]
        return all(part and not filling(part.first()) for part in parts)

    @on(InputsForm.Changed)
    def _answer_changed(self, event: InputsForm.Changed) -> None:
        self.wizard.answers_for(self.step)[event.name] = event.value
        if self._replan is not None:
            self._replan.stop()
        self._replan = self.set_timer(REPLAN_DELAY, self._ask_plan)

    # --- actions ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "review" and takes_letters(self.focused):
            return False  # the priority `a` types into a focused field, as every letter does there
        return super().check_action(action, parameters)

    def action_recheck(self) -> None:
        self.wizard.recheck([self.info.id])

    def action_simulate(self, console_action: str) -> None:
        """Sandbox only: the plan's simulate button (its console action), then a re-check."""
        self.wizard.simulate_console(console_action, self.info.id)

    def action_review(self) -> None:
        from wizard.screens.apply import ApplyScreen
        from wizard.screens.confirm import ConfirmScreen

        run = self.wizard
        if self.info.id in run.running:
            self.notify("This step is being checked; try again in a moment.", severity="warning")
            return
        plan = run.plan_for(self.info.id)
        if plan is None:
            self.notify("This step has not been checked yet.", severity="warning")
            return
        if plan.needs:
            first = self.query_one("#form", InputsForm).show_errors() if self.info.inputs else None
            if first:  # shown, not focused: the next letter key must not type into it
                self.query_one(f"#{first}").scroll_visible(animate=False)
            labels = {item.name: item.label for item in self.info.inputs}
            self.notify("Fill in: " + ", ".join(labels.get(name, name) for name in plan.needs)
                        + ". Tab moves into the fields; Esc leaves them.",
                        title="Answers needed", severity="warning", markup=False)
            return
        if not plan.automatic:
            self.notify("Nothing for the wizard to apply here." + (" The console steps are listed in the plan."
                                                                     if plan.manual_changes else ""))
            return
        answers = dict(run.answers_for(self.step))
        account_id = run.identity.account_id if run.identity else ""
        app = self.app

        def confirmed(ok: bool | None) -> None:
            if ok:
                app.push_screen(ApplyScreen(self.step, plan, answers))

        app.push_screen(ConfirmScreen(self.step, plan, account_id), confirmed)
