"""The regions step where an organization changes nothing, with Control Tower, and behind its own deny."""

from __future__ import annotations

import json

from steps import regions
from steps.base import Status, unreadable
from steps.region_deny_policy import CONTROL_TOWER_EXEMPT
from tests.steps.test_regions import ACCOUNT, by_check, org_state, scp_change, standalone_state

MEMBER = "222222222222"


def lonely_org(**changes):
    """A management account whose organization has no other active account."""
    s = org_state()
    s["organization"] = {**s["organization"], "members": [], "control_tower": False,
                         "targets": {"r-ab12": "Root", ACCOUNT: "account management"}}
    s.update(changes)
    return s


def own_policy(groups):
    """The tool's IAM region-deny policy, allowing eu-central-1, eu-west-1 and us-west-2, attached to ``groups``."""
    allowed = ["eu-central-1", "eu-west-1", "us-west-2"]
    return {"arn": regions.iam_policy_arn(ACCOUNT), "default_version": "v1",
            "document": regions.region_deny_document(allowed, scp=False), "groups": groups}


def deny_finding(state):
    return by_check(regions.evaluate(state))["region-deny-policy"][0]


def test_a_management_account_without_members_gets_the_iam_policy_path():
    s = lonely_org()
    plan = regions.plan(s, {"keep_regions": "eu-west-1", "iam_policy_groups": "Developers"})
    assert not [c for c in plan.automatic if c.call.service == "organizations"]
    iam = [c.call.operation for c in plan.automatic if c.call.service == "iam"]
    assert iam == ["CreatePolicy", "AttachGroupPolicy"]
    assert any("no member account" in n for n in plan.notes)
    assert not any(c.call.operation == "CreateOrganization" for c in plan.automatic)
    assert deny_finding(s).status is Status.MANUAL


def test_a_management_account_without_members_passes_with_the_iam_policy_in_place():
    s = lonely_org(iam_policy=own_policy(["Dev"]))
    assert deny_finding(s).status is Status.PASS


def test_an_scp_attached_only_to_the_management_account_is_not_a_pass():
    s = org_state()
    content = regions.render(regions.region_deny_document(["us-west-2"]))
    s["organization"]["policies"] = [{"id": "p-1", "name": "deny", "content": content, "targets": [ACCOUNT]}]
    finding = deny_finding(s)
    assert finding.status is Status.FAIL and "management account" in finding.message
    s["organization"]["policies"][0]["targets"] = [ACCOUNT, MEMBER]
    assert deny_finding(s).status is Status.PASS


def test_members_unreadable_is_unknown_not_a_verdict():
    s = org_state()
    s["organization"]["members"] = unreadable("AccessDenied")
    assert deny_finding(s).status is Status.UNKNOWN


def test_control_tower_roles_are_exempt_from_the_scp_when_control_tower_is_there():
    with_ct = org_state()
    with_ct["organization"]["control_tower"] = True
    doc = json.loads(scp_change(regions.plan(with_ct, {"keep_regions": "eu-west-1"})).call.params["Content"])
    exempt = doc["Statement"][0]["Condition"]["ArnNotLike"]["aws:PrincipalARN"]
    assert set(CONTROL_TOWER_EXEMPT) <= set(exempt)
    assert "arn:*:iam::*:role/AWSControlTowerExecution" in exempt
    assert "arn:*:iam::*:role/AWSControlTower_VPCFlowLogsRole" in exempt
    without = org_state()
    without["organization"]["control_tower"] = False
    doc = json.loads(scp_change(regions.plan(without, {"keep_regions": "eu-west-1"})).call.params["Content"])
    assert "ArnNotLike" not in doc["Statement"][0]["Condition"]


def test_control_tower_exemptions_keep_a_break_glass_role_and_an_equal_scp_is_reused():
    s = org_state()
    s["organization"]["control_tower"] = True
    glass = "arn:aws:iam::111111111111:role/BreakGlass"
    doc = json.loads(scp_change(regions.plan(s, {"keep_regions": "eu-west-1", "break_glass_role_arn": glass}))
                     .call.params["Content"])
    assert glass in doc["Statement"][0]["Condition"]["ArnNotLike"]["aws:PrincipalARN"]
    s["organization"]["root"]["scp_enabled"] = True
    s["organization"]["policies"] = [{"id": "p-1", "name": regions.POLICY_NAME, "content": json.dumps(doc),
                                      "targets": [MEMBER]}]
    plan = regions.plan(s, {"keep_regions": "eu-west-1", "break_glass_role_arn": glass, "scp_target": MEMBER})
    assert not [c for c in plan.automatic if c.call.service == "organizations"]


def test_regions_our_own_deny_hides_are_not_offered_as_in_use():
    s = standalone_state(iam_policy=own_policy(["Admins"]))
    s["inventory"]["us-east-1"] = unreadable("AccessDenied: explicit deny in an identity-based policy")
    assert "us-east-1" not in regions.default_kept(s)
    assert "us-east-1" not in regions.unreadable_regions(s)
    plan = regions.plan(s, {"iam_policy_groups": "Admins"})
    assert not [c for c in plan.automatic if c.call.service == "iam"], "the policy is not widened again"
    assert by_check(regions.evaluate(s))["regions-in-use"][0].status is Status.PASS


def test_a_region_unreadable_for_another_reason_is_still_kept():
    s = standalone_state()
    s["inventory"]["us-east-1"] = unreadable("AccessDenied")
    assert "us-east-1" in regions.default_kept(s)


def test_an_opt_in_region_hidden_by_our_deny_is_disabled_only_with_typed_confirmation():
    s = standalone_state(iam_policy=own_policy(["Admins"]))
    s["inventory"]["af-south-1"] = unreadable("AccessDenied")
    plan = regions.plan(s, {"iam_policy_groups": "Admins"})
    disable = [c for c in plan.automatic if c.call.operation == "DisableRegion"]
    assert [c.call.params["RegionName"] for c in disable] == ["af-south-1"] and disable[0].risky


def test_creating_an_organization_says_what_it_changes():
    plan = regions.plan(standalone_state(), {"keep_regions": "eu-west-1", "create_organization": "yes"})
    create = next(c for c in plan.automatic if c.call.operation == "CreateOrganization")
    for effect in ("management account", "never restrict this account", "pay for any member"):
        assert effect in create.warning, effect
    assert any("never restrict this account" in n for n in plan.notes)
