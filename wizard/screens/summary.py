"""The summary: what to do next (at most ten lines), before and after per step, what is left and why
(grouped by check), the changes since the last check (collapsed to counts), and export."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.style import Style
from textual.widgets import Button, Collapsible, Label, Static

from steps.base import Plan
from wizard.findings_groups import FindingGroup, group_findings
from wizard.safe_text import clean
from wizard.screens.base import WizardScreen
from wizard.todo import CONSOLE, MORE, RECHECK, StepStanding, Todo, todo_list
from wizard.widgets.render import WORDS, escape, glyph
from wizard.widgets.wrap import breakable

BAR = 6  # narrow enough that a row fits beside the sidebar at 100 columns
TITLE = 18
MARKS = {CONSOLE: "[$text-warning]✎[/]", RECHECK: "[$text-accent]⟳[/]", MORE: " "}
MARK = "[$text-primary]▶[/]"  # something the wizard can do


def score(result) -> tuple[int, int]:
    """(passing, counted) over the automatic checks: PASS out of PASS + FAIL + UNKNOWN."""
    if result is None:
        return 0, 0
    s = result.summary
    return s["PASS"], s["PASS"] + s["FAIL"] + s["UNKNOWN"]


def bar(passing: int, total: int) -> str:
    if total == 0:
        return "[dim]" + "━" * BAR + "[/]" + f" {'-':>7}"
    filled = round(BAR * passing / total)
    colour = "$text-success" if passing == total else ("$text-warning" if passing else "$text-error")
    return f"[{colour}]{'━' * filled}[/][dim]{'━' * (BAR - filled)}[/] {f'{passing}/{total}':>7}"


def todo_line(number: int, item: Todo) -> tuple[Content, Content]:
    """A to-do line's number and mark, and its text; a console task's link is a link (and shown, for
    terminals without links)."""
    head = f"[b]{escape(item.step)}[/b]: " if item.step else ""
    text = Content.from_markup(head + escape(item.text))
    if item.url:
        text = Content.assemble(text, " ", (clean(item.url), Style(link=item.url, underline=True)))
    return Content.from_markup(f"{number:>2}. {MARKS.get(item.kind, MARK)}"), text


def todo_rows(items: list[Todo]) -> list[Horizontal]:
    """The to-do list, numbered, each line wrapped under its own text."""
    return [Horizontal(Label(mark, classes="todo-mark"), Label(breakable(text), classes="todo-text"),
                       classes="todo-row")
            for mark, text in (todo_line(number, item) for number, item in enumerate(items, 1))]


def why_left(group: FindingGroup, skipped: bool, plan) -> str:
    """Why a group is still not passing, in a few words."""
    if group.status == "MANUAL":
        return "a person must do or confirm this in the console"
    if group.status == "UNKNOWN":
        return "could not be checked"
    if skipped:
        return "skipped by you"
    if plan is not None and plan.needs:
        return "needs your answers on the step screen"
    if plan is not None and plan.automatic and group.findings[0].get("fixable"):
        return "not applied yet"
    if plan is not None and plan.manual_changes:
        return "a console step for you; see the step's plan"
    return "the wizard cannot fix this automatically"


def left_line(group: FindingGroup, why: str, step: str) -> str:
    """A group still not passing, on one line: its step, what, where (a step's screen opens it) and why."""
    what = (f"{escape(group.title)}: {WORDS[group.status]} in {escape(group.where(3))}" if group.count > 1
            else f"{escape(group.title)}: {escape(group.findings[0]['message'])}")
    return f"{glyph(group.status)} [b]{escape(step)}[/b]: {what} [$text-muted]({escape(why)})[/]"


class SummaryScreen(WizardScreen):
    AUTO_FOCUS = "#export"
    BINDINGS = [
        Binding("n", "app.next", "", show=False),  # nothing is after the last screen: not offered, nor in help
        Binding("b", "app.back", "Back"),
        Binding("r", "app.recheck_all", "Re-check all"),
        Binding("e", "app.export", "Export report"),
    ]

    def compose_main(self) -> ComposeResult:
        with VerticalScroll(id="summary-scroll"):
            yield Static("Summary", classes="screen-title")
            yield Static("", id="summary-total")
            yield Static("What to do next", classes="section")
            yield Vertical(id="summary-todo")
            yield Static("Before and after", classes="section")
            yield Static("", id="summary-table")
            yield Static("What is left, and why", classes="section")
            yield Static("", id="summary-left")
            with Collapsible(title="Since the last check", id="summary-diff-box"):
                yield Static("", id="summary-diff")
        with Horizontal(classes="actions"):
            yield Button("Export the report (HTML + Markdown)", id="export", variant="primary", compact=True,
                         action="app.export")
            yield Button("Re-check all", id="recheck-all", compact=True, action="app.recheck_all")

    def on_mount(self) -> None:
        super().on_mount()
        self.wizard.position = len(self.wizard.steps)
        self.refresh_state()
        self.query_one("#export", Button).focus()

    def standings(self, plans: dict[str, Plan | None]) -> list[StepStanding]:
        run = self.wizard
        return [StepStanding(step.INFO, run.results[step.INFO.id].findings, plans.get(step.INFO.id),
                             step.INFO.id in run.skipped)
                if step.INFO.id in run.results else StepStanding(step.INFO, checked=False)
                for step in run.steps]

    def refresh_state(self) -> None:
        run = self.wizard
        rows = [f"[b]{'Step':<{TITLE + 2}} {'Before':<14}  {'After':<14}  Done[/b]"]
        left: list[FindingGroup] = []
        why: dict[int, str] = {}
        totals = {"PASS": 0, "FAIL": 0, "MANUAL": 0, "UNKNOWN": 0, "N/A": 0}
        plans: dict[str, Plan | None] = {}  # each step planned once (the big ones take a while)
        for step in run.steps:
            step_id = step.INFO.id
            before, after = run.first.get(step_id), run.results.get(step_id)
            applied = [r for r in run.applied.get(step_id, []) if r.ok]
            title = step.INFO.label  # the short label, whole (the sidebar's): a cut title says less
            rows.append(f"{glyph(run.step_state(step_id))} {escape(title):<{TITLE}} {bar(*score(before))}  "
                        f"{bar(*score(after))}  {len(applied) or '-'}")
            if after is None:
                continue
            for key in totals:
                totals[key] += after.summary[key]
            plan = plans[step_id] = run.plan_for(step_id)
            for group in group_findings([dict(f.to_dict(), step=step_id) for f in after.findings
                                         if f.status.value not in ("PASS", "N/A")]):
                left.append(group)
                why[id(group)] = why_left(group, step_id in run.skipped, plan)
        self.query_one("#summary-table", Static).update(Content.from_markup("\n".join(rows)))
        total = (f"{glyph('PASS')} {totals['PASS']} pass   {glyph('FAIL')} {totals['FAIL']} fail   "
                 f"{glyph('MANUAL')} {totals['MANUAL']} manual   {glyph('UNKNOWN')} {totals['UNKNOWN']} unknown"
                 + (f"   {glyph('N/A')} {totals['N/A']} n/a" if totals["N/A"] else ""))
        if run.identity:
            total = f"Account [b]{escape(run.identity.account_id)}[/b]\n" + total
        self.query_one("#summary-total", Static).update(Content.from_markup(total))
        todo = self.query_one("#summary-todo", Vertical)
        todo.remove_children()
        todo.mount_all(todo_rows(todo_list(self.standings(plans))))
        # one line per group in one Static: a widget per row made the summary take seconds to lay out
        labels = {step.INFO.id: step.INFO.label for step in run.steps}
        lines = [left_line(group, why[id(group)], labels.get(group.step, group.step)) for group in left]
        self.query_one("#summary-left", Static).update(breakable(Content.from_markup(  # ARNs break at : and /
            "\n".join(lines) or "[$text-success]✔ Nothing: every check passes.[/]"), hang=2))  # under the text
        self._show_diff(run.since_last_check())

    def _show_diff(self, diff: str) -> None:
        """The diff's first line (its counts) is the collapsed title; the changes open below it."""
        head, _, rest = (diff or "Not checked yet.").partition("\n")
        box = self.query_one("#summary-diff-box", Collapsible)
        box.title = escape(head)  # the title is markup
        self.query_one("#summary-diff", Static).update(breakable(clean(rest.strip() or "Nothing more to show.")))
