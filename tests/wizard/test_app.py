"""Pilot tests of the wizard against the sandbox: navigation, validation, apply, errors, summary."""

from __future__ import annotations

import boto3

import pytest
from textual.widgets import Button, Input, Label, OptionList, Select

from steps import STEPS, by_id
from steps.base import Status
from tests.helpers import DEMO_ANSWERS
from tests.wizard.tui import (apply_current, assessed, button_actions, fill, make_app, open_step, press_until,
                               screen_name, simulate_actions, wait_for)

contacts = by_id("contacts")


async def test_welcome_shows_the_caller_and_the_sidebar_fills_in(account):
    sb = account("insecure")
    app = make_app(sb)
    async with app.run_test(size=(100, 32)) as pilot:
        assert screen_name(app) == "WelcomeScreen"  # the first screen does not wait for AWS
        await assessed(pilot)
        identity = app.identity
        assert identity.account_id == sb.account_id
        assert identity.arn and identity.regions
        text = str(app.screen.query_one("#identity").render())
        assert identity.account_id in text and identity.arn in text
        assert app.screen.query_one("#root-warning").display == identity.is_root
        options = app.screen.query_one("#step-options", OptionList)
        assert options.option_count == len(STEPS) + 2
        for step in STEPS:
            assert app.step_state(step.INFO.id) in ("PASS", "FAIL", "MANUAL", "UNKNOWN")
        label = str(app.screen.query_one("#assess-label", Label).render())
        failing = sum(1 for s in app.steps if app.step_state(s.INFO.id) == "FAIL")
        assert label == (f"{failing} of {len(app.steps)} failing" if failing else f"none of {len(app.steps)} failing")


async def test_inputs_are_validated_inline_and_block_review(account):
    sb = account("insecure")
    app = make_app(sb, steps=[contacts])
    async with app.run_test(size=(100, 32)) as pilot:
        await assessed(pilot)
        await open_step(pilot, "contacts")
        app.screen.query_one("#input-email").focus()
        await pilot.pause()
        await pilot.press(*"not-an-email")
        hint = app.screen.query_one("#hint-email", Label)
        await wait_for(pilot, lambda: "'not-an-email' is not an email address" in str(hint.render()),
                       what="the hint on the whole text typed", settle=False)
        assert hint.has_class("-invalid")
        plan = app.plan_for("contacts")
        assert "email" in plan.needs
        await pilot.press("escape")  # leave the field, then the letter keys work again
        # review with answers missing: no confirmation, the fields are marked
        await press_until(pilot, "a", lambda: len(app._notifications) == 1, "the review")  # noqa: SLF001
        assert screen_name(app) == "StepScreen"
        assert app.screen.query_one("#hint-name", Label).has_class("-invalid")
        # a toast's text is Content (breakable at / and :); its plain text is what is shown
        said = [str(n.message) for n in app._notifications]  # noqa: SLF001
        assert any("\nFill in: Contact name, Contact title, Contact email" in m for m in said), said
        # the fields are shown, not focused: a second `a` reviews again instead of typing "a" (on Audit,
        # "security@example.com" became "security@example.coma")
        await press_until(pilot, "a", lambda: len(app._notifications) == 2, "the second review")  # noqa: SLF001
        assert not isinstance(app.screen.focused, Input) and app.screen.query_one("#input-name", Input).value == ""
        await fill(pilot, DEMO_ANSWERS["contacts"])
        assert not app.screen.query_one("#hint-email", Label).has_class("-invalid")
        plan = app.plan_for("contacts")
        assert not plan.needs and len(plan.automatic) == 3
        assert len(app.screen.query(".change")) >= 3


async def test_confirm_lists_every_call_and_applying_passes_the_step(account):
    sb = account("insecure")
    app = make_app(sb, steps=[contacts])
    async with app.run_test(size=(100, 32)) as pilot:
        await assessed(pilot)
        await open_step(pilot, "contacts")
        await fill(pilot, DEMO_ANSWERS["contacts"])
        await pilot.press("a")
        await wait_for(pilot, lambda: screen_name(app) == "ConfirmScreen")
        calls = [str(s.render()) for s in app.screen.query(".confirm-call")]
        assert len(calls) == 3
        assert all("account.PutAlternateContact" in c and "security@example.com" in c for c in calls)
        await pilot.click("#apply")
        await wait_for(pilot, lambda: screen_name(app) == "ApplyScreen" and app.screen.done)
        log = "\n".join(app.screen.query_one("#apply-log").lines)
        assert log.count("✔ account.PutAlternateContact") == 3 and "Re-checked" in log
        await pilot.press("escape")
        await pilot.pause()
        findings = {f.check: f.status for f in app.results["contacts"].findings}
        assert findings["security-contact"] is Status.PASS
        assert app.step_state("contacts") == "MANUAL"  # the primary contact stays a person's job
        assert len(app.applied["contacts"]) == 3


