"""The compute step's reads; what they hold is :class:`State`."""

from __future__ import annotations

import json
from typing import Any, TypedDict

from steps.base import OrUnreadable, is_unreadable


class Instance(TypedDict):
    InstanceId: str
    State: str | None
    HttpTokens: str | None  # "required": IMDSv2 only
    HttpEndpoint: str | None
    Profile: str | None  # the instance profile ARN
    Name: str


class Database(TypedDict):
    DBInstanceIdentifier: str
    Engine: str | None
    PubliclyAccessible: bool
    StorageEncrypted: bool
    DBClusterIdentifier: str | None


class Function(TypedDict):
    FunctionName: str
    Policy: OrUnreadable[dict[str, Any] | None]  # its resource policy; None: none


class RegionState(TypedDict):
    ebs_default: OrUnreadable[bool]  # GetEbsEncryptionByDefault
    imds_default: OrUnreadable[dict[str, Any]]  # GetInstanceMetadataDefaults' AccountLevel
    snapshot_bpa: OrUnreadable[str]  # GetSnapshotBlockPublicAccessState
    image_bpa: OrUnreadable[str]  # GetImageBlockPublicAccessState
    instances: OrUnreadable[list[Instance]]  # not terminated or shutting down
    databases: OrUnreadable[list[Database]]
    functions: OrUnreadable[list[Function]]


class State(TypedDict):
    regions: dict[str, OrUnreadable[RegionState]]


def _region(aws: Any, region: str) -> RegionState:
    out: Any = {}
    ebs = aws.try_read("ec2", "GetEbsEncryptionByDefault", region)
    out["ebs_default"] = ebs if is_unreadable(ebs) else bool(ebs.get("EbsEncryptionByDefault"))
    imds = aws.try_read("ec2", "GetInstanceMetadataDefaults", region)
    out["imds_default"] = imds if is_unreadable(imds) else (imds.get("AccountLevel") or {})
    snap = aws.try_read("ec2", "GetSnapshotBlockPublicAccessState", region)
    out["snapshot_bpa"] = snap if is_unreadable(snap) else snap.get("State", "unblocked")
    image = aws.try_read("ec2", "GetImageBlockPublicAccessState", region)
    out["image_bpa"] = image if is_unreadable(image) else image.get("ImageBlockPublicAccessState", "unblocked")
    reservations = aws.try_read("ec2", "DescribeInstances", region, paginate=True)
    if is_unreadable(reservations):
        out["instances"] = reservations
    else:
        out["instances"] = [
            {"InstanceId": i["InstanceId"], "State": (i.get("State") or {}).get("Name"),
             "HttpTokens": (i.get("MetadataOptions") or {}).get("HttpTokens"),
             "HttpEndpoint": (i.get("MetadataOptions") or {}).get("HttpEndpoint"),
             "Profile": (i.get("IamInstanceProfile") or {}).get("Arn"),
             "Name": next((t["Value"] for t in i.get("Tags", []) if t.get("Key") == "Name"), "")}
            for r in reservations.get("Reservations", []) for i in r.get("Instances", [])
            if (i.get("State") or {}).get("Name") not in ("terminated", "shutting-down")]
    dbs = aws.try_read("rds", "DescribeDBInstances", region, paginate=True)
    out["databases"] = dbs if is_unreadable(dbs) else [
        {"DBInstanceIdentifier": d["DBInstanceIdentifier"], "Engine": d.get("Engine"),
         "PubliclyAccessible": bool(d.get("PubliclyAccessible")), "StorageEncrypted": bool(d.get("StorageEncrypted")),
         "DBClusterIdentifier": d.get("DBClusterIdentifier")}
        for d in dbs.get("DBInstances", [])]
    functions = aws.try_read("lambda", "ListFunctions", region, paginate=True)
    if is_unreadable(functions):
        out["functions"] = functions
    else:
        out["functions"] = []
        for fn in functions.get("Functions", []):
            policy = aws.try_read("lambda", "GetPolicy", region, FunctionName=fn["FunctionName"],
                                  missing=("ResourceNotFoundException",))
            if not is_unreadable(policy):
                policy = json.loads(policy["Policy"]) if policy and policy.get("Policy") else None
            out["functions"].append({"FunctionName": fn["FunctionName"], "Policy": policy})
    return out


def collect(aws: Any) -> State:
    """Per region, concurrently: account defaults, instances, databases and functions."""
    return {"regions": aws.per_region(lambda region: _region(aws, region=region))}
