"""S3 and KMS: no public buckets, TLS-only access, encryption, versioning, key rotation; VPN info.

What it reads:
- the account-level Block Public Access (s3control, with the account id);
- every bucket (``ListBuckets``), its region (``GetBucketLocation``), then in the bucket's own
  region: Block Public Access, policy, ACL, default encryption, versioning, website hosting;
- per enabled region: customer-managed KMS keys (``ListKeys`` + ``DescribeKey``) and their
  rotation status; site-to-site VPN, client VPN and VPC endpoints (information only).

Fix order matters on AWS: the TLS-only statement is merged into a bucket policy *before* Block
Public Access is switched on, because with ``BlockPublicPolicy`` on, S3 refuses to store a policy
that still contains a public statement (a website bucket's policy, for example).
"""

from __future__ import annotations

import json
from typing import Any, Mapping

from steps.base import (
    Call, Change, Finding, Plan, Severity, Status, StepInfo, is_unreadable, manual, reason_of,
    unknown_finding,
)
from steps.s3_block_risk import account_block_warning, bucket_block_warning
from steps.shared_reads import bucket_exposure, bucket_read

BPA_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
FULL_BPA = {flag: True for flag in BPA_FLAGS}
TLS_SID = "DenyInsecureTransport"
PUBLIC_GROUPS = {
    "http://acs.amazonaws.com/groups/global/AllUsers": "everyone",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers": "any AWS user",
}
# Condition keys that tie an Allow for Principal "*" to something specific: AWS does not call such a
# statement public (a fixed source IP range, VPC endpoint, organization or account).
RESTRICTING_KEYS = {
    "aws:sourceip", "aws:sourcevpc", "aws:sourcevpce", "aws:sourcearn", "aws:sourceaccount",
    "aws:sourceowner", "aws:principalorgid", "aws:principalaccount", "aws:principalarn", "aws:userid",
    "aws:principalorgpaths", "aws:sourceorgid", "aws:sourceorgpaths", "aws:principalservicename",
    "s3:dataaccesspointaccount", "s3:dataaccesspointarn",
}
S3_CONSOLE = "https://console.aws.amazon.com/s3/home"
KMS_CONSOLE = "https://console.aws.amazon.com/kms/home"

INFO = StepInfo(
    id="s3",
    title="S3 and encryption keys",
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
)

# --- collect -------------------------------------------------------------------------------------


def _read_bucket(aws: Any, name: str) -> dict[str, Any]:
    bucket = bucket_exposure(aws, name)
    if "unreadable" in bucket:
        return bucket
    encryption = bucket_read(aws, bucket, "GetBucketEncryption", ("ServerSideEncryptionConfigurationNotFoundError",))
    versioning = bucket_read(aws, bucket, "GetBucketVersioning")
    website = bucket_read(aws, bucket, "GetBucketWebsite", ("NoSuchWebsiteConfiguration",))
    return {
        **bucket,
        "encryption": encryption if is_unreadable(encryption)
        else ((encryption or {}).get("ServerSideEncryptionConfiguration") or {}).get("Rules") or None,
        "versioning": versioning if is_unreadable(versioning)
        else {"Status": versioning.get("Status"), "MFADelete": versioning.get("MFADelete")},
        "website": website if is_unreadable(website) else website is not None,
    }


def _read_region(aws: Any, region: str) -> dict[str, Any]:
    keys: Any = aws.try_read("kms", "ListKeys", region, paginate=True)
    if not is_unreadable(keys):
        found = []
        for entry in keys.get("Keys", []):
            described = aws.try_read("kms", "DescribeKey", region, KeyId=entry["KeyId"])
            if is_unreadable(described):
                found.append({"KeyId": entry["KeyId"], "Arn": entry.get("KeyArn"), "unreadable": reason_of(described)})
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
            if _rotatable(key):
                status = aws.try_read("kms", "GetKeyRotationStatus", region, KeyId=key["KeyId"])
                key["rotation"] = status if is_unreadable(status) else bool(status.get("KeyRotationEnabled"))
            found.append(key)
        keys = found
    counts: dict[str, Any] = {}
    for name, operation, field in (
        ("vpn", "DescribeVpnConnections", "VpnConnections"),
        ("client_vpn", "DescribeClientVpnEndpoints", "ClientVpnEndpoints"),
        ("endpoints", "DescribeVpcEndpoints", "VpcEndpoints"),
    ):
        answer = aws.try_read("ec2", operation, region, paginate=True)
        if is_unreadable(answer):
            counts[name] = answer
        else:
            items = answer.get(field, [])
            counts[name] = len([i for i in items if str(i.get("State", "")).lower() not in ("deleted", "deleting")])
    return {"keys": keys, "connectivity": counts}


