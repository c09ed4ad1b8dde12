"""KMS: AWS-managed keys (the ``alias/aws/...`` default keys) are AWS-managed, as on AWS.

moto 5.2.5 makes a default key when a reserved alias such as ``alias/aws/s3`` is first used, but
reports it with ``KeyManager: CUSTOMER`` and lets callers change its rotation. On AWS such keys
have ``KeyManager: AWS``, rotate every year by themselves (rotation status is always on), and
refuse rotation changes. This layer corrects those three answers; moto keeps the keys.
"""

from __future__ import annotations

import json

from ..protocol import GapError, json_response
from .registry import handles

_CT = "application/x-amz-json-1.1"


def _moto_key(call, key_id: str):
    from moto.kms.models import kms_backends

    backend = kms_backends[call.info.account_id][call.region]
    if key_id.startswith("alias/"):
        key_id = backend.get_key_id_from_alias(key_id) or ""
    elif key_id.startswith("arn:") and ":key/" in key_id:
        key_id = key_id.split(":key/")[1]
    elif key_id.startswith("arn:") and ":alias/" in key_id:
        key_id = backend.get_key_id_from_alias("alias/" + key_id.split(":alias/")[1]) or ""
    return backend.keys.get(key_id)


def aws_managed(key) -> bool:
    return key is not None and any(name.startswith("alias/aws/") for name in key.aliases)


@handles("kms", "DescribeKey")
def describe_key(call):
    resp = call.forward()
    if resp.status != 200:
        return resp
    data = json.loads(resp.body or b"{}")
    meta = data.get("KeyMetadata") or {}
    if aws_managed(_moto_key(call, meta.get("KeyId", ""))):
        meta["KeyManager"] = "AWS"
        resp.body = json.dumps(data).encode()
    return resp


@handles("kms", "GetKeyRotationStatus")
def get_key_rotation_status(call):
    key = _moto_key(call, call.json().get("KeyId", ""))
    if aws_managed(key):
        return json_response({"KeyRotationEnabled": True, "RotationPeriodInDays": 365}, content_type=_CT)
    return None


@handles("kms", "EnableKeyRotation", "DisableKeyRotation")
def change_rotation(call):
    key = _moto_key(call, call.json().get("KeyId", ""))
    if aws_managed(key):
        raise GapError("UnsupportedOperationException",
                       f"{key.arn} is an AWS managed key: its rotation cannot be changed")
    return None
