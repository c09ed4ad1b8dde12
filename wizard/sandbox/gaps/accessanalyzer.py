"""IAM Access Analyzer (all of it is missing from moto 5.2.5): analyzers per account, per region."""

from __future__ import annotations

import datetime
import re
from urllib.parse import unquote

from ..protocol import GapError, Response, json_response
from .registry import handles

_TYPES = ("ACCOUNT", "ORGANIZATION", "ACCOUNT_UNUSED_ACCESS", "ORGANIZATION_UNUSED_ACCESS")
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,254}$")


def _name_from_path(call) -> str:
    return unquote(call.path.rstrip("/").rsplit("/", 1)[-1])


def _region_analyzers(call) -> dict:
    return call.account.analyzers.setdefault(call.region, {})


def _in_organization_as_manager(account_id: str) -> bool:
    from moto.organizations.models import organizations_backends

    try:
        org = organizations_backends[account_id]["aws"].org
        return org is not None and org.master_account_id == account_id
    except KeyError:
        return False


@handles("accessanalyzer", "CreateAnalyzer")
def create_analyzer(call) -> Response:
    body = call.json()
    name, kind = body.get("analyzerName", ""), body.get("type", "")
    if not _NAME.match(name):
        raise GapError("ValidationException", "analyzerName must start with a letter and use letters, digits, _ . -")
    if kind not in _TYPES:
        raise GapError("ValidationException", f"type must be one of {', '.join(_TYPES)}")
    if kind.startswith("ORGANIZATION") and not _in_organization_as_manager(call.info.account_id):
        raise GapError("ValidationException",
                       "You must be the organization's management account or a delegated administrator "
                       "to create an organization analyzer")
    analyzers = _region_analyzers(call)
    if name in analyzers:
        raise GapError("ConflictException", f"Analyzer {name} already exists", 409)
    if any(a["type"] == kind for a in analyzers.values()):
        raise GapError("ServiceQuotaExceededException",
                       f"You can create only one {kind} analyzer per region", 402)
    arn = f"arn:aws:access-analyzer:{call.region}:{call.info.account_id}:analyzer/{name}"
    analyzer = {
        "arn": arn,
        "name": name,
        "type": kind,
        "createdAt": datetime.datetime.now(datetime.timezone.utc).isoformat(),
        "status": "ACTIVE",
        "tags": dict(body.get("tags") or {}),
    }
    if body.get("configuration"):
        analyzer["configuration"] = body["configuration"]
    analyzers[name] = analyzer
    return json_response({"arn": arn})


@handles("accessanalyzer", "GetAnalyzer")
def get_analyzer(call) -> Response:
    name = _name_from_path(call)
    analyzer = _region_analyzers(call).get(name)
    if analyzer is None:
        raise GapError("ResourceNotFoundException", f"Analyzer {name} not found", 404)
    return json_response({"analyzer": analyzer})


@handles("accessanalyzer", "ListAnalyzers")
def list_analyzers(call) -> Response:
    q = call.query
    kind = q.get("type")
    rows = [a for a in _region_analyzers(call).values() if not kind or a["type"] == kind]
    max_results = int(q.get("maxResults") or 100)
    start = int(q.get("nextToken") or 0)
    out = {"analyzers": rows[start:start + max_results]}
    if start + max_results < len(rows):
        out["nextToken"] = str(start + max_results)
    return json_response(out)


@handles("accessanalyzer", "DeleteAnalyzer")
def delete_analyzer(call) -> Response:
    name = _name_from_path(call)
    if _region_analyzers(call).pop(name, None) is None:
        raise GapError("ResourceNotFoundException", f"Analyzer {name} not found", 404)
    return Response(200, b"", [("Content-Type", "application/json")])
