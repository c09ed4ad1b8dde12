"""The rule for keys and fields (wizard/screens/base.py): a letter binding never types into a field,
focus never moves into a field on its own, and while a field has the focus the footer stays and
shows only keys that still work there. A bare screen with the wizard's frame: no AWS, no sandbox."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.app import App
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widgets import Button, Footer, Input, Static

import wizard
from steps import by_id
from tests.wizard.tui import press_until, wait_for
from wizard.screens.base import WizardScreen
from wizard.widgets.form import InputsForm


class Form(WizardScreen):
    AUTO_FOCUS = "#home"

    def compose(self):  # the frame without the sidebar (it needs a run)
        with VerticalScroll(id="home"):
            yield InputsForm(by_id("contacts").INFO.inputs, {}, id="form")
            yield Button("Simulate doing this in the console", id="simulate")
        yield Footer()


class Host(App):
    version: reactive[int] = reactive(0)

    def __init__(self, screen: type[WizardScreen] = Form) -> None:
        super().__init__()
        self.moved: list[str] = []
        self.first = screen

    def get_default_screen(self) -> WizardScreen:
        return self.first()  # mounted before the test starts (a screen pushed in on_mount may not be yet)

    def action_next(self) -> None:
        self.moved.append("next")

    def action_back(self) -> None:
        self.moved.append("back")


def typed(app) -> list[str]:
    return [field.value for field in app.screen.query(Input)]


async def test_a_removed_button_never_hands_the_focus_to_a_field():
    """After Simulate the plan is drawn again: the button went, and `n` typed "n" into a name field."""
    app = Host()
    async with app.run_test() as pilot:
        app.screen.query_one("#simulate").focus()
        await pilot.pause()
        await app.screen.query_one("#simulate").remove()
        await pilot.pause()
        assert app.screen.focused is app.screen.query_one("#home")
        await press_until(pilot, "n", lambda: app.moved)
        assert app.moved == ["next"] and typed(app) == ["", "", "", ""]


async def test_in_a_field_the_footer_stays_and_shows_only_keys_that_work_there():
    app = Host()
    async with app.run_test() as pilot:
        await pilot.press("tab")  # into the first field, as a person does
        screen = app.screen
        assert isinstance(screen.focused, Input)
        assert screen.query_one(Footer).display
        shown = {key for key, active in screen.active_bindings.items() if active.binding.show}
        assert "escape" in shown and not [key for key in shown if len(key) == 1], shown
        await press_until(pilot, "n", lambda: typed(app)[0] == "n")
        assert app.moved == []  # the field has it, and the footer did not offer it
        await pilot.press("escape")  # leaves the field: the letter keys are bindings again
        assert screen.focused is screen.query_one("#home")
        assert "escape" not in {key for key, active in screen.active_bindings.items() if active.binding.show}
        await press_until(pilot, "n", lambda: app.moved)
        assert app.moved == ["next"] and typed(app)[0] == "n"


async def test_enter_goes_to_the_next_field_and_leaves_the_form_after_the_last():
    app = Host()
    async with app.run_test() as pilot:
        await pilot.press("tab")
        fields = list(app.screen.query(Input))
        for field in fields[1:]:
            await pilot.press("enter")
            assert app.screen.focused is field
        await pilot.press("enter")
        assert app.screen.focused is app.screen.query_one("#home")
        await press_until(pilot, "n", lambda: app.moved)
        assert app.moved == ["next"]


def burst(app: App, *keys: str) -> None:
    """Queue every key before the app handles the first, as a terminal hands over keys typed ahead
    (a fast typist, tmux send-keys, a loaded machine); Pilot's press lets each key settle first."""
    chars = {"tab": "\t", "enter": "\r", "escape": "\x1b", "shift+tab": None}
    for key in keys:
        app.post_message(events.Key(key, chars.get(key, key)))


async def test_keys_typed_ahead_go_where_the_keys_before_them_moved_the_focus():
    """Tab, Enter, Shift+Tab and Esc move the focus before the next key is handed out: a name typed
    right after Tab went to the screen ("a" reviewed, "r" re-checked) and the field stayed empty."""
    app = Host()
    async with app.run_test() as pilot:
        # (back with Shift+Tab into an empty field: Textual selects a field's text on focus, after a refresh)
        burst(app, "tab", *"Sam", "tab", "enter", "x", "shift+tab", "y", "escape", "n")
        await wait_for(pilot, lambda: app.moved, what="the last key, n", settle=False)
        assert typed(app) == ["Sam", "y", "x", ""] and app.moved == ["next"]
        assert app.screen.focused is app.screen.query_one("#home")


async def test_the_confirmation_has_its_own_footer_and_takes_the_id_as_the_console_shows_it():
    """The footer behind a modal offered n, b, a, s, which did nothing there (or typed into the id)."""
    from steps.base import Call, Change, Plan
    from wizard.screens.confirm import ConfirmScreen

    plan = Plan("regions", (Change("Deny", Call("account", "DisableRegion", {"RegionName": "me-south-1"}),
                                   risky=True),))
    results = []

    class Modal(App):
        def on_mount(self) -> None:
            self.push_screen(ConfirmScreen(by_id("regions"), plan, "123456789012"), results.append)

    app = Modal()
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.query(Footer) and isinstance(screen.focused, Input)
        shown = {key: active.binding.description for key, active in screen.active_bindings.items()
                 if active.binding.show}
        assert shown == {"escape": "Cancel"}, shown
        await pilot.press(*"1234-5678-9012", "enter")
    assert results == [True]


class Growing(Form):
    """The frame's form with text above it that grows later, as a step's findings arrive."""

    def compose(self):
        with VerticalScroll(id="home"):
            yield Static("Reading this step…", id="above")
            yield InputsForm(by_id("contacts").INFO.inputs, {}, id="form")
        yield Footer()


async def test_a_focused_field_stays_in_view_when_the_text_above_it_grows():
    """At 80x24, Tab into a field while the step was read: its findings arrived above the field and
    pushed it below the screen, where what was typed could not be seen."""
    class Styled(Host):
        CSS_PATH = str(Path(wizard.__file__).parent / "wizard.tcss")

    app = Styled(Growing)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("tab")
        screen, home = app.screen, app.screen.query_one("#home")
        field = screen.focused
        assert isinstance(field, Input) and home.can_view_entire(field)
        screen.query_one("#above", Static).update("\n".join(f"finding {n}" for n in range(60)))
        # the scroll back is made after the next refresh: on a loaded machine (CI's whole suite), later
        # than two pauses after the update (seen: laid out at row 61, not yet scrolled)
        await wait_for(pilot, lambda: home.can_view_entire(field), timeout=15, settle=False,
                       what=f"the field back in view (at {field.region}, scrolled {home.scroll_y})")
        assert screen.focused is field
        home.scroll_home(animate=False)  # the person scrolls up to read: left where they put it
        await pilot.pause()
        await pilot.pause()
        assert home.scroll_y == 0 and not home.can_view_entire(field)
        await pilot.press("x")
        assert typed(app)[0] == "x"
