"""The frame every full screen shares: header, the step list on the left, the footer with keys."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.dom import NoScreen
from textual.events import Mount
from textual.screen import Screen
from textual.widgets import Footer, Header
from textual.widgets._header import HeaderTitle

from wizard.widgets.sidebar import StepList
from wizard.wizard_run import ReachesWizard


class WizardHeader(Header):
    """Textual's header, safe to remove right after it is mounted. Its title watcher is queued at
    mount and may run after a quick switch removed the screen; Textual 8.2.8 then finds no title
    widget, raises NoMatches (it catches NoScreen only) and stops the app."""

    def _on_mount(self, event: Mount) -> None:
        event.prevent_default()  # in place of Header's handler (Widget's only sets scrollbars)

        async def set_title() -> None:
            try:
                self.query_one(HeaderTitle).update(self.format_title())
            except (NoMatches, NoScreen):
                pass  # the screen was removed meanwhile: nothing to show the title on

        for reactable in (self.app, self.screen):
            self.watch(reactable, "title", set_title)
            self.watch(reactable, "sub_title", set_title)


class WizardScreen(ReachesWizard, Screen):
    BINDINGS = [
        Binding("n", "app.next", "Next"),
        Binding("b", "app.back", "Back"),
    ]

    def compose(self) -> ComposeResult:
        yield WizardHeader(icon="◆")
        with Horizontal(id="body"):
            yield StepList(id="sidebar")
            with Vertical(id="main"):
                yield from self.compose_main()
        yield Footer()

    def compose_main(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.watch(self.app, "version", self.refresh_state)

    def refresh_state(self) -> None:
        """Called whenever the run's state changes (an assessment finished, an answer was typed)."""
