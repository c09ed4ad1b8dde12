"""What the TUI lays out and redraws (issue 20's suite time, issue 16's stalls): Textual lays out
every widget of a screen again on each mount and each update that may change a size, so a row is
one widget, and a change of the run's state that shows nothing new lays nothing out.

No AWS (as tests/wizard/test_step_switch.py): hand-built states, the connection failed on purpose.
"""

from __future__ import annotations

from textual.content import Content
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions

from steps import STEPS
from tests.wizard.test_step_switch import COMPUTE_STATE, _on_step, _read, _started, _unreachable, compute
from tests.wizard.tui import wait_for
from wizard.app import WizardApp
from wizard.assess import StepResult
from wizard.widgets.cells import Cell, Columns, Stack
from wizard.widgets.findings import FindingsGroup
from wizard.widgets.wrap import WrappingLog, breakable
from wizard.wizard_run import StepAssessed


def _lines(visual, width: int) -> list[str]:
    strips = visual.render_strips(width, None, Style(), RenderOptions(Style.parse, {}))
    assert all(isinstance(strip, Strip) and strip.cell_length == width for strip in strips)
    return [strip.text for strip in strips]


def test_columns_wrap_each_cell_within_its_own_width_and_pad_the_shorter():
    arn = breakable(Content("arn:aws:iam::123456789012:role/admin"))
    row = Columns([Cell(Content("✘ fail"), 9, right=1), Cell(arn, 18, right=1),
                   Cell(Content("Every role is used by someone"), None, left=2, right=1)])
    cells = [("✘ fail", "arn:aws:iam::", "Every role is"), ("", "123456789012:", "used by someone"),
             ("", "role/admin", "")]  # widths 9 and 18 with 1 of padding; 2 + 15 + 1 for the message
    assert _lines(row, 45) == [f"{status:9}{where:18}  {message:15} " for status, where, message in cells]
    assert row.get_height({}, 45) == 3
    assert row.get_height({}, 200) == 3  # the ARN's cell keeps its width however wide the row


def test_a_stack_puts_the_body_under_the_title_indented():
    block = Stack([Cell(Content("1. PutAlternateContact")), Cell(Content("why it is made, in words"), left=3)])
    assert _lines(block, 16) == ["1.              ", "PutAlternateCont", "act             ",
                                 "   why it is    ", "   made, in     ", "   words        "]
    assert block.get_height({}, 16) == 6


async def test_rows_and_calls_are_one_widget_each_and_an_unchanged_state_lays_nothing_out():
    app = WizardApp(_unreachable, steps=STEPS)
    async with app.run_test(size=(120, 40)) as pilot:
        await _started(pilot, app)
        _read(app, compute, COMPUTE_STATE)
        await wait_for(pilot, lambda: _on_step(app, compute), what="the compute screen")
        screen = app.screen
        findings = screen.query_one("#findings")
        rows = list(findings.children)
        groups = [row for row in rows if isinstance(row, FindingsGroup)]
        assert groups and all(len(group.children) == 1 for group in groups)  # closed: its row alone
        leaves = [row for row in rows if not isinstance(row, FindingsGroup)] + [group.children[0] for group in groups]
        assert all(not leaf.children for leaf in leaves), "a finding row is one widget"
        screen.query_one("#plan ShowMore").press()  # a long plan's calls, asked for
        await wait_for(pilot, lambda: not screen.query("#plan ShowMore"), what="the calls")
        calls = screen.query("#plan .change").exclude(".-manual")
        assert len(calls) > 10 and all(not call.children for call in calls), "a planned call is one widget"
        tasks = screen.query("#plan .change.-manual")
        # a console task: its title and steps (one widget), the console link, the buttons
        assert tasks and all([type(child).__name__ for child in task.children] == ["Static", "ConsoleLink", "Vertical"]
                             for task in tasks)

        layouts = []
        refresh_layout = screen._refresh_layout  # noqa: SLF001 - counted, as the profile counted them
        screen._refresh_layout = lambda *args, **kwargs: layouts.append(1) or refresh_layout(*args, **kwargs)
        # What the switch itself asked for finishes first (the footer recomposes after the bindings
        # changed, a refresh later): on a fast machine it was still pending here and was counted.
        for _ in range(50):
            before = len(layouts)
            await pilot.pause()
            if len(layouts) == before:
                break
        layouts.clear()
        options = screen.query_one("#step-options")
        prompts = [option.prompt for option in options.options]
        for _ in range(3):  # the run's state changes, but nothing this screen shows
            app.touch()
            await pilot.pause()
        assert not layouts, "a state change that shows nothing new laid the screen out again"
        assert [option.prompt for option in options.options] == prompts
        assert all(new is old for new, old in zip((o.prompt for o in options.options), prompts))

        # Re-checked, the same findings: the rows on screen stay (an opened group stays open).
        groups[0].toggle()
        await pilot.pause()
        result = app.results["compute"]
        app.record_assessed(StepAssessed(StepResult(compute, COMPUTE_STATE, list(result.findings)),
                                         app.generation, 0))
        await wait_for(pilot, lambda: app.results["compute"] is not result, what="the re-check")
        assert list(findings.children) == rows and groups[0].opened


