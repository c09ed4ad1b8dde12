"""S3 and KMS: no public buckets, TLS-only access, encryption, versioning, key rotation; VPN info.

Its reads are in steps/s3_collect.py, the policy and ACL analysis in steps/s3_policy.py, KMS key
rotation in steps/kms_rotation.py.

Fix order matters on AWS: the TLS-only statement is merged into a bucket policy *before* Block
Public Access is switched on, because with ``BlockPublicPolicy`` on, S3 refuses to store a policy
that still contains a public statement (a website bucket's policy, for example).
"""

from __future__ import annotations

import json
from typing import Any, Mapping

from steps.base import Call, Change, Finding, Plan, Severity, StepInfo, is_unreadable, manual, reason_of, unreadable
from steps.arns import account_resource
from steps.checks import ACCOUNT, AUTOMATIC, CONSOLE, NO_FIX, Check
from steps.kms_rotation import KMS_CONSOLE, ROTATION, kms_findings, rotation_changes  # noqa: F401
from steps.macie import MACIE, macie_finding
from steps.s3_block_risk import account_block_warning, bucket_block_warning
from steps.s3_collect import State, collect  # noqa: F401  (the step's read and its state)
from steps.s3_policy import (  # noqa: F401  (the analysis lives there; names kept for callers)
    BPA_FLAGS, FULL_BPA, TLS_SID, acl_exposure, effective_bpa, encryption_kind, exposed_buckets, exposure,
    has_tls_only, merged_tls_policy, missing_flags, parse_policy, policy_exposure, tls_statement,
)

S3_CONSOLE = "https://console.aws.amazon.com/s3/home"
_S3 = "S3 Security"  # the guide section of the bucket checks
ACCOUNT_BPA = Check("account-bpa", "Block Public Access is on for the whole account", Severity.HIGH, ("2.1.4",),
                    ("S3.1",), AUTOMATIC, _S3, scope=ACCOUNT)
BUCKETS = Check("buckets", "S3 buckets can be listed", Severity.HIGH, guide_section=_S3, scope=ACCOUNT)
BUCKET_READ = Check("bucket", "Bucket {name} can be read", Severity.HIGH, guide_section=_S3)
BUCKET_BPA = Check("bucket-bpa", "Bucket {name} blocks public access", Severity.HIGH, ("2.1.4",), ("S3.8",),
                   AUTOMATIC, _S3)
PUBLIC = Check("public-bucket", "Bucket {name} is not public", Severity.CRITICAL, (), ("S3.2", "S3.3"), AUTOMATIC,
               _S3)
TLS_ONLY = Check("tls-only", "Bucket {name} refuses plain-HTTP requests", Severity.MEDIUM, ("2.1.1",), ("S3.5",),
                 AUTOMATIC, _S3)
ENCRYPTION = Check("encryption", "Bucket {name} encrypts new objects by default", Severity.MEDIUM, fix=AUTOMATIC,
                   guide_section=_S3)
VERSIONING = Check("versioning", "Bucket {name} keeps object versions", Severity.MEDIUM, (), ("S3.14",), AUTOMATIC,
                   _S3)
# CIS 2.1.2 FAILs a bucket without MFA delete; only root, with its MFA device, can turn it on (a guided task).
MFA_DELETE = Check("mfa-delete", "Bucket {name} requires MFA to delete versions", Severity.LOW, ("2.1.2",),
                   ("S3.20",), CONSOLE, _S3)
CONNECTIVITY = Check("private-connectivity", "Private connectivity (site-to-site VPN, client VPN, PrivateLink)",
                     Severity.INFO, fix=NO_FIX, guide_section="Virtual Private Networks (VPN)", scope=ACCOUNT)
CHECKS = (ACCOUNT_BPA, BUCKETS, BUCKET_READ, BUCKET_BPA, PUBLIC, TLS_ONLY, ENCRYPTION, VERSIONING, MFA_DELETE,
          ROTATION, CONNECTIVITY, MACIE)

