"""GetAccountAuthorizationDetails in pages: moto 5.2.5 answers everything at once, with IsTruncated
false whatever MaxItems says. AWS answers at most MaxItems entries (default 100, 1 to 1000) across
its four lists, IsTruncated and a Marker to ask for the next page, and "might return fewer than the
MaxItems number of results even when there are more results available" (IAM API Reference,
GetAccountAuthorizationDetails). Here a page is MaxItems entries of users, then groups, roles and
policies, in that order; the Marker is the offset of the next page."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ..protocol import Response
from .registry import handles

_NS = "https://iam.amazonaws.com/doc/2010-05-08/"
_LISTS = ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies")
DEFAULT_MAX_ITEMS = 100


@handles("iam", "GetAccountAuthorizationDetails")
def get_account_authorization_details(call) -> Response:
    resp = call.forward()
    if resp.status != 200:
        return resp
    try:
        size = min(max(int(call.params.get("MaxItems") or DEFAULT_MAX_ITEMS), 1), 1000)
        start = int(call.params.get("Marker") or 0)
    except ValueError:
        return resp  # moto's own answer to a malformed request
    ET.register_namespace("", _NS)
    root = ET.fromstring(resp.body)
    result = root.find(f"{{{_NS}}}GetAccountAuthorizationDetailsResult")
    if result is None:
        return resp
    seen = 0
    for name in _LISTS:
        node = result.find(f"{{{_NS}}}{name}")
        if node is None:
            continue
        for member in list(node):
            if not start <= seen < start + size:
                node.remove(member)
            seen += 1
    truncated = result.find(f"{{{_NS}}}IsTruncated")
    if truncated is None:
        truncated = ET.SubElement(result, f"{{{_NS}}}IsTruncated")
    truncated.text = "true" if seen > start + size else "false"
    if seen > start + size:
        ET.SubElement(result, f"{{{_NS}}}Marker").text = str(start + size)
    resp.body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return resp