async def test_a_failing_call_shows_the_error_and_the_app_keeps_running(account):
    sb = account("insecure")
    app = make_app(sb, steps=[contacts])
    async with app.run_test(size=(100, 32)) as pilot:
        await assessed(pilot)
        await open_step(pilot, "contacts")
        await fill(pilot, DEMO_ANSWERS["contacts"])
        sb.set_faults(rate=1.0, kinds=("denied",), operations=["PutAlternateContact"])
        await apply_current(pilot, app.identity.account_id)
        assert screen_name(app) == "ErrorScreen"
        assert "account:PutAlternateContact" in app.screen.message
        sb.set_faults(rate=0.0)
        await pilot.press("escape")
        await wait_for(pilot, lambda: screen_name(app) == "ApplyScreen" and app.screen.done)
        await press_until(pilot, "escape", lambda: screen_name(app) == "StepScreen", "closing the apply")
        assert app.is_running
        # still usable: the same plan applies once the fault is gone
        await apply_current(pilot, app.identity.account_id)
        assert screen_name(app) == "ApplyScreen"
        await pilot.press("escape")
        await pilot.pause()
        assert not app.plan_for("contacts").automatic


async def test_a_changed_account_shows_the_new_plan_instead_of_applying(account):
    sb = account("insecure")
    app = make_app(sb, steps=[contacts])
    async with app.run_test(size=(100, 32)) as pilot:
        await assessed(pilot)
        await open_step(pilot, "contacts")
        await fill(pilot, DEMO_ANSWERS["contacts"])
        # someone sets the security contact after the plan was shown
        app.aws.write(__import__("steps.base", fromlist=["Call"]).Call(
            "account", "PutAlternateContact", {"AlternateContactType": "SECURITY", "Name": "Other", "Title": "CISO",
                                               "EmailAddress": "ciso@example.com", "PhoneNumber": "+1 206 555 0199"}))
        await apply_current(pilot, app.identity.account_id)
        assert screen_name(app) == "ErrorScreen"
        assert "changed" in app.screen.error_title
        assert app.screen.message.count("account.PutAlternateContact") == 2  # the new plan: billing, operations
        await pilot.press("escape")
        await wait_for(pilot, lambda: getattr(app.screen, "done", False))
        await pilot.press("escape")
        await pilot.pause()
        assert len(app.plan_for("contacts").automatic) == 2


async def test_risky_plans_need_the_account_id_typed():
    from textual.app import App

    from steps.base import Call, Change, Plan
    from wizard.screens.confirm import ConfirmScreen

    plan = Plan("regions", changes=(Change("Deny unused regions", Call("organizations", "CreatePolicy", {"Name": "x"}),
                                           risky=True, warning="workloads there stop"),))
    results = []

    class Host(App):
        def on_mount(self) -> None:
            self.push_screen(ConfirmScreen(by_id("contacts"), plan, "123456789012"), results.append)

    app = Host()
    async with app.run_test() as pilot:
        await pilot.pause()
        apply = app.screen.query_one("#apply", Button)
        assert apply.disabled
        await pilot.press(*"123456789000")
        assert apply.disabled
        error = app.screen.query_one("#confirm-error")
        await press_until(pilot, "enter", lambda: bool(str(error.render())), "the error")  # a wrong id says so
        error = str(error.render())
        assert "not this account's id" in error and "123456789012" in error and results == []
        app.screen.query_one("#confirm-account").value = "123456789012"
        await pilot.pause()
        assert not apply.disabled
        await pilot.click("#apply")
        await pilot.pause()
    assert results == [True]


