"""The S3 side of audit logging: the trail's bucket (not public, access-logged: CIS 3.4) and the
buckets the step creates for CloudTrail, Config and S3 server access logs."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Mapping

from steps import policy as policy_rules
from steps.audit_logging.names import BPA_ALL, access_bucket_name
from steps.audit_logging.policies import access_bucket_policy, logs_bucket_policy, statement_sids
from steps.audit_logging.state import TrailBucket, Unreadable
from steps.base import PREPARATION, Call, Change, Finding, Severity, is_unreadable, reason_of
from steps.checks import AUTOMATIC, Check
from steps.shared_reads import bucket_exposure, bucket_read

if TYPE_CHECKING:
    from steps.audit_logging.decision import Decision

EXPOSURE_FIELDS = ("bpa", "policy", "acl_grants")
BUCKET_PUBLIC = Check("cloudtrail-bucket-not-public", "The CloudTrail bucket is not public", Severity.CRITICAL, (),
                      ("CloudTrail.6",), AUTOMATIC)
BUCKET_LOGGING = Check("cloudtrail-bucket-access-logging", "The CloudTrail bucket has access logging", Severity.LOW,
                       ("3.4",), ("CloudTrail.7",), AUTOMATIC)


def read_bucket(aws: Any, name: str) -> TrailBucket | Unreadable:
    """The trail bucket's exposure and access logging (same reads as the s3 step, so they are shared)."""
    bucket: Any = bucket_exposure(aws, name)
    if is_unreadable(bucket):  # shared_reads marks a bucket whose region is unknown with the one marker
        return bucket
    logging = bucket_read(aws, bucket, "GetBucketLogging")
    return {**bucket, "logging": logging if is_unreadable(logging) else logging.get("LoggingEnabled")}


def public_reasons(bucket: Mapping[str, Any]) -> list[str]:
    """Why the trail bucket is public (steps.policy decides), unless its Block Public Access overrides it."""
    bpa = bucket.get("bpa") or {}
    reasons = []
    if not bpa.get("IgnorePublicAcls"):
        reasons += [f"its ACL grants {grant}" for grant in policy_rules.public_acl_grants(bucket.get("acl_grants"))]
    if not bpa.get("RestrictPublicBuckets"):
        reasons += [f"its policy allows anyone ({why})" for why in policy_rules.public_reasons(bucket.get("policy"))]
    return reasons


def bucket_findings(state: Mapping[str, Any], trail: Mapping[str, Any] | None) -> list[Finding]:
    """The trail bucket is not public, and has access logging (CIS 3.4)."""
    out = []
    for check in (BUCKET_PUBLIC, BUCKET_LOGGING):
        where = {"region": (trail or {}).get("HomeRegion") or state["home_region"],
                 "resource": (trail or {}).get("TrailARN")}
        if trail is None:  # no bucket to judge: the trail check is the one that fails
            out.append(check.not_applicable("This account has no trail of its own, so no trail bucket to judge; the fix "
                                            "creates both.",
                                            **where))
            continue
        bucket = state.get("trail_bucket")
        name = trail.get("S3BucketName")
        where["resource"] = f"arn:aws:s3:::{name}"
        if bucket is None:
            out.append(check.manual(f"Bucket {name} belongs to another account (for an organization trail, the log "
                                    "archive account); check it there.", **where))
            continue
        if is_unreadable(bucket):
            out.append(check.unknown(reason_of(bucket), **where))
            continue
        fields = EXPOSURE_FIELDS if check is BUCKET_PUBLIC else ("logging",)
        unread = [bucket[f] for f in fields if is_unreadable(bucket[f])]
        if unread:
            out.append(check.unknown(reason_of(unread[0]), **where))
        elif check is BUCKET_PUBLIC:
            reasons = public_reasons(bucket)
            out.append(check.failed(f"Bucket {name} is public: {'; '.join(reasons)}.", **where) if reasons else
                       check.passed("Neither its ACL nor its policy lets anyone in.", **where))
        elif bucket.get("logging"):
            target = (bucket.get("logging") or {}).get("TargetBucket")
            out.append(check.passed(f"Access logs go to {target}.", **where))
        else:
            out.append(check.failed(f"Requests to bucket {name} are not logged.", **where))
    return out