INFO = StepInfo(
    id="s3",
    title="S3 and encryption keys",
    short="S3",
    why=(
        "Most data leaks on AWS are S3 buckets that someone opened to the internet by mistake. "
        "Block Public Access switches that off for the whole account, so a wrong ACL or policy cannot "
        "publish your files. Buckets should also refuse unencrypted (plain HTTP) requests, encrypt what "
        "they store and keep old versions, and your own KMS keys should rotate their key material."
    ),
    guide_section="S3 Security; KMS; Virtual Private Networks (VPN)",
    severity=Severity.HIGH,
    reads=(
        "sts:GetCallerIdentity",
        "ec2:DescribeRegions",
        "s3:GetAccountPublicAccessBlock",
        "s3:ListAllMyBuckets",
        "s3:GetBucketLocation",
        "s3:GetBucketPublicAccessBlock",
        "s3:GetBucketPolicy",
        "s3:GetBucketAcl",
        "s3:GetEncryptionConfiguration",
        "s3:GetBucketVersioning",
        "s3:GetBucketWebsite",
        "kms:ListKeys",
        "kms:DescribeKey",
        "kms:GetKeyRotationStatus",
        "ec2:DescribeVpnConnections",
        "ec2:DescribeClientVpnEndpoints",
        "ec2:DescribeVpcEndpoints",
        "macie2:GetMacieSession",
    ),
    writes=(
        "s3:PutAccountPublicAccessBlock",
        "s3:PutBucketPublicAccessBlock",
        "s3:PutBucketPolicy",
        "s3:DeleteBucketPolicy",
        "s3:PutEncryptionConfiguration",
        "s3:PutBucketVersioning",
        "kms:EnableKeyRotation",
        "kms:DisableKeyRotation",
    ),
    checks=CHECKS,
)


# --- evaluate -------------------------------------------------------------------------------------------


def evaluate(state: Mapping[str, Any]) -> list[Finding]:
    findings = [_account_bpa_finding(state)]
    buckets = state.get("buckets")
    if is_unreadable(buckets):
        findings.append(BUCKETS.unknown(reason_of(buckets)))
    else:
        for bucket in buckets:
            findings.extend(_bucket_findings(state, bucket))
    findings.extend(kms_findings(state))
    findings.append(_connectivity_finding(state))
    findings.append(macie_finding({region: data.get("macie", unreadable("not read")) if not is_unreadable(data) else data
                                   for region, data in state["regions"].items()}))
    return findings


def _account_bpa_finding(state: Mapping[str, Any]) -> Finding:
    # an account setting: named as Security Hub names the account (AWS::::Account:<id>)
    where = {"resource": account_resource(state["account_id"])} if state.get("account_id") else {}
    config = state.get("account_bpa")
    if is_unreadable(config):
        return ACCOUNT_BPA.unknown(reason_of(config), **where)
    missing = missing_flags(config)
    if not missing:
        return ACCOUNT_BPA.passed("All four account-level settings are on.", **where)
    message = ("Account-level Block Public Access is not configured." if not config
               else "Account-level Block Public Access is missing: " + ", ".join(missing) + ".")
    return ACCOUNT_BPA.failed(message, **where)


