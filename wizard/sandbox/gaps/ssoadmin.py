"""IAM Identity Center "not enabled".

moto 5.2.5 gives every account and region an sso-admin instance. AWS has at most one instance,
in the Identity Center home region, and none until someone enables it in the console. The layer
hides moto's instance unless the account's `identity_center_enabled` flag is set, and then shows
it only in `identity_center_region`.
"""

from __future__ import annotations

import json

from ..protocol import Response, json_response
from .registry import handles


@handles("sso-admin", "ListInstances")
def list_instances(call) -> Response | None:
    acct = call.account
    if not acct.identity_center_enabled or call.region != acct.identity_center_region:
        return json_response({"Instances": []}, content_type="application/x-amz-json-1.1")
    resp = call.forward()
    if resp.status == 200:
        data = json.loads(resp.body or b"{}")
        for inst in data.get("Instances", []):
            inst.setdefault("Name", "default")
        resp.body = json.dumps(data).encode()
    return resp
