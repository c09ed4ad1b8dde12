"""`undo` of `fix --org` changes, from the management account's session (the org scenario)."""

from __future__ import annotations

import json

from tests.helpers import open_aws
from wizard.__main__ import main
from wizard.commands.undo import pick
from wizard.journal import Entry


def entry(entry_id: str, apply_id: str, account_id: str = "111111111111") -> Entry:
    return Entry(id=entry_id, time="t", account_id=account_id, step="contacts", change={}, params={}, ok=True,
                 apply_id=apply_id)


def test_an_apply_id_picks_every_change_of_that_apply_newest_first():
    entries = [entry("a1", "A"), entry("b1", "B", "222222222222"), entry("a2", "A")]
    assert [e.id for e in pick(entries, "999999999999", "A", False)] == ["a2", "a1"]
    assert [e.id for e in pick(entries, "999999999999", "b1", False)] == ["b1"]


def test_undo_reaches_a_member_change_from_the_management_account(account, capsys):
    sb = account("org")
    member = sb.member_account_ids[0]
    contacts = open_aws(sb).member(member).client("account")
    assert main(["fix", "--org", "--accounts", member, "--steps", "contacts", "--yes",
                 "--set", "contacts.email=new-sec@example.com", "--replace"]) == 0
    capsys.readouterr()
    assert main(["history", "--account", member, "--format", "json"]) == 0
    history = json.loads(capsys.readouterr().out)
    assert [h["call"] for h in history] == ["account.PutAlternateContact"] * 3

    # Someone edits the security contact since: its undo is refused, the others are reversed.
    contacts.put_alternate_contact(AlternateContactType="SECURITY", Name="By Hand", Title="T",
                                   EmailAddress="hand@example.com", PhoneNumber="+1-555-0100")
    assert main(["undo", "--last", "--account", member, "--yes"]) == 1
    captured = capsys.readouterr()
    assert f"member account {member}" in captured.out
    assert "security contact was edited" in captured.err and len(captured.err.strip().splitlines()) == 1

    def email(kind):
        return contacts.get_alternate_contact(AlternateContactType=kind)["AlternateContact"]["EmailAddress"]

    assert email("BILLING") == "billing@example.com" and email("OPERATIONS") == "ops@example.com"
    assert email("SECURITY") == "hand@example.com"

    assert main(["undo", "--account", member, "--yes"]) == 2  # --account names the account of --last only
    assert "--account goes with --last" in capsys.readouterr().err