async def test_manual_step_offers_recheck_and_sandbox_simulation(account, monkeypatch):
    """A sandbox connection offers to simulate the console task, with no environment variable set."""
    root = pytest.importorskip("steps.root")
    sb = account("insecure")
    monkeypatch.delenv("AWS_ESSENTIALS_SANDBOX", raising=False)
    app = make_app(sb, steps=[root], sandbox=True)
    async with app.run_test(size=(100, 32)) as pilot:
        await assessed(pilot)
        await open_step(pilot, "root")
        actions = button_actions(app.screen)
        assert ("screen.recheck", ()) in actions and ("screen.simulate", ("enable_root_mfa",)) in actions
        labels = [str(b.label) for b in app.screen.query(Button) if b.action and "simulate" in b.action]
        assert labels and all("sandbox only" in label for label in labels)
        mfa = next(f for f in app.results["root"].findings if "1.4" in f.cis)
        assert mfa.status is Status.FAIL
        button = next(b for b in app.screen.query(Button) if b.action == "screen.simulate('enable_root_mfa')")
        button.scroll_visible(animate=False)
        await pilot.pause()
        button.press()
        await wait_for(pilot, lambda: "root" not in app.running and app.results["root"] is not app.first["root"])
        mfa = next(f for f in app.results["root"].findings if "1.4" in f.cis)
        assert mfa.status is Status.PASS


async def test_no_simulation_outside_the_sandbox(account, monkeypatch):
    """A connection that is not the sandbox never offers to simulate, whatever the environment says."""
    root = pytest.importorskip("steps.root")
    sb = account("insecure")
    monkeypatch.setenv("AWS_ESSENTIALS_SANDBOX", sb.endpoint_url)  # what `demo` used to set: read no more
    app = make_app(sb, steps=[root])
    async with app.run_test(size=(100, 32)) as pilot:
        await assessed(pilot)
        await open_step(pilot, "root")
        assert ("screen.recheck", ()) in button_actions(app.screen)
        assert simulate_actions(app.screen) == []
        app.simulate_console("enable_root_mfa", "root")  # nor does the app do it when asked
        assert "root" not in app.running and app.changes == 0


async def test_summary_skip_and_export(account, tmp_path):
    from wizard.__main__ import main

    sb = account("insecure")
    assert main(["check", "--steps", "contacts", "--format", "json", "--output", str(tmp_path / "c.json")]) == 3
    sb_account = sb.account_id
    boto3.client("account", endpoint_url=sb.endpoint_url, region_name="us-east-1").put_alternate_contact(
        AlternateContactType="BILLING", Name="Billing", Title="CFO", EmailAddress="billing@example.com",
        PhoneNumber="+1 206 555 0101")
    folder = tmp_path / "reports [b]x"  # not made yet; a name that would be markup
    app = make_app(sb, steps=[contacts], report_dir=folder)
    async with app.run_test(size=(100, 32)) as pilot:
        await assessed(pilot)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("s")  # skip contacts: the summary says so
        await wait_for(pilot, lambda: screen_name(app) == "SummaryScreen")
        left = str(app.screen.query_one("#summary-left").render())
        assert "skipped by you" in left and "Security alternate contact is set" in left
        box = app.screen.query_one("#summary-diff-box")  # collapsed to its counts; it opens to the list
        diff = str(app.screen.query_one("#summary-diff").render())
        assert box.collapsed and "1 fixed, 0 regressed, 0 new" in str(box.title) and "Billing alternate contact" in diff
        await pilot.press("e")  # Export asks where, offering the reports folder
        await wait_for(pilot, lambda: screen_name(app) == "ExportScreen" and isinstance(app.screen.focused, Input),
                       what="the export dialog, its field focused")
        field = app.screen.query_one("#export-folder", Input)
        assert field.value == str(folder) and app.screen.focused is field
        result = app.screen.query_one("#export-result")
        await press_until(pilot, "enter", lambda: bool(str(result.render())) and isinstance(app.screen.focused, Button),
                          "the export, then the focus on Close")
        report = folder / f"aws-essentials-report-{sb_account}.md"
        # the dialog shows the full paths afterwards, not only a toast
        shown = str(app.screen.query_one("#export-result").render())
        assert str(report.with_suffix(".html")) in shown and str(report) in shown
        said = [str(n.message) for n in app._notifications]  # noqa: SLF001
        # "[b]" in the folder's name is shown as typed, never read as markup
        assert f"Exported\nReport written to {report.with_suffix('.html')} (and .md beside it)" in said, said
        text = report.read_text()
        assert text.startswith("# Account report: ") and "Security alternate contact is set" in text
        assert "## How to fix" in text  # the same Markdown as `check --format markdown`, fixes included
        assert oct(report.stat().st_mode & 0o777) == "0o600"
        html = (folder / f"aws-essentials-report-{sb_account}.html").read_text()
        assert sb_account in html and "Security alternate contact is set" in html
        await press_until(pilot, "enter", lambda: screen_name(app) == "SummaryScreen", "Close")
        assert ("Reports (Export)", folder) in app.file_locations()