def collect(aws: Any) -> dict[str, Any]:
    """Account BPA, every bucket in scope, and per region the KMS keys and private connectivity."""
    account_id = aws.account_id
    account_bpa = aws.try_read("s3control", "GetPublicAccessBlock", AccountId=account_id,
                               missing=("NoSuchPublicAccessBlockConfiguration",))
    if not is_unreadable(account_bpa):
        account_bpa = (account_bpa or {}).get("PublicAccessBlockConfiguration")
    regions = aws.regions()
    listing = aws.try_read("s3", "ListBuckets", paginate=True)
    if is_unreadable(listing):
        buckets: Any = listing
    else:
        names = [b["Name"] for b in listing.get("Buckets", [])]
        read = aws.per_region(lambda name: _read_bucket(aws, name), names)
        buckets = []
        for name in names:
            bucket = read[name]
            if is_unreadable(bucket):
                bucket = {"name": name, "region": None, "unreadable": reason_of(bucket)}
            if bucket.get("region") and bucket["region"] not in regions:
                continue  # outside the regions asked for
            buckets.append(bucket)
    per_region = aws.per_region(lambda region: _read_region(aws, region), regions)
    return {"account_id": account_id, "account_bpa": account_bpa, "buckets": buckets, "regions": per_region}


# --- pure analysis ----------------------------------------------------------------------------------


def _rotatable(key: Mapping[str, Any]) -> bool:
    """A customer-managed, symmetric, enabled key with AWS-made key material: rotation applies."""
    return (key.get("KeyManager") == "CUSTOMER" and key.get("KeySpec") == "SYMMETRIC_DEFAULT"
            and key.get("KeyState") == "Enabled" and key.get("Origin", "AWS_KMS") == "AWS_KMS")


def missing_flags(config: Any) -> list[str]:
    config = config or {}
    return [flag for flag in BPA_FLAGS if not config.get(flag)]


def effective_bpa(account: Any, bucket: Any) -> dict[str, bool]:
    """What S3 enforces: a flag is on when the account or the bucket has it on."""
    account = account if isinstance(account, Mapping) and not is_unreadable(account) else {}
    bucket = bucket if isinstance(bucket, Mapping) and not is_unreadable(bucket) else {}
    return {flag: bool(account.get(flag) or bucket.get(flag)) for flag in BPA_FLAGS}


def parse_policy(text: Any) -> dict[str, Any] | None:
    if not text:
        return None
    try:
        doc = json.loads(text) if isinstance(text, str) else dict(text)
    except (TypeError, ValueError):
        return None
    return doc if isinstance(doc, dict) else None


