"""Realism rules: the Account API disables a region in the background."""

from __future__ import annotations

import json

from .registry import after


# Account API reference, GetRegionOptStatus: RegionOptStatus DISABLING while the opt-out runs ("an
# opt-out can take several minutes"); the gap layer settles it on the next read, realism keeps it
# DISABLING for delay_s.
@after("account", "DisableRegion")
def remember_disable(call, response):
    if response.status == 200:
        body = call.json()
        call.realism.state.mark(call.info.account_id, "region-disabling",
                                f"{body.get('AccountId') or call.info.account_id}/{body.get('RegionName', '')}")
    return response


@after("account", "GetRegionOptStatus", "ListRegions")
def still_disabling(call, response):
    if response.status != 200:
        return response
    data = json.loads(response.body or b"{}")
    items = data.get("Regions", []) if call.info.operation == "ListRegions" else [data]
    target = call.json().get("AccountId") or call.info.account_id
    for item in items:
        if call.realism.state.fresh(call.info.account_id, "region-disabling", f"{target}/{item.get('RegionName', '')}"):
            item["RegionOptStatus"] = "DISABLING"
    if call.info.operation == "ListRegions":
        wanted = call.json().get("RegionOptStatusContains")
        if wanted:
            data["Regions"] = [r for r in items if r.get("RegionOptStatus") in wanted]
    response.body = json.dumps(data).encode()
    return response
