"""Pure tests of the regions step on hand-written state (no sandbox)."""

from __future__ import annotations

import copy
import json

import pytest

from steps import regions
from steps.base import Ref, Status, unreadable

ACCOUNT = "111111111111"
EMPTY_REGION = {"ec2": [], "vpc": [], "rds": [], "lambda": [], "identity_center": False}


def inventory(**used):
    inv = {r: dict(EMPTY_REGION) for r in ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "af-south-1")}
    for region, items in used.items():
        inv[region.replace("_", "-")] = {**EMPTY_REGION, **items}
    return inv


def org_state(**changes):
    s = {
        "account_id": ACCOUNT,
        "caller_arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/Admin/alice",
        "home_region": "us-west-2",
        "regions": {"us-east-1": "ENABLED_BY_DEFAULT", "us-west-2": "ENABLED_BY_DEFAULT",
                    "eu-west-1": "ENABLED_BY_DEFAULT", "eu-central-1": "ENABLED_BY_DEFAULT",
                    "af-south-1": "ENABLED", "me-south-1": "DISABLED"},
        "inventory": inventory(eu_west_1={"ec2": ["i-1 (web)"]},
                               eu_central_1={"identity_center": True},
                               us_east_1={"lambda": ["thumbnailer"]}),
        "organization": {
            "id": "o-abc", "feature_set": "ALL", "management_account_id": ACCOUNT, "is_management": True,
            "root": {"id": "r-ab12", "scp_enabled": False},
            "targets": {"r-ab12": "Root", "ou-ab12-11111111": "OU Workloads", "222222222222": "account prod",
                        ACCOUNT: "account management"},
            "policies": [],
        },
        "iam_policy": None,
    }
    s.update(changes)
    return s


def standalone_state(**changes):
    s = org_state(organization=None, iam_policy=None)
    s.update(changes)
    return s


def scp_change(plan):
    return next(c for c in plan.changes if c.call and c.call.operation == "CreatePolicy")


def denied_by(document, region, action):
    """Would ``document``'s deny statement deny ``action`` requested in ``region``?"""
    st = document["Statement"][0]
    exempt = any(
        action == pattern or (pattern.endswith("*") and action.startswith(pattern[:-1]))
        for pattern in st["NotAction"]
    )
    return not exempt and region not in st["Condition"]["StringNotEquals"]["aws:RequestedRegion"]


# --- the SCP document ------------------------------------------------------------------------------------------


def test_scp_never_denies_wizard_region_identity_center_region_or_exempt_actions():
    s = org_state()
    plan = regions.plan(s, {"keep_regions": "eu-west-1"})
    doc = json.loads(scp_change(plan).call.params["Content"])
    allowed = doc["Statement"][0]["Condition"]["StringNotEquals"]["aws:RequestedRegion"]
    assert s["home_region"] in allowed, "the wizard's own region"
    assert "eu-central-1" in allowed, "the Identity Center home region"
    assert "eu-west-1" in allowed
    assert "us-east-1" not in allowed
    assert not denied_by(doc, "us-west-2", "ec2:RunInstances")
    assert not denied_by(doc, "eu-central-1", "sso:CreatePermissionSet")
    for action in ("iam:CreateRole", "sts:AssumeRole", "organizations:ListAccounts", "account:GetRegionOptStatus",
                   "sso:ListInstances", "support:CreateCase", "cloudfront:CreateDistribution",
                   "route53:ChangeResourceRecordSets", "budgets:ViewBudget", "ce:GetCostAndUsage",
                   "health:DescribeEvents", "kms:Decrypt"):
        assert not denied_by(doc, "ap-southeast-2", action), action
    assert denied_by(doc, "ap-southeast-2", "ec2:RunInstances")


def test_exemption_list_is_one_data_file_with_its_source():
    data = json.loads(regions.DATA_FILE.read_text())
    assert "controltower" in data["source"]["url"]
    required = {"sso:*", "iam:*", "sts:*", "organizations:*", "account:*", "support:*", "cloudfront:*",
                "route53:*", "budgets:*", "ce:*", "health:*", "kms:*"}
    assert required <= set(data["not_actions"])
    assert regions.exemptions() == tuple(data["not_actions"])


