"""A plain HTTP/1.1 request parsed as waitress 3.0.2's ``HTTPRequestParser`` parses it, in one pass.

waitress matches every header line with ``HEADER_FIELD_RE`` (a backtracking regular expression),
decodes name and value apart and splits the head into a list first: 25-39 us for a botocore request
of ten headers, 12-16 us here (eleventh session); ~5% of the sandbox's CPU in the large account's
re-run (py-spy).

``parse`` reads a request whose head and body are both in the buffer already, with what every
botocore request is: HTTP/1.1, ``Content-Length`` or no body, no ``Transfer-Encoding``, no
``Expect``, no folded or malformed line, within waitress's limits. It checks the head by byte
classes instead of the expression (the whole head at once: tab, space, visible characters and
obs-text, CR only before LF; then per line a name of token characters before the first colon: the
lines the expression matches, whose value group is the rest without surrounding spaces and tabs),
decodes the head once (latin-1, byte for byte as waitress's decodes of each part), and keeps waitress's other steps (the
request line by ``crack_first_line``, the target by ``split_uri``, names with "_" dropped, repeated
names joined with ", "). Anything else is left to waitress's parser, which gets the same bytes: a
request it would refuse, a chunked or partly received one, HTTP/1.0.
tests/sandbox/test_http_parse.py compares both on many requests.
"""

from __future__ import annotations

import io
from functools import lru_cache
from typing import Any

WAITRESS_VERSION = "3.0.2"
_TCHARS = b"!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_VALUE_BYTES = bytes([9, *range(0x20, 0x7F), *range(0x80, 0x100)])  # HTAB, SP, VCHAR, obs-text
_TCHAR_TEXT = _TCHARS.decode("ascii")


@lru_cache(maxsize=1)
def usable() -> bool:
    from importlib.metadata import version

    return version("waitress") == WAITRESS_VERSION


class Request:
    """What the server reads of waitress's parser, for a request parsed here (complete, no error)."""

    completed = True
    headers_finished = True
    empty = False
    expect_continue = False
    chunked = False
    error = None

    def __init__(self, command: str, version: str, request_uri: str, path: str, query: str, headers: dict,
                 body: bytes, connection_close: bool) -> None:
        self.command, self.version, self.request_uri = command, version, request_uri
        self.path, self.query, self.headers = path, query, headers
        self.content_length = len(body)
        self.connection_close = connection_close
        self._body = body

    def get_body_stream(self) -> Any:
        return io.BytesIO(self._body)

    def close(self) -> None:
        pass


def parse(data: bytes, adj: Any) -> "tuple[Request, int] | None":
    """(the request, bytes it took) when ``data`` starts with a whole plain request; None otherwise."""
    from waitress.parser import ParsingError, crack_first_line, split_uri
    from waitress.rfc7230 import ONLY_DIGIT_RE

    end = data.find(b"\r\n\r\n")
    if end < 0 or end + 4 >= adj.max_request_header_size or data[:1].isspace():
        return None
    line_end = data.find(b"\r\n")
    first_line = data[:line_end].rstrip()
    block = data[line_end + 2:end]
    # no byte but HTAB, SP, visible characters and obs-text, and CR only in CRLF (no bare CR or LF)
    if block.translate(None, _VALUE_BYTES) != b"\r\n" * block.count(b"\r\n"):
        return None
    headers: dict[str, str] = {}
    for line in block.decode("latin-1").split("\r\n") if block else ():
        name, colon, value = line.partition(":")
        if not colon or not name or name.strip(_TCHAR_TEXT):
            return None  # empty, folded (a name starting with a space) or malformed: waitress's to say
        if "_" in name:
            continue  # waitress drops it
        value = value.strip(" \t")
        name = name.upper().replace("-", "_")
        if name in headers:
            headers[name] += ", " + value
        else:
            headers[name] = value
    try:
        command, uri, version = crack_first_line(first_line)
        if version != b"1.1" or b"\r" in first_line or b"\n" in first_line:
            return None
        scheme_netloc_path = split_uri(uri)
    except ParsingError:
        return None
    if "TRANSFER_ENCODING" in headers or "EXPECT" in headers:
        return None
    length = headers.get("CONTENT_LENGTH", "0")
    if not ONLY_DIGIT_RE.match(length.encode("latin-1")):
        return None
    size = int(length)
    start = end + 4
    if size >= adj.max_request_body_size or len(data) - start < size:
        return None
    close = headers.get("CONNECTION", "").lower() == "close"
    request = Request(command.decode("latin-1"), "1.1", uri.decode("latin-1"), scheme_netloc_path[2],
                      scheme_netloc_path[3], headers, data[start:start + size], close)
    return request, start + size
