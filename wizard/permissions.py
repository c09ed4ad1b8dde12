"""The least-privilege IAM policy the wizard needs, generated from the steps' declarations.

Every step declares the IAM actions its ``collect`` reads (``INFO.reads``) and its fixes and their
undo calls write (``INFO.writes``). ``read`` mode is what ``check`` needs: the reads, plus what the
plumbing itself calls whatever the steps are (who am I, which regions are enabled). ``fix`` mode
adds the writes. ``tests/reliability/test_permissions.py`` proves both policies are enough, against
the sandbox with IAM enforcement on, and that no step declares an action it never uses.
"""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any, Iterable

MODES = ("read", "fix")

# What every run calls before any step: the caller's identity (account id, own-access guards) and
# the account's enabled regions (regional checks, --regions validation).
PLUMBING_READS = ("sts:GetCallerIdentity", "ec2:DescribeRegions")

# Actions AWS checks in addition to the operation's own action, with no API call of their own:
# passing a role to a service, tagging at creation, the log delivery behind flow logs to S3.
IMPLIED_ACTIONS: dict[str, tuple[str, ...]] = {
    "ec2:CreateFlowLogs": ("iam:PassRole", "logs:CreateLogDelivery"),
    "cloudtrail:CreateTrail": ("iam:PassRole",),
    "cloudtrail:UpdateTrail": ("iam:PassRole",),
    "config:PutConfigurationRecorder": ("iam:PassRole",),
    "kms:CreateKey": ("kms:TagResource",),
}

POLICY_VERSION = "2012-10-17"
_MAX_POLICY_CHARS = 6144  # AWS's limit for a managed policy document (whitespace not counted)


def actions(steps: Iterable[ModuleType], mode: str = "read") -> list[str]:
    """The sorted, de-duplicated IAM actions ``steps`` need in ``mode`` (``read`` or ``fix``)."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
    wanted = set(PLUMBING_READS)
    for step in steps:
        wanted.update(step.INFO.reads)
        if mode == "fix":
            wanted.update(step.INFO.writes)
    return sorted(wanted, key=lambda a: (a.split(":", 1)[0], a.split(":", 1)[1]))


def policy(steps: Iterable[ModuleType], mode: str = "read") -> dict[str, Any]:
    """An identity-based IAM policy document: one Allow statement per service, Resource "*".

    Resource "*" because the wizard reads and fixes account-wide settings and resources it
    discovers at run time; least privilege here is in the actions.
    """
    by_service: dict[str, list[str]] = {}
    for action in actions(steps, mode):
        by_service.setdefault(action.split(":", 1)[0], []).append(action)
    statements = [
        {"Sid": _sid(service, mode), "Effect": "Allow", "Action": names, "Resource": "*"}
        for service, names in sorted(by_service.items())
    ]
    return {"Version": POLICY_VERSION, "Statement": statements}


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2) + "\n"


def fits_managed_policy(document: dict[str, Any]) -> bool:
    """Whether the document is within AWS's size limit for one managed policy."""
    return len(json.dumps(document, separators=(",", ":"))) <= _MAX_POLICY_CHARS


def _sid(service: str, mode: str) -> str:
    return "AwsEssentials" + mode.capitalize() + "".join(part.capitalize() for part in service.split("-"))
