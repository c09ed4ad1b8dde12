"""Text that wraps between words and, inside a word too long for a line (an ARN, a path), after a
``:`` or a ``/`` (within a part still too long, after a ``-``, ``_`` or ``.``), never in the middle
of a word or an ARN's part.

Textual breaks lines only at whitespace and folds a longer word at the edge, mid-name. The break
opportunities here exist in rendering only: the text itself (what is copied, what JSON and the
reports hold) is never changed; only where its lines end on screen.
"""

from __future__ import annotations

import re
import shutil
import sys
from typing import Any

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

_WORDS = re.compile(r"\S+\s*|\s+")
# Where a word too long for a line may break, tried in turn: after each : or / of it (an ARN, a path),
# then, in a part still too long (an SSO role's name, a file's name), after a - _ or .
_LEVELS = (re.compile(r"[^:/]*[:/]+|[^:/]+"), re.compile(r"[^_.-]*[_.-]+|[^_.-]+"))
# A URL only after a / ? & or = (a query's parts), then after a dot: "https:" over "//console..." or
# "security_" over "credentials" reads as two things, and a break at a - or _ is taken for a hyphen.
URL_LEVELS = (re.compile(r"[^/?&=]*[/?&=]+|[^/?&=]+"), re.compile(r"[^.]*[.]+|[^.]+"))


def break_offsets(line: str, width: int, hang: int = 0, levels: tuple[re.Pattern[str], ...] = _LEVELS) -> list[int]:
    """Where ``line`` (no newline) should end its screen lines at ``width`` cells: at whitespace, and
    within a word longer than a line after ``:`` or ``/`` (then ``-``, ``_``, ``.``); a piece longer
    than a line is left whole (Textual folds it). Lines after the first start ``hang`` cells in (they
    are that much shorter)."""
    offsets: list[int] = []
    used, fresh = 0, True  # cells on the current screen line; nothing placed on it yet

    def place(text: str, offset: int, level: int) -> None:
        nonlocal used, fresh
        if not text:  # a line's indent: what follows may still start here, a line is never only spaces
            return
        size = cell_len(text)
        if not fresh and used + size > width:  # it starts the next line
            offsets.append(offset)
            used, fresh = hang, True
        if size <= width - used or level == len(levels):
            used, fresh = used + size, False
            return
        for piece in levels[level].finditer(text):  # longer than a line: its pieces, as words
            place(piece.group(), offset + piece.start(), level + 1)

    for match in _WORDS.finditer(line):
        word = match.group()
        place(word.rstrip(), match.start(), 0)
        used += cell_len(word) - cell_len(word.rstrip())  # the spaces after it
    return offsets


def terminal_lines(text: str, width: int | None = None, hang: int = 2) -> str:
    """``text`` (one line) as printed on a terminal ``width`` cells wide (None: stdout's, and whole when
    stdout is no terminal, for a script that reads it), instead of the terminal folding it mid-word or
    mid-path: whole if it fits; else a line for each of its clauses (after a "; "), each broken as
    :func:`break_offsets` says, lines after the first ``hang`` cells in."""
    if width is None:
        if not sys.stdout.isatty():
            return text
        width = shutil.get_terminal_size().columns
    if cell_len(text) <= width:
        return text
    lines = []
    for clause in re.split(r"(?<=;) ", text):
        # every line but the first starts hang cells in
        edges = [0, *(break_offsets(clause, width, hang) if not lines else break_offsets(clause, width - hang)),
                 len(clause)]
        lines.extend(clause[a:b].rstrip() for a, b in zip(edges, edges[1:]))
    return "\n".join(line if n == 0 else " " * hang + line for n, line in enumerate(lines))


class BreakableContent(Content):
    """Content whose lines end where :func:`break_offsets` says (then laid out as any Content); a
    wrapped line goes on ``hang`` cells further in than it starts, under its text (past a bullet, a
    label)."""

    hang = 0
    levels = _LEVELS  # where a word longer than a line may break (URL_LEVELS: a link)

    def _broken(self, width: int) -> Content:
        """The text with its lines ended for ``width``; made once per width (layout asks often)."""
        cache: dict[int, Content] = self.__dict__.setdefault("_broken_cache", {})
        if width not in cache:
            plain = Content(self.plain, list(self.spans))
            if width <= 0:
                cache[width] = plain
            else:
                lines = []
                for line in plain.split(allow_blank=True):
                    hang = len(line.plain) - len(line.plain.lstrip(" ")) + self.hang  # past its own indent
                    hang = hang if hang * 2 <= width else 0  # too narrow to indent: the whole width
                    parts = line.divide(break_offsets(line.plain, width, hang, self.levels)) if line.plain else [line]
                    indent = Content(" " * hang)
                    lines.extend(part.rstrip() if n == 0 else indent + part.rstrip() for n, part in enumerate(parts))
                cache[width] = Content("\n").join(lines)
        return cache[width]

    def get_height(self, rules: Any, width: int) -> int:
        pad = rules.get("line_pad", 0) * 2
        return self._broken(width - pad).get_height(rules, width)

    def get_minimal_width(self, rules: Any) -> int:
        return 1  # any width: a long word breaks after its : and /

    def _wrap_and_format(self, width: int, *args: Any, **kwargs: Any) -> Any:
        pad = kwargs.get("line_pad", 0) * 2
        return self._broken(width - pad)._wrap_and_format(width, *args, **kwargs)


def breakable(content: Content | str, hang: int = 0, url: bool = False) -> BreakableContent:
    """``content`` (markup already parsed) as :class:`BreakableContent`, text and styles unchanged;
    ``hang``: how much further in than its own start a wrapped line goes on; ``url``: it is a link,
    broken only after a ``/``, ``?``, ``&``, ``=`` or ``.``."""
    if isinstance(content, str):
        content = Content(content)
    broken = BreakableContent(content.plain, list(content.spans))
    broken.hang = hang
    if url:
        broken.levels = URL_LEVELS
    return broken


_TITLE_COLOUR = {"information": "$text-success", "warning": "$text-warning", "error": "$text-error"}


def toast_content(message: str, title: str = "", severity: str = "information", markup: bool = True) -> Content:
    """A toast's text (its title on a line of its own, as Textual's): a path or an ARN in it breaks
    after a ``/`` or ``:``. Textual's toast makes plain Content of its message and folds it mid-name."""
    text = Content.from_markup(message) if markup else Content(message)
    if title:
        head = Content(title).stylize(f"bold {_TITLE_COLOUR.get(severity, '$text-success')}")
        text = Content.assemble(head, "\n", text)
    return breakable(text)


class WrappingLog(VerticalScroll):
    """A log whose lines wrap as :func:`breakable` says, each continuing under its text: Textual's Log
    cannot wrap (a long ARN ended at the edge) and RichLog folds mid-name, for the width it had when
    written. Anchored: it follows the end until the person scrolls. ``lines`` is what was written."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.lines: list[str] = []
        self._text = Static("", classes="log-text")

    def compose(self) -> ComposeResult:
        yield self._text

    def on_mount(self) -> None:
        self.anchor()

    def write_line(self, line: str) -> None:
        """Add ``line`` (text, never markup: written as it is)."""
        self.write_lines([line])

    def write_lines(self, lines: list[str]) -> None:
        """Add ``lines`` with one redraw (an apply reports calls faster than a screen is drawn)."""
        self.lines.extend(lines)
        self._text.update(breakable("\n".join(self.lines), hang=2))
