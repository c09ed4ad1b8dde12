"""Pilot tests: names from the account and text typed into a field are shown, never interpreted."""

from __future__ import annotations

from textual.widgets import Label, Select

from steps import by_id
from tests.wizard.tui import assessed, make_app, screen_name
from wizard.sandbox.scenarios.hostile import ACCOUNT_NAME, CONTACT_NAME, seed_hostile

contacts = by_id("contacts")


async def test_account_picker_shows_a_markup_account_name(account):
    """An organization account named ``prod [/] [bold] <img ...>`` is listed as written."""
    sb = account("org")
    seed_hostile(sb)
    app = make_app(sb, steps=[contacts])
    async with app.run_test(size=(120, 40)) as pilot:
        await assessed(pilot)
        assert screen_name(app) == "WelcomeScreen"
        picker = app.screen.query_one("#account-picker", Select)
        assert {name for _, name in app.identity.org_accounts} >= {ACCOUNT_NAME}
        picker.focus()
        await pilot.press("enter")  # open the list: every option is drawn
        await pilot.pause()
        shot = app.export_screenshot()
        assert "prod [/] [bold]" in shot.replace("&#x27;", "'").replace("&#160;", " ")
        await pilot.press("escape")
        assert app.is_running and screen_name(app) == "WelcomeScreen"


async def test_a_form_field_takes_markup_as_text(account):
    """Typing ``[/`` (and an escape sequence) into a field shows the hint; the app keeps running."""
    sb = account("insecure")
    app = make_app(sb, steps=[contacts])
    async with app.run_test(size=(100, 32)) as pilot:
        await assessed(pilot)
        app.go_to_step("contacts")
        await pilot.pause()
        app.screen.query_one("#input-email").focus()
        await pilot.pause()
        await pilot.press(*"[/")
        await pilot.pause()
        hint = app.screen.query_one("#hint-email", Label)
        assert hint.has_class("-invalid")
        assert "'[/' is not an email address" in str(hint.render())
        await pilot.press(*"b]x[/b]")
        await pilot.pause()
        assert "'[/b]x[/b]' is not an email address" in str(app.screen.query_one("#hint-email", Label).render())
        assert app.is_running and screen_name(app) == "StepScreen"


async def test_a_contact_name_cannot_send_an_escape_sequence(account):
    """The OSC title sequence in the security contact's name reaches the screen as visible text."""
    sb = account("insecure")
    seed_hostile(sb)
    app = make_app(sb, steps=[contacts])
    async with app.run_test(size=(160, 40)) as pilot:
        await assessed(pilot)
        app.go_to_step("contacts")
        await pilot.pause()
        findings = str(app.results["contacts"].findings)
        assert CONTACT_NAME in findings or "pwned" in findings
        shot = app.export_screenshot()
        assert "\x1b" not in shot and "\x07" not in shot
        assert "\\x1b]2;pwned\\x07" in shot  # shown, as a visible escape
