"""Regions, and Identity Center's "enabled" flag.

insecure: opt-in regions af-south-1 and me-south-1 enabled and unused; an EC2 instance in each
workload region (us-east-1, eu-west-1) so they show as used. secure/org/empty: no opt-in region.
Identity Center: on in secure and org (home region us-east-1), off in empty and insecure.
"""

from __future__ import annotations

UNUSED_OPT_IN = ("af-south-1", "me-south-1")


def seed(ctx, scenario: str) -> None:
    for account_id in ctx.accounts():
        acct = ctx.gaps.account(account_id)
        acct.identity_center_enabled = scenario in ("secure", "org") and account_id == ctx.account_id
        acct.identity_center_region = ctx.home_region
        if scenario == "insecure":
            for region in UNUSED_OPT_IN:
                acct.regions[region] = "ENABLED"
    if scenario == "insecure":
        for region in ctx.workload_regions:
            ec2 = ctx.client("ec2", region=region)
            ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="t3.micro",
                              TagSpecifications=[{"ResourceType": "instance",
                                                  "Tags": [{"Key": "Name", "Value": f"web-{region}"}]}])
