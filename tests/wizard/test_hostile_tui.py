"""Pilot tests: names from the account and text typed into a field are shown, never interpreted."""

from __future__ import annotations

from textual.widgets import Label, Select

from steps import by_id
from tests.wizard.tui import assessed, make_app, open_step, press_until, screen_name, wait_for
from wizard.sandbox.scenarios.hostile import ACCOUNT_NAME, CONTACT_NAME, seed_hostile

contacts = by_id("contacts")


async def test_account_names_and_contact_names_are_shown_as_text(account):
    """An organization account named ``prod [/] [bold] <img ...>`` is listed as written in the picker,
    and the OSC title sequence in the security contact's name reaches the step screen as visible text."""
    sb = account("org")
    seed_hostile(sb)
    app = make_app(sb, steps=[contacts])
    async with app.run_test(size=(160, 40)) as pilot:
        await assessed(pilot)
        assert screen_name(app) == "WelcomeScreen"
        assert {name for _, name in app.identity.org_accounts} >= {ACCOUNT_NAME}
        picker = app.screen.query_one("#account-picker", Select)
        picker.focus()
        await wait_for(pilot, lambda: app.screen.focused is picker, settle=False)
        await press_until(pilot, "enter", lambda: picker.expanded, "the list")  # open: every option is drawn
        await pilot.pause()
        assert "prod [/] [bold]" in app.export_screenshot().replace("&#x27;", "'").replace("&#160;", " ")
        await pilot.press("escape")
        assert app.is_running and screen_name(app) == "WelcomeScreen"

        await open_step(pilot, "contacts")
        assert any(CONTACT_NAME in f.message for f in app.results["contacts"].findings)
        shot = app.export_screenshot()
        assert "\x1b" not in shot and "\x07" not in shot
        assert "\\x1b]2;pwned\\x07" in shot  # shown, as a visible escape


async def test_a_form_field_takes_markup_as_text(account):
    """Typing ``[/`` (then a whole tag) into a field shows the hint; the app keeps running."""
    app = make_app(account("insecure"), steps=[contacts])
    async with app.run_test(size=(100, 32)) as pilot:
        await assessed(pilot)
        await open_step(pilot, "contacts")
        app.screen.query_one("#input-email").focus()  # the field, as a Tab or a click would
        hint = app.screen.query_one("#hint-email", Label)
        await pilot.press(*"[/")
        await wait_for(pilot, lambda: "'[/' is not an email address" in str(hint.render()), settle=False)
        assert hint.has_class("-invalid")
        await pilot.press(*"b]x[/b]")
        await wait_for(pilot, lambda: "'[/b]x[/b]' is not an email address" in str(hint.render()), settle=False)
        assert app.is_running and screen_name(app) == "StepScreen"
