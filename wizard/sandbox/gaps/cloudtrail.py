"""CloudTrail: reads of a multi-region trail answer from every region, as on AWS.

moto 5.2.5 finds a trail only in its home region for GetEventSelectors, GetTrail and
GetInsightSelectors (GetTrailStatus and DescribeTrails already see shadow trails). The layer
forwards those reads to the trail's home region.

moto's PutEventSelectors keeps a trail's advanced selectors when classic ones are put, and takes
both kinds in one call; AWS replaces all of a trail's selectors with the kind given and takes one
kind only (API reference, PutEventSelectors: "You can use either AdvancedEventSelectors or
EventSelectors, but not both").
"""

from __future__ import annotations

from ..protocol import GapError
from .registry import handles


def home_region(account_id: str, name_or_arn: str, asked_region: str) -> str | None:
    from moto.cloudtrail.models import cloudtrail_backends

    if name_or_arn.startswith("arn:"):
        parts = name_or_arn.split(":")
        return parts[3] if len(parts) > 5 and parts[3] else None
    for region, backend in list(cloudtrail_backends[account_id].items()):
        trail = backend.trails.get(name_or_arn)
        if trail is not None and (trail.is_multi_region or region == asked_region):
            return region
    return None


@handles("cloudtrail", "GetEventSelectors", "GetInsightSelectors")
def read_from_home_region(call):
    body = call.json()
    name = body.get("TrailName") or body.get("Name") or ""
    region = home_region(call.info.account_id, name, call.region) if len(name) >= 3 else None
    if region is None or region == call.region:
        return None  # moto answers (including its not-found error)
    if not name.startswith("arn:"):
        from moto.cloudtrail.models import cloudtrail_backends

        trail = cloudtrail_backends[call.info.account_id][region].trails.get(name)
        if trail is None or not trail.is_multi_region:
            return None
    else:
        from moto.cloudtrail.models import cloudtrail_backends

        trails = cloudtrail_backends[call.info.account_id][region].trails.values()
        trail = next((t for t in trails if t.arn == name), None)
        if trail is None or not trail.is_multi_region:
            return None
    return call.forward(region=region)


@handles("cloudtrail", "GetTrail")
def get_trail(call):
    """As above, and add the trail's HomeRegion, which AWS returns and moto's GetTrail omits."""
    import json

    resp = read_from_home_region(call) or call.forward()
    if resp.status == 200:
        data = json.loads(resp.body or b"{}")
        trail = data.get("Trail") or {}
        arn = trail.get("TrailARN", "")
        if arn and "HomeRegion" not in trail:
            trail["HomeRegion"] = arn.split(":")[3]
            resp.body = json.dumps(data).encode()
    return resp


@handles("cloudtrail", "PutEventSelectors")
def put_event_selectors(call):
    body = call.json()
    if body.get("EventSelectors") and body.get("AdvancedEventSelectors"):
        raise GapError("InvalidEventSelectorsException",
                       "You can use either AdvancedEventSelectors or EventSelectors, but not both.")
    resp = call.forward()
    if resp.status == 200 and body.get("EventSelectors"):
        from moto.cloudtrail.models import cloudtrail_backends

        name = body.get("TrailName") or ""
        for trail in cloudtrail_backends[call.info.account_id][call.region].trails.values():
            if name in (trail.trail_name, trail.arn):
                trail.advanced_event_selectors = []
    return resp
