"""The seed registry: each catalogue step adds its module here; they run in this order.

A seed module has `def seed(ctx, scenario): ...` (ctx: scenarios.SeedContext). Organization
first, so that later seeds can reach the member accounts.
"""

from . import audit_logging, compute, contacts, groups, keys, organization, regions, root, s3, sso, vpc

SEEDS = [
    organization,
    root,
    contacts,
    regions,
    keys,
    sso,
    groups,
    vpc,
    compute,
    s3,
    audit_logging,
]