def bucket_changes(name: str, region: str, policy: dict[str, Any], exists: bool, old_policy: Any,
                   purpose: str, private_fixes: tuple[str, ...] = PREPARATION) -> list[Change]:
    """Create (when missing) a private, encrypted, versioned bucket with ``policy``: PREPARATION, a place the
    logs of the changes that fix the checks (the trail, Config, access logging) go to; ``private_fixes``:
    what blocking its public access fixes (for the new trail's bucket: that it is not public)."""
    out = []
    if not exists:
        params: dict[str, Any] = {"Bucket": name}
        if region != "us-east-1":
            params["CreateBucketConfiguration"] = {"LocationConstraint": region}
        out += [
            Change(f"Create bucket {name} for {purpose}.", Call("s3", "CreateBucket", params, region), after=name,
                   undo=Call("s3", "DeleteBucket", {"Bucket": name}, region), fixes=PREPARATION),
            Change(f"Block all public access to {name}.",
                   Call("s3", "PutPublicAccessBlock", {"Bucket": name, "PublicAccessBlockConfiguration": BPA_ALL},
                        region), after=BPA_ALL, undo=Call("s3", "DeletePublicAccessBlock", {"Bucket": name}, region),
                   fixes=private_fixes),
            Change(f"Encrypt new objects in {name} by default (SSE-S3).",
                   Call("s3", "PutBucketEncryption", {"Bucket": name, "ServerSideEncryptionConfiguration": {
                       "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}}, region),
                   after="AES256", undo_note="The bucket is new; deleting it removes this setting.", fixes=PREPARATION),
            Change(f"Keep object versions in {name}, so a deleted log can be recovered.",
                   Call("s3", "PutBucketVersioning", {"Bucket": name, "VersioningConfiguration": {"Status": "Enabled"}},
                        region), after="Enabled",
                   undo=Call("s3", "PutBucketVersioning", {"Bucket": name, "VersioningConfiguration":
                                                          {"Status": "Suspended"}}, region), fixes=PREPARATION),
        ]
    if exists and statement_sids(old_policy) >= {s["Sid"] for s in policy["Statement"] if s.get("Sid")}:
        return out
    out.append(Change(
        f"Let only the AWS services that deliver logs write to {name}, and refuse plain HTTP.",
        Call("s3", "PutBucketPolicy", {"Bucket": name, "Policy": json.dumps(policy)}, region),
        before=old_policy, after=policy,
        undo=Call("s3", "PutBucketPolicy", {"Bucket": name, "Policy": old_policy}, region) if old_policy
        else Call("s3", "DeleteBucketPolicy", {"Bucket": name}, region),
        fixes=PREPARATION,
    ))
    return out


def log_bucket_changes(state: Mapping[str, Any], d: Decision) -> list[Change]:
    """The log bucket, for a new trail and for Config delivery."""
    if not (d.create_trail or d.config_needs_channel):
        return []
    existing = state.get("logs_bucket_policy")
    if is_unreadable(existing):
        return []
    policy = logs_bucket_policy(d.logs_bucket, d.account_id, d.home, existing)
    return bucket_changes(d.logs_bucket, d.home, policy, d.logs_bucket in d.buckets, existing,
                          "CloudTrail and AWS Config log files", (BUCKET_PUBLIC.id,) if d.create_trail else PREPARATION)


def access_logging_changes(state: Mapping[str, Any], d: Decision) -> list[Change]:
    """Access logging for the trail bucket (CIS 3.4), through a bucket of its own in the same region."""
    trail_bucket = state.get("trail_bucket")
    if d.create_trail:
        target_region, source = d.home, d.logs_bucket
    elif trail_bucket and not is_unreadable(trail_bucket) and not is_unreadable(trail_bucket.get("logging")):
        target_region, source = trail_bucket["region"], trail_bucket["name"]
        if trail_bucket.get("logging"):
            return []
    else:
        return []
    out = []
    access = access_bucket_name(d.account_id, target_region)
    if access not in d.buckets:  # an existing one is reused as it is
        out += bucket_changes(access, target_region, access_bucket_policy(access, d.account_id), False, None,
                              "S3 server access logs")
    out.append(Change(
        f"Log every request to {source} into {access} (who read or changed the audit logs).",
        Call("s3", "PutBucketLogging", {"Bucket": source, "BucketLoggingStatus": {"LoggingEnabled": {
            "TargetBucket": access, "TargetPrefix": f"{source}/"}}}, target_region),
        after={"TargetBucket": access},
        undo=Call("s3", "PutBucketLogging", {"Bucket": source, "BucketLoggingStatus": {}}, target_region),
        fixes=(BUCKET_LOGGING.id,),
    ))
    return out


def block_public_changes(state: Mapping[str, Any], d: Decision) -> list[Change]:
    """The trail bucket must not be public."""
    bucket = state.get("trail_bucket")
    if (d.create_trail or not bucket or is_unreadable(bucket)
            or any(is_unreadable(bucket[f]) for f in EXPOSURE_FIELDS) or not public_reasons(bucket)):
        return []
    old, name, region = bucket.get("bpa"), bucket["name"], bucket["region"]
    return [Change(
        f"Block all public access to the CloudTrail bucket {name}.",
        Call("s3", "PutPublicAccessBlock", {"Bucket": name, "PublicAccessBlockConfiguration": BPA_ALL}, region),
        before=old, after=BPA_ALL,
        undo=Call("s3", "PutPublicAccessBlock", {"Bucket": name, "PublicAccessBlockConfiguration": old}, region)
        if old else Call("s3", "DeletePublicAccessBlock", {"Bucket": name}, region),
        warning="Anything that reads these log files anonymously will stop working.",
        fixes=(BUCKET_PUBLIC.id,),
    )]
