"""A lean HTTP/1.1 exchange for botocore's requests on the shared pools' own connections.

botocore sends each request through urllib3's ``urlopen``: http.client builds the request one
``putheader`` at a time, reads the answer through a new buffered file and ``email``'s header
types, and urllib3 wraps it in its own response: ~30% of the wizard's CPU per API call
(benchmarks/README.md, "Tenth session"). Here a shared pool's ``urlopen`` sends the same bytes in
one ``sendall`` and cuts the answer, read into one buffer, into status line, headers and body.

urllib3's and botocore's still: the pool and its connections (``_get_conn`` and its check for a
dropped keep-alive connection, ``connect``: TLS, certificates, socket options), the timeouts
(connect timeout while sending, read timeout while reading), and botocore's ``send`` with its
exception mapping, which gets the urllib3 exceptions urllib3 raises: in the head as ``urlopen``
wraps them (``ProtocolError("Connection aborted.")``, ``ReadTimeoutError``), in the body as its
response does ("Connection broken"), so botocore retries the same failures.

Left to urllib3, decided before anything is sent: an answer botocore streams (``stream_output``),
a proxy, a chunked or streamed body, ``Expect``, a header, method or target http.client would
refuse or write otherwise, a call not shaped as botocore's. A head that is not plain HTTP/1.1
(another version, 100 Continue, folded or odd lines, a multipart type, too many or too long lines)
is read by http.client's ``HTTPResponse.begin`` from the same buffer. The body is framed as
http.client frames it (Content-Length; chunked, as urllib3 reads chunks; none for HEAD, 204, 304,
1xx; else until the server closes), and the connection closed where http.client closes it. One
difference: bytes a server sends past an answer go with the connection (urllib3 drops those of the
same read and keeps it). tests/wizard/test_botocore_exchange.py compares both paths.
"""

from __future__ import annotations

import errno
import logging
import re
import socket
import types
from typing import Any

from wizard.botocore_calls import _FIELD  # a header line email's parser reads as a plain field
from wizard.botocore_http import LEAN, POOL_METHODS

_MAXLINE = 65536  # http.client's _MAXLINE and urllib3's chunk line limit
_MAXHEADERS = 100  # http.client's
_HEAD_CAP = (_MAXHEADERS + 2) * (_MAXLINE + 1)  # past this http.client has refused the head already
# ``recv(n)`` allocates n bytes, waits, then shrinks them to what came: 48 threads waiting with
# 64 KB each held 3 MB more at the peak, and the shrunk blocks left holes (org workers' peak +10
# MB). Heads are received into an 8 KB scratch (http.client's buffer size) and copied at their
# size; a body's rest into a buffer of the body's size, in pieces of at most 64 KB.
_RECV = 8192
_MAX_RECV = 65536
_METHODS = frozenset({"GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS"})
_LOG = logging.getLogger("urllib3.connectionpool")  # urllib3 logs each request here at debug level
_CONTROL = re.compile("[\x00-\x20\x7f]")  # http.client's _contains_disallowed_url_pchar_re
_U = types.SimpleNamespace()  # urllib3 and stdlib names used per request, bound once by _share_lean_exchange
_BOTOCORE_KWARGS = frozenset({"method", "url", "body", "headers", "retries", "assert_same_host", "preload_content",
                              "decode_content", "chunked", "enforce_content_length", "timeout"})


class _Reader:
    """The answer's bytes: one buffer filled from the socket, read from ``pos``; a file for http.client."""

    __slots__ = ("sock", "buf", "pos", "eof")

    def __init__(self, sock: Any) -> None:
        self.sock, self.buf, self.pos, self.eof = sock, b"", 0, False

    def more(self) -> bool:
        if self.eof:
            return False
        scratch = bytearray(_RECV)  # received into, then copied at its size (see _RECV)
        got = self.sock.recv_into(scratch)
        if not got:
            self.eof = True
            return False
        self.buf = (self.buf[self.pos:] if self.pos else self.buf) + memoryview(scratch)[:got]
        self.pos = 0
        return True

    def readline(self, limit: int = -1) -> bytes:
        """A line with its LF, at most ``limit`` bytes, short at the end of the stream (as a file's)."""
        while True:
            end = self.buf.find(b"\n", self.pos)
            have = len(self.buf) - self.pos
            if end >= 0 and (limit < 0 or end - self.pos < limit):
                stop = end + 1
                break
            if 0 <= limit <= have:
                stop = self.pos + limit
                break
            if not self.more():
                stop = len(self.buf)
                break
        line, self.pos = self.buf[self.pos:stop], stop
        return line

    def read(self, size: int | None = None) -> Any:
        """``size`` bytes (None: all until the server closes), fewer at the end of the stream."""
        have = len(self.buf) - self.pos
        if size is not None and have >= size:
            self.pos += size
            return self.buf[self.pos - size:self.pos]
        rest, self.buf, self.pos = memoryview(self.buf)[self.pos:], b"", 0
        if size is None:
            parts = [bytes(rest)]
            while self.more():
                parts.append(self.buf)
                self.buf = b""
            return b"".join(parts)
        body = bytearray(size)  # the body's own size, received into in place (botocore joins it into bytes)
        view = memoryview(body)
        view[:have] = rest
        while have < size and not self.eof:
            got = self.sock.recv_into(view[have:], min(size - have, _MAX_RECV))
            self.eof = not got
            have += got
        return body if have == size else body[:have]

    def makefile(self, *_args: Any, **_kwargs: Any) -> "_Reader":  # http.client.HTTPResponse(sock) reads this
        return self

    def close(self) -> None:  # http.client closes its file on a bad status line: the socket stays open
        pass


