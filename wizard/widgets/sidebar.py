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
        counts = ""
        result = run.results.get(step.INFO.id)
        if result is not None and state != "RUNNING":
            summary = result.summary
            parts = [(summary[s], s) for s in ("FAIL", "MANUAL", "UNKNOWN") if summary[s]] or [(summary["PASS"], "PASS")]
            counts = " ".join(f"{n}{glyph(s)}" for n, s in parts)
            counts_len = sum(len(str(n)) + 1 for n, _ in parts) + len(parts) - 1
        else:
            counts_len = 0
        title = step.INFO.title
        room = max(6, width - counts_len - 3)
        if len(title) > room:
            title = title[: room - 1] + "…"
        padding = " " * max(1, width - 2 - len(title) - counts_len)
        return Content.from_markup(f"{glyph(state)} {escape(title)}{padding}{counts}")

    def refresh_steps(self) -> None:
        run = self.wizard
        options = self.query_one("#step-options", OptionList)
        width = (options.scrollable_content_region.width or 28) - 1
        prompts = [Content("⌂ Welcome")] + [self._prompt(i, width) for i in range(len(run.steps))] + [Content("∑ Summary")]
        if options.option_count != len(prompts):
            options.clear_options()
            options.add_options([Option(p, id=f"pos{n - 1}") for n, p in enumerate(prompts)])
        else:
            for index, prompt in enumerate(prompts):
                options.replace_option_prompt_at_index(index, prompt)
        options.highlighted = run.position + 1
        total = len(run.steps)
        bar = self.query_one("#assess-progress", ProgressBar)
        bar.update(total=max(total, 1), progress=run.assessed)
        label = self.query_one("#assess-label", Label)
        if run.connect_error is not None:
            label.update(Content.from_markup("[$text-error]not connected[/]"))
        elif run.identity is None:
            label.update("connecting…")
        elif run.assessed < total:
            label.update(f"assessing {run.assessed}/{total}")
        else:
            fails = sum(1 for s in run.steps if run.step_state(s.INFO.id) == "FAIL")
            # Short enough for the narrowest sidebar: "10 of 10 failing".
            label.update(Content.from_markup(f"[$text-error]{fails} of {total} failing[/]" if fails
                                             else f"[$text-success]none of {total} failing[/]"))
        bar.display = run.identity is not None and run.assessed < total

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        position = int(str(event.option.id)[3:])
        if position != self.wizard.position:
            self.wizard.go_to(position)