def _bucket_findings(state: Mapping[str, Any], bucket: Mapping[str, Any]) -> list[Finding]:
    name, region = bucket["name"], bucket.get("region")
    where = {"resource": f"arn:aws:s3:::{name}", "region": region, "name": name}
    if is_unreadable(bucket):
        return [BUCKET_READ.unknown(reason_of(bucket), **where)]
    out = []

    # Bucket-level Block Public Access (what Security Hub S3.8 checks).
    bpa = bucket.get("bpa")
    if is_unreadable(bpa):
        out.append(BUCKET_BPA.unknown(reason_of(bpa), **where))
    elif missing := missing_flags(bpa):
        covered = not is_unreadable(state.get("account_bpa")) and not missing_flags(state.get("account_bpa"))
        note = " The account-level setting covers it for now." if covered else ""
        out.append(BUCKET_BPA.failed(f"Bucket-level Block Public Access is missing: {', '.join(missing)}.{note}",
                                     **where))
    else:
        out.append(BUCKET_BPA.passed("All four bucket-level settings are on.", **where))

    # Public by ACL or policy, unless Block Public Access neutralises it.
    policy, grants = bucket.get("policy"), bucket.get("acl_grants")
    if is_unreadable(policy) or is_unreadable(grants) or is_unreadable(bpa) or is_unreadable(state.get("account_bpa")):
        reason = next(reason_of(v) for v in (policy, grants, bpa, state.get("account_bpa")) if is_unreadable(v))
        out.append(PUBLIC.unknown(reason, **where))
    else:
        effective = effective_bpa(state.get("account_bpa"), bpa)
        open_acl = acl_exposure(grants) if not effective["IgnorePublicAcls"] else ""
        open_policy = policy_exposure(policy) if not effective["RestrictPublicBuckets"] else ""
        if open_acl or open_policy:
            parts = []
            if open_acl:
                parts.append("its ACL grants " + open_acl)
            if open_policy:
                parts.append("its policy allows anyone: " + open_policy)
            web = " It also hosts a static website." if bucket.get("website") is True else ""
            out.append(PUBLIC.failed(f"Anyone on the internet can reach it: {'; '.join(parts)}.{web}", **where))
        else:
            latent = acl_exposure(grants) or policy_exposure(policy)
            message = ("A public ACL or policy exists but Block Public Access overrides it." if latent
                       else "Neither its ACL nor its policy grants public access.")
            out.append(PUBLIC.passed(message, **where))

    # TLS only.
    if is_unreadable(policy):
        out.append(TLS_ONLY.unknown(reason_of(policy), **where))
    elif policy and parse_policy(policy) is None:
        out.append(TLS_ONLY.unknown("the bucket policy is not valid JSON", **where))
    elif has_tls_only(parse_policy(policy), name):
        out.append(TLS_ONLY.passed("The policy denies requests without TLS.", **where))
    else:
        message = ("The bucket has no policy, so requests over plain HTTP are accepted." if not policy else
                   "The bucket policy has no statement that denies every request made without TLS to the "
                   "bucket and its objects.")
        out.append(TLS_ONLY.failed(message, **where))

    # Default encryption, and its kind.
    rules = bucket.get("encryption")
    if is_unreadable(rules):
        out.append(ENCRYPTION.unknown(reason_of(rules), **where))
    elif kind := encryption_kind(rules):
        extra = " (keys managed by S3)" if kind == "SSE-S3" else " (keys in AWS KMS)"
        out.append(ENCRYPTION.passed(f"Default encryption: {kind}{extra}.", **where))
    else:
        out.append(ENCRYPTION.failed("No default encryption is configured.", **where))

    # Versioning and MFA delete.
    versioning = bucket.get("versioning")
    if is_unreadable(versioning):
        out.append(VERSIONING.unknown(reason_of(versioning), **where))
    elif versioning.get("Status") == "Enabled":
        out.append(VERSIONING.passed("Versioning is enabled.", **where))
    else:
        state_word = "suspended" if versioning.get("Status") == "Suspended" else "off"
        out.append(VERSIONING.failed(f"Versioning is {state_word}: an overwrite or delete cannot be undone.", **where))
    if is_unreadable(versioning):
        out.append(MFA_DELETE.unknown(reason_of(versioning), **where))
    elif versioning.get("MFADelete") == "Enabled":
        out.append(MFA_DELETE.passed("MFA delete is enabled.", **where))
    else:
        out.append(MFA_DELETE.failed(
            "MFA delete is off, so anyone with delete rights can remove object versions for good (CIS 2.1.2). "
            "Only the root user, with its MFA device, can turn it on (AWS CLI; not possible in the console): "
            "the plan lists the steps.", **where))
    return out


