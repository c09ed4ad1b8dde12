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


def test_the_exit_line_reads_well_at_80_columns():
    """The line left after quitting (~130 characters) was folded by the terminal mid-phrase and mid-path."""
    from wizard.widgets.wrap import terminal_lines

    journal = "/home/ana/.local/state/aws-essentials-wizard/journal.jsonl"
    report = "/home/someone/Documents/aws-essentials-reports/aws-essentials-123456789012-2026-11-30.html"
    note = f"Journal of changes: {journal}; last report: {report}"
    lines = terminal_lines(note, 80).split("\n")
    assert all(len(line) <= 80 for line in lines), lines
    assert lines[0] == f"Journal of changes: {journal};"  # broken between its clauses, the path whole
    assert lines[1] == "  last report:" and all(line.startswith("  /") or line.startswith("  aws-") for line in lines[2:])
    assert "".join(line.strip() for line in lines[2:]) == report and lines[2].endswith("/"), lines
    assert terminal_lines(note, 300) == note  # it fits: one line, as it was


async def test_an_access_key_id_in_the_findings_table_is_whole_at_120_columns():
    """At 120 columns the table's region/resource column folded an access key id mid-id
    ("AKIARZPUZDIKOFVCP" over "NRV"); a bucket's name longer than the column breaks after a `-`."""
    from pathlib import Path

    import wizard
    from steps.base import Finding, Status
    from wizard.app import WizardApp
    from wizard.widgets.findings import FindingsTable

    key, bucket = "AKIARZPUZDIKOFVCPNRV", "legacy-cloudtrail-logs-123456789012"

    class Host(App):
        CSS_PATH = str(Path(wizard.__file__).parent / "wizard.tcss")
        HORIZONTAL_BREAKPOINTS = WizardApp.HORIZONTAL_BREAKPOINTS  # the wizard's width classes

        def compose(self):
            yield FindingsTable(id="findings")

    app = Host()
    async with app.run_test(size=(120, 20)) as pilot:
        table = app.screen.query_one(FindingsTable)
        table.show([Finding(check="key-rotated", title="Access keys are rotated", status=Status.FAIL,
                            message=f"alice's key {key} is 300 days old.", resource=key),
                    Finding(check="bucket-public", title="Bucket is not public", status=Status.FAIL,
                            message="Anyone can read it.", region="us-east-1", resource=bucket)], step="keys")
        await pilot.pause()
        rows = _rows(app, table)
        where = [row[9:9 + len(key) + 1].rstrip() for row in rows]  # the region/resource column
        assert app.screen.has_class("-normal") and key in where, rows
        _broken_at_parts(where, bucket)


def _frame(*widgets):
    """The step screen's frame (sidebar, main column, the wizard's stylesheet and width classes) around
    ``widgets``, without a run: how wide things are at 80 or 120 columns is the frame's doing."""
    from pathlib import Path

    from textual.containers import Horizontal, Vertical, VerticalScroll
    from textual.widgets import Static

    import wizard
    from wizard.app import WizardApp

    class Frame(App):
        CSS_PATH = str(Path(wizard.__file__).parent / "wizard.tcss")
        HORIZONTAL_BREAKPOINTS = WizardApp.HORIZONTAL_BREAKPOINTS

        def compose(self):
            with Horizontal(id="body"):
                yield Static("steps", id="sidebar")
                with Vertical(id="main"), VerticalScroll(id="step-scroll"):
                    yield from widgets

    return Frame()


PEERING = ("https://console.aws.amazon.com/vpcconsole/home?region=ap-southeast-2#PeeringConnections:"
           "sort=desc:vpcPeeringConnectionId")


def _console_task(url: str = PEERING):
    from steps.base import manual

    return Plan("vpc", (manual("Delete the peering connection pcx-1 (it routes to another account).", url,
                               "Open VPC > Peering connections.", console_action="root-mfa"),))


async def test_a_console_link_breaks_only_after_a_slash_query_mark_ampersand_equals_or_dot():
    """At 120 columns a console link was folded mid-word ("PeeringConnectio" over "ns")."""
    from wizard.widgets.plan import PlanView

    plan = PlanView(id="plan")
    app = _frame(plan)
    async with app.run_test(size=(120, 40)) as pilot:
        plan.show(_console_task())
        await pilot.pause()
        link = app.screen.query_one(".console-link")
        rows = [row.strip() for row in _rows(app, link) if row.strip()]
        assert "".join(rows) == PEERING and len(rows) > 1, rows
        assert all(row[-1] in "/?&=." for row in rows[:-1]), rows
        assert rows[0] == "https://console.aws.amazon.com/vpcconsole/home?region=", rows  # as long as fits
        assert str(link.render()) == PEERING and link.url == PEERING  # the link itself is unchanged
    short = "https://console.aws.amazon.com/iam/home#/security_credentials"
    assert _url_pieces(short, 70) == [short]  # it fits: whole
    assert _url_pieces(short, 50) == [
        "https://console.aws.amazon.com/iam/home#/", "security_credentials"]  # never at the "_"


def _url_pieces(url: str, width: int) -> list[str]:
    from wizard.widgets.wrap import URL_LEVELS

    edges = [0, *break_offsets(url, width, levels=URL_LEVELS), len(url)]
    return [url[a:b] for a, b in zip(edges, edges[1:])]


async def test_the_simulate_button_shows_whole_at_80_columns():
    """Its label ("Simulate doing this in the console (sandbox only)") was wider than the console
    task's box at 80 columns and was cut on the right when focused."""
    from textual.widgets import Button

    from wizard.widgets.plan import PlanView

    plan = PlanView(id="plan")
    app = _frame(plan)
    async with app.run_test(size=(80, 24)) as pilot:
        plan.show(_console_task(), simulate=True)
        await pilot.pause()
        button = next(b for b in app.screen.query(Button) if b.action and "simulate" in b.action)
        button.focus()
        await pilot.pause()
        label = str(button.label)
        assert "Simulate" in label and "console" in label and "sandbox" in label  # says what it does
        box = button.parent.parent  # the console task's box
        assert box.content_region.contains_region(button.region), (box.content_region, button.region)
        row = _rows(app, app.screen)[button.region.y]
        assert label in row, row


async def test_an_access_key_id_in_the_findings_table_is_whole_at_80_columns():
    """At 80 columns the region/resource column was 14 cells and folded an access key id (20) mid-id;
    there the region and resource go on their own lines over the message."""
    from steps.base import Finding, Status
    from wizard.widgets.findings import FindingsTable

    key = "AKIARZPUZDIKOFVCPNRV"
    table = FindingsTable(id="findings")
    app = _frame(table)
    async with app.run_test(size=(80, 24)) as pilot:
        table.show([Finding(check="key-rotated", title="Access keys are rotated", status=Status.FAIL,
                            message=f"alice's key {key} is 300 days old.", resource=key)], step="keys")
        await pilot.pause()
        assert app.screen.has_class("-narrow")
        rows = [row[9:].strip() for row in _rows(app, table)]  # past the status column
        assert key in rows, rows  # the id alone on its line, whole
        place = rows.index(key)
        assert rows[place - 1] == "global"  # its region above it, the finding below
        assert " ".join(rows[place + 1:]).startswith("Access keys are rotated: alice's key"), rows
        assert all(len(row) <= 80 - 25 for row in _rows(app, table))
