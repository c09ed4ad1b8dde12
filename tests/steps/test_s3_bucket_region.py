"""The s3 step takes each bucket's region from ListBuckets' BucketRegion, and reads GetBucketLocation
only for a bucket listed without one (an endpoint or answer that lacks the field)."""

from __future__ import annotations

from steps import s3_collect
from steps.base import unreadable


class ListingAWS:
    """Answers ListBuckets with ``listed`` (name -> BucketRegion or None); counts every read."""

    account_id = "111122223333"

    def __init__(self, listed: dict[str, str | None]) -> None:
        self.listed, self.reads = listed, []

    def regions(self):
        return ["us-east-1", "eu-west-1"]

    def per_region(self, work, items, *, spread=False):
        return {item: work(item) for item in items}

    def try_read(self, service, operation, region=None, **params):
        self.reads.append((operation, params.get("Bucket"), region))
        if operation == "ListBuckets":
            assert params.get("MaxBuckets"), "without a parameter AWS leaves BucketRegion out"
            return {"Buckets": [{"Name": n, **({"BucketRegion": r} if r else {})} for n, r in self.listed.items()]}
        if operation == "GetBucketLocation":
            return {"LocationConstraint": "eu-west-1"}
        if operation in ("GetPublicAccessBlock", "GetBucketPolicy", "GetBucketEncryption", "GetBucketWebsite"):
            return None
        if operation in ("GetBucketAcl",):
            return {"Grants": []}
        if operation == "GetBucketVersioning":
            return {}
        return unreadable(f"{operation}: not in this test")


def test_bucket_regions_come_from_the_listing_and_location_is_the_fallback():
    aws = ListingAWS({"listed-east": "us-east-1", "listed-west": "eu-west-1", "unlisted": None})
    state = s3_collect.collect(aws)
    regions = {b["name"]: b["region"] for b in state["buckets"]}
    assert regions == {"listed-east": "us-east-1", "listed-west": "eu-west-1", "unlisted": "eu-west-1"}
    assert [r for r in aws.reads if r[0] == "GetBucketLocation"] == [("GetBucketLocation", "unlisted", None)]
    # each bucket's own reads go to its region
    assert ("GetBucketPolicy", "listed-west", "eu-west-1") in aws.reads
    assert ("GetBucketPolicy", "listed-east", "us-east-1") in aws.reads
