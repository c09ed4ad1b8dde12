"""`fix`, `history` and `undo` on the contacts step, in-process against the sandbox."""

from __future__ import annotations

import json

import pytest

from steps.base import Call, Change
from wizard.__main__ import main
from wizard.journal import Journal

SET = ["--set", "contacts.name=Security Team", "--set", "contacts.title=Lead",
       "--set", "contacts.email=sec@example.com", "--set", "contacts.phone=+1 206 555 0100"]


def test_fix_needs_yes_and_named_steps(account, capsys):
    account("insecure")
    assert main(["fix", "--yes"]) == 2
    assert "--steps" in capsys.readouterr().err
    assert main(["fix", "--steps", "contacts"]) == 2
    assert "--yes" in capsys.readouterr().err


def test_fix_without_answers_says_which(account, capsys):
    account("insecure")
    assert main(["fix", "--steps", "contacts", "--yes"]) == 1
    out = capsys.readouterr().out
    assert "needs answers" in out and "--set contacts." in out


def test_fix_then_check_passes_then_undo_restores(account, capsys):
    account("insecure")
    assert main(["fix", "--steps", "contacts", "--yes", *SET]) == 0
    out = capsys.readouterr().out
    assert out.count("PutAlternateContact: done") == 3
    assert "skipped Manual" in out  # the primary contact is a console task
    assert main(["check", "--steps", "contacts", "--format", "json"]) == 0
    capsys.readouterr()

    assert main(["history", "--format", "json"]) == 0
    history = json.loads(capsys.readouterr().out)
    assert [h["call"] for h in history] == ["account.PutAlternateContact"] * 3
    assert all(h["result"] == "ok" and h["undoable"] for h in history)

    # --last reverses the whole last apply: its three calls, newest first.
    assert main(["undo", "--last", "--yes"]) == 0
    capsys.readouterr()
    assert main(["check", "--steps", "contacts", "--format", "json"]) == 3
    document = json.loads(capsys.readouterr().out)
    status = {f["check"]: f["status"] for f in document["findings"]}
    assert [status[c] for c in ("billing-contact", "operations-contact", "security-contact")] == ["FAIL"] * 3

    assert main(["history", "--format", "json"]) == 0
    history = json.loads(capsys.readouterr().out)
    assert len({h["apply_id"] for h in history[:3]}) == 1  # one apply
    assert all(h["result"].startswith("undone by") for h in history[:3])
    assert [h["undo_of"] for h in history[3:]] == [history[2]["id"], history[1]["id"], history[0]["id"]]
    assert main(["undo", history[2]["id"], "--yes"]) == 1
    assert "already undone" in capsys.readouterr().err


def test_change_without_undo_is_refused_with_reason(account, capsys):
    sb = account("insecure")
    journal = Journal(sb.account_id)
    entry = journal.begin("keys", Change("delete the old key", Call("iam", "DeleteAccessKey", {"AccessKeyId": "AKIA"}),
                                         undo_note="a deleted key cannot be brought back"), {"AccessKeyId": "AKIA"})
    journal.finish(entry, ok=True)
    assert main(["undo", entry, "--yes"]) == 1
    assert "cannot be undone: a deleted key cannot be brought back" in capsys.readouterr().err


def test_interrupted_apply_is_reported_once(account, capsys):
    sb = account("insecure")
    journal = Journal(sb.account_id)
    journal.begin("contacts", Change("r", Call("account", "PutAlternateContact", {"AlternateContactType": "SECURITY"})),
                  {"AlternateContactType": "SECURITY"})
    # ...the process was killed here, before AWS answered.
    main(["check", "--steps", "contacts", "--format", "json"])
    err = capsys.readouterr().err
    assert "interrupted while sending account.PutAlternateContact" in err
    main(["check", "--steps", "contacts", "--format", "json"])
    assert "interrupted" not in capsys.readouterr().err
    assert main(["history", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["result"] == "interrupted"


def test_undo_needs_an_id_or_last(account, capsys):
    account("insecure")
    assert main(["undo"]) == 2
    assert main(["undo", "--last", "--yes"]) == 2
    assert "no change to undo" in capsys.readouterr().err


def test_fix_of_several_steps_plans_each_after_the_fixes_before_it(account, capsys):
    """The s3 step hardens the buckets that audit_logging's fix creates only if it reads after it."""
    account("insecure")
    code = main(["fix", "--steps", "contacts", "audit_logging", "s3", "--yes", *SET,
                 "--set", "audit_logging.alarm_email=alarms@example.com"])
    out = capsys.readouterr().out
    assert "account changed while planning" not in out
    assert code == 0, out
    assert main(["check", "--steps", "contacts", "audit_logging", "s3", "--format", "json"]) in (0, 3)
    document = json.loads(capsys.readouterr().out)
    fixable_fails = [f for f in document["findings"] if f["status"] == "FAIL" and f["fixable"]
                     and f["step"] != "s3"]
    assert not fixable_fails, fixable_fails


def test_fix_replace_puts_a_new_contact_and_undo_puts_the_old_one_back(account, capsys):
    account("secure")  # every alternate contact is registered
    new = ["--steps", "contacts", "--yes", "--set", "contacts.email=new-sec@example.com"]
    assert main(["fix", *new]) == 0
    assert "contacts: nothing to change" in capsys.readouterr().out  # without --replace, kept as it is

    assert main(["fix", *new, "--replace"]) == 0
    assert capsys.readouterr().out.count("PutAlternateContact: done") == 3
    assert main(["history", "--format", "json"]) == 0
    history = json.loads(capsys.readouterr().out)
    assert [h["call"] for h in history] == ["account.PutAlternateContact"] * 3
    assert all(h["result"] == "ok" and h["undoable"] for h in history)

    def held(kind="SECURITY"):
        assert main(["check", "--steps", "contacts", "--format", "json"]) == 0
        document = json.loads(capsys.readouterr().out)
        return next(f["message"] for f in document["findings"] if f["check"] == f"{kind.lower()}-contact")

    # the given field changed, the others were kept
    assert held() == "Sam Secure <new-sec@example.com>"
    assert main(["undo", "--last", "--yes"]) == 0
    capsys.readouterr()
    assert held() == "Sam Secure <security@example.com>"
    assert held("BILLING") == "Bea Billing <billing@example.com>"


def test_fix_replace_needs_contacts_answers(account, capsys):
    account("secure")
    assert main(["fix", "--steps", "contacts", "--yes", "--replace"]) == 2
    assert "--set contacts." in capsys.readouterr().err