def _connectivity_finding(state: Mapping[str, Any]) -> Finding:
    totals = {"vpn": 0, "client_vpn": 0, "endpoints": 0}
    where: dict[str, list[str]] = {}
    unread = []
    for region, data in sorted((state.get("regions") or {}).items()):
        counts = data if is_unreadable(data) else data.get("connectivity", {})
        if is_unreadable(counts):
            unread.append(reason_of(counts))
            continue
        for kind, value in counts.items():
            if is_unreadable(value):
                unread.append(reason_of(value))
            elif value:
                totals[kind] += value
                where.setdefault(region, []).append(kind)
    if unread and not any(totals.values()):
        return CONNECTIVITY.unknown(unread[0])
    if any(totals.values()):
        return CONNECTIVITY.passed(
            f"Found {totals['vpn']} site-to-site VPN connection(s), {totals['client_vpn']} client VPN endpoint(s) "
            f"and {totals['endpoints']} VPC endpoint(s) in {', '.join(sorted(where))}.")
    return CONNECTIVITY.manual(
        "No VPN or VPC endpoints were found. That is fine if nothing connects from an office or data "
        "centre; otherwise use site-to-site VPN (networks) or client VPN (people), and VPC endpoints to "
        "keep traffic to AWS services off the internet.")


# --- plan -----------------------------------------------------------------------------------------------


