"""The s3 step's reads; what they hold is :class:`State`. Buckets are read in their own region."""

from __future__ import annotations

from typing import Any, TypedDict

from steps.base import OrUnreadable, is_unreadable, reason_of, unreadable
from steps.kms_rotation import KeyState, read_keys
from steps.macie import read_macie
from steps.shared_reads import BucketExposure, bucket_exposure, bucket_read, list_buckets, listed_regions


class BucketState(BucketExposure, total=False):
    """One bucket: what decides whether it is public (:class:`BucketExposure`) and its data protection."""

    encryption: OrUnreadable[list[dict[str, Any]] | None]  # GetBucketEncryption's rules; None: not configured
    versioning: OrUnreadable[dict[str, str | None]]  # {"Status", "MFADelete"} from GetBucketVersioning
    website: OrUnreadable[bool]  # GetBucketWebsite: whether it hosts a static website


class Connectivity(TypedDict):
    """How many of each private connection a region has (information only), or why it was not read."""

    vpn: OrUnreadable[int]  # DescribeVpnConnections, not deleted
    client_vpn: OrUnreadable[int]  # DescribeClientVpnEndpoints
    endpoints: OrUnreadable[int]  # DescribeVpcEndpoints


class RegionState(TypedDict):
    keys: OrUnreadable[list[KeyState]]  # ListKeys + DescribeKey + GetKeyRotationStatus
    connectivity: Connectivity
    macie: OrUnreadable[str]  # GetMacieSession: ENABLED, PAUSED or OFF (steps/macie.py)


class State(TypedDict):
    account_id: str
    account_bpa: OrUnreadable[dict[str, bool] | None]  # s3control GetPublicAccessBlock; None: not configured
    buckets: OrUnreadable[list[BucketState]]  # ListBuckets, only those in the regions in scope
    regions: dict[str, OrUnreadable[RegionState]]  # every enabled region in scope


def _read_bucket(aws: Any, name: str, region: str | None) -> BucketState:
    bucket = bucket_exposure(aws, name, region)
    if is_unreadable(bucket):
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


def _read_region(aws: Any, region: str) -> RegionState:
    keys = read_keys(aws, region)
    counts: Any = {}
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
    return {"keys": keys, "connectivity": counts, "macie": read_macie(aws, region)}


def _read_job(aws: Any, job: tuple[str, str], listed: dict[str, str]) -> Any:
    kind, name = job
    if kind == "bucket":
        return _read_bucket(aws, name, listed.get(name))
    if kind == "region":
        return _read_region(aws, name)
    bpa = aws.try_read("s3control", "GetPublicAccessBlock", AccountId=name,
                       missing=("NoSuchPublicAccessBlockConfiguration",))
    return bpa if is_unreadable(bpa) else (bpa or {}).get("PublicAccessBlockConfiguration")


def collect(aws: Any) -> State:
    """Account BPA, every bucket in scope, and per region the KMS keys and private connectivity."""
    account_id = aws.account_id
    regions = aws.regions()
    listing = list_buckets(aws)
    names = [] if is_unreadable(listing) else [b["Name"] for b in listing.get("Buckets", [])]
    listed = listed_regions(listing)  # GetBucketLocation only for a bucket listed without its region
    # The account's Block Public Access, the regions' reads (KMS keys, connectivity, Macie) and every
    # bucket's in one fan-out, buckets last: the region pool serves jobs in turn, and behind a large
    # account's 500 bucket jobs (or after them) the regions' chains of reads were a serial tail of the
    # run, while a read before the fan-out delays it (benchmarks/README.md, "Eighth session"). ``spread``:
    # S3 serves at least 5,500 GET requests per second per partitioned prefix, so a large account's
    # bucket reads may take a lane of their own beside IAM's (wizard/read_offload.py); the region jobs
    # in it are one per region, never more per region than without it.
    jobs = [("account", account_id)] + [("region", r) for r in regions] + [("bucket", name) for name in names]
    done = aws.per_region(lambda job: _read_job(aws, job, listed), jobs, spread=True)
    account_bpa = done[("account", account_id)]
    if is_unreadable(listing):
        buckets: Any = listing
    else:
        buckets = []
        for name in names:
            bucket = done[("bucket", name)]
            if is_unreadable(bucket) and "name" not in bucket:  # the whole read failed, not only its region
                bucket = {"name": name, "region": None, **unreadable(reason_of(bucket))}
            if bucket.get("region") and bucket["region"] not in regions:
                continue  # outside the regions asked for
            buckets.append(bucket)
    per_region = {region: done[("region", region)] for region in regions}
    return {"account_id": account_id, "account_bpa": account_bpa, "buckets": buckets, "regions": per_region}

