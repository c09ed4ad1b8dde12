"""The palette's History and Undo last apply: the journal's recent changes to this account, in a modal.

Undo itself runs from the command line (`aws-essentials undo --last`), where it shows the calls and asks
first; this screen says what that command would reverse, so the person knows before leaving the wizard.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from steps.base import StepError
from wizard.screens.dialog import ReadingDialog
from wizard.widgets.render import escape
from wizard.widgets.wrap import breakable

RECENT = 20  # the history shows this many newest changes; `aws-essentials history` shows them all


def entry_line(entry: object) -> str:
    e = entry
    undo = f" (undo of {e.undo_of})" if e.undo_of else ""  # type: ignore[attr-defined]
    return f"{e.id}  {e.time}  {e.step}  {e.call}{undo}  {e.result}"  # type: ignore[attr-defined]


def journal_text(account_id: str, undo: bool) -> tuple[str, str]:
    """(title, body) for the account's journal: its recent entries, or what `undo --last` reverses."""
    from wizard.commands.common import UsageError
    from wizard.commands.undo import pick
    from wizard.journal import Journal

    journal = Journal(account_id)
    try:
        entries = journal.entries()
    except StepError as error:
        return "History", f"{error.title}. {error.hint}"
    if undo:
        try:
            group = pick(entries, account_id, None, last=True)
        except UsageError as error:
            return "Undo last apply", f"Nothing to undo: {error}."
        lines = "\n".join(entry_line(e) for e in group)
        return ("Undo last apply", f"Run this in a terminal to reverse the last apply ({len(group)} change(s), "
                f"newest first); it shows each call and asks before it sends any:\n\n"
                f"  aws-essentials undo --last\n\n{lines}")
    if not entries:
        return "History", f"The wizard has not changed this account yet.\n\nJournal: {journal.path}"
    recent = entries[-RECENT:]
    more = f"\n\n{len(entries) - len(recent)} older change(s): `aws-essentials history` lists them all." \
        if len(entries) > len(recent) else ""
    return "History", f"Journal: {journal.path}\n\n" + "\n".join(entry_line(e) for e in recent) + more


class JournalScreen(ReadingDialog):
    def __init__(self, account_id: str, undo: bool = False) -> None:
        super().__init__()
        self.title_text, self.body = journal_text(account_id, undo)

    def compose(self) -> ComposeResult:
        with Vertical(id="journal-dialog", classes="dialog"):
            yield Static(Content.from_markup(f"[b]{escape(self.title_text)}[/b]"), classes="dialog-title")
            with VerticalScroll():
                yield Static(breakable(Content.from_markup(escape(self.body)), hang=2), id="journal-body")  # ARNs
            yield from self.close_button()
