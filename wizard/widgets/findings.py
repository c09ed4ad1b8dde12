"""The findings table: one row per check and status, which opens to its findings (rows wrap).

The insecure demo's groups step has 19 "IAM Access Analyzer is active" failures, one per region: they
are one row here ("fail in 19 regions: af-south-1, ..."), and Enter, Space or a click on it shows
the 19. The grouping is wizard/findings_groups.py's, the same as plain mode's; a group's rows are
mounted only when it is opened, so a step with hundreds of findings draws as fast as a small one.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator, Mapping, Sequence

from textual import events
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Label

from steps.base import Finding
from wizard.findings_groups import FindingGroup, group_findings, short_name
from wizard.widgets.batched import capped, fill
from wizard.widgets.cells import Cell, Columns
from wizard.widgets.render import WORDS, escape, glyph
from wizard.widgets.wrap import breakable

CLOSED, OPEN = "▸", "▾"


def _ids(row: Mapping[str, Any]) -> str:
    return ", ".join([f"CIS {c}" for c in row.get("cis") or ()] + list(row.get("securityhub") or ()))


def row_markup(row: Mapping[str, Any] | Finding) -> tuple[str, str, str]:
    """One finding's cells as content markup: status, region and resource, title and message with ids."""
    if isinstance(row, Finding):
        row = row.to_dict()
    ids = _ids(row)
    message = f"[b]{escape(row['title'])}[/b]: {escape(row['message'])}"
    if ids:
        message += f"  [$text-muted]({escape(ids)})[/]"
    where = f"{escape(row.get('region') or 'global')}\n[$text-muted]{escape(row.get('resource') or 'account')}[/]"
    return glyph(row["status"], word=True), where, message


def group_markup(group: FindingGroup, opened: bool = False) -> tuple[str, str, str]:
    """A group's row: how many regions and resources, and "title: fail in 19 regions: ..."."""
    regions, resources = group.regions, group.resources
    where = escape(f"{len(regions)} regions" if len(regions) > 1 else regions[0])
    where += "\n[$text-muted]" + escape(f"{len(resources)} resources" if len(resources) > 1
                                        else (short_name(resources[0]) if resources else "account")) + "[/]"
    message = (f"{OPEN if opened else CLOSED} [b]{escape(group.title)}[/b]: {WORDS[group.status]} in "
               f"{escape(group.where())}")
    if group.ids:
        message += f"  [$text-muted]({escape(', '.join(group.ids))})[/]"
    return glyph(group.status, word=True), where, message


def status_class(status: str) -> str:
    """The CSS class of a status: "-fail", and "-na" for N/A (a "/" is no identifier character)."""
    return "-" + status.lower().replace("/", "")


# The columns' widths, as their labels had them: status 9, region and resource by the screen's
# width class (Screen.-wide, wizard/app.py's breakpoints), the message the rest; one cell of padding
# on the right of each, and the members of an opened group indented by 2. Below 90 columns
# (Screen.-narrow) the region and resource go on their own lines over the message: a column of 14
# folded an access key id (20) mid-id, and one of 21 left the message 20 cells.
STATUS_WIDTH = 9
WHERE_WIDTH = {"-wide": 30}
WHERE_DEFAULT = 22  # an access key id (20) whole on its line; 18 folded it mid-id at 120 columns


class CellsRow(Widget):
    """A row of the table drawn as one widget (wizard.widgets.cells): status, where, message."""

    DEFAULT_CSS = "CellsRow { height: auto; }"

    def __init__(self, cells: tuple[Content, Content, Content], member: bool = False, classes: str = "") -> None:
        super().__init__(classes=classes)
        self.status_cell, self.where, self.message = cells
        self.member = member

    def where_width(self) -> int:
        screen = self.screen
        return next((width for name, width in WHERE_WIDTH.items() if screen.has_class(name)), WHERE_DEFAULT)

    _stacked: Content | None = None  # the where over the message, made once (its wrapping is cached in it)

    def render(self) -> Columns:
        status, indent = Cell(self.status_cell, STATUS_WIDTH, right=1), 2 if self.member else 0
        if self.screen.has_class("-narrow"):
            if self._stacked is None:
                self._stacked = breakable(Content("\n").join([self.where, self.message]))
            return Columns([status, Cell(self._stacked, None, left=indent, right=1)])
        return Columns([status, Cell(self.where, self.where_width(), right=1),
                        Cell(self.message, None, left=indent, right=1)])

    def set_message(self, message: Content) -> None:
        self.message, self._stacked = message, None
        self.refresh(layout=True)  # it may wrap to another number of lines