def test_policy_is_valid_json_under_the_scp_size_limit_even_with_every_region():
    every = [f"{p}-{d}-{n}" for p in ("us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx")
             for d in ("east", "west", "central", "south", "north", "southeast", "northeast") for n in (1, 2)]
    s = org_state()
    s["regions"].update({r: "ENABLED_BY_DEFAULT" for r in every})
    s["inventory"].update({r: {**EMPTY_REGION, "ec2": ["i-x"]} for r in every})  # all in use: all kept
    plan = regions.plan(s, {"break_glass_role_arn": f"arn:aws:iam::{ACCOUNT}:role/BreakGlass"})
    content = scp_change(plan).call.params["Content"]
    doc = json.loads(content)
    assert set(every) <= set(doc["Statement"][0]["Condition"]["StringNotEquals"]["aws:RequestedRegion"])
    assert doc["Version"] == "2012-10-17"
    assert len(content) <= regions.SCP_MAX_CHARS
    assert doc["Statement"][0]["Condition"]["ArnNotLike"]["aws:PrincipalARN"] == [f"arn:aws:iam::{ACCOUNT}:role/BreakGlass"]


def test_oversized_policy_is_refused_with_a_note():
    allowed = [f"zz-{a}{b}-{d}" for a in "abcdefgh" for b in "abcde" for d in range(10)]
    content = regions.render(regions.region_deny_document(allowed))
    assert len(content) > regions.SCP_MAX_CHARS  # the guard below is reachable
    s = org_state()
    s["regions"].update({r: "ENABLED_BY_DEFAULT" for r in allowed})
    plan = regions.plan(s, {"keep_regions": ",".join(allowed)})
    assert not plan.automatic or not any(c.call.operation == "CreatePolicy" for c in plan.automatic)
    assert any("over the SCP limit" in n for n in plan.notes)


# --- the SCP plan ----------------------------------------------------------------------------------------------


def test_org_plan_enables_scps_creates_and_attaches_with_typed_confirmation():
    plan = regions.plan(org_state(), {"keep_regions": "eu-west-1", "scp_target": "ou-ab12-11111111"})
    ops = [c.call.operation for c in plan.automatic]
    assert ops == ["DisableRegion", "EnablePolicyType", "CreatePolicy", "AttachPolicy"]
    attach = plan.automatic[-1]
    assert attach.risky and attach.call.params["TargetId"] == "ou-ab12-11111111"
    assert isinstance(attach.call.params["PolicyId"], Ref)
    assert any("never restrict the management account" in n for n in plan.notes)
    assert plan.automatic[1].undo.operation == "DisablePolicyType"


def test_workload_in_a_denied_region_is_a_warning_in_the_plan():
    plan = regions.plan(org_state(), {"keep_regions": "eu-west-1"})
    attach = next(c for c in plan.automatic if c.call.operation == "AttachPolicy")
    assert "WARNING" in attach.warning and "us-east-1" in attach.warning and "thumbnailer" in attach.warning
    assert any("thumbnailer" in n for n in plan.notes)
    quiet = regions.plan(org_state(), {"keep_regions": "eu-west-1, us-east-1"})
    attach = next(c for c in quiet.automatic if c.call.operation == "AttachPolicy")
    assert "WARNING" not in attach.warning


def test_default_keeps_regions_in_use_plus_wizard_region():
    s = org_state()
    assert regions.default_kept(s) == ["eu-west-1", "us-east-1", "us-west-2"]
    doc = json.loads(scp_change(regions.plan(s, {})).call.params["Content"])
    assert doc["Statement"][0]["Condition"]["StringNotEquals"]["aws:RequestedRegion"] == [
        "eu-central-1", "eu-west-1", "us-east-1", "us-west-2"]


def test_region_with_unreadable_inventory_is_kept_by_default():
    s = org_state()
    s["inventory"]["eu-central-1"] = unreadable("denied")
    assert "eu-central-1" in regions.default_kept(s)


