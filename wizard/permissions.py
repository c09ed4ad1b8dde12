"""The least-privilege IAM policy the wizard needs, generated from the steps' declarations.

Every step declares the IAM actions its ``collect`` reads (``INFO.reads``) and its fixes and their
undo calls write (``INFO.writes``). ``read`` mode is what ``check`` needs: the reads, plus what the
plumbing itself calls whatever the steps are (who am I, which regions are enabled, organization
runs). ``fix`` mode adds the writes. Most actions get ``Resource: "*"``; those that can be scoped
are: roles are passed only to the service that uses them, role writes only on the roles the steps
create, service-linked roles only for the services the steps turn on, AssumeRole only on roles.
``tests/reliability/test_permissions.py`` proves both policies are enough, against the sandbox with
IAM enforcement on (which judges these resources and conditions), and that no step declares an
action it never uses.
"""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any, Iterable

from steps import audit_logging, groups, vpc
from steps.cloudshell_access import CLOUDSHELL_POLICY
from steps.policy_admin import POLICY_WRITERS, allowed_actions
from wizard.undo_checks import exists_check_reads

MODES = ("read", "fix")

# What every run calls before any step: the caller's identity (account id, own-access guards), the
# account's enabled regions (regional checks, --regions validation) and its alias (the wizard's
# header; wizard/app.py).
PLUMBING_READS = ("sts:GetCallerIdentity", "ec2:DescribeRegions", "iam:ListAccountAliases")

# What `--org`, `--ou`, `--accounts` and `--role-arn` call besides the steps (wizard/org.py,
# wizard/aws.py): the organization's accounts (nested OUs walked with ListOrganizationalUnitsForParent)
# and a role in each account. Read-only; AssumeRole only on roles, never on users.
ORG_READS = ("organizations:DescribeOrganization", "organizations:ListAccounts",
             "organizations:ListAccountsForParent", "organizations:ListOrganizationalUnitsForParent")
ASSUME_ROLE = "sts:AssumeRole"
ROLE_ARNS = "arn:*:iam::*:role/*"

# Actions AWS checks in addition to the operation's own action, with no API call of their own:
# passing a role to a service, tagging at creation, the log delivery behind flow logs to S3 (the
# caller needs logs:CreateLogDelivery and, on the bucket, s3:GetBucketPolicy and s3:PutBucketPolicy:
# AWS adds the log delivery statement to the bucket policy; EC2 user guide, "Flow logs: publish to
# Amazon S3", IAM permissions), and the service-linked role that enabling a service creates the first
# time (IAM user guide, "Service-linked role permissions": the creating principal needs
# iam:CreateServiceLinkedRole).
IMPLIED_ACTIONS: dict[str, tuple[str, ...]] = {
    "ec2:CreateFlowLogs": ("iam:PassRole", "logs:CreateLogDelivery", "s3:GetBucketPolicy", "s3:PutBucketPolicy"),
    "cloudtrail:CreateTrail": ("iam:PassRole",),
    "cloudtrail:UpdateTrail": ("iam:PassRole",),
    "config:PutConfigurationRecorder": ("iam:PassRole",),
    "kms:CreateKey": ("kms:TagResource",),
    "access-analyzer:CreateAnalyzer": ("iam:CreateServiceLinkedRole",),
    "guardduty:CreateDetector": ("iam:CreateServiceLinkedRole",),
    "securityhub:EnableSecurityHub": ("iam:CreateServiceLinkedRole",),
    "organizations:CreateOrganization": ("iam:CreateServiceLinkedRole",),
}

# iam:PassRole, per step: the roles the wizard passes and the one service each goes to (IAM user
# guide, "Grant a user permissions to pass a role to an AWS service": Resource the role, Condition
# iam:PassedToService). The roles it creates by name; for AWS Config any role, because a recorder
# the account already has keeps the role the account gave it (a new one gets Config's
# service-linked role), and Config uses a role only to read configurations and deliver them.
PASSED_ROLES: dict[str, tuple[tuple[str, str], ...]] = {
    "vpc": (("vpc-flow-logs.amazonaws.com", f"role/{vpc.FLOW_ROLE}"),),
    "audit_logging": (
        ("cloudtrail.amazonaws.com", f"role/{audit_logging.CLOUDTRAIL_LOGS_ROLE}"),
        ("config.amazonaws.com", "role/*"),
    ),
}

