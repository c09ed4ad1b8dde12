"""The plan preview: every change as service.operation with its exact parameters, or console steps."""

from __future__ import annotations

import os

from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Button, Label, Link, Static

from steps.base import Plan
from wizard.widgets.render import escape, change_markup, change_title, console_action, manual_markup, manual_title


class ActionButton(Button):
    """A button that carries what it does: ``action`` is "recheck" or "simulate:<console action>"."""

    def __init__(self, label: str, action: str, **kw) -> None:
        super().__init__(label, compact=True, **kw)
        self.wizard_action = action


class PlanView(Vertical):
    """Renders a :class:`Plan`; manual changes get a console link, re-check, and (sandbox) simulate."""

    def show(self, plan: Plan | None) -> None:
        self.remove_children()
        widgets = []
        if plan is None:
            widgets.append(Label("The plan appears once this step has been checked.", classes="muted"))
        else:
            for note in plan.notes:
                widgets.append(Static(Content.from_markup(f"[$text-warning]• {escape(note)}[/]"), classes="plan-note"))
            if plan.needs:
                widgets.append(Label("Fill in the fields above to see the exact calls.", classes="muted"))
            automatic = plan.automatic
            if automatic:
                widgets.append(Label(f"{len(automatic)} call{'s' if len(automatic) != 1 else ''} will be made, "
                                     "in this order, after you confirm:", classes="plan-lead"))
            for number, change in enumerate(automatic, 1):
                widgets.append(Vertical(
                    Static(Content.from_markup(change_title(change, number)), classes="change-title"),
                    Static(Content.from_markup(change_markup(change)), classes="change-body"),
                    classes="change" + (" -risky" if change.risky else "")))
            sandbox = bool(os.environ.get("AWS_ESSENTIALS_SANDBOX"))
            for number, change in enumerate(plan.manual_changes, len(automatic) + 1):
                parts = [Static(Content.from_markup(manual_title(change, number)), classes="change-title"),
                         Static(Content.from_markup(manual_markup(change)), classes="change-body")]
                if change.console_url:
                    parts.append(Link(change.console_url, url=change.console_url, classes="console-link"))
                buttons = [ActionButton("Re-check", "recheck", variant="primary")]
                action = console_action(change)
                if sandbox and action:
                    buttons.append(ActionButton("Simulate doing this in the console (sandbox only)",
                                                f"simulate:{action}", variant="warning"))
                parts.append(Vertical(*buttons, classes="manual-actions"))
                widgets.append(Vertical(*parts, classes="change -manual"))
            if not plan.changes and not plan.needs:
                widgets.append(Static(Content.from_markup("[$text-success]✔ Nothing to change: this step is compliant "
                                                         "as far as the wizard can fix it.[/]")))
        self.mount_all(widgets)
