"""The regions step against the sandbox: opt-in regions round trip, region-deny SCP in an organization."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from steps import regions
from steps.base import Status
from tests.helpers import DEMO_ANSWERS, open_aws, plan_for
from wizard.apply import apply_plan, fresh_collect
from wizard.journal import Journal


def findings(aws):
    out = {}
    for f in regions.evaluate(fresh_collect(aws, regions)):
        out.setdefault(f.check, []).append(f)
    return out


def region_status(aws, name):
    return aws.client("account").get_region_opt_status(RegionName=name)["RegionOptStatus"]


def custom_scps(aws):
    policies = aws.client("organizations").list_policies(Filter="SERVICE_CONTROL_POLICY")["Policies"]
    return [p for p in policies if not p["AwsManaged"]]


def test_disabling_unused_opt_in_regions_round_trips(account, tmp_path):
    sb = account("insecure")
    aws = open_aws(sb)
    failing = {f.region for f in findings(aws)["unused-opt-in-region"] if f.status is Status.FAIL}
    assert failing == {"af-south-1", "me-south-1"}
    answers = DEMO_ANSWERS["regions"]
    plan = plan_for(aws, regions, answers)
    disable = [c for c in plan.automatic if c.call.operation == "DisableRegion"]
    assert sorted(c.call.params["RegionName"] for c in disable) == ["af-south-1", "me-south-1"]
    assert not [c for c in plan.automatic if c.call.service != "account"], "standalone: no SCP, no org unasked"
    journal = Journal(aws.account_id, tmp_path / "journal.jsonl")
    assert apply_plan(aws, regions, plan, answers, journal=journal).ok
    assert region_status(aws, "af-south-1") in ("DISABLING", "DISABLED")
    assert not plan_for(aws, regions, answers).automatic
    assert {f.status for f in findings(aws)["unused-opt-in-region"]} == {Status.PASS}

    # the journalled undo enables the region again, and the check fails again
    entry = journal.entries()[0]
    undo = disable[0].undo
    assert entry.change["undo"] == undo.to_dict()
    aws.write(undo)
    assert region_status(aws, undo.params["RegionName"]) in ("ENABLING", "ENABLED")
    failing = {f.region for f in findings(aws)["unused-opt-in-region"] if f.status is Status.FAIL}
    assert failing == {undo.params["RegionName"]}


def test_org_scp_is_created_with_exemptions_and_regions_and_attached_to_target(account):
    sb = account("org")
    aws = open_aws(sb)
    assert findings(aws)["region-deny-policy"][0].status is Status.FAIL
    org = aws.client("organizations")
    root_id = org.list_roots()["Roots"][0]["Id"]
    ou_id = org.list_organizational_units_for_parent(ParentId=root_id)["OrganizationalUnits"][0]["Id"]
    answers = {"keep_regions": "eu-west-1", "scp_target": ou_id}
    plan = plan_for(aws, regions, answers)
    assert [c.call.operation for c in plan.automatic] == ["EnablePolicyType", "CreatePolicy", "AttachPolicy"]
    assert plan.automatic[-1].risky
    assert any("never restrict the management account" in n for n in plan.notes)
    assert apply_plan(aws, regions, plan, answers).ok

    (policy,) = custom_scps(aws)
    content = json.loads(org.describe_policy(PolicyId=policy["Id"])["Policy"]["Content"])
    statement = content["Statement"][0]
    assert statement["Effect"] == "Deny"
    assert set(statement["NotAction"]) == set(regions.exemptions())
    allowed = statement["Condition"]["StringNotEquals"]["aws:RequestedRegion"]
    assert "eu-west-1" in allowed and aws.home_region in allowed
    targets = [t["TargetId"] for t in org.list_targets_for_policy(PolicyId=policy["Id"])["Targets"]]
    assert targets == [ou_id]

    assert not plan_for(aws, regions, answers).automatic, "re-running plans nothing"
    assert findings(aws)["region-deny-policy"][0].status is Status.PASS


def test_existing_equivalent_scp_is_recognised_not_duplicated(account):
    sb = account("org")
    aws = open_aws(sb)
    org = aws.client("organizations")
    root_id = org.list_roots()["Roots"][0]["Id"]
    org.enable_policy_type(RootId=root_id, PolicyType="SERVICE_CONTROL_POLICY")
    allowed = sorted({"eu-west-1", aws.home_region})  # Identity Center's home is the wizard's region here
    existing = org.create_policy(Name="team-region-lock", Description="made by hand", Type="SERVICE_CONTROL_POLICY",
                                 Content=json.dumps(regions.region_deny_document(allowed), indent=2))
    policy_id = existing["Policy"]["PolicySummary"]["Id"]
    answers = {"keep_regions": "eu-west-1", "scp_target": "root"}
    plan = plan_for(aws, regions, answers)
    assert [(c.call.operation, c.call.params.get("PolicyId")) for c in plan.automatic] == [("AttachPolicy", policy_id)]
    assert any("already denies exactly this" in n for n in plan.notes)
    assert apply_plan(aws, regions, plan, answers).ok
    assert [p["Id"] for p in custom_scps(aws)] == [policy_id]
    assert not plan_for(aws, regions, answers).automatic


def test_workloads_in_denied_regions_are_listed_before_attaching(account):
    sb = account("org")
    aws = open_aws(sb)
    ec2 = aws.client("ec2", "eu-west-1")
    ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="t3.micro",
                      TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "billing"}]}])
    plan = plan_for(aws, regions, {"keep_regions": "us-east-1", "scp_target": "root"})
    attach = next(c for c in plan.automatic if c.call.operation == "AttachPolicy")
    assert attach.risky and "WARNING" in attach.warning and "eu-west-1" in attach.warning
    assert "billing" in attach.warning
    # by default the region in use is kept, so nothing is at risk
    plan = plan_for(aws, regions, {"scp_target": "root"})
    attach = next(c for c in plan.automatic if c.call.operation == "AttachPolicy")
    assert "WARNING" not in attach.warning


def test_sandbox_refuses_scp_attach_before_the_policy_type_is_enabled(account):
    sb = account("org")
    aws = open_aws(sb)
    org = aws.client("organizations")
    root_id = org.list_roots()["Roots"][0]["Id"]
    created = org.create_policy(Name="x", Description="x", Type="SERVICE_CONTROL_POLICY",
                                Content=json.dumps(regions.region_deny_document(["us-east-1"])))
    with pytest.raises(ClientError) as error:
        org.attach_policy(PolicyId=created["Policy"]["PolicySummary"]["Id"], TargetId=root_id)
    assert error.value.response["Error"]["Code"] == "PolicyTypeNotEnabledException"