def _request_bytes(pool: Any, method: str, url: str, body: Any, headers: Any) -> bytes | None:
    """The bytes urllib3 and http.client send for this request, or None when they would do otherwise."""
    if method not in _METHODS or type(pool.port) is not int or type(pool.host) is not str:
        return None
    if body is None:
        payload = b""
        length = None if method in _U.no_body_methods else 0  # urllib3's body_to_chunks
    elif type(body) is bytes:
        payload, length = body, len(body)
    elif type(body) is str:
        payload = body.encode("utf-8")
        length = len(payload)
    else:
        return None
    names = set()
    lines = []
    for name, value in headers.items():
        if type(name) is not str or not _legal_name(name):
            return None
        low = name.lower()
        names.add(low)
        if type(value) is str:
            if "\r" in value or "\n" in value:
                return None
            try:
                value = value.encode("latin-1")
            except UnicodeEncodeError:
                return None
        elif type(value) is not bytes or b"\r" in value or b"\n" in value:
            return None
        lines.append(name.encode("ascii") + b": " + value)
    if "expect" in names or "transfer-encoding" in names or "@@@SKIP_HEADER@@@".encode() in b"".join(lines):
        return None
    head = [f"{method} {url} HTTP/1.1".encode("ascii")]
    if "host" not in names:
        host, port = pool.host.rstrip("."), pool.port  # the connection's host and port (urllib3 strips the dot)
        if not host.isascii() or ":" in host or "%" in host or "\r" in host or "\n" in host:
            return None
        head.append(b"Host: " + (host if port == pool.ConnectionCls.default_port else f"{host}:{port}").encode("ascii"))
    if "accept-encoding" not in names:
        head.append(b"Accept-Encoding: identity")
    if "content-length" not in names and length is not None:
        head.append(b"Content-Length: " + str(length).encode("ascii"))
    if "user-agent" not in names:
        return None  # urllib3 adds its own; botocore always sends one
    head += lines
    head += (b"", b"")
    return b"\r\n".join(head) + payload


def _legal_name(name: str, _known: set = set()) -> bool:  # noqa: B006 - a cache of names seen legal
    if name in _known:
        return True
    import http.client

    if not name.isascii() or not http.client._is_legal_header_name(name.encode("ascii")):
        return False
    if len(_known) < 512:
        _known.add(name)
    return True


