"""The trail's KMS key, found again instead of created again.

A trail step that stopped midway (CreateTrail refused while IAM propagated) and was applied again
used to create another KMS key each time. The key the tool creates now gets an alias, and collect
looks that alias up (KMS API reference, ListAliases: "the alias and the key it is associated
with"; DescribeKey: KeyState Enabled, PendingDeletion, ...): an enabled key behind it is reused.
"""

from __future__ import annotations

import json
from typing import Any

from steps.audit_logging.state import TrailKey, Unreadable
from steps.base import PREPARATION, Call, Change, Ref, is_unreadable

TRAIL_KEY_ALIAS = "alias/aws-essentials-trail"
READS = ("kms:ListAliases", "kms:DescribeKey", "kms:GetKeyRotationStatus")
WRITES = ("kms:CreateAlias", "kms:DeleteAlias")
COST_KMS = "A customer managed KMS key costs $1 a month, plus $0.03 per 10,000 requests."


def read_trail_key(aws: Any, region: str) -> TrailKey | None | Unreadable:
    """The tool's enabled trail key, None, or unreadable."""
    aliases = aws.try_read("kms", "ListAliases", region, paginate=True)
    if is_unreadable(aliases):
        return aliases
    alias = next((a for a in aliases.get("Aliases", [])
                  if a.get("AliasName") == TRAIL_KEY_ALIAS and a.get("TargetKeyId")), None)
    if alias is None:
        return None
    described = aws.try_read("kms", "DescribeKey", region, KeyId=alias["TargetKeyId"])
    if is_unreadable(described):
        return described
    meta = described.get("KeyMetadata") or {}
    if meta.get("KeyState") != "Enabled":  # pending deletion or disabled: not a key to encrypt with
        return None
    rotation = aws.try_read("kms", "GetKeyRotationStatus", region, KeyId=meta["KeyId"])
    return {"KeyId": meta["KeyId"], "Arn": meta["Arn"], "Region": region,
            "rotation": rotation if is_unreadable(rotation) else bool(rotation.get("KeyRotationEnabled"))}


def trail_key_changes(found: Any, trail_name: str, region: str, policy: dict[str, Any]) -> tuple[list[Change], Any]:
    """The changes that give the trail a KMS key, and the value of its ``KmsKeyId``."""
    if isinstance(found, dict) and not is_unreadable(found) and found.get("Region") == region:
        changes = []
        if found["rotation"] is False:
            changes.append(Change(f"Rotate the trail key {found['KeyId']} every year.",
                                  Call("kms", "EnableKeyRotation", {"KeyId": found["KeyId"]}, region),
                                  undo=Call("kms", "DisableKeyRotation", {"KeyId": found["KeyId"]}, region),
                                  fixes=PREPARATION))  # the s3 step's kms-rotation check judges rotation
        return changes, found["Arn"]
    key_id = Ref("trail-key", "KeyMetadata.KeyId")
    return [
        Change("Create a KMS key for the trail's log files, usable by CloudTrail for this trail only.",
               Call("kms", "CreateKey", {"Description": f"CloudTrail log files of {trail_name}",
                                         "Policy": json.dumps(policy),
                                         "Tags": [{"TagKey": "created-by", "TagValue": "aws-essentials"}]},
                    region), key="trail-key", cost_note=COST_KMS,
               undo_note="KMS keys cannot be deleted at once; schedule the deletion (7-30 days) in the console.",
               fixes=PREPARATION),  # UpdateTrail/CreateTrail with the key fixes cloudtrail-kms
        Change(f"Name the new key {TRAIL_KEY_ALIAS}, so that a later run finds it instead of making another.",
               Call("kms", "CreateAlias", {"AliasName": TRAIL_KEY_ALIAS, "TargetKeyId": key_id}, region),
               undo=Call("kms", "DeleteAlias", {"AliasName": TRAIL_KEY_ALIAS}, region), fixes=PREPARATION),
        Change("Rotate the new key every year.", Call("kms", "EnableKeyRotation", {"KeyId": key_id}, region),
               undo_note="Rotation can be turned off with kms:DisableKeyRotation.", fixes=PREPARATION),
    ], Ref("trail-key", "KeyMetadata.Arn")
