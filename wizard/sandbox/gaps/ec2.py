"""EC2: DescribeRegions agrees with the account API's region state; instance metadata defaults."""

from __future__ import annotations

from xml.sax.saxutils import escape

from ..protocol import GapError, ec2_response
from ..state import ALL_REGIONS, DEFAULT_REGIONS
from .registry import handles

_IMDS_FIELDS = {
    # query param name -> (response element, allowed values or None)
    "HttpTokens": ("httpTokens", {"optional", "required", "no-preference"}),
    "HttpPutResponseHopLimit": ("httpPutResponseHopLimit", None),
    "HttpEndpoint": ("httpEndpoint", {"enabled", "disabled", "no-preference"}),
    "InstanceMetadataTags": ("instanceMetadataTags", {"enabled", "disabled", "no-preference"}),
}


def _list_param(params: dict, prefix: str) -> list[str]:
    out = []
    for k, v in params.items():
        if k.startswith(prefix + ".") and k.count(".") == 1:
            out.append((int(k.split(".")[1]), v))
    return [v for _, v in sorted(out)]


def _filters(params: dict) -> dict[str, list[str]]:
    filters: dict[str, list[str]] = {}
    i = 1
    while f"Filter.{i}.Name" in params:
        filters[params[f"Filter.{i}.Name"]] = _list_param(params, f"Filter.{i}.Value")
        i += 1
    return filters


@handles("ec2", "DescribeRegions")
def describe_regions(call):
    acct = call.account
    params = call.params
    all_regions = params.get("AllRegions", "false").lower() == "true"
    names = _list_param(params, "RegionName")
    filters = _filters(params)
    for n in names:
        if n not in ALL_REGIONS:
            raise GapError("InvalidParameterValue", f"Invalid region name: {n}")
    rows = []
    for region in ALL_REGIONS:
        if region in DEFAULT_REGIONS:
            status = "opt-in-not-required"
        else:
            s = acct.region_status(region)
            status = "opted-in" if s in ("ENABLED", "ENABLING") else "not-opted-in"
        if names and region not in names:
            continue
        if not all_regions and not names and status == "not-opted-in":
            continue
        if "region-name" in filters and region not in filters["region-name"]:
            continue
        if "opt-in-status" in filters and status not in filters["opt-in-status"]:
            continue
        endpoint = f"ec2.{region}.amazonaws.com"
        if "endpoint" in filters and endpoint not in filters["endpoint"]:
            continue
        rows.append(f"<item><regionName>{region}</regionName><regionEndpoint>{endpoint}</regionEndpoint>"
                    f"<optInStatus>{status}</optInStatus></item>")
    return ec2_response(call.info, "<regionInfo>" + "".join(rows) + "</regionInfo>")


@handles("ec2", "GetInstanceMetadataDefaults")
def get_imds_defaults(call):
    d = call.account.imds_defaults.get(call.region, {})
    inner = "".join(f"<{elem}>{escape(str(d[k]))}</{elem}>" for k, (elem, _) in _IMDS_FIELDS.items() if k in d)
    return ec2_response(call.info, f"<accountLevel>{inner}</accountLevel>")


@handles("ec2", "ModifyInstanceMetadataDefaults")
def modify_imds_defaults(call):
    params = call.params
    current = dict(call.account.imds_defaults.get(call.region, {}))
    for k, (_elem, allowed) in _IMDS_FIELDS.items():
        if k not in params:
            continue
        v = params[k]
        if allowed is not None and v not in allowed:
            raise GapError("InvalidParameterValue", f"Value ({v}) for parameter {k} is invalid.")
        if k == "HttpPutResponseHopLimit":
            hop = int(v)
            if hop == -1:
                current.pop(k, None)
                continue
            if not 1 <= hop <= 64:
                raise GapError("InvalidParameterValue", "HttpPutResponseHopLimit must be between 1 and 64, or -1")
            v = hop
        if v == "no-preference":
            current.pop(k, None)
        else:
            current[k] = v
    call.account.imds_defaults[call.region] = current
    return ec2_response(call.info, "<return>true</return>")