class LeanResponse:
    """What botocore reads of urllib3's response (``status``, ``headers``, ``stream()``), read lazily."""

    version_string = "HTTP/1.1"

    def __init__(self, pool: Any, conn: Any, reader: _Reader, head: "_Head", method: str) -> None:
        self._pool, self._connection, self._reader, self._head, self._method = pool, conn, reader, head, method
        self.status, self.reason, self.headers = head.status, head.reason, head.headers
        self.length_remaining, self._read, self._done = head.urllib3_length, 0, False

    def tell(self) -> int:  # InvalidChunkLength's message says how much was read
        return self._read

    def stream(self, amt: int | None = 2 ** 16, decode_content: bool | None = None) -> Any:
        if not self._done:
            body = self._body()
            if body:
                yield body

    def read(self, amt: int | None = None, decode_content: bool | None = None, cache_content: bool = False) -> bytes:
        return b"" if self._done else bytes(self._body())

    def release_conn(self) -> None:
        if self._pool is not None and self._connection is not None:
            self._pool._put_conn(self._connection)
            self._connection = None

    def close(self) -> None:
        if not self._done and self._connection is not None:
            self._connection.close()
        self._done = True
        self.release_conn()

    def _body(self) -> bytes:
        """The whole body, framed as http.client and urllib3 frame it; errors as urllib3's ``_error_catcher``."""
        u, head, reader, clean = _U, self._head, self._reader, False
        try:
            try:
                if self._method == "HEAD" or (head.length == 0 and not head.chunked):
                    body = b""
                else:
                    body = self._chunks() if head.chunked else reader.read(head.length)
                clean = True
            except socket.timeout as e:
                raise u.ReadTimeoutError(self._pool, None, "Read timed out.") from e
            except u.BaseSSLError as e:
                raise u.SSLError(e) from e
            except (u.HTTPException, OSError) as e:
                raise u.ProtocolError(f"Connection broken: {e!r}", e) from e
        finally:
            self._done, self._reader = True, None  # botocore keeps the response a while: not its buffer
            conn = self._connection
            if conn is not None and (not clean or head.will_close or reader.pos < len(reader.buf)):
                conn.close()  # as http.client closes it (or bytes past the answer: see the docstring)
            self.release_conn()
        self._read = len(body)
        return body

    def _chunks(self) -> bytes:
        """urllib3's ``read_chunked``: size lines (extensions ignored), each chunk and 2 bytes, trailers."""
        u, reader, parts = _U, self._reader, []
        while True:
            line = reader.readline(_MAXLINE + 1)
            if len(line) > _MAXLINE:
                raise u.ProtocolError("Response chunk size line exceeded maximum allowed length") from None
            line = line.split(b";", 1)[0]
            try:
                size = int(line, 16)
            except ValueError:
                if line:
                    raise u.InvalidChunkLength(self, line) from None
                raise u.ProtocolError("Response ended prematurely") from None
            if size == 0:
                break
            data = reader.read(size)
            if len(data) < size:
                raise u.IncompleteRead(data, size - len(data))
            self._read += size
            parts.append(data)
            tail = reader.read(2)  # urllib3 tosses the CRLF unread
            if len(tail) < 2:
                raise u.IncompleteRead(tail, 2 - len(tail))
        while True:
            line = reader.readline(_MAXLINE + 1)
            if len(line) > _MAXLINE:
                raise u.ProtocolError("Response chunk trailer line exceeded maximum allowed length")
            if not line or line == b"\r\n":
                break
        return b"".join(parts)


class _Head:
    """An answer's status line and headers, framed as http.client frames the body that follows."""

    __slots__ = ("status", "reason", "headers", "chunked", "length", "will_close", "urllib3_length")

    def __init__(self, status: int, reason: str, pairs: Any, chunked: bool, length: int | None,
                 will_close: bool, method: str) -> None:
        self.status, self.reason, self.chunked, self.length, self.will_close = status, reason, chunked, length, will_close
        joined: dict[str, list[str]] = {}  # as urllib3's HTTPHeaderDict: the first name's case, values joined
        for name, value in pairs:
            kept = joined.get(name.lower())
            if kept is None:
                joined[name.lower()] = [name, value]
            else:
                kept[1] = f"{kept[1]}, {value}"
        self.headers = _U.HTTPHeaderDict((name, value) for name, value in joined.values())
        self.urllib3_length = _urllib3_length(self.headers.get("content-length"), chunked, status, method)


def _urllib3_length(content_length: str | None, chunked: bool, status: int, method: str) -> int | None:
    """urllib3's ``HTTPResponse._init_length``: its warning and its error for unmatched lengths."""
    if content_length is not None and chunked:
        logging.getLogger("urllib3.response").warning(
            "Received response with both Content-Length and Transfer-Encoding set. This is expressly "
            "forbidden by RFC 7230 sec 3.3.2. Ignoring Content-Length and attempting to process response "
            "as Transfer-Encoding: chunked.")
        return None
    try:
        lengths = {int(value) for value in content_length.split(",")} if content_length is not None else {-1}
    except ValueError:
        lengths = {-1}
    if len(lengths) > 1:
        from urllib3.exceptions import InvalidHeader

        raise InvalidHeader(f"Content-Length contained multiple unmatching values ({content_length})")
    return _no_body(lengths.pop(), status, method)


def _no_body(length: int | None, status: int, method: str) -> int | None:
    """0 where http.client and urllib3 expect no body, else ``length`` (None if negative)."""
    if status in (204, 304) or 100 <= status < 200 or method == "HEAD":
        return 0
    return None if length is None or length < 0 else length


