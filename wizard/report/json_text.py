"""``json.dumps(value, indent=2)``, byte for byte, at about half its CPU.

An indent makes the standard library take its pure-Python encoder (a generator per nested value);
an organization's findings document (~9,400 findings, 4.5 MB) took 0.10 s that way, in the serial
tail of `check --org` after the accounts are read. This walks the value once with plain appends and
leaves every string to the C escaper the standard library uses (``ensure_ascii``: non-ASCII text
and control codes from an AWS account stay escaped). It accepts what ``json.dumps`` accepts without
a ``default``: anything else raises the same ``TypeError``. tests/wizard/test_json_text.py compares
the two on real documents and odd values.
"""

from __future__ import annotations

from json.encoder import INFINITY, encode_basestring_ascii
from typing import Any


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == INFINITY:
        return "Infinity"
    if value == -INFINITY:
        return "-Infinity"
    return float.__repr__(value)


def _key(key: Any) -> str:
    # json's own order of checks for dict keys (json.encoder._make_iterencode._iterencode_dict)
    if isinstance(key, str):
        return key
    if isinstance(key, float):
        return _float(key)
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    if isinstance(key, int):
        return int.__repr__(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {key.__class__.__name__}")


def dumps_indented(value: Any) -> str:
    """``json.dumps(value, indent=2)``."""
    out: list[str] = []
    put = out.append

    def encode(item: Any, pad: str) -> None:
        # json's own order of checks for values (json.encoder._make_iterencode._iterencode)
        if isinstance(item, str):
            put(encode_basestring_ascii(item))
        elif item is None:
            put("null")
        elif item is True:
            put("true")
        elif item is False:
            put("false")
        elif isinstance(item, int):
            put(int.__repr__(item))
        elif isinstance(item, float):
            put(_float(item))
        elif isinstance(item, (list, tuple, dict)):
            pairs = isinstance(item, dict)
            if not item:
                put("{}" if pairs else "[]")
                return
            inner = pad + "  "
            between = ",\n" + inner
            put(("{\n" if pairs else "[\n") + inner)
            first = True
            for member in item.items() if pairs else item:
                if first:
                    first = False
                else:
                    put(between)
                if pairs:
                    key, member = member
                    put(encode_basestring_ascii(key if isinstance(key, str) else _key(key)))
                    put(": ")
                encode(member, inner)
            put("\n" + pad + ("}" if pairs else "]"))
        else:
            raise TypeError(f"Object of type {item.__class__.__name__} is not JSON serializable")

    encode(value, "")
    return "".join(out)
