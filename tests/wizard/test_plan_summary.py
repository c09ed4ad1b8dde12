"""The confirmation's summary: counts per service, operation and region, the risky calls, and
exactly which calls cannot be undone (never "every change can be undone" above one that cannot)."""

from __future__ import annotations

from steps.base import Call, Change, Plan, manual
from wizard.plan_summary import summary_lines

UNDO = Call("ec2", "AuthorizeSecurityGroupIngress", {"GroupId": "sg-1"})


def ingress(region: str, group: str) -> Change:
    return Change(f"close {group}", Call("ec2", "RevokeSecurityGroupIngress", {"GroupId": group}, region=region),
                  undo=UNDO)


PLAN = Plan("vpc", (
    Change("role", Call("iam", "CreateRole", {"RoleName": "r"}), undo=Call("iam", "DeleteRole", {"RoleName": "r"})),
    ingress("us-east-1", "sg-1"),
    ingress("us-east-1", "sg-2"),
    manual("look at it", "https://console.aws.amazon.com/"),
    ingress("eu-west-1", "sg-3"),
    Change("logs", Call("ec2", "CreateFlowLogs", {}, region="eu-west-1"), undo_note="delete the flow log by hand"),
    Change("logs", Call("ec2", "CreateFlowLogs", {}, region="us-east-1"), undo_note="delete the flow log by hand"),
    Change("region", Call("account", "DisableRegion", {"RegionName": "af-south-1"}), risky=True,
           undo_note="re-enabling takes hours"),
))


def test_summary_counts_per_service_operation_and_region_and_names_what_cannot_be_undone():
    lines = summary_lines(PLAN, PLAN.automatic)
    assert [text for _, text in lines] == [
        "Summary: 7 calls",
        "  account: 1 call",
        "    account.DisableRegion: 1 in 1 region (global)",
        "  ec2: 5 calls",
        "    ec2.CreateFlowLogs: 2 in 2 regions (eu-west-1, us-east-1)",
        "    ec2.RevokeSecurityGroupIngress: 3 in 2 regions (eu-west-1, us-east-1 ×2)",
        "  iam: 1 call",
        "    iam.CreateRole: 1 in 1 region (global)",
        "Risky (1 call; the account id must be typed):",
        "  #7 account.DisableRegion (global)",
        "Cannot be undone (3 calls; `aws-essentials undo` has no call that reverses them):",
        "  ec2.CreateFlowLogs ×2 (#5, #6): delete the flow log by hand",
        "  #7 account.DisableRegion (global): re-enabling takes hours",
        "The other 4 calls can be reversed with `aws-essentials undo`; every call is journalled before it is sent.",
    ]
    assert all(kind == "warn" for kind, text in lines if "Cannot" in text or "#" in text)


def test_numbers_follow_the_list_the_interface_shows():
    # plain mode numbers every change, console steps included: the 4th change is manual
    lines = [text for _, text in summary_lines(PLAN, PLAN.changes)]
    assert "  ec2.CreateFlowLogs ×2 (#6, #7): delete the flow log by hand" in lines
    assert "  #8 account.DisableRegion (global)" in lines


def test_every_call_undoable_says_so_and_nothing_else():
    plan = Plan("s", (ingress("us-east-1", "sg-1"),))
    lines = summary_lines(plan, plan.automatic)
    assert lines[-1][0] == "ok" and "can reverse it" in lines[-1][1]
    assert not any("Cannot" in text for _, text in lines)


def test_an_undo_that_puts_back_only_part_is_said_and_never_called_a_full_reversal():
    """S3 versioning can only be suspended: its undo call exists, but "every call can be reversed" was untrue."""
    versioning = Change("version", Call("s3", "PutBucketVersioning", {"Bucket": "b"}, "us-east-1"),
                        undo=Call("s3", "PutBucketVersioning", {"Bucket": "b"}, "us-east-1"),
                        undo_note="versioning can only be suspended; versions already kept remain")
    plan = Plan("s3", (versioning, ingress("us-east-1", "sg-1")))
    lines = summary_lines(plan, plan.automatic)
    assert [text for _, text in lines][-3:] == [
        "Undone only in part (1 call; `aws-essentials undo` reverses what it can):",
        "  #1 s3.PutBucketVersioning (us-east-1): versioning can only be suspended; versions already kept remain",
        "The other 1 call can be reversed with `aws-essentials undo`; every call is journalled before it is sent.",
    ]
    assert not any(kind == "ok" for kind, _ in lines)