def _plain_head(reader: _Reader, method: str) -> _Head | None:
    """A plain HTTP/1.1 head read from the buffer, or None for http.client to read it."""
    while True:
        end = reader.buf.find(b"\r\n\r\n", reader.pos)
        if end >= 0:
            break
        if len(reader.buf) - reader.pos > _HEAD_CAP or reader.buf.find(b"\n\n", reader.pos) >= 0 or not reader.more():
            return None
    buf, start = reader.buf, reader.pos
    eol = buf.find(b"\n", start)
    if buf[start:start + 9] != b"HTTP/1.1 " or eol - start >= _MAXLINE:
        return None
    parts = buf[start:eol + 1].decode("iso-8859-1").split(None, 2)  # http.client's _read_status
    if len(parts) < 2 or not parts[1].isascii() or not parts[1].isdigit() or len(parts[1]) != 3 or parts[1] == "100":
        return None
    block = buf[eol + 1:end] if end > eol else b""
    count = block.count(b"\r\n")
    if count != block.count(b"\n") or count != block.count(b"\r") or count >= _MAXHEADERS - 1:
        return None
    pairs = []
    if block:
        for line in block.decode("iso-8859-1").split("\r\n"):
            colon = line.find(":")
            if colon < 1 or len(line) > _MAXLINE - 2 or not _FIELD.match(line):
                return None
            pairs.append((line[:colon], line[colon + 1:].lstrip(" \t")))  # compat32's header_source_parse
    first: dict[str, str] = {}  # email's Message.get: the first of a name
    for name, value in pairs:
        first.setdefault(name.lower(), value)
    if any(word in first.get("content-type", "").lower() for word in ("multipart", "message")):
        return None  # email gives these a payload of their own
    status = int(parts[1])
    chunked = first.get("transfer-encoding", "").lower() == "chunked"
    length = _http_client_length(first.get("content-length"), chunked, status, method)
    will_close = "close" in first.get("connection", "").lower()
    reader.pos = end + 4
    return _Head(status, parts[2].strip() if len(parts) > 2 else "", pairs, chunked, length,
                 will_close or (not chunked and length is None), method)


def _http_client_length(value: str | None, chunked: bool, status: int, method: str) -> int | None:
    """``http.client.HTTPResponse.begin``'s body length."""
    try:
        length = int(value) if value and not chunked else None
    except ValueError:
        length = None
    return _no_body(length, status, method)


def _stdlib_head(reader: _Reader, method: str, start: int) -> _Head:
    """The head as http.client reads it (``begin``) from the same bytes, with urllib3's checks."""
    import http.client

    from urllib3 import connection
    from urllib3.exceptions import HeaderParsingError
    from urllib3.util.response import assert_header_parsing

    reader.pos = start
    answer = http.client.HTTPResponse(reader, method=method)  # type: ignore[arg-type]
    answer.begin()
    try:
        assert_header_parsing(answer.msg)
    except (HeaderParsingError, TypeError) as problem:
        logging.getLogger("urllib3.connection").warning("Failed to parse headers: %s", problem)
    normalize = getattr(connection, "_normalize_header_values", None)
    pairs = normalize(answer.msg) if normalize is not None else answer.msg.items()
    return _Head(answer.status, answer.reason, pairs, bool(answer.chunked), answer.length, bool(answer.will_close),
                 method)


def read_head(reader: _Reader, method: str) -> _Head:
    start = reader.pos
    head = _plain_head(reader, method)
    return head if head is not None else _stdlib_head(reader, method, start)


def _share_lean_exchange() -> bool:
    """Give the shared sessions' pools the lean ``urlopen`` (wizard/botocore_http.py builds them)."""
    import http.client
    import ssl

    from urllib3 import HTTPHeaderDict, connectionpool, exceptions
    from urllib3.util import request, timeout, url

    try:  # the private names this follows: without one of them, urllib3 sends as before
        _U.encode_target, _U.no_body_methods = url._encode_target, request._METHODS_NOT_EXPECTING_BODY
        _U.Timeout, _U.DEFAULT_TIMEOUT = timeout.Timeout, timeout._DEFAULT_TIMEOUT
        for name in ("NewConnectionError", "TimeoutError", "SSLError", "ReadTimeoutError", "ProtocolError",
                     "ProxyError", "InvalidChunkLength"):
            setattr(_U, name, getattr(exceptions, name))
        for name in ("_get_conn", "_put_conn", "_get_timeout", "_validate_conn", "_raise_timeout"):
            getattr(connectionpool.HTTPConnectionPool, name)
    except AttributeError:
        return False
    _U.BaseSSLError, _U.CertificateError = ssl.SSLError, ssl.CertificateError
    _U.HTTPHeaderDict, _U.HTTPException, _U.IncompleteRead = (HTTPHeaderDict, http.client.HTTPException,
                                                              http.client.IncompleteRead)
    POOL_METHODS["urlopen"] = urlopen
    return True


