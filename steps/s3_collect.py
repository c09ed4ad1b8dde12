"""The s3 step's reads: the account-level Block Public Access (s3control, with the account id); every
bucket (``ListBuckets``), its region (``GetBucketLocation``), then in the bucket's own region its Block
Public Access, policy, ACL, default encryption, versioning and website hosting; per enabled region the
KMS keys (steps/kms_rotation.py) and the site-to-site VPN, client VPN and VPC endpoints (information
only)."""

from __future__ import annotations

from typing import Any

from steps.base import is_unreadable, reason_of
from steps.kms_rotation import read_keys
from steps.shared_reads import bucket_exposure, bucket_read


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
    keys = read_keys(aws, region)
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

