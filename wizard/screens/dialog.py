"""A modal that shows something to read and closes with Esc or its Close button (help, history)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widgets import Button, Footer


class ReadingDialog(ModalScreen[None]):
    BINDINGS = [Binding("escape", "close", "Close")]

    def close_button(self) -> ComposeResult:
        with Horizontal(classes="dialog-buttons"):
            yield Button("Close", variant="primary", id="close", compact=True, action="screen.close")

    def on_mount(self) -> None:
        # its own footer, over the footer of the screen behind, whose keys do not work here
        self.mount(Footer())
        self.query_one("#close", Button).focus()

    def action_close(self) -> None:
        self.dismiss()