def test_equivalent_existing_scp_is_reused_not_duplicated():
    allowed = ["eu-central-1", "eu-west-1", "us-west-2"]
    content = json.dumps(regions.region_deny_document(allowed), indent=2)  # formatting does not matter
    s = org_state()
    s["organization"]["root"]["scp_enabled"] = True
    s["organization"]["policies"] = [{"id": "p-other", "name": "team-region-lock", "content": content,
                                      "targets": ["ou-ab12-11111111"]}]
    plan = regions.plan(s, {"keep_regions": "eu-west-1", "scp_target": "ou-ab12-11111111"})
    assert not [c for c in plan.automatic if c.call.service == "organizations"]
    plan = regions.plan(s, {"keep_regions": "eu-west-1", "scp_target": "root"})
    assert [(c.call.operation, c.call.params.get("PolicyId")) for c in plan.automatic
            if c.call.service == "organizations"] == [("AttachPolicy", "p-other")]


def test_our_policy_with_other_regions_is_updated_with_undo():
    old = regions.render(regions.region_deny_document(["us-west-2"]))
    s = org_state()
    s["organization"]["root"]["scp_enabled"] = True
    s["organization"]["policies"] = [{"id": "p-ours", "name": regions.POLICY_NAME, "content": old,
                                      "targets": ["r-ab12"]}]
    plan = regions.plan(s, {"keep_regions": "eu-west-1"})
    update = [c for c in plan.automatic if c.call.service == "organizations"]
    assert [c.call.operation for c in update] == ["UpdatePolicy"]
    assert update[0].risky and update[0].undo.params["Content"] == old


def test_scp_target_must_exist_and_not_be_the_management_account():
    plan = regions.plan(org_state(), {"scp_target": ACCOUNT})
    assert plan.needs == ("scp_target",) and any("never restricted" in n for n in plan.notes)
    plan = regions.plan(org_state(), {"scp_target": "ou-ab12-99999999"})
    assert plan.needs == ("scp_target",)


def test_member_account_gets_advice_not_an_scp():
    s = org_state()
    s["organization"] = {"id": "o-abc", "feature_set": "ALL", "management_account_id": "999999999999",
                         "is_management": False}
    plan = regions.plan(s, {"keep_regions": "eu-west-1"})
    assert all(c.call.service == "account" for c in plan.automatic)
    assert by_check(regions.evaluate(s))["region-deny-policy"][0].status is Status.MANUAL


# --- opt-in regions, standalone --------------------------------------------------------------------------------


def by_check(findings):
    out = {}
    for f in findings:
        out.setdefault(f.check, []).append(f)
    return out


def test_unused_enabled_opt_in_region_fails_and_is_disabled_with_undo():
    s = standalone_state()
    opt_in = by_check(regions.evaluate(s))["unused-opt-in-region"]
    assert [(f.region, f.status) for f in opt_in] == [("af-south-1", Status.FAIL)]
    plan = regions.plan(s, {})
    disable = [c for c in plan.automatic if c.call.operation == "DisableRegion"]
    assert [c.call.params for c in disable] == [{"RegionName": "af-south-1"}]
    assert disable[0].undo.operation == "EnableRegion" and "minutes" in disable[0].warning
    assert disable[0].risky, "a region can hold data the inventory does not list"


def test_opt_in_region_with_workloads_is_not_disabled_by_default_and_warned_when_asked():
    s = standalone_state()
    s["inventory"]["af-south-1"] = {**EMPTY_REGION, "rds": ["orders-db"]}
    assert not [c for c in regions.plan(s, {}).automatic if c.call.operation == "DisableRegion"]
    plan = regions.plan(s, {"keep_regions": "eu-west-1"})
    disable = next(c for c in plan.automatic if c.call.operation == "DisableRegion")
    assert disable.risky and "orders-db" in disable.warning