async def test_an_apply_faster_than_the_screen_is_drawn_in_a_few_batches_in_order(monkeypatch):
    """A VPC apply sends ~140 calls: each log line lays the apply screen out again, so results that
    arrive together are shown together (and in the order they were sent)."""
    import wizard.apply
    import wizard.assess

    from steps.executor import ApplyResult, ChangeResult
    from wizard.screens.apply import DONE, ApplyRow, ApplyScreen

    plan = compute.plan(COMPUTE_STATE, {})
    sent = [(index, change) for index, change in enumerate(plan.changes) if not change.manual and change.call]

    def apply_plan(aws, step, plan, answers, *, stop, on_progress, on_wait):
        results = [ChangeResult(change, True) for _, change in sent]
        for (index, _), result in zip(sent, results):
            on_progress(index, result)  # as fast as a sandbox answers
        return ApplyResult(step.INFO.id, results)

    monkeypatch.setattr(wizard.apply, "apply_plan", apply_plan)
    monkeypatch.setattr(wizard.assess, "assess_step", lambda aws, step: StepResult(step, COMPUTE_STATE, []))
    writes = []
    monkeypatch.setattr(WrappingLog, "write_lines", lambda log, lines: writes.append(list(lines)))
    app = WizardApp(_unreachable, steps=STEPS)
    async with app.run_test(size=(120, 40)) as pilot:
        await _started(pilot, app)
        _read(app, compute, COMPUTE_STATE)
        await wait_for(pilot, lambda: _on_step(app, compute), what="the compute screen")
        screen = ApplyScreen(compute, plan, {})
        app.push_screen(screen)
        await wait_for(pilot, lambda: screen.done, what="the apply")
        assert [row.glyph for row in screen.query(ApplyRow)] == [DONE] * len(sent)
        shown = [line for lines in writes for line in lines if line.startswith("✔")]
        assert shown == [f"✔ {change.call.name}: done" for _, change in sent]
        batches = [lines for lines in writes if any(line.startswith("✔") for line in lines)]
        assert len(sent) > 40 and len(batches) <= 3, "the log written once per call"


def test_a_sandbox_in_the_tuis_process_is_kept_out_of_garbage_collections_until_the_demo_ends(monkeypatch, tmp_path):
    """A full collection walked the seeded sandbox's objects and held the screen (issue 16's stalls);
    the demo's own sandbox runs in a child process, the screenshots' and the benchmark's in this one."""
    import gc
    from types import SimpleNamespace

    from wizard.commands import demo

    monkeypatch.setattr(demo, "start_sandbox", lambda scenario, realism=None, child=False: SimpleNamespace(
        endpoint_url="http://x", child=child))
    try:
        connection = demo.connect_sandbox("insecure", child=False)
        assert connection.is_sandbox and gc.get_freeze_count() > 1000  # everything alive then
        gc.unfreeze()
        assert demo.connect_sandbox("insecure").sandbox.child and gc.get_freeze_count() == 0  # nothing to keep
        demo.connect_sandbox("insecure", child=False)
        monkeypatch.setattr(WizardApp, "run", lambda app: None)
        assert demo._run_contained(SimpleNamespace(scenario="insecure"), None, tmp_path, []) == 0
        assert gc.get_freeze_count() == 0  # given back when the demo ended
    finally:
        gc.unfreeze()
