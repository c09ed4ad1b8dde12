"""Command palette entries: go to a step, re-check all, export the report, summary."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from wizard.wizard_run import ReachesWizard


class WizardCommands(ReachesWizard, Provider):
    def _commands(self) -> list[tuple[str, object, str]]:
        run = self.wizard
        commands = [("Go to: Welcome", partial(run.go_to, -1), "account, regions, what the wizard does")]
        for index, step in enumerate(run.steps):
            commands.append((f"Go to step: {step.INFO.title}", partial(run.go_to, index), step.INFO.guide_section))
        commands += [
            ("Go to: Summary", partial(run.go_to, len(run.steps)), "before and after, what is left"),
            ("Re-check all steps", partial(run.recheck, [s.INFO.id for s in run.steps]), "collect every step again"),
            ("Export the report (Markdown)", run.export_report, "write the findings to a Markdown file"),
        ]
        return commands

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
