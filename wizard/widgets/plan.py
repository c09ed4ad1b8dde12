"""The plan preview: every change as service.operation with its exact parameters, or console steps.

Made in two halves: ``plan_blocks`` turns a plan into parsed text (pure, so the step screen runs it
in a thread: parsing the VPC step's 130 calls took 0.5 s), and ``PlanView`` puts the blocks on
screen a batch at a time (``wizard.widgets.batched``). A plan of more than ``LIMIT`` calls shows
its summary (calls per service, operation and region, what is risky or cannot be undone: what the
owner reads first) and its calls only when asked: mounting the VPC step's first 24 calls held the
event loop for 0.3-0.5 s on every switch to it. The confirmation lists every call.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Sequence

from textual.containers import Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Button, Label, Link, Static

from steps.base import Plan
from wizard.widgets.batched import LIMIT, ShowMore, fill
from wizard.widgets.cells import Cell, Stack
from wizard.widgets.render import (escape, change_markup, change_title, console_action, manual_markup, manual_title,
                                   summary_markup)
from wizard.widgets.wrap import breakable


@dataclass(frozen=True)
class Block:
    """One part of the plan on screen: ``kind`` is note, muted, lead, summary, change, manual or compliant."""

    kind: str
    title: Content
    body: Content | None = None
    risky: bool = False
    url: str = ""
    console_action: str = ""  # a manual change the sandbox can simulate


def plan_blocks(plan: Plan | None, simulate: bool = False) -> list[Block]:
    """The plan's text, parsed; pure (no widgets), so it can run outside the UI thread.
    ``simulate``: the connection is the sandbox, which can do a manual change's console task."""
    if plan is None:
        return [Block("muted", Content("The plan appears once this step has been checked."))]
    blocks = [Block("note", breakable(Content.from_markup(f"[$text-warning]• {escape(note)}[/]"))) for note in plan.notes]
    if plan.needs:
        blocks.append(Block("muted", Content("Fill in the fields above to see the exact calls.")))
    automatic = plan.automatic
    if automatic:
        blocks.append(Block("lead", Content(f"{len(automatic)} call{'s' if len(automatic) != 1 else ''} will be "
                                            "made, in this order, after you confirm:")))
    if len(automatic) > LIMIT:
        blocks.append(Block("summary", breakable(Content.from_markup(summary_markup(plan, brief=True)), hang=2)))
    for number, change in enumerate(automatic, 1):
        blocks.append(Block("change", breakable(Content.from_markup(change_title(change, number))),
                            breakable(Content.from_markup(change_markup(change))), risky=change.risky))
    for number, change in enumerate(plan.manual_changes, len(automatic) + 1):
        action = console_action(change)
        blocks.append(Block("manual", breakable(Content.from_markup(manual_title(change, number))),
                            breakable(Content.from_markup(manual_markup(change))), url=change.console_url or "",
                            console_action=action if simulate and action else ""))
    if not plan.changes and not plan.needs:
        blocks.append(Block("compliant", Content.from_markup(
            "[$text-success]✔ Nothing to change: this step is compliant as far as the wizard can fix it.[/]")))
    return blocks


def _text(block: Block, classes: str = "") -> Static:
    """A change's title over its body indented by 3, as one widget (it was a container of two, and
    the compute step plans 88 calls and a dozen console tasks)."""
    return Static(Stack([Cell(block.title), Cell(block.body or Content(), left=3)]), classes=classes)


class ConsoleLink(Link):
    """A console link that wraps after a ``/``, ``?``, ``&``, ``=`` or ``.`` (Textual's folds it mid-word)."""

    def __init__(self, text: str, *, url: str, classes: str) -> None:
        super().__init__(text, url=url, classes=classes)
        self.update(breakable(text, url=True))

    def watch_text(self, text: str) -> None:
        self.update(breakable(text, url=True))


def _widget(block: Block) -> Widget:
    if block.kind == "note":
        return Static(block.title, classes="plan-note")
    if block.kind == "muted":
        return Label(block.title, classes="muted")
    if block.kind == "lead":
        return Label(block.title, classes="plan-lead")
    if block.kind == "summary":
        return Static(block.title, classes="plan-summary")
    if block.kind == "change":
        return _text(block, "change" + (" -risky" if block.risky else ""))
    if block.kind == "manual":
        parts: list[Widget] = [_text(block)]
        if block.url:
            parts.append(ConsoleLink(block.url, url=block.url, classes="console-link"))
        buttons = [Button("Re-check", variant="primary", compact=True, action="screen.recheck")]
        if block.console_action:
            # short enough for the box at 80 columns (the longer label was cut when focused)
            buttons.append(Button("Simulate this console step (sandbox only)", variant="warning",
                                  compact=True, action=f"screen.simulate({block.console_action!r})"))
        parts.append(Vertical(*buttons, classes="manual-actions"))
        return Vertical(*parts, classes="change -manual")
    return Static(block.title)


HEAD = ("note", "muted", "lead", "summary")


def _widgets(blocks: Sequence[Block]) -> Iterator[Widget]:
    """The blocks in order; more than ``LIMIT`` calls are held by a button under their summary (the
    console tasks after them stay in view: only the owner can do those)."""
    calls = [block for block in blocks if block.kind == "change"]
    yield from (_widget(block) for block in blocks if block.kind in HEAD)
    if len(calls) > LIMIT:
        yield ShowMore(f"▸ Show the {len(calls)} calls", map(_widget, calls))
    else:
        yield from map(_widget, calls)
    yield from (_widget(block) for block in blocks if block.kind not in HEAD + ("change",))


class PlanView(Vertical):
    """Renders a :class:`Plan`; manual changes get a console link, re-check, and (sandbox) simulate.

    The buttons run actions of the screen that shows the plan: ``screen.recheck`` and
    ``screen.simulate('<console action>')``."""

    def show(self, plan: Plan | None, simulate: bool = False) -> None:
        self.show_blocks(plan_blocks(plan, simulate))

    def show_blocks(self, blocks: Sequence[Block]) -> None:
        """The widgets are made as their batch is mounted, not all at once."""
        fill(self, _widgets(blocks))

    def preparing(self) -> None:
        """A line while the plan is being made, when nothing is shown yet."""
        if not self.children:
            self.mount(Label("Preparing the plan…", classes="muted"))
