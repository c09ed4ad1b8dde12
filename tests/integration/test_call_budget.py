"""A full `check` (every step, every enabled region) makes each distinct read once.

The AWS object logs every API call it sends with its exact parameters and region (per account);
`repeated_reads()` lists the reads sent more than once. Polls of a state AWS builds in the
background (the credential report) are counted apart and are not repeats.

The same full check shows that every step's collect result has the top-level keys its ``State``
TypedDict declares (checked here, on states already read, rather than by collecting again).
"""

from __future__ import annotations

import pickle
import typing

import pytest

from steps import STEPS
from tests.helpers import open_aws, record_signing, unlike_botocore
from wizard.assess import assess
from wizard.botocore_models import FALLBACKS, OPERATIONS


def _state_type_errors(step, state) -> list[str]:
    """What differs between ``state`` (from collect) and ``step.State``; audit_logging is typed by its owner."""
    if step.INFO.id == "audit_logging":
        return []
    declared = typing.get_type_hints(step.State)  # resolves every annotation: a typo in one fails here
    errors = [f"{step.INFO.id}: collect returns {k!r}, which its State lacks" for k in sorted(set(state) - set(declared))]
    errors += [f"{step.INFO.id}: State requires {k!r}, which collect did not return"
               for k in sorted(step.State.__required_keys__ - set(state))]
    if pickle.loads(pickle.dumps(state)) != state:  # plain data: org runs pass it between processes
        errors.append(f"{step.INFO.id}: the state does not survive pickling")
    return errors


def _describe(repeated):
    return "\n".join(f"{n}x {service}.{operation} {region} {params}"
                     for (service, operation, region, params), n in sorted(repeated.items()))


@pytest.mark.parametrize("scenario", ["insecure", "secure"])
def test_full_check_makes_no_identical_read_twice(account, scenario, monkeypatch):
    sb = account(scenario)
    aws = open_aws(sb)
    fallbacks = dict(FALLBACKS)
    signed = record_signing(monkeypatch)
    results = assess(aws, STEPS)
    assert [r.id for r in results] == [s.INFO.id for s in STEPS]
    assert not [r.id for r in results if r.error]
    assert not [e for r in results for e in _state_type_errors(r.step, r.state)]
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
    # every bucket's region comes from the listing's BucketRegion, none from a read per bucket
    assert aws.calls[("s3", "ListBuckets")] == 1 and aws.calls[("s3", "GetBucketLocation")] == 0
    # Every operation called is in the trimmed models' list, so none needed its whole model.
    assert not [call for call in aws.calls if call[1] not in OPERATIONS.get(call[0], ())]
    assert dict(FALLBACKS) == fallbacks, "whole service models loaded for shapes left out"
    # Every request was signed by the direct SigV4 signer, byte for byte as botocore's own signs it.
    assert len(signed) == sum(aws.calls.values())
    assert not unlike_botocore(signed, monkeypatch)


def test_org_check_repeats_no_read_in_any_account(account):
    from wizard.org import for_each_account, list_members

    sb = account("org")
    aws = open_aws(sb, regions=["us-east-1", "eu-west-1"])
    runs = for_each_account(aws, list_members(aws), lambda member_aws: assess(member_aws, STEPS))
    assert len(runs) == 6 and not [r.member.id for r in runs if r.error]
    for run in runs:
        repeated = run.aws.repeated_reads()
        assert not repeated, f"account {run.member.id}:\n" + _describe(repeated)
