"""The WSGI layer in front of moto: control endpoint, latency and faults, gap handlers, then moto."""

from __future__ import annotations

import io
import json
import traceback
from typing import Any, Callable

from .faults import Faults
from .protocol import GapError, Response, error_response, json_response, status_line
from .requests import RequestInfo, identify
from .state import AccountGaps, GapState


class Call:
    """One AWS request as seen by a gap handler."""

    def __init__(self, app: "SandboxApp", environ: dict, info: RequestInfo):
        self.app, self.environ, self.info = app, environ, info
        self.gaps: GapState = app.gaps
        self.realism = app.realism  # wizard.sandbox.realism.RealismLayer, or None

    @property
    def account(self) -> AccountGaps:
        return self.gaps.account(self.info.account_id)

    @property
    def region(self) -> str:
        return self.info.region

    def json(self) -> dict:
        if not self.info.body:
            return {}
        try:
            return json.loads(self.info.body)
        except ValueError:
            raise GapError("SerializationException", "request body is not valid JSON")

    @property
    def params(self) -> dict:
        return self.info.params

    @property
    def query(self) -> dict:
        from urllib.parse import parse_qs

        return {k: v[0] for k, v in parse_qs(self.environ.get("QUERY_STRING", "")).items()}

    @property
    def path(self) -> str:
        return self.environ.get("PATH_INFO", "/")

    def forward(self, region: str | None = None, body: bytes | None = None) -> Response:
        """Send the request to moto (optionally as if signed for another region) and return its answer."""
        env = dict(self.environ)
        data = self.info.body if body is None else body
        env["wsgi.input"] = io.BytesIO(data)
        env["CONTENT_LENGTH"] = str(len(data))
        if region and region != self.info.region:
            auth = env.get("HTTP_AUTHORIZATION", "")
            env["HTTP_AUTHORIZATION"] = auth.replace(f"/{self.info.region}/", f"/{region}/", 1)
        return self.app.call_moto(env)


Handler = Callable[[Call], "Response | None"]

# Operations that leave the account as it was (STS hands out credentials; the credential report is
# regenerated from the same state). Anything else may change it.
READ_PREFIXES = ("Get", "List", "Describe", "Head", "Lookup", "Search", "Generate", "AssumeRole", "Select",
                 "Check", "Simulate", "Validate", "Preview", "Decode")


class SandboxApp:
    def __init__(self, moto_app: Any, gaps: GapState, faults: Faults, control: Callable[[str, dict], Any],
                 on_write: Callable[[], None] = lambda: None, enforcement: Any = None, realism: Any = None):
        self.moto_app = moto_app
        self.realism = realism  # wizard.sandbox.realism.RealismLayer when started realistic, else None
        self.enforcement = enforcement  # wizard.sandbox.iam_enforce.IamEnforcement, or None
        self.on_write = on_write
        self.gaps = gaps
        # Counts what may have changed the accounts (write requests, resets, edits of the gap state):
        # a gap that keeps an answer across the pages of one listing keeps it only while this stands.
        self.generation = 0
        self.faults = faults
        self.control = control
        from . import gaps as gap_modules

        self.handlers: dict[tuple[str, str], Handler] = gap_modules.HANDLERS

    def call_moto(self, environ: dict) -> Response:
        captured: dict[str, Any] = {}

        def start_response(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return lambda data: None

        chunks = self.moto_app(environ, start_response)
        try:
            body = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close:
                close()
        status = int(str(captured.get("status", "500")).split()[0])
        headers = [(k, v) for k, v in captured.get("headers", []) if k.lower() != "content-length"]
        return Response(status, body, headers)

    def _control(self, environ: dict) -> Response:
        from .requests import read_body

        name = environ.get("PATH_INFO", "")[len("/_sandbox/"):].strip("/")
        body = read_body(environ)
        try:
            payload = json.loads(body) if body else {}
            result = self.control(name, payload)
        except KeyError as e:
            return json_response({"error": f"unknown: {e.args[0]}"}, 404)
        except (ValueError, TypeError) as e:
            return json_response({"error": str(e)}, 400)
        return json_response(result if result is not None else {"ok": True})

    def handle(self, environ: dict) -> Response | None:
        refused = _refuse_browser(environ)
        if refused is not None:
            return refused
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_sandbox/"):
            return self._control(environ)
        if path.startswith("/moto-api") or path == "/favicon.ico":
            return None
        info = identify(environ)
        environ["sandbox.info"] = info
        if not info.operation.startswith(READ_PREFIXES):
            self.generation += 1
            self.on_write()
        if self.enforcement is not None:
            refused = self.enforcement.check(info)
            if refused is not None:
                return refused
        injected = self.faults.apply(info, attempt=_attempt(environ))
        if injected is not None:
            return injected
        if self.realism is None and (info.service, info.operation) not in self.handlers:
            return None  # moto answers: nothing here would read or change the gap state (see _answer)
        call = Call(self, environ, info)
        try:
            with self.gaps.lock:
                return self._answer(call)
        except GapError as e:
            return error_response(info, e.status, e.code, e.message)
        except Exception as e:  # a bug in the layer: answer like AWS would, keep the trace
            traceback.print_exc()
            return error_response(info, 500, "InternalFailure", f"sandbox gap layer error: {e}")

    def _answer(self, call: Call) -> Response | None:
        """Realism rules, then the gap handler, then (when realism wants to see the answer) moto."""
        info = call.info
        realism = self.realism
        if realism is not None:
            early = realism.before(call)
            if early is not None:
                return early
        handler = self.handlers.get((info.service, info.operation))
        response = handler(call) if handler is not None else None
        if realism is not None and realism.wants_after(info.service, info.operation):
            return realism.after(call, response if response is not None else call.forward())
        return response

    def __call__(self, environ: dict, start_response):
        resp = self.handle(environ)
        if resp is None:
            def same_origin_only(status, headers, exc_info=None):
                return start_response(status, _without_cors(headers), exc_info)

            return self.moto_app(environ, same_origin_only)
        headers = [(k, v) for k, v in _without_cors(resp.headers) if k.lower() != "content-length"]
        headers.append(("Content-Length", str(len(resp.body))))
        start_response(status_line(resp.status), headers)
        return [resp.body]


# No web page may drive or read the sandbox: it holds the demo's credentials and its control endpoint
# rewrites the account. AWS SDKs and the CLI never send `Origin`; browsers send it on every
# cross-origin request they allow without a preflight (a form POST included), and OPTIONS is only
# ever a preflight. moto's server answers with Access-Control-Allow-Origin: * on every response
# (flask_cors in moto/moto_server/werkzeug_app.py, create_backend_app): such requests are refused
# here, and any CORS header that still comes out of moto is dropped.
def _refuse_browser(environ: dict) -> Response | None:
    if environ.get("REQUEST_METHOD") == "OPTIONS" or environ.get("HTTP_ORIGIN"):
        return Response(403, b"the sandbox does not answer browsers (cross-origin requests are refused)\n",
                        [("Content-Type", "text/plain")])
    return None


def _without_cors(headers: list) -> list:
    return [(k, v) for k, v in headers if not k.lower().startswith("access-control-")]


def _attempt(environ: dict) -> int:
    """The SDK's attempt number of this request (botocore's ``amz-sdk-request: attempt=N``), 1 if unknown."""
    for part in environ.get("HTTP_AMZ_SDK_REQUEST", "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == "attempt" and value.isdigit():
            return int(value)
    return 1
