"""Text read from an AWS account, made inert for each output.

Names, descriptions, tags and contact fields are chosen by whoever controls the account; AWS lets a
security group be called ``nfs [/export]`` and an alternate contact's name hold an OSC escape. Every
renderer passes such text through one function of this module:

- ``clean``: C0/C1 control characters (and bidi overrides, which reorder what a reader sees) become a
  visible ``\\xNN``/``\\uNNNN``, so nothing reaches a terminal as a control sequence. Newline and tab
  stay: they only move the cursor, and our own multi-line texts need them.
- ``markup``: ``clean`` plus escaping for Rich/Textual content markup.
- ``markdown``: ``clean`` plus HTML entities and backslash escapes, so a table cell holds no HTML,
  link, code span or extra column.
- ``html``: ``clean`` plus HTML escaping (quotes included, for attributes).
- ``css_string``: a CSS string literal (the printed report's running header), every character but
  letters, digits and spaces written as a CSS escape, so nothing closes the string or the style.

JSON needs none of this: ``json.dumps`` (ensure_ascii) writes every control character as ``\\u00NN``
and keeps the data exact. Nothing here imports rich or textual.
"""

from __future__ import annotations

import html as _html
import re
from typing import Any

# C0 except newline and tab, DEL, C1, and the bidi embedding/override/isolate characters.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_MARKDOWN = re.compile(r"([\\`*_\[\]()|~])")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clean(value: Any) -> str:
    """``value`` as text with every control character replaced by a visible escape."""
    return _CONTROL.sub(_visible, "" if value is None else str(value))


def markup(value: Any) -> str:
    """Literal text inside Rich/Textual content markup.

    Every ``[`` is escaped (textual's own escape leaves some, e.g. ``[{``), and a trailing backslash
    gets a zero-width space so it cannot escape the closing tag that follows it.
    """
    text = clean(value).replace("[", "\\[")
    return text + "\u200b" if text.endswith("\\") else text


def markdown(value: Any) -> str:
    """Literal text in one Markdown table cell (or one line): no HTML, links, code spans or columns."""
    text = clean(value).replace("\r", " ").replace("\n", " ")
    text = _html.escape(text, quote=False)  # & < > as entities: no raw tag, no autolink
    text = _MARKDOWN.sub(r"\\\1", text)
    return re.sub(r"^(\s*)([#>+-])", r"\1\\\2", text)  # no heading, quote or list at the start


def html(value: Any) -> str:
    """Literal text in HTML content or a quoted attribute."""
    return _html.escape(clean(value), quote=True)


def css_string(value: Any) -> str:
    """``value`` as a quoted CSS string: letters, digits and spaces as they are, everything else as a
    ``\\HHHHHH `` escape (CSS eats one white space after any escape, so each has its own), so no
    quote, backslash or ``</style>`` survives."""
    text = clean(value).replace("\r", " ").replace("\n", " ")
    return '"' + "".join(c if c.isascii() and (c.isalnum() or c == " ") else f"\\{ord(c):06x} " for c in text) + '"'


def rich_text(value: Any) -> Any:
    """A ``rich.text.Text`` of ``value``: Rich shows it as written, it never parses it as markup."""
    from rich.text import Text

    return Text(clean(value))


def markdown_code(value: Any) -> str:
    """``value`` as one Markdown code span: shown verbatim, whatever backticks it holds.

    CommonMark closes a code span at a backtick run as long as the opening one, so the delimiter is
    one backtick longer than the longest run inside, padded with spaces (which the renderer strips).
    """
    text = clean(value).replace("\r", " ").replace("\n", " ")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    return f"{fence} {text} {fence}" if longest else f"`{text}`"
