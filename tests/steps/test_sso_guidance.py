"""The sso step around Identity Center's hard edges: reserved names, account instances, new users."""

from __future__ import annotations

import json

from steps import sso
from steps.base import Status
from tests.steps.test_sso import ACCT, configured, empty_instance

FIRST_USER = {"user_name": "jane.doe", "email": "jane@example.com", "given_name": "Jane", "family_name": "Doe"}


def test_the_group_the_plan_creates_has_no_reserved_name():
    plan = sso.plan(empty_instance(), FIRST_USER)
    text = json.dumps([c.to_dict() for c in plan.changes])
    assert "CreateGroup" in text
    for reserved in ("AWSAdministrators", "Administrator"):
        assert f'"{reserved}"' not in text


def test_reserved_user_names_are_refused_as_input():
    for name in ("Administrator", "AWSAdministrators", "awsadministrators"):
        plan = sso.plan(empty_instance(), {**FIRST_USER, "user_name": name})
        assert plan.needs == ("user_name",) and not plan.changes
        assert "reserved" in plan.notes[0]
    assert sso.plan(empty_instance(), {**FIRST_USER, "user_name": "Administrators"}).changes


def test_an_instance_in_a_standalone_account_is_an_account_instance():
    st = configured(organization=None)
    finding = sso.evaluate(st)[0]
    assert finding.status is Status.FAIL and "account instance" in finding.message
    assert "with AWS Organizations" in finding.message
    plan = sso.plan(st, FIRST_USER)
    assert not plan.automatic  # nothing is assigned through an instance that cannot assign accounts
    [way] = plan.manual_changes
    assert way.key == "leave-account-instance"
    assert any("delete this account instance" in step for step in way.instructions)
    assert any("Enable with AWS Organizations" in step and "management account" in step for step in way.instructions)


def test_the_organization_instance_of_the_management_account_passes():
    st = configured(organization={"Id": "o-1", "MasterAccountId": ACCT})
    assert sso.evaluate(st)[0].status is Status.PASS


def test_a_new_user_comes_with_the_console_task_to_invite_them():
    plan = sso.plan(empty_instance(), FIRST_USER)
    create = next(c for c in plan.automatic if c.call.operation == "CreateUser")
    assert "invitation" not in create.reason or "no invitation" in create.reason
    invite = [c for c in plan.manual_changes if c.key == "invite-first-user"]
    assert len(invite) == 1 and "jane.doe" in invite[0].reason
    assert any("verification" in step for step in invite[0].instructions)
    assert plan.changes.index(invite[0]) > plan.changes.index(create)


def test_no_invite_task_when_the_user_exists_already():
    plan = sso.plan(configured(), {"user_name": "jane", "email": "j@example.com", "given_name": "J",
                                   "family_name": "D"})
    assert not [c for c in plan.manual_changes if c.key == "invite-first-user"]


def test_a_standalone_owner_is_told_what_enabling_with_organizations_changes():
    st = configured(instance=None, instances={"us-east-1": []}, organization=None)
    [enable] = sso.plan(st, {}).manual_changes
    text = " ".join(enable.instructions)
    assert "Enable with AWS Organizations" in text
    for effect in ("management account", "never restrict this account", "pay for any member"):
        assert effect in text, effect
