"""The regions a run did not assess, and why: a report names them instead of leaving them out silently."""

from __future__ import annotations

from typing import Any

NOT_ENABLED = "not enabled for this account (an opt-in region)"
NOT_SELECTED = "left out of this run (--regions)"


def regions_out_of_scope(aws: Any) -> list[dict[str, str]]:
    """``[{"region", "reason"}]`` for every region of the partition the run did not assess, sorted.

    ec2:DescribeRegions with AllRegions lists the regions disabled for the account too, each with its
    OptInStatus (opt-in-not-required | opted-in | not-opted-in): EC2 API reference, DescribeRegions.
    ``AWS.enabled_regions`` makes this same read, so here it comes from the run's read cache.
    A caller that may not read it gets only the regions ``--regions`` left out (no read fails a report).
    """
    from wizard.aws import ReadFailed

    assessed = set(aws.regions())
    try:
        listed = aws.read("ec2", "DescribeRegions", AllRegions=True).get("Regions", [])
    except ReadFailed:
        listed = [{"RegionName": r, "OptInStatus": "opted-in"} for r in aws.enabled_regions()]
    out = []
    for region in sorted(listed, key=lambda r: r.get("RegionName", "")):
        name = region.get("RegionName", "")
        if name and name not in assessed:
            out.append({"region": name,
                        "reason": NOT_ENABLED if region.get("OptInStatus") == "not-opted-in" else NOT_SELECTED})
    return out