def _palette_highlights(app, text: str) -> bool:
    """The command palette has searched and highlights a command named with ``text`` (Enter runs it)."""
    from textual.command import CommandList

    found = app.screen.query(CommandList)
    if not found or found.first().highlighted is None:
        return False
    option_list = found.first()
    return text in str(option_list.get_option_at_index(option_list.highlighted).prompt)


async def test_command_palette_goes_to_a_step_and_back_navigation(account):
    sb = account("insecure")
    app = make_app(sb, steps=[contacts])
    async with app.run_test(size=(100, 32)) as pilot:
        await assessed(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Security contacts")
        await wait_for(pilot, lambda: _palette_highlights(app, "Security contacts"), what="the palette's match")
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen_name(app) == "StepScreen")
        assert app.screen.step is contacts
        await pilot.press("b")
        await wait_for(pilot, lambda: screen_name(app) == "WelcomeScreen")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Summary")
        await wait_for(pilot, lambda: _palette_highlights(app, "Summary"), what="the palette's match")
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen_name(app) == "SummaryScreen")


async def test_usable_at_80x24_and_200x60(account):
    sb = account("insecure")
    app = make_app(sb, steps=[contacts])
    async with app.run_test(size=(80, 24)) as pilot:
        await assessed(pilot)
        await open_step(pilot, "contacts")
        assert app.screen.has_class("-narrow")
        for widget_id in ("#review", "#input-email", "#sidebar"):
            widget = app.screen.query_one(widget_id)
            widget.scroll_visible(animate=False)
            await pilot.pause()
            assert widget.region.width > 0 and widget.region.right <= 80
        await pilot.resize_terminal(200, 60)
        await pilot.pause()
        assert app.screen.has_class("-wide")
        assert app.screen.query_one("#review").region.bottom <= 60


async def test_no_credentials_is_shown_not_raised(monkeypatch):
    from steps.base import StepError
    from wizard.app import WizardApp

    def connect():
        raise StepError("no AWS credentials were found", "run `aws configure`")

    app = WizardApp(connect, steps=[contacts])
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_for(pilot, lambda: screen_name(app) == "ErrorScreen")
        assert "aws configure" in app.screen.hint
        await pilot.press("escape")
        await pilot.pause()
        assert "no AWS credentials" in str(app.screen.query_one("#identity").render())


async def test_welcome_picks_an_account_of_the_organization(account):
    """From the management account, the welcome screen lists the organization and switches to a member."""
    sb = account("org")
    member = sb.member_account_ids[2]
    app = make_app(sb, steps=[contacts])
    async with app.run_test(size=(100, 32)) as pilot:
        await assessed(pilot)
        picker = app.screen.query_one("#account-picker", Select)
        assert app.screen.query_one("#org-picker").display
        assert {account for account, _ in app.identity.org_accounts} == {sb.account_id, *sb.member_account_ids}
        assert picker.value == sb.account_id
        picker.value = member
        await wait_for(pilot, lambda: app.identity is not None and app.identity.account_id == member, what="switch")
        await assessed(pilot)
        assert app.results["contacts"].findings
        assert member in str(app.screen.query_one("#identity").render())
        picker = app.screen.query_one("#account-picker", Select)
        assert picker.value == member  # the choices stay, so the way back is there
        picker.value = sb.account_id
        await wait_for(pilot, lambda: app.identity is not None and app.identity.account_id == sb.account_id)


async def test_standalone_account_has_no_picker(account):
    sb = account("insecure")
    app = make_app(sb, steps=[contacts])
    async with app.run_test(size=(100, 32)) as pilot:
        await assessed(pilot)
        assert not app.screen.query_one("#org-picker").display
