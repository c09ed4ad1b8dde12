"""The help screen (`?`, F1): every key that works where the person is, what the statuses mean,
and where the wizard keeps its files. The keys are read from the bindings, never listed by hand."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from steps.base import Status
from wizard.screens.dialog import ReadingDialog
from wizard.widgets.render import escape, glyph
from wizard.widgets.wrap import breakable

# What each status a step or finding can have means (the sidebar also shows the step states).
MEANINGS = {
    Status.PASS.value: "the check found nothing to fix",
    Status.FAIL.value: "the check found something to fix; most fixes are one Review & apply away",
    Status.MANUAL.value: "only a person can check or do this, usually in the AWS console (the step says how)",
    Status.UNKNOWN.value: "could not be checked (access denied, not supported, throttled): never counted as a pass",
    Status.NA.value: "not applicable: the check is about something the account does not have (no trail, no database)",
    "SKIPPED": "you skipped the step; its findings stay in the summary and the report",
    "RUNNING": "the step is being read from AWS",
    "PENDING": "not read yet",
}


def binding_rows(screen: object, app: object) -> list[tuple[str, str]]:
    """(keys, what they do) for every binding active on ``screen``, the app's included, one row per action."""
    rows: dict[tuple[str, str], list[str]] = {}
    active_bindings = list(screen.active_bindings.values())  # type: ignore[attr-defined]
    # the wizard's own keys (screen, app) first; the focused widget's scrolling and moving keys after
    active_bindings.sort(key=lambda active: active.node not in (screen, app))
    for active in active_bindings:
        binding = active.binding
        if not binding.description:
            continue
        keys = rows.setdefault((binding.action, binding.description), [])
        display = app.get_key_display(binding)  # type: ignore[attr-defined]
        if display not in keys:
            keys.append(display)
    return [(" / ".join(keys), description) for (_, description), keys in rows.items()]


class HelpScreen(ReadingDialog):
    BINDINGS = [
        Binding("question_mark,f1", "close", "Close", show=False),  # Esc too, as every reading dialog
    ]

    def __init__(self, bindings: Sequence[tuple[str, str]], files: Sequence[tuple[str, Path]]) -> None:
        super().__init__()
        self.bindings = list(bindings)
        self.files = list(files)

    def compose(self) -> ComposeResult:
        width = max((len(keys) for keys, _ in self.bindings), default=0)
        keys = "\n".join(f"[b]{escape(k.ljust(width))}[/b]  {escape(what)}" for k, what in self.bindings)
        statuses = "\n".join(f"{glyph(status, word=True)}: {escape(meaning)}" for status, meaning in MEANINGS.items())
        files = "\n".join(f"[b]{escape(what)}[/b]: {escape(str(path))}" for what, path in self.files)
        with Vertical(id="help-dialog", classes="dialog"):
            yield Static(Content.from_markup("[b]Help[/b]"), classes="dialog-title")
            with VerticalScroll(id="help-scroll"):
                yield Static("Keys", classes="section")
                # wrapped lines go on under their text; a long path breaks after a / (a home folder's)
                yield Static(breakable(Content.from_markup(keys), hang=width + 2), id="help-keys")
                yield Static("What the statuses mean", classes="section")
                yield Static(breakable(Content.from_markup(statuses), hang=2), id="help-statuses")
                yield Static("Where the files go", classes="section")
                yield Static(breakable(Content.from_markup(files), hang=2), id="help-files")
            yield from self.close_button()
