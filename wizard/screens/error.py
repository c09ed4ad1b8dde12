"""An error in a modal: what went wrong, the hint, and the screen below stays usable."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Static

from wizard.safe_text import clean
from wizard.widgets.render import escape
from wizard.widgets.wrap import breakable


class ErrorScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "dismiss_error", "Close"), Binding("enter", "dismiss_error", "Close", show=False)]

    def __init__(self, title: str, message: str = "", hint: str = "") -> None:
        super().__init__()
        self.error_title = title
        self.message = message
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(id="error-dialog", classes="dialog"):
            yield Static(Content.from_markup(f"[b]✘ {escape(self.error_title)}[/b]"), classes="dialog-title")
            if self.message:
                yield Static(breakable(clean(self.message)), id="error-message")
            if self.hint:
                yield Static(breakable(Content.from_markup(f"[$text-accent]What to do:[/] {escape(self.hint)}")), id="error-hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Close", variant="primary", id="close", compact=True, action="screen.dismiss_error")
        yield Footer()  # its own keys, over the footer of the screen behind, whose keys do not work here

    def on_mount(self) -> None:
        self.query_one("#close", Button).focus()

    def action_dismiss_error(self) -> None:
        self.dismiss()
