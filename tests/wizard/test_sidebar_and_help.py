"""The sidebar's step labels and counts, the help screen and the command palette (issue 16).

No AWS here: the connection fails on purpose, and the steps' results are built by hand and handed
to the app as an assessment would, so these tests run in well under a second each.
"""

from __future__ import annotations

import pytest
from textual.widgets import OptionList

from steps import STEPS
from steps.base import Finding, Status, StepError
from tests.wizard.tui import press_until, screen_name, wait_for
from wizard.app import WizardApp
from wizard.assess import StepResult
from wizard.wizard_run import StepAssessed

REGIONS = [f"region-{n}" for n in range(19)]


def _unreachable() -> None:
    raise StepError("no AWS credentials were found", "run `aws configure`")


def _many_findings(step_id: str) -> list[Finding]:
    """12 failing checks, each in 19 regions (228 failing findings), 3 manual and 2 unknown checks."""
    findings = []
    for status, checks in ((Status.FAIL, 12), (Status.MANUAL, 3), (Status.UNKNOWN, 2)):
        for n in range(checks):
            findings += [Finding(check=f"{step_id}-{status.value}-{n}", title="t", status=status, message="m",
                                 region=region) for region in REGIONS]
    return findings


def _one_finding(step_id: str) -> list[Finding]:
    return [Finding(check=f"{step_id}-check", title="t", status=Status.FAIL, message="m")]


async def _app_with_results(pilot, app: WizardApp, findings=_one_finding) -> None:
    await wait_for(pilot, lambda: screen_name(app) == "ErrorScreen", what="the connection error")
    await pilot.press("escape")
    for step in app.steps:
        app.record_assessed(StepAssessed(StepResult(step, None, findings(step.INFO.id)), app.generation, 0))
    await pilot.pause()


def _sidebar_lines(app: WizardApp) -> list[str]:
    """The step list as drawn: one text line per row of the widget."""
    options = app.screen.query_one("#step-options", OptionList)
    return [options.render_line(y).text for y in range(options.size.height)]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_every_sidebar_label_is_whole_and_counts_checks(size):
    app = WizardApp(_unreachable, steps=STEPS)
    async with app.run_test(size=size) as pilot:
        await _app_with_results(pilot, app, _many_findings)
        lines = _sidebar_lines(app)
        for index, step in enumerate(STEPS):
            line = lines[index + 1]  # Welcome first
            assert f" {step.INFO.short} " in line, (size, line)
            assert "…" not in line, (size, line)
            # checks, not resource-regions: 12 failing checks, not 228 failing findings
            assert "12✘" in line and "228" not in line, (size, line)
        assert "Summary" in lines[len(STEPS) + 1]


def _help_text(app: WizardApp) -> dict[str, str]:
    return {part: str(app.screen.query_one(f"#help-{part}").render()) for part in ("keys", "statuses", "files")}


async def test_question_mark_and_f1_open_help_with_the_screens_bindings_and_escape_closes_it(tmp_path):
    app = WizardApp(_unreachable, steps=STEPS, report_dir=tmp_path / "reports")
    async with app.run_test(size=(100, 32)) as pilot:
        await _app_with_results(pilot, app)
        app.go_to(0)  # a step screen: its own keys on top of the app's
        await wait_for(pilot, lambda: screen_name(app) == "StepScreen", what="the step screen")
        step_screen = app.screen
        step_screen.query_one("#step-scroll").focus()
        await wait_for(pilot, lambda: step_screen.focused is step_screen.query_one("#step-scroll"), settle=False)
        for key in ("question_mark", "f1"):
            await pilot.press(key)
            await wait_for(pilot, lambda: screen_name(app) == "HelpScreen", what="the help screen")
            text = _help_text(app)
            # every described binding of the step screen and the app, as the bindings declare them
            for binding in [*type(step_screen).BINDINGS, *WizardApp.BINDINGS]:
                if binding.description:
                    assert binding.description in text["keys"], binding
            for status in Status:
                assert status.value.lower() in text["statuses"]
            assert "journal.jsonl" in text["files"] and str(tmp_path / "reports") in text["files"]
            await press_until(pilot, "escape", lambda: screen_name(app) != "HelpScreen", "closing the help")
            assert app.screen is step_screen


async def test_the_palette_offers_apply_skip_undo_history_export_and_escape_closes_it(tmp_path):
    from textual.command import CommandPalette

    from steps.base import Call, Change
    from wizard.journal import Journal
    from wizard.widgets.palette import WizardCommands

    journal = Journal("")  # the account is not known: the connection failed
    change = Change("set the contact", Call("account", "PutAlternateContact", {}),
                    undo=Call("account", "DeleteAlternateContact", {}))
    entry = journal.begin("contacts", change, {})
    journal.finish(entry, ok=True)
    app = WizardApp(_unreachable, steps=STEPS, report_dir=tmp_path)
    async with app.run_test(size=(100, 32)) as pilot:
        await _app_with_results(pilot, app)
        names = [name for name, _, _ in WizardCommands(app.screen)._commands()]  # noqa: SLF001
        for wanted in ("Apply", "Skip", "Undo last apply", "History", "Export"):
            assert any(name.startswith(wanted) for name in names), wanted
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), what="the palette")
        await press_until(pilot, "escape", lambda: screen_name(app) == "WelcomeScreen", "closing the palette")
        app.go_to(0)
        await wait_for(pilot, lambda: screen_name(app) == "StepScreen", what="the step screen")
        commands = {name: callback for name, callback, _ in WizardCommands(app.screen)._commands()}  # noqa: SLF001
        next(callback for name, callback in commands.items() if name.startswith("Skip"))()
        await pilot.pause()
        assert STEPS[0].INFO.id in app.skipped and app.position == 1
        app.show_journal()
        await wait_for(pilot, lambda: screen_name(app) == "JournalScreen", what="history")
        body = str(app.screen.query_one("#journal-body").render())
        assert entry in body and "account.PutAlternateContact" in body
        await press_until(pilot, "escape", lambda: screen_name(app) != "JournalScreen", "closing the history")
        app.show_journal(undo=True)
        await wait_for(pilot, lambda: screen_name(app) == "JournalScreen", what="undo")
        body = str(app.screen.query_one("#journal-body").render())
        assert "aws-essentials undo --last" in body and entry in body


def _footer_row(app: WizardApp) -> str:
    return "".join(segment.text for segment in app.screen._compositor.render_strips()[-1])  # noqa: SLF001


async def test_at_80_columns_the_footer_shows_every_key_it_offers_whole():
    """At 80 columns the step screen's footer cut "? Help" to "? He" under the palette's key."""
    from textual.widgets._footer import FooterKey

    steps = STEPS[:2]  # the keys are the screens'; fewer steps, less to lay out
    app = WizardApp(_unreachable, steps=steps)
    async with app.run_test(size=(80, 24)) as pilot:
        await _app_with_results(pilot, app)
        for position in (-1, 0, len(steps)):  # welcome, a step (the most keys), the summary
            app.go_to(position)
            await wait_for(pilot, lambda: app.position == position and app.screen.query(FooterKey),
                           what=f"screen {position}")
            await pilot.pause()
            row = _footer_row(app)
            keys = [(key.key_display, key.description) for key in app.screen.query(FooterKey)]
            assert ("?", "Help") in keys and ("^p", "Commands") in keys, keys
            for display, description in keys:
                assert f"{display} {description}" in row, (position, row)
            # and no key that does nothing there: nothing is before the welcome or after the summary
            useless = {-1: ("b", "Back"), len(steps): ("n", "Next")}.get(position)
            assert useless not in keys, (position, keys)