# The roles each step creates, changes and (on undo) deletes: role writes are granted on these only.
OWN_ROLES: dict[str, tuple[str, ...]] = {
    "vpc": (f"role/{vpc.FLOW_ROLE}",),
    "audit_logging": (f"role/{audit_logging.CLOUDTRAIL_LOGS_ROLE}",
                      f"role/aws-service-role/config.amazonaws.com/{audit_logging.CONFIG_ROLE}"),
    "groups": (f"role/{groups.SUPPORT_ROLE}",),
}
# Managed policies a step detaches from (and on undo re-attaches to) any role: granted on every role, for
# those policies only (condition key iam:PolicyARN, IAM Service Authorization Reference).
ROLE_POLICIES: dict[str, tuple[str, ...]] = {
    "groups": (CLOUDSHELL_POLICY,),  # CIS 1.21
}
ROLE_WRITES = frozenset({"iam:CreateRole", "iam:DeleteRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy",
                         "iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:DeleteServiceLinkedRole"})

# iam:CreateServiceLinkedRole, per step: the services whose role a step creates, directly (Config)
# or by turning the service on (condition key iam:AWSServiceName).
LINKED_SERVICES: dict[str, tuple[str, ...]] = {
    "groups": ("access-analyzer.amazonaws.com",),
    "regions": ("organizations.amazonaws.com",),
    "audit_logging": ("config.amazonaws.com", "guardduty.amazonaws.com", "securityhub.amazonaws.com"),
}

# Actions with which their holder can give itself (or anyone) any permission: a policy on a user,
# group or role, a new policy version, a key of another user, a role it can then assume, an Identity
# Center permission set assigned to itself. The `fix` policy needs them for the steps that move
# people into groups and rotate keys; whoever holds that policy is as strong as an administrator.
ADMIN_EQUIVALENT = frozenset({
    *POLICY_WRITERS, "iam:CreateAccessKey", "iam:UpdateAccessKey", "iam:CreateRole",
    "sso:CreatePermissionSet", "sso:AttachManagedPolicyToPermissionSet", "sso:CreateAccountAssignment",
    "identitystore:CreateUser", "identitystore:CreateGroupMembership",
    "organizations:DetachPolicy", "organizations:UpdatePolicy", "organizations:DisablePolicyType",
})

# Granted by their own scoped statements, never in a service's "Resource": "*" one.
SCOPED_ACTIONS = frozenset({"iam:PassRole", "iam:CreateServiceLinkedRole", ASSUME_ROLE, *ROLE_WRITES})

POLICY_VERSION = "2012-10-17"
_MAX_POLICY_CHARS = 6144  # AWS's limit for a managed policy document (whitespace not counted)


