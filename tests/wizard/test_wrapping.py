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
