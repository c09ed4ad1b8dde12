"""What a form starts with: the declared default, and the security contact's email for the alarms."""

from __future__ import annotations

from types import SimpleNamespace

from steps import by_id
from wizard.answer_defaults import default_answers

audit, contacts, regions = by_id("audit_logging"), by_id("contacts"), by_id("regions")


def contacts_read(email):
    """A contacts step's result whose state has the security contact ``email`` (None: none registered)."""
    security = {"Name": "Sec", "EmailAddress": email} if email else None
    return SimpleNamespace(state={"alternate": {"SECURITY": security, "BILLING": None, "OPERATIONS": None},
                                  "primary": None})


def test_the_alarm_email_starts_as_the_registered_security_contact():
    found = default_answers(audit, {"contacts": contacts_read("sec@example.com")}, {})
    assert found == {"alarm_email": "sec@example.com"}


def test_the_security_email_typed_in_this_run_wins_over_the_registered_one():
    typed = {"contacts": {"email": "team@example.com"}}
    assert default_answers(audit, {"contacts": contacts_read("old@example.com")}, typed) == {
        "alarm_email": "team@example.com"}


def test_no_security_contact_leaves_the_alarm_email_empty_and_declared_defaults_stay():
    assert default_answers(audit, {"contacts": contacts_read(None)}, {}) == {}
    unreadable = SimpleNamespace(state={"alternate": {"SECURITY": {"__unreadable__": "denied"}}})
    assert default_answers(audit, {"contacts": unreadable}, {}) == {}
    assert default_answers(regions, {}, {})["scp_target"] == "root"


def test_an_optional_label_says_optional_once():
    labels = [item.prompt for step in (regions, audit, contacts) for item in step.INFO.inputs]
    assert all(label.count("(optional)") <= 1 for label in labels), labels
    assert "Break-glass role (optional)" in labels
