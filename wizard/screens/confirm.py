"""The confirmation: a summary (calls per service, operation and region; what is risky; exactly
what cannot be undone), then every call that will be made with its exact parameters, in one list
the keys scroll. Risky plans need the account id typed."""

from __future__ import annotations

from types import ModuleType

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, Static

from steps.base import Plan
from wizard.widgets.render import escape, call_title, params_markup, summary_markup
from wizard.widgets.wrap import breakable

def typed_id(value: str) -> str:
    """The account id as typed, without the spaces and dashes of the console's "1234-5678-9012"."""
    return "".join(value.split()).replace("-", "")


class ConfirmScreen(ModalScreen[bool]):
    """Dismissed with True only from this dialog's Apply: the caller applies the ``plan`` it passed
    in, the very object shown here."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        # The list scrolls from wherever the focus is (the account id field, a button).
        Binding("down", "scroll('down')", "Scroll", show=False),
        Binding("up", "scroll('up')", "Scroll", show=False),
        Binding("pagedown", "scroll('page_down')", "Scroll", show=False),
        Binding("pageup", "scroll('page_up')", "Scroll", show=False),
    ]

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
                yield Static(breakable(Content.from_markup(summary_markup(self.plan)), hang=2), id="confirm-summary")
                yield Label(Content.from_markup(f"[b]Every call, in the order it is sent ({count}):[/b]"),
                            classes="confirm-lead")
                for number, change in enumerate(automatic, 1):
                    lines = [f"{number}. {call_title(change.call)}"
                             + ("  [$text-error][b]RISKY[/b][/]" if change.risky else ""),
                             params_markup(change.call, change.secret_params, indent="     ")]
                    if change.warning:
                        lines.append(f"    [$text-warning]⚠ {escape(change.warning)}[/]")
                    if change.cost_note:
                        lines.append(f"    [$text-accent]$ {escape(change.cost_note)}[/]")
                    if change.undo is None:
                        lines.append(f"    [$text-warning]cannot be undone: "
                                     f"{escape(change.undo_note or 'no undo call is known for this change')}[/]")
                    yield Static(breakable(Content.from_markup("\n".join(lines)), hang=2), classes="confirm-call")
                manual = len(self.plan.manual_changes)
                if manual:
                    yield Label(f"{manual} console step{'s stay' if manual != 1 else ' stays'} for you to do; "
                                "the wizard does not make console changes.", classes="muted")
            yield Static("↑ ↓ PgUp PgDn scroll the list.", classes="muted")
            if self.plan.risky:
                yield Label(Content.from_markup(
                    f"[$text-error][b]Risky:[/b][/] type the account id [b]{escape(self.account_id)}[/b] to confirm"))
                yield Input(placeholder=self.account_id, id="confirm-account", compact=True)
                yield Static("", id="confirm-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Apply", variant="error" if self.plan.risky else "success", id="apply", compact=True,
                             disabled=self.plan.risky, action="screen.confirm")
                yield Button("Cancel", id="cancel", compact=True, action="screen.cancel")
        yield Footer()  # its own keys, over the footer of the screen behind, whose keys do not work here

    def on_mount(self) -> None:
        target = "#confirm-account" if self.plan.risky else "#apply"
        self.set_focus(self.query_one(target))  # now, not after a refresh: keys typed ahead wait behind this

    def action_scroll(self, how: str) -> None:
        # Scrolled now, not after the next refresh (Textual's default): a key pressed before that
        # refresh would otherwise start from the old position and be lost.
        calls = self.query_one("#confirm-calls", VerticalScroll)
        page = calls.scrollable_content_region.height
        delta = {"down": 1, "up": -1, "page_down": page, "page_up": -page}[how]
        calls.scroll_to(y=calls.scroll_y + delta, animate=False, immediate=True)

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#apply", Button).disabled = typed_id(event.value) != self.account_id
        self.query_one("#confirm-error", Static).update("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if typed_id(event.value) == self.account_id:
            self.dismiss(True)
            return
        what = "Nothing was typed" if not event.value.strip() else "That is not this account's id"
        self.query_one("#confirm-error", Static).update(Content.from_markup(
            f"[$text-error]{what}: type {escape(self.account_id)} exactly to apply, or press Esc to cancel.[/]"))

    def action_confirm(self) -> None:
        """The Apply button (enabled only once a risky plan's account id was typed)."""
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
