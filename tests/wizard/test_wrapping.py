"""Text is never cut mid-word or mid-ARN on screen: lines end at spaces, or inside a word too long for
a line after a `:` or `/` (wizard/widgets/wrap.py), and the text itself is never changed."""

from __future__ import annotations

import re

from textual.app import App

from steps import by_id
from steps.base import Call, Change, Plan
from wizard.screens.confirm import ConfirmScreen
from wizard.widgets.wrap import break_offsets

ARN = "arn:aws:iam::123456789012:role/service-role/AWSServiceRoleForOrganizationsAuditLogs"


def pieces(line: str, width: int) -> list[str]:
    edges = [0, *break_offsets(line, width), len(line)]
    return [line[a:b] for a, b in zip(edges, edges[1:])]


def test_a_long_arn_breaks_after_its_colons_and_slashes_and_words_stay_whole():
    line = f"Attach the role {ARN} to every member account"
    lines = pieces(line, 30)
    assert "".join(lines) == line  # where lines end, nothing else
    assert [p.rstrip() for p in lines] == [
        "Attach the role", "arn:aws:iam::123456789012:", "role/service-role/", "AWSServiceRoleForOrganizationsAuditLogs",
        "to every member account"]
    assert pieces("short words only here", 30) == ["short words only here"]
    assert pieces(f"  {ARN}", 30)[0] == "  arn:aws:iam::123456789012:"  # an indent is never a line alone
    assert pieces(ARN, 200) == [ARN]  # it fits: left whole


async def test_the_confirmation_wraps_an_arn_at_its_parts_and_keeps_its_text():
    plan = Plan("audit_logging", (Change("Let Config read the organization.", Call(
        "iam", "AttachRolePolicy", {"RoleName": "config", "PolicyArn": ARN})),))

    class Modal(App):
        def on_mount(self) -> None:
            self.push_screen(ConfirmScreen(by_id("audit_logging"), plan, "123456789012"))

    app = Modal()
    async with app.run_test(size=(56, 40)) as pilot:
        await pilot.pause()
        call = app.screen.query_one(".confirm-call")
        assert f"PolicyArn = {ARN}" in str(call.render())  # the text is the ARN, unbroken
        screen = ["".join(segment.text for segment in strip)
                  for strip in app.screen._compositor.render_strips()]  # noqa: SLF001
        shown = [re.sub(r"[┃│ ]+$", "", re.sub(r"^[┃│ ]+", "", row)) for row in screen]
        start = next(i for i, row in enumerate(shown) if "arn:aws:iam::" in row)
        arn_rows = shown[start:start + 4]
        assert "".join(arn_rows).replace("PolicyArn = ", "").startswith(ARN), arn_rows
        parts = [row for row in arn_rows if row and row[-1] not in ":/"]  # rows not ending at a break
        assert parts and parts[0].endswith("AWSServiceRoleForOrganizationsAuditLogs"), arn_rows


async def test_a_field_hint_wraps_instead_of_being_cut():
    """"Comma-separated region names. Empty: the r" was all a field's hint showed at 60 columns."""
    from pathlib import Path

    from textual.widgets import Label

    import wizard
    from wizard.widgets.form import InputsForm

    regions = by_id("regions")

    class Form(App):
        CSS_PATH = str(Path(wizard.__file__).parent / "wizard.tcss")

        def compose(self):
            yield InputsForm(regions.INFO.inputs[:1], {}, id="form")

    app = Form()
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        hint = app.screen.query_one("#hint-keep_regions", Label)
        assert hint.region.right <= 60 and hint.region.height >= 2, hint.region
        shown = " ".join("".join(s.text for s in strip).strip() for strip in hint.render_lines(hint.region.reset_offset))
        assert " ".join(shown.split()) == regions.INFO.inputs[0].help


# --- what a new owner sees at 80 columns (issue 16): wrapped lines continue under their text, and an
# ARN or a path in the summary, a toast or the apply log breaks after a `:` or `/`, never mid-name.

ROLE = "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_0123456789abcdef"


def _unreachable():
    from steps.base import StepError

    raise StepError("no AWS credentials were found", "run `aws configure`")


def _rows(app, widget) -> list[str]:
    """``widget``'s content as drawn on the screen, one string per row (right-trimmed)."""
    screen = ["".join(segment.text for segment in strip) for strip in app.screen._compositor.render_strips()]  # noqa: SLF001
    box = widget.scrollable_content_region  # without its scrollbar
    return [row[box.x:box.right].rstrip() for row in screen[box.y:box.bottom]]


