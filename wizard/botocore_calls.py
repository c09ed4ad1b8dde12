"""Cheaper answers to what every API call asks, each the same as botocore's (or Python's) own.

A check makes ~640 API calls; botocore's own work per call is ~1.3 ms of CPU, spread over HTTP,
SigV4, parsing and event dispatch (benchmarks/README.md, "Eighth session"). Each part here
replaces one step of that path with a faster one that gives the same result, and falls back to
the original for anything it was not written for. They are installed by
``wizard.botocore_sharing.share_client_parts`` (so ``AWS_ESSENTIALS_BOTOCORE_SHARING=off`` leaves
them out too), and each is skipped when what it wraps is not there.
"""

from __future__ import annotations

import re
from typing import Any

# A header line as email's feedparser reads one (its ``headerRE``), but with a name of at least one
# character and never a "From " envelope line or a continuation: those go to the stdlib.
_FIELD = re.compile(r"[\041-\071\073-\176]+:")


def _share_response_headers() -> bool:
    """Parse a response's header block without going through ``email``'s feed parser.

    ``http.client`` reads the header lines itself and then hands them to ``email.parser`` to build
    an ``HTTPMessage``: ~100 us a response, most of it the parser's generality (MIME bodies, line
    cracking, defects). AWS's headers are plain ``Name: value`` lines. This builds the same
    ``HTTPMessage`` from them the way the feed parser does (``set_raw`` with compat32's
    ``header_source_parse``: folded lines kept, repeated headers kept in order), and gives any block
    it was not written for to the stdlib: a line that is neither a field nor a continuation, a lone
    CR, a block that ends without its blank line, a multipart or message body, another class.
    ``http.client.parse_headers`` is looked up when each response begins, so this replaces it for
    every HTTP response in the process (tests/wizard/test_botocore_calls.py compares both on many
    blocks, odd ones included).
    """
    import email.parser
    import http.client

    read_headers = getattr(http.client, "_read_headers", None)
    message_class = getattr(http.client, "HTTPMessage", None)
    original = getattr(http.client, "parse_headers", None)
    if read_headers is None or message_class is None or original is None:
        return False

    def parse_headers(fp: Any, _class: Any = message_class) -> Any:
        lines = read_headers(fp)
        message = _message(lines, _class) if _class is message_class else None
        if message is None:
            return email.parser.Parser(_class=_class).parsestr(b"".join(lines).decode("iso-8859-1"))
        return message

    parse_headers.__wrapped__ = original  # type: ignore[attr-defined]
    http.client.parse_headers = parse_headers
    return True


def _message(lines: list[bytes], message_class: type) -> Any:
    """The ``HTTPMessage`` email's parser would make of ``lines``, or None to let it."""
    if lines[-1] not in (b"\r\n", b"\n"):
        return None
    fields: list[list[str]] = []
    for raw in lines[:-1]:
        line = raw.decode("iso-8859-1")
        if "\r" in line.rstrip("\r\n") or not line.endswith("\n"):
            return None  # the feed parser would end a line at that CR
        if line[0] in " \t":
            if not fields:
                return None
            fields[-1].append(line)
        elif _FIELD.match(line):
            fields.append([line])
        else:
            return None
    message = message_class()
    for source in fields:  # compat32's header_source_parse, as the feed parser calls it
        name, value = source[0].split(":", 1)
        value = value.lstrip(" \t") + "".join(source[1:])
        message.set_raw(name, value.rstrip("\r\n"))
    if message.get_content_maintype() in ("message", "multipart"):
        return None
    message.set_payload("")
    return message


def _share_alias_misses() -> bool:
    """Work out a new event name's alias with one split, not one per alias.

    Each emitter looks up the aliased form of every event name it emits; the answers are cached
    (one cache for every client, wizard/botocore_sharing.py ``_share_event_aliases``), but each
    name's first lookup splits the name again for each of botocore's ~65 aliases: ~1,000 names a
    check, ~25 us each. The answer is the first alias (in the table's order) whose part is one of
    the name's parts, or whose dotted form occurs in the name, applied as botocore applies it.
    Only for botocore's own alias table; another table goes to botocore.
    """
    import logging

    from botocore import hooks
    from botocore.utils import EVENT_ALIASES

    aliaser = getattr(hooks, "EventAliaser", None)
    original = getattr(aliaser, "_alias_event_name", None)
    if original is None or not hasattr(aliaser, "_replace_subsection"):
        return False
    table = list(EVENT_ALIASES.items())
    plain = {old: (order, new) for order, (old, new) in reversed(list(enumerate(table))) if "." not in old}
    dotted = [(order, old, new) for order, (old, new) in enumerate(table) if "." in old]
    logger = logging.getLogger(hooks.__name__)

    def alias_event_name(emitter: Any, event_name: str) -> str:
        cache = emitter._alias_name_cache
        if event_name in cache:
            return cache[event_name]
        if emitter._event_aliases != EVENT_ALIASES:
            return original(emitter, event_name)
        parts = event_name.split(".")
        first = min((plain[part] for part in parts if part in plain), default=None)
        within = next((alias for alias in dotted if alias[1] in event_name), None)  # botocore: a substring test
        if within is not None and (first is None or within[0] < first[0]):
            emitter._replace_subsection(parts, within[1].split("."), within[2])
        elif first is not None:
            parts[parts.index(table[first[0]][0])] = first[1]
        else:
            cache[event_name] = event_name
            return event_name
        new_name = ".".join(parts)
        logger.debug("Changing event name from %s to %s", event_name, new_name)
        cache[event_name] = new_name
        return new_name

    alias_event_name.__wrapped__ = original  # type: ignore[attr-defined]
    aliaser._alias_event_name = alias_event_name
    return True


PARTS = (_share_response_headers, _share_alias_misses)
