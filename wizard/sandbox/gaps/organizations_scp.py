"""Organizations: attaching a policy needs its policy type enabled on the root (moto 5.2.5 skips the check).

AWS answers PolicyTypeNotEnabledException when an SCP is attached before
`EnablePolicyType(SERVICE_CONTROL_POLICY)`; moto attaches it anyway, which would hide a missing
step in a plan. Everything else is moto's.
"""

from __future__ import annotations

from ..protocol import GapError, Response
from .registry import handles


@handles("organizations", "AttachPolicy")
def attach_policy(call) -> Response | None:
    from moto.organizations.models import organizations_backends

    body = call.json()
    try:
        backend = organizations_backends[call.info.account_id]["aws"]
        if backend.org is None:
            return None
        policy = backend.get_policy_by_id(body.get("PolicyId", ""))
    except Exception:  # noqa: BLE001 - let moto give its own error
        return None
    roots = [ou for ou in backend.ou if type(ou).__name__ == "FakeRoot"]
    enabled = {t["Type"] for root in roots for t in root.policy_types if t.get("Status") == "ENABLED"}
    if policy.type not in enabled:
        raise GapError("PolicyTypeNotEnabledException",
                       "This operation can be performed only for enabled policy types.", 400)
    return None
