"""Export asks where: a folder (the reports folder in the user's documents by default, said on the
dialog), then writes the HTML and Markdown reports there and shows their full paths."""

from __future__ import annotations

import os
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Static

from wizard.paths import REPORTS_FOLDER
from wizard.report.files import report_stem
from wizard.safe_text import clean
from wizard.widgets.wrap import breakable
from wizard.wizard_run import ReachesWizard


def default_note(folder: Path) -> str:
    """Where the offered folder comes from, in words."""
    if folder.name == REPORTS_FOLDER:
        return "a folder of its own in your documents folder; made if missing"
    if folder == Path.cwd():
        return "the folder the wizard was started from (no documents folder was found)"
    return "the folder of the last export"


def chosen_folder(typed: str) -> Path | str:
    """The folder typed (~ expanded, relative to the current folder), or one line saying what is wrong."""
    text = typed.strip()
    if not text:
        return "Type a folder, e.g. ~/Documents/aws-essentials-reports"
    folder = Path(os.path.expanduser(text))
    folder = folder if folder.is_absolute() else Path.cwd() / folder
    if folder.exists() and not folder.is_dir():
        return f"{folder} is a file, not a folder: type a folder"
    return folder


class ExportScreen(ReachesWizard, ModalScreen[None]):
    """Opens with the folder field focused: typing the folder is what this dialog is for, and no
    letter key is bound here (Enter exports, Esc cancels; its own footer says so)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder
        self.written: list[Path] = []

    def compose(self) -> ComposeResult:
        account = self.wizard.identity.account_id if self.wizard.identity else ""
        with Vertical(id="export-dialog", classes="dialog"):
            yield Static(Content.from_markup("[b]Export the report[/b]"), classes="dialog-title")
            yield Static(Content(clean(
                f"Writes {report_stem(Path(), account).name}.html (to hand over) and its .md twin into this "
                "folder, readable by you only; an earlier export of this account there is replaced.")))
            yield Input(str(self.folder), id="export-folder", compact=True)
            yield Static(Content(clean(f"Offered: {default_note(self.folder)}.")), id="export-note",
                         classes="muted")
            yield Static("", id="export-result")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Export", variant="primary", id="export", compact=True, action="screen.export")
                yield Button("Cancel", id="cancel", compact=True, action="screen.cancel")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#export-folder", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_export()

    def action_export(self) -> None:
        if self.written:  # done: the button reads Close
            self.dismiss()
            return
        result = self.query_one("#export-result", Static)
        folder = chosen_folder(self.query_one("#export-folder", Input).value)
        if isinstance(folder, str):
            result.update(breakable(Content.styled(clean(folder), "$text-error")))
            return
        html = self.wizard.export_report(folder)
        if html is None:  # the error dialog said why; the folder can be changed and tried again
            result.update(Content.styled("Nothing was written.", "$text-error"))
            return
        self.written = [html, html.with_suffix(".md")]
        result.update(breakable(Content.assemble(  # a long path breaks after a /, under itself
            ("Written:", "bold $text-success"), "\n", *[f"  {clean(str(path))}\n" for path in self.written]), hang=2))
        self.query_one("#export-folder", Input).disabled = True
        button = self.query_one("#export", Button)
        button.label = "Close"
        button.focus()
        self.query_one("#cancel", Button).display = False

    def action_cancel(self) -> None:
        self.dismiss()
