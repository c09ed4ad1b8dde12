"""What turning on S3 Block Public Access could stop, including for buckets whose exposure was not read.

Pure: works on the s3 step's state. Block Public Access makes S3 ignore public ACLs and refuse
anonymous access granted by public bucket policies (IgnorePublicAcls, RestrictPublicBuckets in the
PublicAccessBlockConfiguration reference): a bucket that serves anonymous visitors today stops. When a
bucket's policy, ACL or website setting could not be read, it may be such a bucket: "maybe exposed",
never "safe", so the change is risky and the warning says which reads failed.
"""

from __future__ import annotations

from typing import Any, Mapping

from steps.base import is_unreadable, reason_of

# The bucket fields (from shared_reads.bucket_exposure and the s3 step) that decide whether it is public.
EXPOSURE_FIELDS = (("policy", "policy"), ("acl_grants", "ACL"), ("website", "website setting"))
STOPS = "will stop serving anonymous visitors as soon as this is on"


def unread_exposure(bucket: Mapping[str, Any]) -> list[str]:
    """What could not be read of what makes ``bucket`` public, each with the reason; empty when all was read."""
    if is_unreadable(bucket):
        return [f"the bucket itself ({reason_of(bucket)})"]
    return [f"{label} ({reason_of(bucket[field])})" for field, label in EXPOSURE_FIELDS
            if is_unreadable(bucket.get(field))]


def account_block_warning(state: Mapping[str, Any], exposed: Mapping[str, list[str]]) -> str:
    """The warning of account-level Block Public Access (empty when no bucket can be affected)."""
    parts = []
    if exposed:
        listed = "; ".join(f"{name} ({', '.join(why)})" for name, why in sorted(exposed.items()))
        parts.append(f"{len(exposed)} bucket(s) are public or host a website and {STOPS}: {listed}.")
    buckets = state.get("buckets")
    if is_unreadable(buckets):
        parts.append(f"The buckets could not be listed ({reason_of(buckets)}): any of them may be public today and "
                     "stop serving anonymous visitors.")
    else:
        unread = {b["name"]: why for b in buckets or () if (why := unread_exposure(b))}
        if unread:
            listed = "; ".join(f"{name} ({', '.join(why)})" for name, why in sorted(unread.items()))
            parts.append(f"Whether {len(unread)} bucket(s) are public could not be read, so they may be, and stop "
                         f"serving anonymous visitors: {listed}.")
    if not parts:
        return ""
    return " ".join(parts) + " Serve public content through CloudFront with origin access control instead."


def bucket_block_warning(bucket: Mapping[str, Any], exposed_why: list[str] | None) -> str:
    """The warning of Block Public Access on one bucket (empty when it provably serves nobody anonymously)."""
    name = bucket["name"]
    if exposed_why:
        return f"Bucket {name} is reachable anonymously today ({'; '.join(exposed_why)}): it {STOPS}."
    unread = unread_exposure(bucket)
    if unread:
        return (f"Whether bucket {name} is public could not be read ({'; '.join(unread)}): if it serves anonymous "
                f"visitors today, it {STOPS}.")
    return ""