def _cells(cells: tuple[str, str, str], note: str = "") -> tuple[Content, Content, Content]:
    """A finding's or group's cells (markup) as content; an ARN breaks at : and /."""
    status, where, message = cells
    return (Content.from_markup(status), breakable(Content.from_markup(where)),
            breakable(Content.from_markup(note + message)))


class FindingRow(CellsRow):
    """One finding, or a group of one."""

    def __init__(self, cells: tuple[str, str, str], status: str, note: str = "", member: bool = False) -> None:
        super().__init__(_cells(cells, note), member, classes=f"finding-row {status_class(status)}"
                         + (" -member" if member else ""))


class GroupRow(CellsRow, can_focus=True):
    """A group's one row; Enter, Space or a click opens it to its findings (and closes it again)."""

    BINDINGS = [Binding("enter,space", "toggle", "Open / close", show=False)]

    def __init__(self, group: FindingGroup, note: str = "") -> None:
        self.group, self.note = group, note
        super().__init__(_cells(group_markup(group), note), classes=f"finding-row finding-group {status_class(group.status)}")

    def action_toggle(self) -> None:
        parent = self.parent
        if isinstance(parent, FindingsGroup):
            parent.toggle()

    def _on_click(self, event: events.Click) -> None:
        event.stop()
        self.action_toggle()

    def show_state(self, opened: bool) -> None:
        self.set_message(breakable(Content.from_markup(self.note + group_markup(self.group, opened)[2])))


class FindingsGroup(Vertical):
    """A group's row and, once opened, its findings."""

    def __init__(self, group: FindingGroup, note: str = "") -> None:
        super().__init__(classes="findings-group")
        self.group, self.note = group, note
        self.opened = False

    def compose(self):
        yield GroupRow(self.group, self.note)

    def toggle(self) -> None:
        self.opened = not self.opened
        members = self.query(".group-members")
        if self.opened and not members:
            self.mount(Vertical(*[FindingRow(row_markup(row), row["status"], member=True)
                                  for row in self.group.findings], classes="group-members"))
        elif members:
            members.first().display = self.opened
        self.query_one(GroupRow).show_state(self.opened)


class FindingsTable(Vertical):
    """Failing groups first, the most severe and the biggest first; every cell wraps, so nothing is cut
    at 80 columns."""

    _drawn: tuple = ()  # the groups, notes and empty line on screen

    def show(self, findings: Sequence[Finding], step: str = "") -> None:
        self.show_groups(group_findings([dict(f.to_dict(), step=step) for f in findings]))

    def show_groups(self, groups: Sequence[FindingGroup], note: Callable[[FindingGroup], str] | None = None,
                    empty: str = "No findings yet.") -> None:
        """``note(group)`` is markup put before a row's message (the summary names the step and why)."""
        drawn = (tuple(groups), tuple(map(note, groups)) if note else (), empty)
        if drawn == self._drawn:
            return  # a re-check that found the same: the rows stay (and a group stays open)
        self._drawn = drawn
        # A batch at a time, the first rows only: a step can have hundreds (the header is a row).
        fill(self, capped(self._rows(groups, note, empty), len(groups) + 1, "findings"))

    def _rows(self, groups: Sequence[FindingGroup], note: Callable[[FindingGroup], str] | None,
              empty: str) -> Iterator[Widget]:
        hint = "; Enter opens a group" if any(group.count > 1 for group in groups) else ""
        yield CellsRow((Content("Status"), Content("Region / resource"),
                        Content.from_markup(f"Finding  [$text-muted](CIS, Security Hub{hint})[/]")), classes="finding-row finding-header")
        for group in groups:
            prefix = note(group) if note else ""
            if group.count == 1:
                yield FindingRow(row_markup(group.findings[0]), group.status, prefix)
            else:
                yield FindingsGroup(group, prefix)
        if not groups:
            yield Label(empty, classes="muted")
