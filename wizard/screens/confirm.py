"""The confirmation: every call that will be made, with its exact parameters; risky plans need the
account id typed."""

from __future__ import annotations

from types import ModuleType

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from steps.base import Plan
from wizard.widgets.render import escape, call_title, params_markup


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, step: ModuleType, plan: Plan, account_id: str) -> None:
        super().__init__()
        self.step = step
        self.plan = plan
        self.account_id = account_id

    def compose(self) -> ComposeResult:
        automatic = self.plan.automatic
        count = f"{len(automatic)} call{'s' if len(automatic) != 1 else ''}"
        with Vertical(id="confirm-dialog", classes="dialog"):
            yield Static(Content.from_markup(f"[b]Apply {escape(self.step.INFO.title)}?[/b]  "
                                             f"{count} to account {escape(self.account_id)}"), classes="dialog-title")
            with VerticalScroll(id="confirm-calls"):
                for number, change in enumerate(automatic, 1):
                    lines = [f"{number}. {call_title(change.call)}", params_markup(change.call, change.secret_params, indent="     ")]
                    if change.warning:
                        lines.append(f"    [$text-warning]⚠ {escape(change.warning)}[/]")
                    if change.cost_note:
                        lines.append(f"    [$text-accent]$ {escape(change.cost_note)}[/]")
                    yield Static(Content.from_markup("\n".join(lines)), classes="confirm-call")
                manual = len(self.plan.manual_changes)
                if manual:
                    yield Label(f"{manual} console step{'s stay' if manual != 1 else ' stays'} for you to do; "
                                "the wizard does not make console changes.", classes="muted")
            yield Static("Every change is journalled first, so `aws-essentials undo` can reverse it.", classes="muted")
            if self.plan.risky:
                yield Label(Content.from_markup(
                    f"[$text-error][b]Risky:[/b][/] type the account id [b]{escape(self.account_id)}[/b] to confirm"))
                yield Input(placeholder=self.account_id, id="confirm-account", compact=True)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Apply", variant="error" if self.plan.risky else "success", id="apply", compact=True,
                             disabled=self.plan.risky)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        target = "#confirm-account" if self.plan.risky else "#apply"
        self.query_one(target).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#apply", Button).disabled = event.value.strip() != self.account_id

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.value.strip() == self.account_id:
            self.dismiss(True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "apply")

    def action_cancel(self) -> None:
        self.dismiss(False)
