"""CIS 2.3.1: EFS file systems are encrypted at rest, in every region.

Encryption at rest is chosen when a file system is created and cannot be switched on later (EFS user
guide, "Encrypting data at rest"), so a failure has no call of its own: the plan writes out the migration.
"""

from __future__ import annotations

from typing import Any, Mapping, TypedDict

from steps.base import Change, Finding, OrUnreadable, Severity, is_unreadable, manual, reason_of
from steps.checks import NO_FIX, Check

EFS_CONSOLE = "https://console.aws.amazon.com/efs/home?region={region}#/file-systems/{fs}"
EFS_ENCRYPTED = Check("efs-encrypted", "EFS file systems are encrypted at rest", Severity.HIGH, ("2.3.1",),
                      ("EFS.1",), NO_FIX, "Database Security")


class FileSystem(TypedDict):
    FileSystemId: str
    FileSystemArn: str
    Name: str
    Encrypted: bool
    LifeCycleState: str | None


def read_file_systems(aws: Any, region: str) -> OrUnreadable[list[FileSystem]]:
    """DescribeFileSystems, every page (MaxItems defaults to 100; NextMarker pages on: EFS API reference).

    File systems being deleted are left out; one still "creating" already has its encryption setting.
    """
    answer = aws.try_read("efs", "DescribeFileSystems", region, paginate=True)
    if is_unreadable(answer):
        return answer
    return [{"FileSystemId": f["FileSystemId"], "FileSystemArn": f.get("FileSystemArn") or "",
             "Name": f.get("Name") or "", "Encrypted": bool(f.get("Encrypted")),
             "LifeCycleState": f.get("LifeCycleState")}
            for f in answer.get("FileSystems", []) if f.get("LifeCycleState") not in ("deleting", "deleted")]


def _label(fs: Mapping[str, Any]) -> str:
    return f"{fs['FileSystemId']} ({fs['Name']})" if fs.get("Name") else fs["FileSystemId"]


def efs_findings(region: str, systems: Any) -> list[Finding]:
    if is_unreadable(systems):
        return [EFS_ENCRYPTED.unknown(reason_of(systems), region=region)]
    plain = [f for f in systems if not f["Encrypted"]]
    out = [EFS_ENCRYPTED.failed(
        f"File system {_label(fs)} stores its files unencrypted. Encryption cannot be switched on in place; the "
        "plan writes out the migration to a new, encrypted file system.", region=region,
        resource=fs.get("FileSystemArn") or fs["FileSystemId"])
        for fs in plain]
    if not systems:
        return [EFS_ENCRYPTED.not_applicable("No EFS file systems in this region.", region=region)]
    return out or [EFS_ENCRYPTED.passed(f"All {len(systems)} file systems are encrypted.", region=region)]


def efs_changes(region: str, systems: Any) -> list[Change]:
    if is_unreadable(systems):
        return []
    return [_migration(region, fs) for fs in systems if not fs["Encrypted"]]


def _migration(region: str, fs: Mapping[str, Any]) -> Change:
    fid = fs["FileSystemId"]
    return manual(
        f"Move file system {_label(fs)} in {region} to an encrypted one (it cannot be encrypted in place).",
        EFS_CONSOLE.format(region=region, fs=fid),
        f"1. Create an encrypted file system: aws efs create-file-system --encrypted --region {region} "
        "(same performance and throughput modes; --kms-key-id for your own key), with mount targets in the same "
        "subnets and security groups.",
        f"2. Copy the data: an AWS DataSync task from {fid} to the new file system, or restore an AWS Backup "
        "recovery point of it to the new file system (a restore lets you pick encryption).",
        "3. Stop the writers, run a last incremental copy, then mount the new file system in their place "
        "(fstab, ECS/EKS volumes, Lambda file system settings) and test.",
        f"4. When all works, delete {fid} and its mount targets (after a final backup).",
        fixes=(EFS_ENCRYPTED.id,),
    )