def actions(steps: Iterable[ModuleType], mode: str = "read") -> list[str]:
    """The sorted, de-duplicated IAM actions ``steps`` need in ``mode`` (``read`` or ``fix``)."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
    wanted = {*PLUMBING_READS, *ORG_READS, ASSUME_ROLE}
    for step in steps:
        wanted.update(step.INFO.reads)
        if mode == "fix":
            wanted.update(step.INFO.writes)
            # what undo reads first (wizard/undo_checks.py): not always among the steps' reads
            wanted.update(exists_check_reads(step.INFO.writes))
    return sorted(wanted, key=lambda a: (a.split(":", 1)[0], a.split(":", 1)[1]))


def policy(steps: Iterable[ModuleType], mode: str = "read") -> dict[str, Any]:
    """An identity-based IAM policy document: one Allow statement per service, Resource "*" (the
    admin-equivalent actions apart, in statements whose Sid says so), then the scoped statements
    (passing roles, service-linked roles, assuming roles).

    Resource "*" because the wizard reads and fixes account-wide settings and resources it
    discovers at run time; least privilege there is in the actions.
    """
    steps = list(steps)
    wanted = actions(steps, mode)
    by_service: dict[str, list[str]] = {}
    for action in wanted:
        if action not in SCOPED_ACTIONS:
            name = action.split(":", 1)[0] + (" AdminEquivalent" if action in ADMIN_EQUIVALENT else "")
            by_service.setdefault(name, []).append(action)
    statements = [
        {"Sid": _sid(name, mode), "Effect": "Allow", "Action": names, "Resource": "*"}
        for name, names in sorted(by_service.items())
    ]
    return {"Version": POLICY_VERSION, "Statement": statements + _scoped(steps, set(wanted), mode)}


def _scoped(steps: list[ModuleType], wanted: set[str], mode: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    role_writes = sorted(wanted & ROLE_WRITES)
    if role_writes:
        roles = []
        for step in steps:
            if ROLE_WRITES.isdisjoint(step.INFO.writes):
                continue
            if step.INFO.id not in OWN_ROLES:  # a new step that writes roles must say which
                raise ValueError(f"step {step.INFO.id} declares role writes but OWN_ROLES has no entry for it")
            roles += [f"arn:*:iam::*:{role}" for role in OWN_ROLES[step.INFO.id]]
        out.append({"Sid": _sid("OwnRoles AdminEquivalent", mode), "Effect": "Allow", "Action": role_writes,
                    "Resource": sorted(roles)})
    policies = sorted({p for step in steps for p in ROLE_POLICIES.get(step.INFO.id, ())})
    if policies and {"iam:AttachRolePolicy", "iam:DetachRolePolicy"} & wanted:
        out.append({"Sid": _sid("ManagedPolicyOnAnyRole AdminEquivalent", mode), "Effect": "Allow",
                    "Action": sorted({"iam:AttachRolePolicy", "iam:DetachRolePolicy"} & wanted),
                    "Resource": "arn:*:iam::*:role/*", "Condition": {"ArnEquals": {"iam:PolicyARN": policies}}})
    if "iam:PassRole" in wanted:
        for step in steps:
            if "iam:PassRole" not in step.INFO.writes:
                continue
            if step.INFO.id not in PASSED_ROLES:  # a new step that passes a role must say which
                raise ValueError(f"step {step.INFO.id} declares iam:PassRole but PASSED_ROLES has no entry for it")
            for service, role in PASSED_ROLES[step.INFO.id]:
                out.append({"Sid": _sid("PassRoleTo " + service.split(".")[0], mode), "Effect": "Allow",
                            "Action": "iam:PassRole", "Resource": f"arn:*:iam::*:{role}",
                            "Condition": {"StringEquals": {"iam:PassedToService": service}}})
    if "iam:CreateServiceLinkedRole" in wanted:
        services = sorted({s for step in steps if "iam:CreateServiceLinkedRole" in step.INFO.writes
                           for s in LINKED_SERVICES.get(step.INFO.id, ())})
        if services:
            out.append({"Sid": _sid("CreateServiceLinkedRole", mode), "Effect": "Allow",
                        "Action": "iam:CreateServiceLinkedRole",
                        "Resource": [f"arn:*:iam::*:role/aws-service-role/{s}/*" for s in services],
                        "Condition": {"StringEquals": {"iam:AWSServiceName": services}}})
    out.append({"Sid": _sid("AssumeRoleForOrgAndRoleArn", mode), "Effect": "Allow", "Action": ASSUME_ROLE,
                "Resource": ROLE_ARNS})
    return out


def admin_equivalent(document: dict[str, Any]) -> list[str]:
    """The actions of ``document`` with which their holder can grant itself anything (sorted).

    Wildcards count (``iam:*`` grants iam:PutUserPolicy): steps.policy_admin reads the statements.
    """
    return allowed_actions(document, ADMIN_EQUIVALENT)


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2) + "\n"


def fits_managed_policy(document: dict[str, Any]) -> bool:
    """Whether the document is within AWS's size limit for one managed policy."""
    return len(json.dumps(document, separators=(",", ":"))) <= _MAX_POLICY_CHARS


def _sid(name: str, mode: str) -> str:
    words = name.replace("-", " ").split()
    return "AwsEssentials" + mode.capitalize() + "".join(w[:1].upper() + w[1:] for w in words)