def plan(state: Mapping[str, Any], answers: Mapping[str, str]) -> Plan:
    account_id = state.get("account_id")
    buckets = [] if is_unreadable(state.get("buckets")) else [b for b in state["buckets"] if not is_unreadable(b)]
    exposed = exposed_buckets(state)
    changes: list[Change] = []
    notes: list[str] = []
    mfa_missing = []

    # Per-bucket policy, encryption and versioning first (see the module docstring for the order).
    for bucket in buckets:
        name, region = bucket["name"], bucket["region"]
        policy = bucket.get("policy")
        if not is_unreadable(policy) and not (policy and parse_policy(policy) is None) \
                and not has_tls_only(parse_policy(policy), name):
            merged = merged_tls_policy(policy, name)
            public_now = policy_exposure(policy)
            blocked = effective_bpa(state.get("account_bpa"), bucket.get("bpa"))["BlockPublicPolicy"]
            warning = "Clients that still use plain HTTP to reach this bucket will get Access Denied."
            if bucket.get("website") is True:
                warning = ("This bucket hosts a static website, and S3 website endpoints only speak plain HTTP: "
                           "once this statement is in, the website stops answering. Serve it through "
                           "CloudFront (HTTPS) instead.")
            if public_now and blocked:
                warning += (" Block Public Access already blocks public policies, and this policy still has a "
                            "public statement: S3 may refuse the update until that statement is removed.")
            changes.append(Change(
                reason=f"Make bucket {name} refuse requests that do not use TLS (statement {TLS_SID}).",
                call=Call("s3", "PutBucketPolicy", {"Bucket": name, "Policy": json.dumps(merged)}, region),
                before=parse_policy(policy),
                after=merged,
                undo=(Call("s3", "PutBucketPolicy", {"Bucket": name, "Policy": policy}, region) if policy
                      else Call("s3", "DeleteBucketPolicy", {"Bucket": name}, region)),
                warning=warning,
                risky=bucket.get("website") is True,
                fixes=(TLS_ONLY.id,),
            ))
        rules = bucket.get("encryption")
        if not is_unreadable(rules) and not encryption_kind(rules):
            config = {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
                                 "BucketKeyEnabled": True}]}
            changes.append(Change(
                reason=f"Encrypt new objects in bucket {name} by default with S3-managed keys (SSE-S3, no charge).",
                call=Call("s3", "PutBucketEncryption", {"Bucket": name, "ServerSideEncryptionConfiguration": config},
                          region),
                before=None,
                after=config,
                undo=Call("s3", "DeleteBucketEncryption", {"Bucket": name}, region),
                fixes=(ENCRYPTION.id,),
            ))
        versioning = bucket.get("versioning")
        if not is_unreadable(versioning):
            if versioning.get("Status") != "Enabled":
                changes.append(Change(
                    reason=f"Keep earlier versions of objects in bucket {name}, so overwrites and deletes can be undone.",
                    call=Call("s3", "PutBucketVersioning",
                              {"Bucket": name, "VersioningConfiguration": {"Status": "Enabled"}}, region),
                    before={"Status": versioning.get("Status") or "Off"},
                    after={"Status": "Enabled"},
                    undo=Call("s3", "PutBucketVersioning",
                              {"Bucket": name, "VersioningConfiguration": {"Status": "Suspended"}}, region),
                    undo_note="Versioning can only be suspended, never switched off; versions already kept remain.",
                    cost_note="Old versions are stored and billed like any object; add a lifecycle rule that "
                              "expires noncurrent versions after some days to cap the cost.",
                    fixes=(VERSIONING.id,),
                ))
            if versioning.get("MFADelete") != "Enabled":
                mfa_missing.append(name)

    # Account-level Block Public Access, with its pre-flight.
    account_bpa = state.get("account_bpa")
    if not is_unreadable(account_bpa) and missing_flags(account_bpa):
        warning = account_block_warning(state, exposed)
        if warning:
            notes.append("Pre-flight for account-level Block Public Access: " + warning)
        changes.append(Change(
            reason="Turn on all four Block Public Access settings for the whole account.",
            call=Call("s3control", "PutPublicAccessBlock",
                      {"AccountId": account_id, "PublicAccessBlockConfiguration": dict(FULL_BPA)}),
            before=account_bpa,
            after=dict(FULL_BPA),
            undo=(Call("s3control", "PutPublicAccessBlock",
                       {"AccountId": account_id, "PublicAccessBlockConfiguration": dict(account_bpa)})
                  if account_bpa else Call("s3control", "DeletePublicAccessBlock", {"AccountId": account_id})),
            warning=warning,
            risky=bool(warning),
            fixes=(ACCOUNT_BPA.id, PUBLIC.id),  # account BPA overrides every bucket's public ACL and policy
        ))

    # Bucket-level Block Public Access.
    for bucket in buckets:
        name, region = bucket["name"], bucket["region"]
        bpa = bucket.get("bpa")
        if is_unreadable(bpa) or not missing_flags(bpa):
            continue
        warning = bucket_block_warning(bucket, exposed.get(name))
        changes.append(Change(
            reason=f"Turn on all four Block Public Access settings on bucket {name}.",
            call=Call("s3", "PutPublicAccessBlock", {"Bucket": name, "PublicAccessBlockConfiguration": dict(FULL_BPA)},
                      region),
            before=bpa,
            after=dict(FULL_BPA),
            undo=(Call("s3", "PutPublicAccessBlock", {"Bucket": name, "PublicAccessBlockConfiguration": dict(bpa)},
                       region) if bpa else Call("s3", "DeletePublicAccessBlock", {"Bucket": name}, region)),
            warning=warning,
            risky=bool(warning),
            fixes=(BUCKET_BPA.id, PUBLIC.id),
        ))

    changes.extend(rotation_changes(state))

    if mfa_missing:
        # Only root with its MFA device, by the CLI or API (S3 User Guide, "Configuring MFA delete";
        # CIS v5.0 2.1.2 remediation); the sandbox simulates it as enable_mfa_delete.
        changes.append(manual(
            "Turn on MFA delete for buckets holding data you cannot lose: " + ", ".join(mfa_missing) + ".",
            S3_CONSOLE,
            "MFA delete can only be turned on by the root user with its MFA device, from the AWS CLI.",
            "Sign in with root credentials on the CLI (temporary access keys you delete afterwards).",
            "Run: aws s3api put-bucket-versioning --bucket BUCKET --versioning-configuration "
            f"Status=Enabled,MFADelete=Enabled --mfa 'arn:aws:iam::{account_id}:mfa/root-account-mfa-device CODE'",
            "Delete the root access keys again, then re-check here.",
            key="mfa-delete", console_action="enable_mfa_delete", fixes=(MFA_DELETE.id,),
        ))
    return Plan(INFO.id, changes=tuple(changes), notes=tuple(notes))
