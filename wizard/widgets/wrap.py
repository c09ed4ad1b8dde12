"""Text that wraps between words and, inside a word too long for a line (an ARN, a path), after a
``:`` or a ``/``, never in the middle of a word or an ARN's part.

Textual breaks lines only at whitespace and folds a longer word at the edge, mid-name. The break
opportunities here exist in rendering only: the text itself (what is copied, what JSON and the
reports hold) is never changed; only where its lines end on screen.
"""

from __future__ import annotations

import re
from typing import Any

from rich.cells import cell_len
from textual.content import Content

_PIECES = re.compile(r"[^\s:/]*[:/]+|[^\s:/]+")  # parts of a long word, each ending after its : or /
_WORDS = re.compile(r"\S+\s*|\s+")


def break_offsets(line: str, width: int) -> list[int]:
    """Where ``line`` (no newline) should end its screen lines at ``width`` cells: at whitespace, and
    within a word longer than a line after ``:`` or ``/``; a part longer than a line is left whole
    (Textual folds it)."""
    offsets: list[int] = []
    used = 0  # cells on the current screen line
    for match in _WORDS.finditer(line):
        word, start = match.group(), match.start()
        bare = cell_len(word.rstrip())
        if used and used + bare > width:  # the word starts the next line
            offsets.append(start)
            used = 0
        if bare <= width - used:
            used += cell_len(word)
            continue
        for piece in _PIECES.finditer(word.rstrip()):  # too long for any line: break at its : and /
            size = cell_len(piece.group())
            if used and used + size > width:
                offsets.append(start + piece.start())
                used = 0
            used += size
        used += cell_len(word) - bare
    return offsets


class BreakableContent(Content):
    """Content whose lines end where :func:`break_offsets` says (then laid out as any Content)."""

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
                    parts = line.divide(break_offsets(line.plain, width)) if line.plain else [line]
                    lines.extend(part.rstrip() for part in parts)
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


def breakable(content: Content | str) -> BreakableContent:
    """``content`` (markup already parsed) as :class:`BreakableContent`, text and styles unchanged."""
    if isinstance(content, str):
        content = Content(content)
    return BreakableContent(content.plain, list(content.spans))
