"""Changes that could stop a service, cut access or lose data are risky (typed account id), each with a
warning that says what could stop; a read that failed never counts as proof of "safe". Pure tests on plan()."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from steps import compute, keys, regions, s3, vpc
from steps.base import unreadable
from tests.steps import test_compute as compute_data
from tests.steps import test_keys as keys_data
from tests.steps import test_regions as regions_data
from tests.steps import test_s3 as s3_data
from tests.steps import test_vpc as vpc_data


# --- compute: IMDSv2 on instances, private databases ---------------------------------------------


def imds_change(state_name):
    data = compute_data.good_region()
    data["instances"] = [{"InstanceId": "i-9", "State": state_name, "HttpTokens": "optional",
                          "HttpEndpoint": "enabled", "Profile": "p", "Name": ""}]
    [change] = [c for c in compute.plan({"regions": {"eu-west-1": data}}, {}).automatic
                if c.call.operation == "ModifyInstanceMetadataOptions"]
    return change


@pytest.mark.parametrize("state_name", ["running", "pending", None])
def test_imdsv2_on_an_instance_that_may_be_running_is_risky(state_name):
    change = imds_change(state_name)
    assert change.risky
    assert "IMDSv1" in change.warning and "at once" in change.warning
    if state_name is None:
        assert "could not be read" in change.warning


@pytest.mark.parametrize("state_name", ["stopped", "stopping"])
def test_imdsv2_on_a_stopped_instance_is_not_risky_but_says_when_it_bites(state_name):
    change = imds_change(state_name)
    assert not change.risky
    assert "next started" in change.warning


def test_making_a_database_private_is_risky():
    plan = compute.plan({"regions": {"eu-west-1": compute_data.region_data()}}, {})
    [rds] = [c for c in plan.automatic if c.call.operation == "ModifyDBInstance" and "PubliclyAccessible" in c.call.params]
    assert rds.call.params["PubliclyAccessible"] is False
    assert rds.risky and "outside the VPC" in rds.warning


# --- vpc: removing rules of a security group that network interfaces use ------------------------


def admin_revoke(data, answers=vpc_data.CW):
    plan = vpc.plan(vpc_data.state(**{"us-east-1": data}), answers)
    [change] = [c for c in plan.automatic
                if c.call.operation == "RevokeSecurityGroupIngress" and c.call.params["GroupId"] == "sg-web"]
    return change


def test_open_admin_rule_of_a_group_in_use_is_risky():
    data = vpc_data.region_data()
    data["enis"].append({"NetworkInterfaceId": "eni-web", "VpcId": "vpc-1", "Groups": ["sg-web"],
                         "Description": "", "InstanceId": "i-web"})
    change = admin_revoke(data)
    assert change.risky
    assert "eni-web" in change.warning and "i-web" in change.warning and "SSH/RDP" in change.warning
    # with a trusted range re-added first, those outside it are still cut off
    change = admin_revoke(data, {**vpc_data.CW, "admin_cidr": "203.0.113.0/24"})
    assert change.risky and "outside 203.0.113.0/24" in change.warning


def test_open_admin_rule_when_interfaces_could_not_be_read_is_risky():
    data = vpc_data.region_data()
    data["enis"] = unreadable("AccessDenied on DescribeNetworkInterfaces")
    change = admin_revoke(data)
    assert change.risky and "Could not list the network interfaces" in change.warning
    assert "AccessDenied" in change.warning


def test_open_admin_rule_of_a_group_nothing_uses_is_not_risky():
    change = admin_revoke(vpc_data.region_data())  # eni-1 uses only the default group
    assert not change.risky


def test_default_group_rules_when_interfaces_could_not_be_read_are_risky():
    data = vpc_data.region_data()
    data["enis"] = unreadable("throttled")
    plan = vpc.plan(vpc_data.state(**{"us-east-1": data}), vpc_data.CW)
    revokes = [c for c in plan.automatic if c.call.params.get("GroupId") == "sg-d"]
    assert revokes and all(c.risky and "throttled" in c.warning for c in revokes)


# --- regions: disabling a region ---------------------------------------------------------------------


def test_disabling_a_region_with_no_listed_workload_is_still_risky():
    s = regions_data.standalone_state()
    assert not regions.workloads(s).get("af-south-1"), "the inventory lists nothing there"
    [disable] = [c for c in regions.plan(s, {}).automatic if c.call.operation == "DisableRegion"]
    assert disable.risky
    assert "S3" in disable.warning and "DynamoDB" in disable.warning and "does not list" in disable.warning


# --- s3: Block Public Access where a bucket's exposure could not be read -------------------------


def s3_state(*buckets, account_bpa=None):
    state = s3_data.compliant_state()
    state["account_bpa"] = account_bpa
    state["buckets"] = list(buckets)
    return state


def account_block(state):
    [change] = [c for c in s3.plan(state, {}).automatic if c.call.service == "s3control"]
    return change


def bucket_block(state, name):
    [change] = [c for c in s3.plan(state, {}).automatic
                if c.call.operation == "PutPublicAccessBlock" and c.call.params.get("Bucket") == name]
    return change


@pytest.mark.parametrize("field,label", [("policy", "policy"), ("acl_grants", "ACL"), ("website", "website")])
def test_block_public_access_is_risky_where_an_exposure_read_failed(field, label):
    odd = s3_data.bucket("odd-bucket", bpa=None, **{field: unreadable("AccessDenied")})
    fine = s3_data.bucket("fine-bucket", bpa=None)
    state = s3_state(odd, fine)
    account = account_block(state)
    assert account.risky
    assert "odd-bucket" in account.warning and label in account.warning and "AccessDenied" in account.warning
    assert "fine-bucket" not in account.warning
    assert any("odd-bucket" in note for note in s3.plan(state, {}).notes)
    own = bucket_block(state, "odd-bucket")
    assert own.risky and label in own.warning and "stop serving anonymous" in own.warning
    assert not bucket_block(state, "fine-bucket").risky


def test_account_block_public_access_is_risky_when_a_bucket_or_the_list_could_not_be_read():
    whole = {"name": "lost-bucket", "region": None, **unreadable("GetBucketLocation: AccessDenied")}
    change = account_block(s3_state(s3_data.bucket("fine-bucket"), whole))
    assert change.risky and "lost-bucket" in change.warning and "GetBucketLocation" in change.warning
    state = s3_state()
    state["buckets"] = unreadable("ListBuckets: AccessDenied")
    change = account_block(state)
    assert change.risky and "could not be listed" in change.warning


def test_account_block_public_access_with_every_exposure_read_and_private_is_not_risky():
    change = account_block(s3_state(s3_data.bucket("fine-bucket"), s3_data.bucket("other-bucket")))
    assert not change.risky and not change.warning


# --- keys: the caller's own key, and keys for other users ------------------------------------------


def own_rotation_state():
    return keys_data.state(keys_data.user("admin", keys_data.key("AKIAOWN", 120, 0)), caller_user="admin",
                           caller_key="AKIAOWN")


def test_deactivating_the_callers_own_key_after_rotation_is_risky():
    plan = keys.plan(own_rotation_state(), {})
    [deactivate] = [c for c in plan.automatic if c.call.operation == "UpdateAccessKey"]
    assert deactivate.call.params["AccessKeyId"] == "AKIAOWN" and deactivate.call.params["Status"] == "Inactive"
    assert deactivate.risky and "wizard was started with" in deactivate.warning
    # making and storing the new key is not risky: nothing stops until the old key is switched off
    assert not any(c.risky for c in plan.automatic if c is not deactivate)


def test_deleting_the_callers_own_key_is_risky():
    # the caller signs with an inactive key id only when the state is stale; deleting it must still ask
    s = keys_data.state(keys_data.user("admin", keys_data.key("AKIAOWN", 120, 30, active=False),
                                       keys_data.key("AKIANEW", 20, 1)), caller_user="admin", caller_key="AKIAOWN")
    [delete] = [c for c in keys.plan(s, {"delete_replaced_keys": "yes"}).automatic
                if c.call.operation == "DeleteAccessKey"]
    assert delete.call.params["AccessKeyId"] == "AKIAOWN"
    assert delete.risky and "wizard was started with" in delete.warning


def test_deleting_another_replaced_key_needs_no_typed_id():
    s = keys_data.state(keys_data.user("bob", keys_data.key("AKIAOLD", 120, 30, active=False),
                                       keys_data.key("AKIANEW", 20, 1)))
    [delete] = [c for c in keys.plan(s, {"delete_replaced_keys": "yes"}).automatic
                if c.call.operation == "DeleteAccessKey"]
    assert not delete.risky and "cannot be undone" in delete.warning


KEY_IDS = ("AKIAA", "AKIAB", "AKIAC", "AKIAD", "AKIAE", "AKIAF")


@st.composite
def key_states(draw):
    """Users with 0-2 keys of any age, use and status, and a caller that is one of them (or not a user)."""
    ids = iter(KEY_IDS)
    users = []
    for name in draw(st.lists(st.sampled_from(["admin", "ci", "bob"]), min_size=1, max_size=3, unique=True)):
        user_keys = []
        for _ in range(draw(st.integers(0, 2))):
            created = draw(st.floats(0.01, 400))
            used = draw(st.one_of(st.none(), st.floats(0, created)))
            user_keys.append(keys_data.key(next(ids), created, used, active=draw(st.booleans())))
        users.append(keys_data.user(name, *user_keys, created=draw(st.floats(0, 500)),
                                    password=draw(st.booleans())))
    caller = draw(st.sampled_from([None, *[u["user"] for u in users]]))
    caller_keys = [k["id"] for u in users if u["user"] == caller for k in u["keys"]]
    caller_key = draw(st.sampled_from([None, *caller_keys])) if caller else None
    return keys_data.state(*users, caller_user=caller, caller_key=caller_key)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(s=key_states(), delete=st.sampled_from(["no", "yes"]))
def test_no_plan_creates_a_key_for_another_user_or_switches_off_the_callers_key_unasked(s, delete):
    plan = keys.plan(s, {"delete_replaced_keys": delete})
    caller = s["caller"]
    for change in plan.automatic:
        call = change.call
        if call.operation == "CreateAccessKey":
            assert caller["key_id"] and call.params["UserName"] == caller["user"], "only the caller's own key"
        assert call.name != "local.credentials.hold_secret", "no secret is held for anyone else"
        switches_off = call.operation == "DeleteAccessKey" or (
            call.operation == "UpdateAccessKey" and call.params.get("Status") == "Inactive")
        if switches_off and call.params["AccessKeyId"] == caller["key_id"]:
            assert change.risky and change.warning
