"""One generic screen for every step: why it matters, findings, inputs, and the plan preview.

Everything on it comes from the step module (``INFO``, ``evaluate``'s findings, ``plan``), so a
step registered in ``steps.STEPS`` appears here without any screen code of its own.
"""

from __future__ import annotations

from types import ModuleType

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Static

from wizard.screens.base import WizardScreen
from wizard.widgets.findings import FindingsTable
from wizard.widgets.form import InputsForm
from wizard.widgets.plan import PlanView
from wizard.widgets.render import escape, glyph


class StepScreen(WizardScreen):
    AUTO_FOCUS = "#step-scroll"
    BINDINGS = [
        Binding("n", "app.next", "Next"),
        Binding("b", "app.back", "Back"),
        Binding("r", "recheck", "Re-check"),
        Binding("a", "review", "Review & apply"),
        Binding("s", "app.skip", "Skip"),
    ]

    def __init__(self, step: ModuleType) -> None:
        super().__init__()
        self.step = step
        self.info = step.INFO
        self._shown: object = object()  # the StepResult on screen, to redraw only when it changes

    def compose_main(self) -> ComposeResult:
        info = self.info
        with VerticalScroll(id="step-scroll"):
            yield Static(Content.from_markup(f"[b]{escape(info.title)}[/b]"), classes="screen-title", id="step-title")
            yield Static("", id="step-meta")
            yield Static(info.why, markup=False, id="why")
            yield Static("Findings", classes="section")
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
        ids = sorted({c for f in getattr(run.results.get(step_id), "findings", []) for c in f.cis})
        meta = (f"{glyph(state, word=True)}   [$text-muted]guide:[/] {escape(self.info.guide_section)}   "
                f"[$text-muted]severity:[/] {escape(self.info.severity.value)}")
        if ids:
            meta += f"   [$text-muted]CIS:[/] {escape(', '.join(ids))}"
        self.query_one("#step-meta", Static).update(Content.from_markup(meta))
        result = run.results.get(step_id)
        if result is self._shown:
            return
        self._shown = result
        self.query_one("#findings", FindingsTable).show(result.findings if result else [], step=self.info.id)
        self._show_plan()

    def _show_plan(self) -> None:
        run = self.wizard
        self.query_one("#plan", PlanView).show(run.plan_for(self.info.id),
                                               simulate=run.connection is not None and run.connection.is_sandbox)
        self.query_one("#review", Button).disabled = not self._can_review()

    def _can_review(self) -> bool:
        plan = self.wizard.plan_for(self.info.id)
        return plan is not None and (bool(plan.automatic) or bool(plan.needs))

    @on(InputsForm.Changed)
    def _answer_changed(self, event: InputsForm.Changed) -> None:
        self.wizard.answers_for(self.step)[event.name] = event.value
        self._show_plan()

    # --- actions ------------------------------------------------------------------------------

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
