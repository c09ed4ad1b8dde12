"""Text in cells, drawn by one widget: a row of columns (a finding, an apply row) or a stack of
blocks (a planned call's title over its indented body).

Textual lays out every widget of a screen again whenever one is mounted or changes size, and styles
each one as it is mounted: a finding row of a container and three labels cost four widgets, a plan
call three. Drawn here as one widget each, the text is laid out the same (each cell wrapped by
Textual's own ``Content`` machinery at the width its label had), in a quarter of the widgets.
"""

from __future__ import annotations

from typing import Sequence

from rich.style import Style as RichStyle
from textual.content import Content
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual


class Cell:
    """``content`` in a cell ``width`` cells wide (``None``: what the others leave), with blank
    ``left``/``right`` padding inside that width, as a label with ``padding: 0 right 0 left``."""

    __slots__ = ("content", "width", "left", "right")

    def __init__(self, content: Content, width: int | None = None, left: int = 0, right: int = 0) -> None:
        self.content, self.width, self.left, self.right = content, width, left, right

    def inner(self, width: int) -> int:
        return max(0, width - self.left - self.right)


def _background(style: Style) -> RichStyle:
    """The style of blank cells: the background alone, as Textual pads a label's lines."""
    return RichStyle(bgcolor=style.rich_style.bgcolor)


def _block(cell: Cell, width: int, style: Style, options: RenderOptions) -> list[Strip]:
    """The cell's lines, each exactly ``width`` cells (padding included); at least one, as a label."""
    inner = cell.inner(width)
    blank = _background(style)
    lines = cell.content.render_strips(inner, None, style, options) if inner else []
    lines = lines or [Strip.blank(inner, blank)]
    left = [Strip.blank(cell.left, blank)] if cell.left else []
    right = [Strip.blank(cell.right, blank)] if cell.right else []
    return [Strip.join([*left, line.adjust_cell_length(inner, blank), *right]) for line in lines]


class Columns(Visual):
    """Cells side by side, each wrapped within its own width; the row is as tall as its tallest."""

    def __init__(self, cells: Sequence[Cell]) -> None:
        self.cells = tuple(cells)

    def widths(self, width: int) -> list[int]:
        fixed = sum(cell.width or 0 for cell in self.cells)
        rest = [cell for cell in self.cells if cell.width is None]
        share, extra = divmod(max(0, width - fixed), len(rest) or 1)
        out = []
        for cell in self.cells:
            if cell.width is not None:
                out.append(cell.width)
            else:
                out.append(share + (1 if extra > 0 else 0))
                extra -= 1
        return out

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return container_width

    def get_height(self, rules: RulesMap, width: int) -> int:
        return max([1] + [cell.content.get_height(rules, cell.inner(size))
                          for cell, size in zip(self.cells, self.widths(width)) if cell.inner(size) > 0])

    def render_strips(self, width: int, height: int | None, style: Style, options: RenderOptions) -> list[Strip]:
        blocks = [_block(cell, size, style, options) for cell, size in zip(self.cells, self.widths(width))]
        rows = max(len(block) for block in blocks)
        blank = _background(style)
        for block, size in zip(blocks, self.widths(width)):
            block.extend([Strip.blank(size, blank)] * (rows - len(block)))
        strips = [Strip.join(parts) for parts in zip(*blocks)]
        return strips if height is None else strips[:height]


class Stack(Visual):
    """Cells one below the other, each the whole width less its padding."""

    def __init__(self, cells: Sequence[Cell]) -> None:
        self.cells = tuple(cells)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return container_width

    def get_height(self, rules: RulesMap, width: int) -> int:
        return sum(max(1, cell.content.get_height(rules, cell.inner(width))) for cell in self.cells)

    def render_strips(self, width: int, height: int | None, style: Style, options: RenderOptions) -> list[Strip]:
        strips = [line for cell in self.cells for line in _block(cell, width, style, options)]
        return strips if height is None else strips[:height]
