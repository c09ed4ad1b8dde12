"""Command palette entries: go to a step, apply, skip, undo, history, re-check all, export, help."""

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
            ("Go to: Summary", partial(run.go_to, len(run.steps)), "what to do next, before and after, what is left"),
            ("Re-check all steps", partial(run.recheck, [s.INFO.id for s in run.steps]), "collect every step again"),
            ("Apply: review this step's fixes", run.review_current, "preview every call, then confirm"),
            ("Skip this step", run.action_skip, "leave it as it is and go on; the summary lists it"),
            ("Undo last apply", partial(run.show_journal, undo=True), "what `aws-essentials undo --last` reverses"),
            ("History: the changes made so far", run.show_journal, "the journal's recent entries"),
            ("Export the report (HTML and Markdown)", run.action_export, "asks where, then writes the files to keep"),
            ("Help: keys, statuses, files", run.action_help, "also ? or F1"),
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
