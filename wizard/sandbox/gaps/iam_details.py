"""GetAccountAuthorizationDetails in pages: moto 5.2.5 answers everything at once, with IsTruncated
false whatever MaxItems says. AWS answers at most MaxItems entries (default 100, 1 to 1000) across
its four lists, IsTruncated and a Marker to ask for the next page, and "might return fewer than the
MaxItems number of results even when there are more results available" (IAM API Reference,
GetAccountAuthorizationDetails). Here a page is MaxItems entries of users, then groups, roles and
policies, in that order; the Marker is the offset of the next page.

moto's whole answer (every user with its policies) is built once per listing: the first page asks
moto, the pages after it (a Marker) cut the same parsed answer while nothing has been written since
(``SandboxApp.generation``). Asking moto for every page cost the large benchmark account (1,000
users) a third of the sandbox's CPU.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from ..protocol import Response
from .registry import handles

_NS = "https://iam.amazonaws.com/doc/2010-05-08/"
_LISTS = ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies")
DEFAULT_MAX_ITEMS = 100
_KEPT = 8  # listings kept (a few accounts paging at once); each holds one parsed answer
# (account, request without Marker and MaxItems) -> (generation, headers, root, result, {list: members})
_listings: dict[tuple, tuple[int, list, Any, Any, dict[str, list]]] = {}


def _whole(call, key: tuple) -> tuple[list, Any, Any, dict[str, list]] | Response:
    """moto's whole answer, parsed (from the cache on a later page of the same listing)."""
    kept = _listings.get(key)
    if call.params.get("Marker") and kept is not None and kept[0] == call.app.generation:
        return kept[1:]
    resp = call.forward()
    if resp.status != 200:
        return resp
    ET.register_namespace("", _NS)
    root = ET.fromstring(resp.body)
    result = root.find(f"{{{_NS}}}GetAccountAuthorizationDetailsResult")
    if result is None:
        return resp
    members = {name: list(node) for name in _LISTS if (node := result.find(f"{{{_NS}}}{name}")) is not None}
    for name in ("IsTruncated", "Marker"):  # set per page below
        for node in result.findall(f"{{{_NS}}}{name}"):
            result.remove(node)
    _listings.pop(key, None)
    _listings[key] = (call.app.generation, resp.headers, root, result, members)
    while len(_listings) > _KEPT:
        _listings.pop(next(iter(_listings)))
    return resp.headers, root, result, members


@handles("iam", "GetAccountAuthorizationDetails")
def get_account_authorization_details(call) -> Response:
    try:
        size = min(max(int(call.params.get("MaxItems") or DEFAULT_MAX_ITEMS), 1), 1000)
        start = int(call.params.get("Marker") or 0)
    except ValueError:
        return call.forward()  # moto's own answer to a malformed request
    key = (call.info.account_id, tuple(sorted((k, v) for k, v in call.params.items() if k not in ("Marker", "MaxItems"))))
    whole = _whole(call, key)
    if isinstance(whole, Response):
        return whole
    headers, root, result, members = whole
    seen = 0
    for name, items in members.items():  # the shared tree is cut to this page (under the gap layer's lock)
        result.find(f"{{{_NS}}}{name}")[:] = items[max(start - seen, 0):max(start + size - seen, 0)]
        seen += len(items)
    more = seen > start + size
    ET.SubElement(result, f"{{{_NS}}}IsTruncated").text = "true" if more else "false"
    if more:
        ET.SubElement(result, f"{{{_NS}}}Marker").text = str(start + size)
    body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    for name in ("IsTruncated", "Marker"):
        for node in result.findall(f"{{{_NS}}}{name}"):
            result.remove(node)
    return Response(200, body, list(headers))
