"""Reads more than one step needs, written once so that they are made (and parsed) the same way.

The AWS object's cache turns the identical reads of two steps into one call.
"""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any, Callable, Mapping, TypedDict

from steps.base import UNREADABLE, OrUnreadable, is_unreadable, reason_of, unreadable

# What decides whether a bucket is public, read in its own region; when its region could not be read,
# only name, region None and the unreadable marker.
BucketExposure = TypedDict("BucketExposure", {
    "name": str, "region": "str | None",
    "bpa": "OrUnreadable[dict[str, bool] | None]",  # GetPublicAccessBlock; None: not configured
    "policy": "OrUnreadable[str | None]",  # GetBucketPolicy's text; None: no policy
    "acl_grants": "OrUnreadable[list[dict[str, Any]]]",  # GetBucketAcl's grants
    UNREADABLE: str,
}, total=False)


# Set by :func:`_ready_and_new` on GenerateCredentialReport's final answer (ours, not an AWS field):
# whether the run's first request for it started a new report.
MADE_BY_THIS_READ = "aws_essentials_made_by_this_read"


def _ready_and_new() -> Callable[[Any], bool]:
    """GenerateCredentialReport's ``until``: ready at COMPLETE. It marks the final answer with whether the
    first answer was STARTED, which AWS answers only when it starts generating a new report ("No report
    exists. Starting a new report generation task"; a report younger than four hours is returned again
    with COMPLETE): IAM API Reference, GenerateCredentialReport, and the IAM User Guide's examples. The
    mark travels with the cached answer, so every step of the run sees the same one, and a read made
    again after the cache is dropped (a re-check) is marked anew."""
    first: list[Any] = []

    def ready(answer: Any) -> bool:
        state = answer.get("State") if isinstance(answer, dict) else None
        if not first:
            first.append(state)
        if state != "COMPLETE":
            return False
        answer[MADE_BY_THIS_READ] = first[0] == "STARTED"
        return True

    return ready


def credential_report(aws: Any) -> Any:
    """Every row of the IAM credential report (the root row included), or the unreadable marker.

    AWS builds the report in the background: the first read waits until it is ready, and every
    other step's identical read shares that wait.
    """
    started = _generate(aws)
    if is_unreadable(started):
        return started
    answer = aws.try_read("iam", "GetCredentialReport")
    if is_unreadable(answer):
        return answer
    content = (answer or {}).get("Content") or b""
    text = content.decode("utf-8", "replace") if isinstance(content, (bytes, bytearray)) else str(content)
    try:
        return list(csv.DictReader(io.StringIO(text)))
    except csv.Error as error:
        return unreadable(f"the credential report could not be parsed ({error})")


def _generate(aws: Any) -> Any:
    return aws.try_read("iam", "GenerateCredentialReport", until=_ready_and_new(), attempts=20, delay=0.5)


def report_made_by_this_run(aws: Any) -> bool:
    """Whether the credential report :func:`credential_report` read was generated at this run's request,
    so it shows the account as of this run, as live reads would (the same read, answered from the
    run's cache). False when unsure: a reused report, one another caller had started (INPROGRESS),
    or an answer that says nothing."""
    started = _generate(aws)
    return not is_unreadable(started) and isinstance(started, dict) and started.get(MADE_BY_THIS_READ) is True


def credential_report_time(aws: Any) -> str | None:
    """When the credential report :func:`credential_report` read was generated (ISO 8601), or None."""
    answer = aws.try_read("iam", "GetCredentialReport")  # the same read: answered from the run's cache
    if is_unreadable(answer) or not (answer or {}).get("GeneratedTime"):
        return None
    when = answer["GeneratedTime"]
    return when.isoformat() if hasattr(when, "isoformat") else str(when)


def bucket_region(location: Mapping[str, Any] | None) -> str:
    """The region of a bucket from its GetBucketLocation answer (None means us-east-1, EU eu-west-1)."""
    constraint = (location or {}).get("LocationConstraint")
    if not constraint:
        return "us-east-1"
    return "eu-west-1" if constraint == "EU" else constraint


# ListBuckets answers each bucket's BucketRegion only when the request has a parameter, and then it
# pages (S3 API Reference, ListBuckets: "we strongly recommend using only paginated ListBuckets
# requests"; MaxBuckets 1 to 10,000). One page size for every step, so their reads are one.
LIST_BUCKETS_PAGE = 1000


def list_buckets(aws: Any) -> Any:
    """Every bucket of the account (ListBuckets, paginated, each with its ``BucketRegion``), or the
    unreadable marker."""
    return aws.try_read("s3", "ListBuckets", paginate=True, MaxBuckets=LIST_BUCKETS_PAGE)


def listed_regions(listing: Any) -> dict[str, str]:
    """``{bucket name: BucketRegion}`` from a :func:`list_buckets` answer (empty when it is unreadable or
    the answer has no regions)."""
    if is_unreadable(listing):
        return {}
    return {b["Name"]: b["BucketRegion"] for b in (listing or {}).get("Buckets", []) if b.get("BucketRegion")}


def bucket_exposure(aws: Any, name: str, region: str | None = None) -> BucketExposure:
    """A bucket's region and what decides whether it is public: its Block Public Access, policy and
    ACL grants (read in the bucket's own region). It is unreadable as a whole when its region is unknown.

    ``region`` is the bucket's ``BucketRegion`` from :func:`list_buckets` when the caller has it;
    without it the listing (a read made already, answered from the run's cache) is looked in, and
    GetBucketLocation is read only when that has no region for the bucket."""
    region = region or listed_regions(list_buckets(aws)).get(name)
    if region:
        bucket: BucketExposure = {"name": name, "region": region}
    else:
        location = aws.try_read("s3", "GetBucketLocation", Bucket=name)
        if is_unreadable(location):
            return {"name": name, "region": None, **unreadable(reason_of(location))}
        bucket = {"name": name, "region": bucket_region(location)}
    bpa = bucket_read(aws, bucket, "GetPublicAccessBlock", ("NoSuchPublicAccessBlockConfiguration",))
    policy = bucket_read(aws, bucket, "GetBucketPolicy", ("NoSuchBucketPolicy",))
    acl = bucket_read(aws, bucket, "GetBucketAcl")
    bucket.update(
        bpa=bpa if is_unreadable(bpa) else (bpa or {}).get("PublicAccessBlockConfiguration"),
        policy=policy if is_unreadable(policy) else (policy or {}).get("Policy"),
        acl_grants=acl if is_unreadable(acl) else acl.get("Grants", []),
    )
    return bucket


def bucket_read(aws: Any, bucket: Mapping[str, Any], operation: str, missing: tuple[str, ...] = ()) -> Any:
    """One more read of ``bucket`` (from :func:`bucket_exposure`), in the bucket's region."""
    return aws.try_read("s3", operation, bucket["region"], missing=missing, Bucket=bucket["name"])


def report_time(value: Any) -> datetime.datetime | None:
    """A credential-report or API date as an aware datetime (UTC when it names no zone); None for
    the report's N/A, no_information and not_supported, and for anything unparseable."""
    if not value or value in ("N/A", "no_information", "not_supported"):
        return None
    try:
        parsed = datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.timezone.utc)
