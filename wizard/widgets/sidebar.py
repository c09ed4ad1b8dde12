"""The step list: always visible, the steps in the guide's order with a status glyph and counts."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Label, OptionList, ProgressBar
from textual.widgets.option_list import Option

from wizard.widgets.render import escape, glyph
from wizard.wizard_run import ReachesWizard


class StepList(ReachesWizard, Vertical):
    """Welcome, every step, Summary. Selecting an entry goes there."""

    def compose(self) -> ComposeResult:
        yield Label("Steps", id="sidebar-title")
        yield ProgressBar(total=1, show_eta=False, show_percentage=False, id="assess-progress")
        yield Label("", id="assess-label")
        yield OptionList(id="step-options")

    def on_mount(self) -> None:
        self.watch(self.app, "version", self.refresh_steps)

    def on_resize(self) -> None:
        self.call_after_refresh(self.refresh_steps)

    def _prompt(self, index: int, width: int) -> Content:
        run = self.wizard
        step = run.steps[index]
        state = run.step_state(step.INFO.id)
        label = step.INFO.label
        parts: list[tuple[int, str]] = []
        result = run.results.get(step.INFO.id)
        if result is not None:  # while re-checked too: the last counts stay until the new ones are known
            counts = result.check_counts  # checks, not resource-regions
            parts = [(counts[s], s) for s in ("FAIL", "MANUAL", "UNKNOWN") if counts[s]] or [(counts["PASS"], "PASS")]
        # The label stays whole: the less important counts go first when the row is short of room.
        while parts and 2 + len(label) + 1 + _counts_len(parts) > width:
            parts.pop()
        room = max(6, width - 3 - _counts_len(parts))
        if len(label) > room:  # only a label longer than any sidebar (a step without a short label)
            label = label[: room - 1] + "…"
        counts = " ".join(f"{n}{glyph(s)}" for n, s in parts)
        padding = " " * max(1, width - 2 - len(label) - _counts_len(parts))
        return Content.from_markup(f"{glyph(state)} {escape(label)}{padding}{counts}")

    def refresh_steps(self) -> None:
        run = self.wizard
        options = self.query_one("#step-options", OptionList)
        width = (options.scrollable_content_region.width or 28) - 1
        prompts = [Content("⌂ Welcome")] + [self._prompt(i, width) for i in range(len(run.steps))] + [Content("∑ Summary")]
        if options.option_count != len(prompts):
            options.clear_options()
            options.add_options([Option(p, id=f"pos{n - 1}") for n, p in enumerate(prompts)])
        else:  # the run's state changes many times a step: only the rows whose text changed are redrawn
            for index, prompt in enumerate(prompts):
                if not prompt.is_same(options.get_option_at_index(index).prompt):
                    options.replace_option_prompt_at_index(index, prompt)
        if options.highlighted != run.position + 1:
            options.highlighted = run.position + 1
        total = len(run.steps)
        bar = self.query_one("#assess-progress", ProgressBar)
        bar.update(total=max(total, 1), progress=run.assessed)
        if run.connect_error is not None:
            text = Content.from_markup("[$text-error]not connected[/]")
        elif run.identity is None:
            text = Content("connecting…")
        elif run.assessed < total:
            text = Content(f"assessing {run.assessed}/{total}")
        else:
            fails = sum(1 for s in run.steps if run.known_state(s.INFO.id) == "FAIL")  # steady while re-checked
            # Short enough for the narrowest sidebar: "10 of 10 failing".
            text = Content.from_markup(f"[$text-error]{fails} of {total} failing[/]" if fails
                                       else f"[$text-success]none of {total} failing[/]")
        label = self.query_one("#assess-label", Label)
        if not text.is_same(label.visual):  # an update lays the whole screen out again
            label.update(text)
        bar.display = run.identity is not None and run.assessed < total

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        position = int(str(event.option.id)[3:])
        if position != self.wizard.position:
            self.wizard.go_to(position)


def _counts_len(parts: list[tuple[int, str]]) -> int:
    """The width of "3✘ 1?": each number and its glyph, a space between."""
    return sum(len(str(n)) + 1 for n, _ in parts) + max(0, len(parts) - 1)
