"""The frame every full screen shares: header, the step list on the left, the footer with keys.

The rule for keys and fields, on every screen: a single-letter binding never types into a field,
and a field never swallows a key the footer shows.
- Textual gives a focused field the printable keys and drops those bindings from the footer; the
  footer stays, with the keys that still work there (Esc leaves the field, F1, Ctrl+P).
- Focus never moves into a field on its own: only Tab or a click puts it there. When the focused
  widget goes away (a plan re-rendered under its Simulate button, a button disabled), Textual
  focuses the one before it, often a field; here it goes to the screen's AUTO_FOCUS widget instead.
- The focused widget stays in view. Textual scrolls to it when it gets the focus, but not when the
  text above it grows afterwards (a step's findings arriving while the person is in a field pushed
  the field below the screen); here a layout that moves it out of view scrolls it back. A scroll the
  person makes does not move it (its place in the content is the same) and is left alone.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.dom import NoScreen
from textual.events import Mount
from textual.screen import Screen
from textual.widget import Widget
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


def takes_letters(widget: Widget | None) -> bool:
    """Whether ``widget`` types a letter key instead of letting a binding run (an Input, a TextArea)."""
    return widget is not None and widget.check_consume_key("a", "a")


class WizardScreen(ReachesWizard, Screen):
    # The keys that move the focus are priority bindings: the app runs them as it takes the key,
    # before it hands out the next one. Otherwise they run only once the key has bubbled up from the
    # focused widget, and keys typed ahead (a fast typist, a loaded machine) went to the old focus: a
    # name typed after Tab ran the screen's letter bindings instead ("a" reviewed, "r" re-checked).
    BINDINGS = [
        Binding("n", "app.next", "Next"),
        Binding("b", "app.back", "Back"),
        Binding("escape", "leave_field", "Leave the field", priority=True),
        Binding("tab", "app.focus_next", "Focus Next", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", "Focus Previous", show=False, priority=True),
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

    _focus_at: tuple[Widget, int] | None = None  # the focused widget and its row in the scrolled content

    def on_mount(self) -> None:
        self.watch(self.app, "version", self.refresh_state)
        self.watch(self, "focused", self._note_focus)
        # at once: later, a scroll may have moved the offsets but not yet the regions laid out with them
        self.screen_layout_refresh_signal.subscribe(self, self._keep_focus_in_view, immediate=True)

    def _focus_row(self) -> tuple[Widget, int] | None:
        """The focused widget and its row as if nothing were scrolled: that changes when the content
        above it changes, not when it is scrolled."""
        focused = self.focused
        if focused is None or not focused.is_attached:
            return None
        return focused, focused.region.y + sum(node.scroll_offset.y for node in focused.ancestors
                                               if isinstance(node, Widget))

    def _note_focus(self) -> None:
        self._focus_at = self._focus_row()  # Textual scrolls a newly focused widget into view itself

    def _keep_focus_in_view(self, _screen: Screen) -> None:
        """After a layout: scroll the focused widget back into view if the layout (not a scroll) moved it out."""
        before, now = self._focus_at, self._focus_row()
        self._focus_at = now
        if now and before and now[0] is before[0] and now[1] != before[1] and not self.can_view_entire(now[0]):
            self.scroll_to_center(now[0], animate=False, origin_visible=True)  # as Textual does on focus

    def refresh_state(self) -> None:
        """Called whenever the run's state changes (an assessment finished, an answer was typed)."""

    def home_widget(self) -> Widget | None:
        """Where the focus goes when it leaves a field: the screen's AUTO_FOCUS widget."""
        found = self.query(self.AUTO_FOCUS) if self.AUTO_FOCUS else None
        return found.first() if found else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leave_field":  # in the footer only while a field has the focus
            return takes_letters(self.focused)
        return True

    def action_leave_field(self) -> None:
        """Esc in a field gives the letter keys back to the screen."""
        if takes_letters(self.focused):
            self.set_focus(self.home_widget())

    def _reset_focus(self, widget: Widget, avoiding: list[Widget] | None = None) -> None:
        # Textual's hook for a focused widget removed or disabled (it picks the previous one in the
        # focus chain); the only place the focus moves without the person asking.
        super()._reset_focus(widget, avoiding)
        if takes_letters(self.focused):
            home = self.home_widget()
            self.set_focus(home if home is not None and home not in (avoiding or []) else None)