def urlopen(pool: Any, method: str, url: str, body: Any = None, headers: Any = None, **kwargs: Any) -> Any:
    """``HTTPConnectionPool.urlopen`` for botocore's calls, the lean way (the module's docstring)."""
    plain = super(type(pool), pool).urlopen
    if (not getattr(LEAN, "on", False) or headers is None or not kwargs.keys() <= _BOTOCORE_KWARGS
            or kwargs.get("chunked") or kwargs.get("preload_content", True) or kwargs.get("decode_content", True)
            or kwargs.get("enforce_content_length", True) or kwargs.get("assert_same_host", True)
            or getattr(kwargs.get("retries"), "total", None) is not False or pool.proxy is not None
            or pool.proxy_headers or not url.startswith("/")):
        return plain(method, url, body, headers, **kwargs)
    target = _U.encode_target(url)
    data = None if _CONTROL.search(target) else _request_bytes(pool, method, target, body, headers)
    if data is None:
        return plain(method, url, body, headers, **kwargs)
    return _exchange(pool, method, target, data, kwargs.get("timeout", _U.DEFAULT_TIMEOUT))


def _exchange(pool: Any, method: str, url: str, data: bytes, timeout: Any) -> LeanResponse:
    """``urlopen`` and ``_make_request`` for one request whose bytes are ``data``: the same steps, errors and pool."""
    u = _U
    timeout_obj = pool._get_timeout(timeout)
    conn, clean_exit = None, False
    try:
        conn = pool._get_conn(timeout=None)  # with urllib3's check for a dropped connection
        pool.num_requests += 1
        timeout_obj.start_connect()
        conn.timeout = u.Timeout.resolve_default_timeout(timeout_obj.connect_timeout)
        try:
            try:
                pool._validate_conn(conn)  # an HTTPS connection connects (and verifies) here
            except (socket.timeout, u.BaseSSLError) as e:
                pool._raise_timeout(err=e, url=url, timeout_value=conn.timeout)
                raise
        except (OSError, u.NewConnectionError, u.TimeoutError, u.BaseSSLError, u.CertificateError, u.SSLError) as e:
            if isinstance(e, (u.BaseSSLError, u.CertificateError)):
                raise u.SSLError(e)  # noqa: B904 - urllib3 raises it so, with the SSL error as context
            raise
        try:
            if conn.sock is not None:
                conn.sock.settimeout(conn.timeout)
            else:
                conn.connect()  # http.client connects on its first send
            conn.sock.sendall(data)
        except BrokenPipeError:  # the server may have answered and closed: its answer is read (as urllib3 does)
            pass
        except OSError as e:
            if e.errno not in (errno.EPROTOTYPE, errno.ECONNRESET):
                raise
        read_timeout = timeout_obj.read_timeout
        if not conn.is_closed:
            if read_timeout == 0:
                raise u.ReadTimeoutError(pool, url, f"Read timed out. (read timeout={read_timeout})")
            conn.timeout = read_timeout
        try:
            conn.sock.settimeout(conn.timeout)
            reader = _Reader(conn.sock)
            head = read_head(reader, method)
        except (u.BaseSSLError, OSError) as e:
            pool._raise_timeout(err=e, url=url, timeout_value=read_timeout)
            raise
        if _LOG.isEnabledFor(logging.DEBUG):
            _LOG.debug('%s://%s:%s "%s %s %s" %s %s', pool.scheme, pool.host, pool.port, method, url,
                       LeanResponse.version_string, head.status, head.urllib3_length)
        response = LeanResponse(pool, conn, reader, head, method)
        clean_exit = True
        return response
    except (u.TimeoutError, u.HTTPException, OSError, u.ProtocolError, u.BaseSSLError, u.SSLError,
            u.CertificateError, u.ProxyError) as e:
        if isinstance(e, (u.BaseSSLError, u.CertificateError)):
            raise u.SSLError(e)  # noqa: B904 - as urlopen raises them (Retry(False) re-raises at once)
        if isinstance(e, (OSError, u.HTTPException)):
            raise u.ProtocolError("Connection aborted.", e)  # noqa: B904
        raise
    finally:
        if not clean_exit:
            if conn is not None:
                conn.close()
            pool._put_conn(None)


