"""Responses in each AWS protocol's own shape, so that botocore parses them."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from .requests import RequestInfo


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)

    def header(self, name: str) -> str | None:
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def set_header(self, name: str, value: str) -> None:
        self.headers = [(k, v) for k, v in self.headers if k.lower() != name.lower()]
        self.headers.append((name, value))


_REASONS = {200: "OK", 204: "No Content", 400: "Bad Request", 403: "Forbidden", 404: "Not Found",
            409: "Conflict", 500: "Internal Server Error", 503: "Service Unavailable"}


def status_line(code: int) -> str:
    return f"{code} {_REASONS.get(code, 'Unknown')}"


def request_id() -> str:
    return str(uuid.uuid4())


def json_response(obj, status: int = 200, content_type: str = "application/json") -> Response:
    rid = request_id()
    return Response(status, json.dumps(obj, default=str).encode(),
                    [("Content-Type", content_type), ("x-amzn-RequestId", rid)])


def xml_response(xml: str, status: int = 200) -> Response:
    return Response(status, xml.encode(), [("Content-Type", "text/xml"), ("x-amzn-RequestId", request_id())])


def query_response(info: RequestInfo, inner_xml: str, namespace: str) -> Response:
    """A query-protocol (IAM, STS) success response: <OpResponse><OpResult>...</OpResult>."""
    op = info.operation
    return xml_response(
        f'<{op}Response xmlns="{namespace}"><{op}Result>{inner_xml}</{op}Result>'
        f"<ResponseMetadata><RequestId>{request_id()}</RequestId></ResponseMetadata></{op}Response>"
    )


def ec2_response(info: RequestInfo, inner_xml: str) -> Response:
    op = info.operation
    return xml_response(
        f'<{op}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
        f"<requestId>{request_id()}</requestId>{inner_xml}</{op}Response>"
    )


def error_response(info: RequestInfo, status: int, code: str, message: str) -> Response:
    rid = request_id()
    msg = escape(message)
    if info.protocol in ("json", "rest-json"):
        r = json_response({"__type": code, "message": message, "Message": message}, status,
                          "application/x-amz-json-1.1" if info.protocol == "json" else "application/json")
        r.set_header("x-amzn-ErrorType", code)
        return r
    if info.protocol == "ec2":
        return xml_response(
            f"<Response><Errors><Error><Code>{code}</Code><Message>{msg}</Message></Error></Errors>"
            f"<RequestID>{rid}</RequestID></Response>", status)
    if info.protocol == "rest-xml" and info.service == "s3":
        return xml_response(
            f"<Error><Code>{code}</Code><Message>{msg}</Message><RequestId>{rid}</RequestId></Error>", status)
    kind = "Receiver" if status >= 500 else "Sender"
    return xml_response(
        f"<ErrorResponse><Error><Type>{kind}</Type><Code>{code}</Code><Message>{msg}</Message></Error>"
        f"<RequestId>{rid}</RequestId></ErrorResponse>", status)


class GapError(Exception):
    """Raised by gap handlers; rendered in the request's protocol shape."""

    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status
