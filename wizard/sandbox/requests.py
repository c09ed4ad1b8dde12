"""Identify an AWS request: service, operation, IAM action, region, account, access key.

Used by the gap layer (routing), fault injection (targeting) and, later, IAM enforcement.
"""

from __future__ import annotations

import io
import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import parse_qs

import botocore.session

from wizard.aws import IAM_ACTION_OVERRIDES as _ACTION_OVERRIDES  # one table for the app and the sandbox

DEFAULT_REGION = "us-east-1"

# signing name -> botocore service model name, where they differ
_MODEL_FOR_SIGNING = {
    "access-analyzer": "accessanalyzer",
    "monitoring": "cloudwatch",
    "email": "ses",
    "sso": "sso-admin",
    "events": "events",
    "execute-api": "apigateway",
    "elasticloadbalancing": "elbv2",
    "elasticfilesystem": "efs",
}
# service model name -> IAM action prefix, where it differs from the signing name
_IAM_PREFIX = {"cloudwatch": "cloudwatch", "ses": "ses", "s3control": "s3"}

_CRED_RE = re.compile(r"Credential=([^/,\s]+)/(\d+)/([^/]+)/([^/]+)/aws4_request")


@dataclass(frozen=True)
class RequestInfo:
    service: str  # botocore service model name: "iam", "account", "s3control", "sso-admin"
    operation: str  # "ListUsers"; "" when unknown
    action: str  # IAM action "iam:ListUsers"; "" when unknown
    region: str
    account_id: str
    access_key: str
    protocol: str = "query"  # botocore protocol of the service
    signing_name: str = ""
    params: dict = field(default_factory=dict, compare=False, repr=False)  # query/form params
    body: bytes = field(default=b"", compare=False, repr=False)


_session_lock = threading.Lock()
_session = None


def _botocore_session():
    global _session
    with _session_lock:
        if _session is None:
            _session = botocore.session.get_session()
        return _session


@lru_cache(maxsize=None)
def service_model(name: str):
    try:
        return _botocore_session().get_service_model(name)
    except Exception:
        return None


def _uri_regex(uri: str) -> tuple[re.Pattern, tuple[str, ...], int]:
    path, _, query = uri.partition("?")
    out, literal = [], 0
    for part in re.split(r"(\{[^}]+\})", path):
        if part.startswith("{") and part.endswith("}"):
            out.append(".+" if part.endswith("+}") else "[^/]+")
        else:
            out.append(re.escape(part))
            literal += len(part)
    keys = tuple(k.split("=", 1)[0] for k in query.split("&") if k)
    return re.compile("^" + "".join(out) + "/?$"), keys, literal


@lru_cache(maxsize=None)
def _rest_routes(name: str) -> dict[str, list]:
    """A REST service's operations by HTTP method, most specific first (S3 has ~100 to try)."""
    model = service_model(name)
    routes = []
    if model is None:
        return {}
    for op_name in model.operation_names:
        http = model.operation_model(op_name).http
        regex, keys, literal = _uri_regex(http.get("requestUri", "/"))
        routes.append((http.get("method", "POST").upper(), regex, keys, literal, op_name))
    # most specific first: more required query keys, then more literal characters
    routes.sort(key=lambda r: (-len(r[2]), -r[3]))
    by_method: dict[str, list] = {}
    for method, regex, keys, _literal, op_name in routes:
        by_method.setdefault(method, []).append((regex, keys, op_name))
    return by_method


def match_rest_operation(name: str, method: str, path: str, query: dict) -> str:
    for regex, keys, op in _rest_routes(name).get(method, ()):
        if regex.match(path) and all(k in query for k in keys):
            return op
    return ""


def read_body(environ: dict) -> bytes:
    """Read the request body once and put it back so that moto can read it again."""
    if "sandbox.body" in environ:
        return environ["sandbox.body"]
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    environ["wsgi.input"] = io.BytesIO(body)
    environ["sandbox.body"] = body
    return body


def _account_for(access_key: str) -> str:
    from moto.iam.models import get_account_id_from

    return get_account_id_from(access_key) if access_key else "123456789012"


def identify(environ: dict) -> RequestInfo:
    auth = environ.get("HTTP_AUTHORIZATION", "")
    m = _CRED_RE.search(auth)
    query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True).items()}
    if m:
        access_key, region, signing = m.group(1), m.group(3), m.group(4)
    else:  # presigned URL or unsigned request
        cred = query.get("X-Amz-Credential", "")
        parts = cred.split("/")
        if len(parts) == 5:
            access_key, region, signing = parts[0], parts[2], parts[3]
        else:
            access_key, region, signing = "", DEFAULT_REGION, ""
    body = read_body(environ)
    method = environ.get("REQUEST_METHOD", "GET").upper()
    path = environ.get("PATH_INFO", "/") or "/"

    name = _MODEL_FOR_SIGNING.get(signing, signing)
    if signing == "s3" and (path.startswith("/v20180820/") or "s3-control" in environ.get("HTTP_HOST", "")):
        name = "s3control"
    model = service_model(name) if name else None
    # The protocol botocore actually speaks (a model may list several, e.g. Shield: CBOR, then JSON).
    protocol = getattr(model, "resolved_protocol", model.protocol) if model is not None else "query"

    params: dict = dict(query)
    ctype = environ.get("CONTENT_TYPE", "")
    if ctype.startswith("application/x-www-form-urlencoded") and body:
        params.update({k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items()})

    operation = ""
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if target:
        operation = target.rsplit(".", 1)[-1]
    elif protocol in ("query", "ec2") or "Action" in params:
        operation = params.get("Action", "")
    elif model is not None:
        operation = match_rest_operation(name, method, path, query)

    prefix = ""
    if model is not None:
        prefix = _IAM_PREFIX.get(name) or model.metadata.get("signingName") or model.metadata.get("endpointPrefix", name)
    elif signing:
        prefix = signing
    action = ""
    if operation and prefix:
        action = f"{prefix}:{_ACTION_OVERRIDES.get((name, operation), operation)}"
    return RequestInfo(
        service=name,
        operation=operation,
        action=action,
        region=region,
        account_id=_account_for(access_key),
        access_key=access_key,
        protocol=protocol,
        signing_name=signing,
        params=params,
        body=body,
    )
