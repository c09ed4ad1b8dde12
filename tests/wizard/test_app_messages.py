"""The wizard's workers report by messages that carry their generation; older generations are dropped.

The account-switch race: the first account's assessment is held (an Event in its collect, never a
sleep) while the person switches to another account of the organization; once released, its
results must not land on the new account's screens.
"""

from __future__ import annotations

import asyncio
import threading

import pytest

import wizard.assess
from steps import by_id
from steps.base import Call
from tests.helpers import open_aws
from tests.wizard.tui import make_app, screen_name, wait_for

contacts = by_id("contacts")
MEMBER_CONTACT = "Member Security Team"


@pytest.mark.timeout(300)
async def test_switching_account_during_the_first_assessment_shows_the_new_accounts_findings(account, monkeypatch):
    sb = account("org")
    member = sb.member_account_ids[0]
    # Only the member has a security contact, so the findings say which account they came from.
    open_aws(sb).member(member).write(Call("account", "PutAlternateContact", {
        "AlternateContactType": "SECURITY", "Name": MEMBER_CONTACT, "Title": "Security",
        "EmailAddress": "security@example.com", "PhoneNumber": "+1 206 555 0100"}))

    entered, release, old_done = threading.Event(), threading.Event(), threading.Event()
    collect, assess = contacts.collect, wizard.assess.assess

    def held_collect(aws, *args, **kwargs):
        if aws.account_id == sb.account_id and not release.is_set():  # the management account's first read
            entered.set()
            assert release.wait(120), "the test never released the first assessment"
        return collect(aws, *args, **kwargs)

    def tracked_assess(aws, *args, **kwargs):
        try:
            return assess(aws, *args, **kwargs)
        finally:
            if aws.account_id == sb.account_id:
                old_done.set()

    monkeypatch.setattr(contacts, "collect", held_collect)
    monkeypatch.setattr(wizard.assess, "assess", tracked_assess)
    app = make_app(sb, steps=[contacts])
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_for(pilot, entered.is_set, what="the first assessment to start")
        assert app.identity is not None and app.identity.account_id == sb.account_id
        app.switch_account(member)
        await wait_for(pilot, lambda: app.identity is not None and app.identity.account_id == member
                       and "contacts" in app.results, what="the member's assessment")
        release.set()  # the management account's findings arrive now, after the switch
        await wait_for(pilot, old_done.is_set, what="the first assessment to finish")
        await asyncio.sleep(0)  # a yield, not a wait: the worker's last message is queued before the marker
        handled = asyncio.Event()
        app.call_later(handled.set)  # the app handles its messages in order: this runs after that one
        await wait_for(pilot, handled.is_set, what="the app to handle the first assessment's message")

        assert app.identity.account_id == member and not app.running
        app.go_to_step("contacts")
        await wait_for(pilot, lambda: screen_name(app) == "StepScreen")
        # a row is one widget since 1b17744 (wizard/widgets/cells.py): its cells' text, not Labels
        shown = "\n".join(cell.plain for row in app.screen.query("#findings CellsRow")
                          for cell in (row.status_cell, row.where, row.message))
        assert MEMBER_CONTACT in shown, "the new account's id is shown with the old account's findings"
        assert app.assessed == 1 and app.first["contacts"] is app.results["contacts"]


def test_a_read_overtaken_by_a_newer_one_is_not_shown():
    """A re-check that began before an apply, arriving after the apply's own re-check, is older news."""
    from wizard.app import WizardApp
    from wizard.assess import StepResult
    from wizard.wizard_run import StepAssessed

    app = WizardApp(lambda: None, steps=[contacts])
    before_apply = StepResult(contacts)
    app.running.add("contacts")
    app.record_apply("contacts", [object()])  # one call sent: the account changed
    after_apply = StepResult(contacts)
    app.record_assessed(StepAssessed(after_apply, app.generation, app.changes))
    app.record_assessed(StepAssessed(before_apply, app.generation, 0))
    assert app.results["contacts"] is after_apply and not app.is_stale("contacts")
    assert "contacts" not in app.running
    app.generation += 1  # what a switch of account does: the old account's reports are dropped
    app.record_assessed(StepAssessed(StepResult(contacts), app.generation - 1, app.changes))
    assert app.results["contacts"] is after_apply


def test_screens_reach_the_run_only_through_the_typed_property():
    """Screens and widgets use ``self.wizard`` (wizard.wizard_run.WizardRun) for the run's state, and
    ``self.app`` only for what every Textual app has; the app implements that protocol."""
    import ast
    from pathlib import Path

    from textual.app import App

    import wizard
    from wizard.app import WizardApp
    from wizard.wizard_run import WizardRun

    root = Path(wizard.__file__).parent
    reached: list[str] = []
    for path in sorted([*root.glob("screens/*.py"), *root.glob("widgets/*.py")]):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Attribute):
                continue
            target = node.value
            is_app = (isinstance(target, ast.Name) and target.id == "app") or (
                isinstance(target, ast.Attribute) and target.attr == "app"
                and isinstance(target.value, ast.Name) and target.value.id == "self")
            if is_app and not hasattr(App, node.attr):
                reached.append(f"{path.relative_to(root)}: app.{node.attr}")
    assert reached == [], "use self.wizard (add the name to WizardRun if screens need it)"
    assert isinstance(WizardApp(lambda: None, steps=[contacts]), WizardRun)
