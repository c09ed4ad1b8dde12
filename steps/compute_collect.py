"""The compute step's reads; what they hold is :class:`State`."""

from __future__ import annotations

import json
from typing import Any, TypedDict

from steps.base import OrUnreadable, is_unreadable
from steps.arns import ec2_arn
from steps.efs import FileSystem, read_file_systems


class Instance(TypedDict):
    InstanceId: str
    Arn: str  # built from the reservation's OwnerId (DescribeInstances answers no ARN)
    State: str | None
    HttpTokens: str | None  # "required": IMDSv2 only
    HttpEndpoint: str | None
    Profile: str | None  # the instance profile ARN
    Name: str


class Database(TypedDict):
    DBInstanceIdentifier: str
    DBInstanceArn: str
    Engine: str | None
    PubliclyAccessible: bool
    StorageEncrypted: bool
    DBClusterIdentifier: str | None
    DBInstanceStatus: str | None  # "available", "modifying", ... (RDS refuses changes unless available)
    AutoMinorVersionUpgrade: bool | None  # None: not reported
    MultiAZ: bool


class Function(TypedDict):
    FunctionName: str
    FunctionArn: str
    Policy: OrUnreadable[dict[str, Any] | None]  # its resource policy; None: none


class RegionState(TypedDict):
    ebs_default: OrUnreadable[bool]  # GetEbsEncryptionByDefault
    imds_default: OrUnreadable[dict[str, Any]]  # GetInstanceMetadataDefaults' AccountLevel
    snapshot_bpa: OrUnreadable[str]  # GetSnapshotBlockPublicAccessState
    image_bpa: OrUnreadable[str]  # GetImageBlockPublicAccessState
    instances: OrUnreadable[list[Instance]]  # not terminated or shutting down
    databases: OrUnreadable[list[Database]]
    functions: OrUnreadable[list[Function]]
    file_systems: OrUnreadable[list[FileSystem]]  # EFS DescribeFileSystems (steps/efs.py)


class State(TypedDict):
    regions: dict[str, OrUnreadable[RegionState]]


def _region(aws: Any, region: str, partition: str) -> RegionState:
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
             "Arn": ec2_arn(partition, region, r["OwnerId"], i["InstanceId"]) if r.get("OwnerId") else "",
             "HttpTokens": (i.get("MetadataOptions") or {}).get("HttpTokens"),
             "HttpEndpoint": (i.get("MetadataOptions") or {}).get("HttpEndpoint"),
             "Profile": (i.get("IamInstanceProfile") or {}).get("Arn"),
             "Name": next((t["Value"] for t in i.get("Tags", []) if t.get("Key") == "Name"), "")}
            for r in reservations.get("Reservations", []) for i in r.get("Instances", [])
            if (i.get("State") or {}).get("Name") not in ("terminated", "shutting-down")]
    dbs = aws.try_read("rds", "DescribeDBInstances", region, paginate=True)
    out["databases"] = dbs if is_unreadable(dbs) else [
        {"DBInstanceIdentifier": d["DBInstanceIdentifier"], "DBInstanceArn": d.get("DBInstanceArn") or "",
         "Engine": d.get("Engine"),
         "PubliclyAccessible": bool(d.get("PubliclyAccessible")), "StorageEncrypted": bool(d.get("StorageEncrypted")),
         "DBClusterIdentifier": d.get("DBClusterIdentifier"), "DBInstanceStatus": d.get("DBInstanceStatus"),
         "AutoMinorVersionUpgrade": d.get("AutoMinorVersionUpgrade"), "MultiAZ": bool(d.get("MultiAZ"))}
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
            out["functions"].append({"FunctionName": fn["FunctionName"], "FunctionArn": fn.get("FunctionArn") or "",
                                     "Policy": policy})
    out["file_systems"] = read_file_systems(aws, region)
    return out


def collect(aws: Any) -> State:
    """Per region, concurrently: account defaults, instances, databases and functions."""
    arn = aws.caller_arn
    partition = arn.split(":")[1] if arn.startswith("arn:") else "aws"
    return {"regions": aws.per_region(lambda region: _region(aws, region=region, partition=partition))}
