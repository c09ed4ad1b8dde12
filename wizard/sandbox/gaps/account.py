"""account API: regions (List/Get/Enable/Disable) and primary contact information.

moto 5.2.5 has the alternate contacts (they work per account over HTTP); it lacks these.
"""

from __future__ import annotations

import base64
import re

from ..protocol import GapError, Response, json_response
from ..state import ALL_REGIONS, DEFAULT_REGIONS
from .registry import handles

_STATUSES = ("ENABLED", "ENABLING", "DISABLING", "DISABLED", "ENABLED_BY_DEFAULT")
_CONTACT_REQUIRED = ("AddressLine1", "City", "CountryCode", "FullName", "PhoneNumber", "PostalCode")
_PHONE = re.compile(r"^[+][\s0-9()-]+$")


def _target(call) -> str:
    body = call.json()
    acct = body.get("AccountId")
    if acct and not re.fullmatch(r"\d{12}", acct):
        raise GapError("ValidationException", "AccountId must be a 12-digit account id")
    if acct and acct != call.info.account_id:
        _require_management(call, acct)
    return acct or call.info.account_id


def _require_management(call, member: str) -> None:
    """Only an organization's management account may act on a member (like AWS)."""
    from moto.organizations.models import organizations_backends

    try:
        backend = organizations_backends[call.info.account_id]["aws"]
        org = backend.org
        if org is None or org.master_account_id != call.info.account_id:
            raise KeyError
        if member not in {a.id for a in backend.accounts}:
            raise KeyError
    except KeyError:
        raise GapError("AccessDeniedException",
                       f"User: arn:aws:iam::{call.info.account_id}:root is not authorized to perform: "
                       f"{call.info.action} on resource: arn:aws:account::{member}:account", 403)


def _region_name(body: dict) -> str:
    name = body.get("RegionName")
    if not name:
        raise GapError("ValidationException", "RegionName is required")
    if name not in ALL_REGIONS:
        raise GapError("ValidationException", f"{name} is not a valid region name")
    return name


@handles("account", "ListRegions")
def list_regions(call) -> Response:
    body = call.json()
    acct = call.gaps.account(_target(call))
    wanted = body.get("RegionOptStatusContains") or None
    if wanted:
        bad = [s for s in wanted if s not in _STATUSES]
        if bad:
            raise GapError("ValidationException", f"invalid RegionOptStatusContains value(s): {bad}")
    rows = [{"RegionName": r, "RegionOptStatus": acct.region_status(r)} for r in ALL_REGIONS]
    if wanted:
        rows = [r for r in rows if r["RegionOptStatus"] in wanted]
    max_results = int(body.get("MaxResults") or 20)
    if not 1 <= max_results <= 50:
        raise GapError("ValidationException", "MaxResults must be between 1 and 50")
    start = 0
    if body.get("NextToken"):
        try:
            start = int(base64.b64decode(body["NextToken"]).decode())
        except Exception:
            raise GapError("ValidationException", "invalid NextToken")
    page = rows[start:start + max_results]
    out = {"Regions": page}
    if start + max_results < len(rows):
        out["NextToken"] = base64.b64encode(str(start + max_results).encode()).decode()
    return json_response(out)


@handles("account", "GetRegionOptStatus")
def get_region_opt_status(call) -> Response:
    acct = call.gaps.account(_target(call))
    name = _region_name(call.json())
    return json_response({"RegionName": name, "RegionOptStatus": acct.region_status(name)})


@handles("account", "EnableRegion", "DisableRegion")
def enable_disable_region(call) -> Response:
    acct = call.gaps.account(_target(call))
    name = _region_name(call.json())
    if name in DEFAULT_REGIONS:
        raise GapError("ValidationException", f"{name} is enabled by default and cannot be enabled or disabled")
    current = acct.regions.get(name, "DISABLED")
    if call.info.operation == "EnableRegion":
        if current == "DISABLING":
            raise GapError("ConflictException", f"{name} is being disabled; try again later", 409)
        if current not in ("ENABLED", "ENABLING"):
            acct.regions[name] = "ENABLING"  # settles to ENABLED on the next read
    else:
        if current == "ENABLING":
            raise GapError("ConflictException", f"{name} is being enabled; try again later", 409)
        if current not in ("DISABLED", "DISABLING"):
            acct.regions[name] = "DISABLING"
    return Response(200, b"", [("Content-Type", "application/json")])


@handles("account", "GetContactInformation")
def get_contact_information(call) -> Response:
    acct = call.gaps.account(_target(call))
    if acct.contact_information is None:
        raise GapError("ResourceNotFoundException", "No contact information found for this account", 404)
    return json_response({"ContactInformation": dict(acct.contact_information)})


@handles("account", "PutContactInformation")
def put_contact_information(call) -> Response:
    body = call.json()
    acct = call.gaps.account(_target(call))
    info = body.get("ContactInformation") or {}
    missing = [k for k in _CONTACT_REQUIRED if not info.get(k)]
    if missing:
        raise GapError("ValidationException", f"ContactInformation is missing {', '.join(missing)}")
    if not _PHONE.match(info["PhoneNumber"]):
        raise GapError("ValidationException", "PhoneNumber must start with + and contain digits")
    acct.contact_information = dict(info)
    return Response(200, b"", [("Content-Type", "application/json")])
