"""KMS customer-managed keys and the rotation of their key material (CIS 3.6, Security Hub KMS.4):
the per-region read, the findings and the EnableKeyRotation changes of the s3 step."""

from __future__ import annotations

from typing import Any, Mapping, TypedDict

from steps.base import UNREADABLE, Call, Change, Finding, OrUnreadable, Severity, is_unreadable, reason_of, unreadable
from steps.checks import AUTOMATIC, Check

KMS_CONSOLE = "https://console.aws.amazon.com/kms/home"
ROTATION = Check("kms-rotation", "KMS key {name} rotates its key material", Severity.MEDIUM, ("3.6",), ("KMS.4",),
                 AUTOMATIC, "KMS", title_all="Customer-managed KMS keys rotate their key material")

# One key: its DescribeKey metadata; "rotation" (GetKeyRotationStatus) only for a rotatable key; only KeyId,
# Arn and the unreadable marker when DescribeKey failed.
KeyState = TypedDict("KeyState", {
    "KeyId": str, "Arn": "str | None", "KeyManager": "str | None", "KeySpec": "str | None", "KeyState": "str | None",
    "Origin": "str | None", "Description": str, "rotation": "OrUnreadable[bool]", UNREADABLE: str,
}, total=False)


def rotatable(key: Mapping[str, Any]) -> bool:
    """A customer-managed, symmetric, enabled key with AWS-made key material: rotation applies."""
    return (key.get("KeyManager") == "CUSTOMER" and key.get("KeySpec") == "SYMMETRIC_DEFAULT"
            and key.get("KeyState") == "Enabled" and key.get("Origin", "AWS_KMS") == "AWS_KMS")


def read_keys(aws: Any, region: str) -> OrUnreadable[list[KeyState]]:
    """The region's KMS keys with what decides rotation, or the unreadable marker."""
    keys = aws.try_read("kms", "ListKeys", region, paginate=True)
    if is_unreadable(keys):
        return keys
    found = []
    for entry in keys.get("Keys", []):
        described = aws.try_read("kms", "DescribeKey", region, KeyId=entry["KeyId"])
        if is_unreadable(described):
            found.append({"KeyId": entry["KeyId"], "Arn": entry.get("KeyArn"), **unreadable(reason_of(described))})
            continue
        meta = described.get("KeyMetadata", {})
        key = {
            "KeyId": meta.get("KeyId", entry["KeyId"]),
            "Arn": meta.get("Arn", entry.get("KeyArn")),
            "KeyManager": meta.get("KeyManager"),
            "KeySpec": meta.get("KeySpec") or meta.get("CustomerMasterKeySpec"),
            "KeyState": meta.get("KeyState"),
            "Origin": meta.get("Origin"),
            "Description": meta.get("Description", ""),
        }
        if rotatable(key):
            status = aws.try_read("kms", "GetKeyRotationStatus", region, KeyId=key["KeyId"])
            key["rotation"] = status if is_unreadable(status) else bool(status.get("KeyRotationEnabled"))
        found.append(key)
    return found


def kms_findings(state: Mapping[str, Any]) -> list[Finding]:
    out = []
    checked = 0
    for region, data in sorted((state.get("regions") or {}).items()):
        if is_unreadable(data):
            out.append(ROTATION.unknown(reason_of(data), region=region))
            continue
        keys = data.get("keys")
        if is_unreadable(keys):
            out.append(ROTATION.unknown(reason_of(keys), region=region))
            continue
        for key in keys:
            where = {"region": region, "resource": key.get("Arn") or key["KeyId"], "name": key["KeyId"]}
            if is_unreadable(key):
                out.append(ROTATION.unknown(reason_of(key), **where))
                continue
            if not rotatable(key):
                continue  # AWS-managed, asymmetric, disabled or imported keys: not this check
            checked += 1
            rotation = key.get("rotation")
            if is_unreadable(rotation):
                out.append(ROTATION.unknown(reason_of(rotation), **where))
            elif rotation:
                out.append(ROTATION.passed("Automatic rotation is enabled.", **where))
            else:
                out.append(ROTATION.failed("Automatic rotation is off: the same key material is used for ever.",
                                           **where))
    if not checked and not out:
        out.append(ROTATION.not_applicable("There are no enabled customer-managed symmetric keys (keys AWS manages "
                                           "rotate by themselves)."))
    return out


def rotation_changes(state: Mapping[str, Any]) -> list[Change]:
    """EnableKeyRotation for every rotatable key whose rotation was read as off."""
    changes = []
    for region, data in sorted((state.get("regions") or {}).items()):
        if is_unreadable(data) or is_unreadable(data.get("keys")):
            continue
        for key in data["keys"]:
            if is_unreadable(key) or not rotatable(key) or key.get("rotation") is not False:
                continue
            changes.append(Change(
                reason=f"Rotate the key material of KMS key {key['KeyId']} automatically (yearly).",
                call=Call("kms", "EnableKeyRotation", {"KeyId": key["KeyId"]}, region),
                before={"KeyRotationEnabled": False},
                after={"KeyRotationEnabled": True},
                undo=Call("kms", "DisableKeyRotation", {"KeyId": key["KeyId"]}, region),
                cost_note="AWS KMS bills about 1 USD a month for each of the first two rotations of a key's "
                          "material; later rotations are free.",
                fixes=(ROTATION.id,),
            ))
    return changes
