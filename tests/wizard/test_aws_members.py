"""Member accounts share one client per service and region, each call signed and counted as its own account's
(wizard/aws_members.py)."""

from __future__ import annotations

import threading

import pytest
from botocore.exceptions import NoCredentialsError

from tests.helpers import open_aws


def test_members_share_a_client_yet_each_call_is_its_own_accounts(account):
    sb = account("org")
    management = open_aws(sb)
    first, second = (management.member(member_id) for member_id in sb.member_account_ids[:2])
    assert first.client("sts")._client is second.client("sts")._client  # one client built, not one per member

    seen: dict[str, set[str]] = {first.target.label: set(), second.target.label: set()}

    def ask(member) -> None:  # both accounts at once, interleaved on the shared client
        for _ in range(5):
            seen[member.target.label].add(member.client("sts").get_caller_identity()["Account"])

    threads = [threading.Thread(target=ask, args=(member,)) for member in (first, second, first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert seen == {first.target.label: {first.target.label}, second.target.label: {second.target.label}}
    # each member counts its own calls (AssumeRole is the management's), and reads are cached per account
    assert first.calls[("sts", "GetCallerIdentity")] == 10 and second.calls[("sts", "GetCallerIdentity")] == 10
    assert first.identity()["Account"] == first.target.label
    assert first.calls[("sts", "GetCallerIdentity")] == 11 and first.read_log == [
        ("sts", "GetCallerIdentity", first.home_region, "{}")]
    assert management.calls[("sts", "AssumeRole")] == 2 and not management.calls[("sts", "GetCallerIdentity")]

    first.close()  # a member done: the client stays for the others
    assert second.client("sts").get_caller_identity()["Account"] == second.target.label


def test_a_shared_client_outside_a_members_call_signs_with_nobodys_credentials(account):
    sb = account("org")
    member = open_aws(sb).member(sb.member_account_ids[0])
    shared = member.client("sts")._client
    with pytest.raises(NoCredentialsError):
        shared.get_caller_identity()


def test_a_role_that_cannot_be_assumed_fails_when_the_members_client_is_asked_for(account):
    """As with a client of its own: the member's session (AssumeRole) is made by client(), so the error is
    the assume's StepError, not a failed read."""
    from steps.base import StepError

    sb = account("org")
    member = open_aws(sb).member(sb.member_account_ids[0], role_name="NoSuchRole")
    with pytest.raises(StepError, match="^could not assume arn:aws:iam::[0-9]{12}:role/NoSuchRole"):
        member.client("sts")