def test_wizard_region_is_never_disabled_even_if_opt_in():
    s = standalone_state(home_region="af-south-1")
    plan = regions.plan(s, {"keep_regions": "eu-west-1"})
    assert not [c for c in plan.automatic if c.call.operation == "DisableRegion"]


def test_standalone_explains_and_offers_iam_variant_and_never_creates_org_unasked():
    s = standalone_state()
    plan = regions.plan(s, {"keep_regions": "eu-west-1"})
    assert not [c for c in plan.automatic if c.call.service in ("organizations", "iam")]
    assert any("needs AWS Organizations" in n for n in plan.notes)
    assert by_check(regions.evaluate(s))["region-deny-policy"][0].status is Status.MANUAL
    plan = regions.plan(s, {"keep_regions": "eu-west-1", "iam_policy_groups": "Developers, Ops"})
    iam = [c for c in plan.automatic if c.call.service == "iam"]
    assert [c.call.operation for c in iam] == ["CreatePolicy", "AttachGroupPolicy", "AttachGroupPolicy"]
    doc = json.loads(iam[0].call.params["PolicyDocument"])
    assert "ArnNotLike" not in doc["Statement"][0]["Condition"]
    assert all(c.risky for c in iam[1:])
    plan = regions.plan(s, {"keep_regions": "eu-west-1", "create_organization": "yes"})
    create = [c for c in plan.automatic if c.call.operation == "CreateOrganization"]
    assert len(create) == 1 and create[0].risky


def test_standalone_iam_variant_recognised_when_in_place():
    allowed = ["eu-central-1", "eu-west-1", "us-west-2"]
    s = standalone_state(iam_policy={"arn": regions.iam_policy_arn(ACCOUNT), "default_version": "v1",
                                     "document": regions.region_deny_document(allowed, scp=False),
                                     "groups": ["Developers"]})
    plan = regions.plan(s, {"keep_regions": "eu-west-1", "iam_policy_groups": "Developers"})
    assert not [c for c in plan.automatic if c.call.service == "iam"]
    assert by_check(regions.evaluate(s))["region-deny-policy"][0].status is Status.PASS


# --- inputs and unreadable state -------------------------------------------------------------------------------


@pytest.mark.parametrize("name,value", [
    ("keep_regions", "us-east-1, nowhere"), ("keep_regions", "US-EAST-1"), ("scp_target", "ou-1"),
    ("scp_target", "12345"), ("break_glass_role_arn", "arn:aws:iam::123:role/x"),
    ("break_glass_role_arn", "arn:aws:iam::123456789012:user/bob"), ("create_organization", "maybe"),
])
def test_bad_inputs_get_one_line_and_no_changes(name, value):
    plan = regions.plan(org_state(), {name: value})
    assert plan.needs == (name,) and not plan.changes
    assert len(plan.notes) == 1 and "\n" not in plan.notes[0]


def test_kept_region_unknown_to_the_account_is_refused():
    plan = regions.plan(org_state(), {"keep_regions": "ap-east-9"})
    assert plan.needs == ("keep_regions",) and "not a region of this account" in plan.notes[0]


def test_unreadable_reads_are_unknown_never_fail():
    s = org_state(regions=unreadable("denied"), organization=unreadable("denied"))
    s["inventory"]["us-east-1"] = unreadable("denied")
    statuses = {f.check: f.status for f in regions.evaluate(s)}
    assert statuses == {"regions-in-use": Status.UNKNOWN, "unused-opt-in-region": Status.UNKNOWN,
                        "region-deny-policy": Status.UNKNOWN}
    assert not regions.plan(s, {}).automatic


def test_enabled_region_never_inventoried_is_kept_and_not_disabled():
    s = standalone_state()
    del s["inventory"]["af-south-1"]  # e.g. its reads were skipped: never judge a region unseen
    assert "af-south-1" in regions.default_kept(s)
    assert not [c for c in regions.plan(s, {}).automatic if c.call.operation == "DisableRegion"]
    opt_in = by_check(regions.evaluate(s))["unused-opt-in-region"]
    assert [(f.region, f.status) for f in opt_in] == [("af-south-1", Status.UNKNOWN)]