def _statements(doc: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    if not doc:
        return []
    statements = doc.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    return [s for s in statements if isinstance(s, dict)]


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _everyone(principal: Any) -> bool:
    if principal == "*":
        return True
    if isinstance(principal, Mapping):
        return "*" in _as_list(principal.get("AWS"))
    return False


def _condition_keys(statement: Mapping[str, Any]) -> set[str]:
    keys = set()
    for block in (statement.get("Condition") or {}).values():
        if isinstance(block, Mapping):
            keys.update(k.lower() for k in block)
    return keys


def public_statements(doc: Mapping[str, Any] | None) -> list[str]:
    """The Sids (or positions) of Allow statements that grant access to anyone."""
    found = []
    for index, statement in enumerate(_statements(doc)):
        if statement.get("Effect") != "Allow" or not _everyone(statement.get("Principal")):
            continue
        if _condition_keys(statement) & RESTRICTING_KEYS:
            continue
        found.append(statement.get("Sid") or f"statement {index + 1}")
    return found


def public_grants(grants: Any) -> list[str]:
    if not isinstance(grants, list):
        return []
    out = []
    for grant in grants:
        who = PUBLIC_GROUPS.get((grant.get("Grantee") or {}).get("URI", ""))
        if who:
            out.append(f"{grant.get('Permission')} to {who}")
    return out


def _denies_insecure_transport(statement: Mapping[str, Any], bucket: str) -> bool:
    if statement.get("Effect") != "Deny" or not _everyone(statement.get("Principal")):
        return False
    actions = {str(a).lower() for a in _as_list(statement.get("Action"))}
    if not actions & {"s3:*", "*"}:
        return False
    for operator, block in (statement.get("Condition") or {}).items():
        if operator.lower() not in ("bool", "boolifexists") or not isinstance(block, Mapping):
            continue
        for key, value in block.items():
            if key.lower() == "aws:securetransport" and [str(v).lower() for v in _as_list(value)] == ["false"]:
                resources = {str(r) for r in _as_list(statement.get("Resource"))}
                arn = f"arn:aws:s3:::{bucket}"
                covers_bucket = bool(resources & {arn, "*", "arn:aws:s3:::*"})
                covers_objects = bool(resources & {f"{arn}/*", "*", "arn:aws:s3:::*", "arn:aws:s3:::*/*"})
                return covers_bucket and covers_objects
    return False


def has_tls_only(doc: Mapping[str, Any] | None, bucket: str) -> bool:
    """True when some statement denies every S3 action over plain HTTP on the bucket and its objects."""
    return any(_denies_insecure_transport(s, bucket) for s in _statements(doc))


def tls_statement(bucket: str) -> dict[str, Any]:
    arn = f"arn:aws:s3:::{bucket}"
    return {
        "Sid": TLS_SID,
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [arn, f"{arn}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def merged_tls_policy(text: Any, bucket: str) -> dict[str, Any]:
    """The bucket's policy with the TLS-only statement added; every other statement unchanged.

    A statement already carrying our Sid (an earlier, partial version) is replaced, since Sids must
    be unique within a policy.
    """
    doc = parse_policy(text) or {"Version": "2012-10-17"}
    doc = dict(doc)
    statements = [s for s in _statements(doc) if s.get("Sid") != TLS_SID]
    doc.setdefault("Version", "2012-10-17")
    doc["Statement"] = statements + [tls_statement(bucket)]
    return doc


def encryption_kind(rules: Any) -> str | None:
    for rule in rules or []:
        algorithm = (rule.get("ApplyServerSideEncryptionByDefault") or {}).get("SSEAlgorithm")
        if algorithm == "AES256":
            return "SSE-S3"
        if algorithm == "aws:kms":
            return "SSE-KMS"
        if algorithm == "aws:kms:dsse":
            return "DSSE-KMS"
    return None


def exposure(state: Mapping[str, Any], bucket: Mapping[str, Any]) -> list[str]:
    """Why this bucket may be reachable anonymously today (public ACL, public policy, website)."""
    reasons = []
    grants = public_grants(bucket.get("acl_grants"))
    if grants:
        reasons.append("ACL grants " + ", ".join(grants))
    statements = public_statements(parse_policy(bucket.get("policy")) if not is_unreadable(bucket.get("policy")) else None)
    if statements:
        reasons.append("policy allows anyone (" + ", ".join(statements) + ")")
    if bucket.get("website") is True:
        reasons.append("hosts a static website")
    return reasons


def exposed_buckets(state: Mapping[str, Any]) -> dict[str, list[str]]:
    buckets = state.get("buckets")
    if is_unreadable(buckets):
        return {}
    return {b["name"]: r for b in buckets if not b.get("unreadable") and (r := exposure(state, b))}


# --- evaluate -------------------------------------------------------------------------------------------


def evaluate(state: Mapping[str, Any]) -> list[Finding]:
    findings = [_account_bpa_finding(state)]
    buckets = state.get("buckets")
    if is_unreadable(buckets):
        findings.append(unknown_finding("buckets", "S3 buckets can be listed", reason_of(buckets),
                                        severity=Severity.HIGH))
    else:
        for bucket in buckets:
            findings.extend(_bucket_findings(state, bucket))
    findings.extend(_kms_findings(state))
    findings.append(_connectivity_finding(state))
    return findings


def _account_bpa_finding(state: Mapping[str, Any]) -> Finding:
    title = "Block Public Access is on for the whole account"
    ids = {"cis": ("2.1.4",), "securityhub": ("S3.1",), "severity": Severity.HIGH, "resource": state.get("account_id")}
    config = state.get("account_bpa")
    if is_unreadable(config):
        return unknown_finding("account-bpa", title, reason_of(config), **ids)
    missing = missing_flags(config)
    if not missing:
        return Finding("account-bpa", title, Status.PASS, "All four account-level settings are on.", **ids)
    message = ("Account-level Block Public Access is not configured." if not config
               else "Account-level Block Public Access is missing: " + ", ".join(missing) + ".")
    return Finding("account-bpa", title, Status.FAIL, message, fixable=True, **ids)


def _bucket_findings(state: Mapping[str, Any], bucket: Mapping[str, Any]) -> list[Finding]:
    name, region = bucket["name"], bucket.get("region")
    where = {"resource": f"arn:aws:s3:::{name}", "region": region}
    if bucket.get("unreadable"):
        return [unknown_finding("bucket", f"Bucket {name} can be read", bucket["unreadable"], severity=Severity.HIGH,
                                **where)]
    out = []

    # Bucket-level Block Public Access (what Security Hub S3.8 checks).
    title = f"Bucket {name} blocks public access"
    ids = {"cis": ("2.1.4",), "securityhub": ("S3.8",), "severity": Severity.HIGH, **where}
    bpa = bucket.get("bpa")
    if is_unreadable(bpa):
        out.append(unknown_finding("bucket-bpa", title, reason_of(bpa), **ids))
    elif missing := missing_flags(bpa):
        covered = not is_unreadable(state.get("account_bpa")) and not missing_flags(state.get("account_bpa"))
        note = " The account-level setting covers it for now." if covered else ""
        out.append(Finding("bucket-bpa", title, Status.FAIL,
                           f"Bucket-level Block Public Access is missing: {', '.join(missing)}.{note}",
                           fixable=True, **ids))
    else:
        out.append(Finding("bucket-bpa", title, Status.PASS, "All four bucket-level settings are on.", **ids))

    # Public by ACL or policy, unless Block Public Access neutralises it.
    title = f"Bucket {name} is not public"
    ids = {"securityhub": ("S3.2", "S3.3"), "severity": Severity.CRITICAL, **where}
    policy, grants = bucket.get("policy"), bucket.get("acl_grants")
    if is_unreadable(policy) or is_unreadable(grants) or is_unreadable(bpa) or is_unreadable(state.get("account_bpa")):
        reason = next(reason_of(v) for v in (policy, grants, bpa, state.get("account_bpa")) if is_unreadable(v))
        out.append(unknown_finding("public-bucket", title, reason, **ids))
    else:
        effective = effective_bpa(state.get("account_bpa"), bpa)
        open_acl = public_grants(grants) if not effective["IgnorePublicAcls"] else []
        open_policy = public_statements(parse_policy(policy)) if not effective["RestrictPublicBuckets"] else []
        if open_acl or open_policy:
            parts = []
            if open_acl:
                parts.append("its ACL grants " + ", ".join(open_acl))
            if open_policy:
                parts.append("its policy allows anyone (" + ", ".join(open_policy) + ")")
            web = " It also hosts a static website." if bucket.get("website") is True else ""
            out.append(Finding("public-bucket", title, Status.FAIL,
                               f"Anyone on the internet can reach it: {'; '.join(parts)}.{web}", fixable=True, **ids))
        else:
            latent = public_grants(grants) or public_statements(parse_policy(policy))
            message = ("A public ACL or policy exists but Block Public Access overrides it." if latent
                       else "Neither its ACL nor its policy grants public access.")
            out.append(Finding("public-bucket", title, Status.PASS, message, **ids))

    # TLS only.
    title = f"Bucket {name} refuses plain-HTTP requests"
    ids = {"cis": ("2.1.1",), "securityhub": ("S3.5",), "severity": Severity.MEDIUM, **where}
    if is_unreadable(policy):
        out.append(unknown_finding("tls-only", title, reason_of(policy), **ids))
    elif policy and parse_policy(policy) is None:
        out.append(unknown_finding("tls-only", title, "the bucket policy is not valid JSON", **ids))
    elif has_tls_only(parse_policy(policy), name):
        out.append(Finding("tls-only", title, Status.PASS, "The policy denies requests without TLS.", **ids))
    else:
        message = ("The bucket has no policy, so requests over plain HTTP are accepted." if not policy else
                   "The bucket policy has no statement denying aws:SecureTransport=false.")
        out.append(Finding("tls-only", title, Status.FAIL, message, fixable=True, **ids))

    # Default encryption, and its kind.
    title = f"Bucket {name} encrypts new objects by default"
    ids = {"severity": Severity.MEDIUM, **where}
    rules = bucket.get("encryption")
    if is_unreadable(rules):
        out.append(unknown_finding("encryption", title, reason_of(rules), **ids))
    elif kind := encryption_kind(rules):
        extra = " (keys managed by S3)" if kind == "SSE-S3" else " (keys in AWS KMS)"
        out.append(Finding("encryption", title, Status.PASS, f"Default encryption: {kind}{extra}.", **ids))
    else:
        out.append(Finding("encryption", title, Status.FAIL, "No default encryption is configured.",
                           fixable=True, **ids))

    # Versioning and MFA delete.
    versioning = bucket.get("versioning")
    title = f"Bucket {name} keeps object versions"
    ids = {"securityhub": ("S3.14",), "severity": Severity.MEDIUM, **where}
    if is_unreadable(versioning):
        out.append(unknown_finding("versioning", title, reason_of(versioning), **ids))
    elif versioning.get("Status") == "Enabled":
        out.append(Finding("versioning", title, Status.PASS, "Versioning is enabled.", **ids))
    else:
        state_word = "suspended" if versioning.get("Status") == "Suspended" else "off"
        out.append(Finding("versioning", title, Status.FAIL,
                           f"Versioning is {state_word}: an overwrite or delete cannot be undone.",
                           fixable=True, **ids))
    title = f"Bucket {name} requires MFA to delete versions"
    ids = {"cis": ("2.1.2",), "securityhub": ("S3.20",), "severity": Severity.LOW, **where}
    if is_unreadable(versioning):
        out.append(unknown_finding("mfa-delete", title, reason_of(versioning), **ids))
    elif versioning.get("MFADelete") == "Enabled":
        out.append(Finding("mfa-delete", title, Status.PASS, "MFA delete is enabled.", **ids))
    else:
        out.append(Finding("mfa-delete", title, Status.MANUAL,
                           "MFA delete is off. Only the root user, with its MFA device, can turn it on "
                           "(AWS CLI; not possible in the console).", **ids))
    return out


def _kms_findings(state: Mapping[str, Any]) -> list[Finding]:
    out = []
    ids = {"cis": ("3.6",), "securityhub": ("KMS.4",), "severity": Severity.MEDIUM}
    checked = 0
    for region, data in sorted((state.get("regions") or {}).items()):
        title = "Customer-managed KMS keys rotate their key material"
        if is_unreadable(data):
            out.append(unknown_finding("kms-rotation", title, reason_of(data), region=region, **ids))
            continue
        keys = data.get("keys")
        if is_unreadable(keys):
            out.append(unknown_finding("kms-rotation", title, reason_of(keys), region=region, **ids))
            continue
        for key in keys:
            title = f"KMS key {key['KeyId']} rotates its key material"
            where = {"region": region, "resource": key.get("Arn") or key["KeyId"]}
            if key.get("unreadable"):
                out.append(unknown_finding("kms-rotation", title, key["unreadable"], **where, **ids))
                continue
            if not _rotatable(key):
                continue  # AWS-managed, asymmetric, disabled or imported keys: not this check
            checked += 1
            rotation = key.get("rotation")
            if is_unreadable(rotation):
                out.append(unknown_finding("kms-rotation", title, reason_of(rotation), **where, **ids))
            elif rotation:
                out.append(Finding("kms-rotation", title, Status.PASS, "Automatic rotation is enabled.", **where, **ids))
            else:
                out.append(Finding("kms-rotation", title, Status.FAIL,
                                   "Automatic rotation is off: the same key material is used for ever.",
                                   fixable=True, **where, **ids))
    if not checked and not out:
        out.append(Finding("kms-rotation", "Customer-managed KMS keys rotate their key material", Status.PASS,
                           "There are no enabled customer-managed symmetric keys (keys AWS manages rotate by "
                           "themselves).", **ids))
    return out


def _connectivity_finding(state: Mapping[str, Any]) -> Finding:
    title = "Private connectivity (site-to-site VPN, client VPN, PrivateLink)"
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
        return unknown_finding("private-connectivity", title, unread[0], severity=Severity.INFO)
    if any(totals.values()):
        message = (f"Found {totals['vpn']} site-to-site VPN connection(s), {totals['client_vpn']} client VPN "
                   f"endpoint(s) and {totals['endpoints']} VPC endpoint(s) in {', '.join(sorted(where))}.")
        return Finding("private-connectivity", title, Status.PASS, message, severity=Severity.INFO)
    return Finding(
        "private-connectivity", title, Status.MANUAL,
        "No VPN or VPC endpoints were found. That is fine if nothing connects from an office or data "
        "centre; otherwise use site-to-site VPN (networks) or client VPN (people), and VPC endpoints to "
        "keep traffic to AWS services off the internet.",
        severity=Severity.INFO,
    )


# --- plan -----------------------------------------------------------------------------------------------


def plan(state: Mapping[str, Any], answers: Mapping[str, str]) -> Plan:
    account_id = state.get("account_id")
    buckets = [] if is_unreadable(state.get("buckets")) else [b for b in state["buckets"] if not b.get("unreadable")]
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
            public_now = public_statements(parse_policy(policy))
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
        ))

    # KMS key rotation.
    for region, data in sorted((state.get("regions") or {}).items()):
        if is_unreadable(data) or is_unreadable(data.get("keys")):
            continue
        for key in data["keys"]:
            if key.get("unreadable") or not _rotatable(key) or key.get("rotation") is not False:
                continue
            changes.append(Change(
                reason=f"Rotate the key material of KMS key {key['KeyId']} automatically (yearly).",
                call=Call("kms", "EnableKeyRotation", {"KeyId": key["KeyId"]}, region),
                before={"KeyRotationEnabled": False},
                after={"KeyRotationEnabled": True},
                undo=Call("kms", "DisableKeyRotation", {"KeyId": key["KeyId"]}, region),
                cost_note="AWS KMS bills about 1 USD a month for each of the first two rotations of a key's "
                          "material; later rotations are free.",
            ))

    if mfa_missing:
        changes.append(manual(
            "Turn on MFA delete for buckets holding data you cannot lose: " + ", ".join(mfa_missing) + ".",
            S3_CONSOLE,
            "MFA delete can only be turned on by the root user with its MFA device, from the AWS CLI.",
            "Sign in with root credentials on the CLI (temporary access keys you delete afterwards).",
            "Run: aws s3api put-bucket-versioning --bucket BUCKET --versioning-configuration "
            f"Status=Enabled,MFADelete=Enabled --mfa 'arn:aws:iam::{account_id}:mfa/root-account-mfa-device CODE'",
            "Delete the root access keys again, then re-check here.",
        ))
    return Plan(INFO.id, changes=tuple(changes), notes=tuple(notes))
