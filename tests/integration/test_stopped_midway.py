"""Issue 14: a step that stopped midway and is applied again creates nothing twice."""

from __future__ import annotations

from steps import audit_logging
from tests.helpers import fix, open_aws
from tests.sandbox.util import client


def our_keys(sb) -> list[str]:
    kms = client(sb, "kms")
    keys = [k["KeyId"] for k in kms.list_keys()["Keys"]]
    return [k for k in keys if {"TagKey": "created-by", "TagValue": "aws-essentials"}
            in kms.list_resource_tags(KeyId=k).get("Tags", [])]


def test_a_trail_step_stopped_after_its_key_does_not_make_a_second_key(account):
    sb = account("insecure")
    aws = open_aws(sb)
    # AWS refuses the trail's changes once (as it does while IAM propagates), after the key was made
    sb.set_faults(rate=1.0, kinds=("denied",), operations=["CreateTrail", "UpdateTrail"])
    _, stopped = fix(aws, audit_logging)
    assert not stopped.ok and stopped.failed.change.call.service == "cloudtrail"
    assert len(our_keys(sb)) == 1
    sb.set_faults(rate=0.0)
    plan, again = fix(aws, audit_logging)
    assert again.ok, again.failed and again.failed.detail
    assert "CreateKey" not in [c.call.operation for c in plan.automatic]
    assert len(our_keys(sb)) == 1  # the first run's key, found by its alias and used by the trail
    trails = client(sb, "cloudtrail").describe_trails()["trailList"]
    assert any((t.get("KmsKeyId") or "").endswith(our_keys(sb)[0]) for t in trails)
