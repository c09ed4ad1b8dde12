"""The plan preview: every change as service.operation with its exact parameters, or console steps."""

from __future__ import annotations

from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Button, Label, Link, Static

from steps.base import Plan
from wizard.widgets.render import escape, change_markup, change_title, console_action, manual_markup, manual_title
from wizard.widgets.wrap import breakable


class PlanView(Vertical):
    """Renders a :class:`Plan`; manual changes get a console link, re-check, and (sandbox) simulate.

    The buttons run actions of the screen that shows the plan: ``screen.recheck`` and
    ``screen.simulate('<console action>')``."""

    def show(self, plan: Plan | None, simulate: bool = False) -> None:
        """``simulate``: the connection is the sandbox, which can do a manual change's console task."""
        self.remove_children()
        widgets = []
        if plan is None:
            widgets.append(Label("The plan appears once this step has been checked.", classes="muted"))
        else:
            for note in plan.notes:
                widgets.append(Static(breakable(Content.from_markup(f"[$text-warning]• {escape(note)}[/]")), classes="plan-note"))
            if plan.needs:
                widgets.append(Label("Fill in the fields above to see the exact calls.", classes="muted"))
            automatic = plan.automatic
            if automatic:
                widgets.append(Label(f"{len(automatic)} call{'s' if len(automatic) != 1 else ''} will be made, "
                                     "in this order, after you confirm:", classes="plan-lead"))
            for number, change in enumerate(automatic, 1):
                widgets.append(Vertical(
                    Static(breakable(Content.from_markup(change_title(change, number))), classes="change-title"),
                    Static(breakable(Content.from_markup(change_markup(change))), classes="change-body"),
                    classes="change" + (" -risky" if change.risky else "")))
            for number, change in enumerate(plan.manual_changes, len(automatic) + 1):
                parts = [Static(breakable(Content.from_markup(manual_title(change, number))), classes="change-title"),
                         Static(breakable(Content.from_markup(manual_markup(change))), classes="change-body")]
                if change.console_url:
                    parts.append(Link(change.console_url, url=change.console_url, classes="console-link"))
                buttons = [Button("Re-check", variant="primary", compact=True, action="screen.recheck")]
                action = console_action(change)
                if simulate and action:
                    buttons.append(Button("Simulate doing this in the console (sandbox only)", variant="warning",
                                          compact=True, action=f"screen.simulate({action!r})"))
                parts.append(Vertical(*buttons, classes="manual-actions"))
                widgets.append(Vertical(*parts, classes="change -manual"))
            if not plan.changes and not plan.needs:
                widgets.append(Static(Content.from_markup("[$text-success]✔ Nothing to change: this step is compliant "
                                                         "as far as the wizard can fix it.[/]")))
        self.mount_all(widgets)
