"""The contacts step against the sandbox: apply, verify, journal, validation."""

from __future__ import annotations

import json

from steps import contacts
from steps.base import Status
from tests.helpers import DEMO_ANSWERS, fix, open_aws, plan_for
from wizard.apply import fresh_collect
from wizard.journal import Journal


def statuses(aws):
    return {f.check: f.status for f in contacts.evaluate(fresh_collect(aws, contacts))}


def test_apply_then_verify_then_nothing_to_do(account, tmp_path):
    sb = account("insecure")
    aws = open_aws(sb)
    assert statuses(aws)["security-contact"] is Status.FAIL
    journal = Journal(aws.account_id, tmp_path / "journal.jsonl")
    plan, result = fix(aws, contacts, journal=journal)
    assert result.ok
    assert [c.call.params["AlternateContactType"] for c in plan.automatic] == ["SECURITY", "BILLING", "OPERATIONS"]
    assert statuses(aws)["security-contact"] is Status.PASS
    assert not plan_for(aws, contacts).automatic

    # What AWS holds is exactly what the user typed.
    held = aws.client("account").get_alternate_contact(AlternateContactType="SECURITY")["AlternateContact"]
    assert held["EmailAddress"] == DEMO_ANSWERS["contacts"]["email"]

    entries = journal.entries()
    assert [e.call for e in entries] == ["account.PutAlternateContact"] * 3
    assert all(e.ok for e in entries)
    first = entries[0]
    assert first.change["before"] is None  # there was no contact: undo deletes it
    assert first.change["undo"]["operation"] == "DeleteAlternateContact"
    assert first.params["EmailAddress"] == DEMO_ANSWERS["contacts"]["email"]
    text = (tmp_path / "journal.jsonl").read_text()
    assert "testing" not in json.dumps([e.response for e in entries])  # no credential material
    assert "SecretAccessKey" not in text


def test_invalid_answers_plan_nothing_and_name_the_field(account):
    sb = account("insecure")
    aws = open_aws(sb)
    before = dict(aws.calls)
    plan = plan_for(aws, contacts, {**DEMO_ANSWERS["contacts"], "email": "security.example.com"})
    assert plan.needs == ("email",)
    assert not plan.changes
    assert "not an email address" in plan.notes[0]
    writes = {k: v for k, v in aws.calls.items() if k[1].startswith("Put")}
    assert not writes and before.keys() <= aws.calls.keys()


def test_secure_scenario_passes(account):
    sb = account("secure")
    found = statuses(open_aws(sb))
    assert found["security-contact"] is Status.PASS
    assert found["primary-contact"] is Status.MANUAL