def _broken_at_parts(rows: list[str], word: str) -> list[str]:
    """The rows ``word`` (an ARN, a path) was drawn on, asserting each of them but the last ends after a
    `:` or `/` of it (or a `-`, `_` or `.` inside a part longer than a line) and that together they are
    the word."""
    start = next(i for i, row in enumerate(rows) if word[:12] in row)
    parts, seen = [], ""
    for row in rows[start:]:
        piece = row.strip() if not parts else row.lstrip()
        piece = piece[piece.index(word[:12]):] if not parts else piece
        taken = piece[:len(word) - len(seen)]
        parts.append(taken)
        seen += taken
        if len(seen) >= len(word):
            break
    assert seen == word, rows
    assert len(parts) > 1 and all(part[-1] in ":/-_." for part in parts[:-1]), parts
    return parts


async def test_the_welcome_screen_wraps_a_promise_and_a_long_value_under_their_text():
    """At 80 columns a wrapped promise went on at column 0, under its ✔, and so did the regions list."""
    from tests.wizard.tui import screen_name, wait_for
    from wizard.app import WizardApp
    from wizard.connection import Identity

    app = WizardApp(_unreachable, steps=[by_id("root")])
    async with app.run_test(size=(80, 50)) as pilot:  # tall enough to show it all
        await wait_for(pilot, lambda: screen_name(app) == "ErrorScreen", what="the connection error")
        await pilot.press("escape")
        app.connect_error = None
        app.identity = Identity("123456789012", arn=ROLE, auth="IAM Identity Center (SSO)",
                                regions=[f"ap-northeast-{n}" for n in range(1, 13)])
        app.version += 1
        await pilot.pause()
        promises = _rows(app, app.screen.query_one("#promises"))
        wrapped = [row for row in promises if row and not row.startswith(("  ✔", "  ✘", "The wizard", "It will"))]
        assert wrapped and all(row.startswith("    ") and row[4] != " " for row in wrapped), promises
        identity = _rows(app, app.screen.query_one("#identity"))
        regions = identity[next(i for i, row in enumerate(identity) if row.startswith("Regions")):]
        assert len(regions) > 1 and all(row.startswith(" " * 10 + "ap-") for row in regions[1:]), identity
        _broken_at_parts(identity, ROLE)


async def test_a_toast_breaks_a_path_after_its_slashes_and_keeps_it_as_text():
    """The export's toast folded the report's path mid-name at the toast's edge."""
    from textual.widgets._toast import Toast

    from tests.wizard.tui import wait_for
    from wizard.app import WizardApp

    path = "/home/owner/Documents/aws-essentials-reports/[b]acme/aws-essentials-123456789012-2026-11-30.html"
    app = WizardApp(_unreachable, steps=[by_id("root")])
    async with app.run_test(size=(80, 30), notifications=True) as pilot:
        app.notify(f"Report written to {path} (and .md beside it)", title="Exported", markup=False)
        await wait_for(pilot, lambda: bool(app.screen.query(Toast)), what="the toast")
        await pilot.pause()
        rows = [row.strip() for row in _rows(app, app.screen.query(Toast).first())]
        assert rows[0] == "Exported", rows
        _broken_at_parts(rows, path)  # "[b]" is text, not markup


