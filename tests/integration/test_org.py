"""Whole-organization runs over the sandbox's `org` scenario (a management account, 5 members)."""

from __future__ import annotations

import threading

import pytest
from botocore.exceptions import NoCredentialsError

from steps import contacts
from steps.base import StepError
from tests.helpers import open_aws
from wizard.assess import assess
from wizard.org import for_each_account, list_members, org_findings_document
from wizard.org_workers import assess_organization


def delete_access_role(aws, member_id: str) -> None:
    """In that member, someone deleted the role the management account uses to get in."""
    iam = aws.member(member_id).client("iam")
    for attached in iam.list_attached_role_policies(RoleName="OrganizationAccountAccessRole")["AttachedPolicies"]:
        iam.detach_role_policy(RoleName="OrganizationAccountAccessRole", PolicyArn=attached["PolicyArn"])
    iam.delete_role(RoleName="OrganizationAccountAccessRole")


def test_members_listed_management_first(account):
    sb = account("org")
    aws = open_aws(sb)
    members = list_members(aws)
    assert [m.id for m in members] == [sb.account_id, *sorted(sb.member_account_ids)]
    only = list_members(aws, accounts=sb.member_account_ids[:2])
    assert [m.id for m in only] == sorted(sb.member_account_ids[:2])


def test_ou_filter_and_bad_ids(account):
    sb = account("org")
    aws = open_aws(sb)
    root = aws.read("organizations", "ListRoots")["Roots"][0]["Id"]
    assert {m.id for m in list_members(aws, ou=root)} == {sb.account_id, *sb.member_account_ids}
    with pytest.raises(StepError, match="not an account id"):
        list_members(aws, accounts=["12345"])
    with pytest.raises(StepError, match="not an active account"):
        list_members(aws, accounts=["999999999999"])
    with pytest.raises(StepError, match="not an OU id"):
        list_members(aws, ou="Workloads")


def test_standalone_account_is_refused(account):
    sb = account("insecure")
    with pytest.raises(StepError, match="organization"):
        list_members(open_aws(sb))


def test_check_every_account_and_survive_an_unreachable_one(account):
    sb = account("org")
    aws = open_aws(sb)
    broken = sb.member_account_ids[1]
    delete_access_role(aws, broken)

    runs = for_each_account(aws, list_members(aws), lambda member_aws: assess(member_aws, [contacts]))
    by_id = {r.member.id: r for r in runs}
    assert "could not assume" in by_id[broken].error
    reached = [r for r in runs if not r.error]
    assert len(reached) == 5
    assert {r.aws.account_id for r in reached} == {r.member.id for r in reached}  # each run saw its own account

    document = org_findings_document(aws, runs, aws.regions())
    rows = {a["account_id"]: a for a in document["accounts"]}
    assert rows[broken]["summary"]["UNKNOWN"] == 1 and rows[broken]["error"]
    assert all(rows[r.member.id]["summary"]["PASS"] + rows[r.member.id]["summary"]["FAIL"] >= 3 for r in reached)
    assert {f["account_id"] for f in document["findings"]} == {sb.account_id, *sb.member_account_ids}


def _by_account(runs) -> dict:
    return {run.member.id: (run.error, sorted(str(sorted(item.items())) for item in run.result.items)
                            if run.result else []) for run in runs}


def test_worker_processes_find_what_one_process_finds(account):
    """`check --org` spreads members over worker processes; the findings must not depend on it."""
    sb = account("org")
    aws = open_aws(sb)
    broken = sb.member_account_ids[0]
    delete_access_role(aws, broken)
    members = list_members(aws)

    in_process, _ = assess_organization(aws, members, [contacts], "OrganizationAccountAccessRole", workers=0)
    # without plan (what `check --org` asks for JSON, table and OCSF): the same findings, no fixes planned
    spread, stats = assess_organization(aws, members, [contacts], "OrganizationAccountAccessRole", workers=2,
                                        plan=False)
    reached = [m for m in sb.member_account_ids if m != broken]
    assert all(run.result.fixes == {} for run in spread if run.member.id in reached)
    assert all(run.result.fixes["contacts"] for run in in_process if run.member.id in reached)

    assert [run.member.id for run in spread] == [m.id for m in members]  # management first, order kept
    assert _by_account(spread) == _by_account(in_process)
    by_id = {run.member.id: run for run in spread}
    assert "could not assume" in by_id[broken].error
    assert all(by_id[m].result.summary["PASS"] + by_id[m].result.summary["FAIL"] >= 3
               for m in sb.member_account_ids if m != broken)
    # The workers report the calls they made, for the benchmarks: each reached member read its contacts.
    assert stats.calls[("account", "GetAlternateContact")] >= 3 * (len(sb.member_account_ids) - 1)
    assert stats.repeated_reads == {}


# Member accounts share one client per service and region, each call signed and counted as its own
# account's (wizard/aws_members.py).
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
    sb = account("org")
    member = open_aws(sb).member(sb.member_account_ids[0], role_name="NoSuchRole")
    with pytest.raises(StepError, match="^could not assume arn:aws:iam::[0-9]{12}:role/NoSuchRole"):
        member.client("sts")
