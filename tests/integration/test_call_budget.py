"""A full `check` (every step, every enabled region) makes each distinct read once.

The AWS object logs every API call it sends with its exact parameters and region (per account);
`repeated_reads()` lists the reads sent more than once. Polls of a state AWS builds in the
background (the credential report) are counted apart and are not repeats.
"""

from __future__ import annotations

import pytest

from steps import STEPS
from tests.helpers import open_aws
from wizard.assess import assess


def _describe(repeated):
    return "\n".join(f"{n}x {service}.{operation} {region} {params}"
                     for (service, operation, region, params), n in sorted(repeated.items()))


@pytest.mark.parametrize("scenario", ["insecure", "secure"])
def test_full_check_makes_no_identical_read_twice(account, scenario):
    sb = account(scenario)
    aws = open_aws(sb)
    results = assess(aws, STEPS)
    assert [r.id for r in results] == [s.INFO.id for s in STEPS]
    assert not [r.id for r in results if r.error]
    regions = aws.regions()
    assert len(regions) >= 17
    repeated = aws.repeated_reads()
    assert not repeated, "reads sent more than once:\n" + _describe(repeated)
    # The run did read every enabled region (a regional control read once per region), and the
    # counters agree with the log.
    assert aws.calls[("ec2", "DescribeSecurityGroups")] == len(regions)
    assert aws.calls[("ec2", "GetEbsEncryptionByDefault")] == len(regions)
    assert sum(aws.call_log.values()) + sum(aws.polls.values()) == sum(aws.calls.values())
    assert aws.calls[("sts", "GetCallerIdentity")] == 1


def test_org_check_repeats_no_read_in_any_account(account):
    from wizard.org import for_each_account, list_members

    sb = account("org")
    aws = open_aws(sb, regions=["us-east-1", "eu-west-1"])
    runs = for_each_account(aws, list_members(aws), lambda member_aws: assess(member_aws, STEPS))
    assert len(runs) == 6 and not [r.member.id for r in runs if r.error]
    for run in runs:
        repeated = run.aws.repeated_reads()
        assert not repeated, f"account {run.member.id}:\n" + _describe(repeated)