async def test_the_apply_log_wraps_an_arn_at_its_parts_instead_of_cutting_it():
    """The apply log was a Log, which cannot wrap: a line with an ARN ended at the dialog's edge."""
    from pathlib import Path

    import wizard
    from tests.wizard.tui import wait_for
    from wizard.screens.apply import ApplyScreen

    plan = Plan("audit_logging", (Change("Let Config read the organization.", Call(
        "iam", "AttachRolePolicy", {"RoleName": "config", "PolicyArn": ARN})),))

    class Quiet(ApplyScreen):
        def on_mount(self, event) -> None:  # the log alone: no account, no apply
            event.prevent_default()  # ApplyScreen's own handler would start the apply

    class Host(App):
        CSS_PATH = str(Path(wizard.__file__).parent / "wizard.tcss")

        def on_mount(self) -> None:
            self.push_screen(Quiet(by_id("audit_logging"), plan, {}))

    app = Host()
    async with app.run_test(size=(60, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        line = f"✘ iam.AttachRolePolicy: AccessDenied on {ARN} for this caller"
        for _ in range(3):
            screen._log("Checking that the account still matches the plan you confirmed…")
        screen._log(line)
        log = screen.query_one("#apply-log")
        # it follows the end (laid out again once its scrollbar appears)
        await wait_for(pilot, lambda: _rows(app, log)[-1].endswith("this caller"), timeout=10, settle=False,
                       what="the log's last line, wrapped")
        assert log.lines[-1] == line  # what was written, unchanged
        rows = _rows(app, log)
        parts = _broken_at_parts(rows, ARN)
        assert parts[-1] == "AWSServiceRoleForOrganizationsAuditLogs", rows
        assert all(row.startswith("  ") for row in rows if not row.startswith(("✘", "Checking"))), rows


async def test_the_summary_wraps_what_is_left_under_its_text_and_an_arn_at_its_parts():
    """The summary's "What is left" folded an ARN mid-name and went on at column 0, under its ✘."""
    from steps import STEPS
    from steps.base import Finding, Status
    from tests.wizard.tui import screen_name, wait_for
    from wizard.app import WizardApp
    from wizard.assess import StepResult
    from wizard.wizard_run import StepAssessed

    steps = STEPS[:2]
    app = WizardApp(_unreachable, steps=steps)
    async with app.run_test(size=(80, 60)) as pilot:  # tall enough to show it all
        await wait_for(pilot, lambda: screen_name(app) == "ErrorScreen", what="the connection error")
        await pilot.press("escape")
        for step in steps:
            finding = Finding(check=f"{step.INFO.id}-admin", title="No role has administrator access",
                              status=Status.FAIL, message=f"{ROLE} has AdministratorAccess attached.")
            app.record_assessed(StepAssessed(StepResult(step, None, [finding]), app.generation, 0))
        app.go_to(len(steps))
        await wait_for(pilot, lambda: screen_name(app) == "SummaryScreen", what="the summary")
        rows = _rows(app, app.screen.query_one("#summary-left"))
        assert rows[0].startswith("✘ ") and all(row.startswith("  ") and row[2] != " " for row in rows[1:] if row
                                                 and not row.startswith("✘ ")), rows
        _broken_at_parts(rows, ROLE)


def test_a_wrapped_line_goes_on_under_its_own_text_at_every_indent():
    """The confirmation's "Cannot be undone" items went on at column 0, under nothing."""
    from wizard.widgets.wrap import breakable

    text = ("Cannot be undone (1 call):\n"
            "  #4 iam.DeleteLoginProfile (global): A removed password cannot be restored; an administrator "
            "can set a new one.")
    rows = breakable(text, hang=2)._broken(40).plain.split("\n")
    assert rows[0] == "Cannot be undone (1 call):"
    assert rows[1].startswith("  #4 ") and len(rows) > 3
    assert all(row.startswith("    ") and row[4] != " " for row in rows[2:]), rows
    assert " ".join(row.strip() for row in rows[1:]) == text.split("\n")[1].strip()


async def test_help_breaks_a_files_path_at_its_slashes_and_wraps_under_its_text():
    """Help's "Where the files go" folded a long home folder's path mid-name at 80 columns."""
    from pathlib import Path

    import wizard
    from wizard.screens.help import HelpScreen

    journal = Path("/home/someone.with.a.long.name/.local/state/aws-essentials-wizard/journal.jsonl")

    class Host(App):
        CSS_PATH = str(Path(wizard.__file__).parent / "wizard.tcss")

        def on_mount(self) -> None:
            self.push_screen(HelpScreen([("q", "Quit")], [("The journal of every change made", journal)]))

    app = Host()
    async with app.run_test(size=(80, 40)) as pilot:
        await pilot.pause()
        rows = _rows(app, app.screen.query_one("#help-files"))
        _broken_at_parts(rows, str(journal))
        assert all(row.startswith("  ") for row in rows[1:]), rows  # under its text, not under its label


async def test_export_shows_the_written_paths_broken_at_their_slashes(tmp_path):
    """The export dialog's "Written:" paths were folded mid-name when the folder's path was long."""
    from steps import STEPS
    from steps.base import Finding, Status
    from tests.wizard.tui import screen_name, wait_for
    from wizard.app import WizardApp
    from wizard.assess import StepResult
    from wizard.wizard_run import StepAssessed

    folder = tmp_path / "reports-for-the-security-review" / "aws-essentials-account-reports"
    app = WizardApp(_unreachable, steps=STEPS[:1], report_dir=folder)
    async with app.run_test(size=(80, 30)) as pilot:
        await wait_for(pilot, lambda: screen_name(app) == "ErrorScreen", what="the connection error")
        await pilot.press("escape")
        step = STEPS[0]
        finding = Finding(check="root-mfa", title="Root user has MFA enabled", status=Status.FAIL, message="no MFA")
        app.record_assessed(StepAssessed(StepResult(step, None, [finding]), app.generation, 0))
        app.action_export()
        await wait_for(pilot, lambda: screen_name(app) == "ExportScreen", what="the export dialog")
        await pilot.press("enter")
        await wait_for(pilot, lambda: bool(app.screen.written), what="the export", settle=False)
        await pilot.pause()
        rows = _rows(app, app.screen.query_one("#export-result"))
        html = app.screen.written[0]
        assert rows[0] == "Written:" and html.is_file()
        parts = _broken_at_parts(rows, str(html))
        assert parts[-1].endswith(".html") and all(row.startswith("  ") for row in rows[1:] if row), rows
        assert rows[1].startswith("  /"), rows  # not a line of spaces first
