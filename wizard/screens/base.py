"""The frame every full screen shares: header, the step list on the left, the footer with keys."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header

from wizard.widgets.sidebar import StepList
from wizard.wizard_run import ReachesWizard


class WizardScreen(ReachesWizard, Screen):
    BINDINGS = [
        Binding("n", "app.next", "Next"),
        Binding("b", "app.back", "Back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
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
