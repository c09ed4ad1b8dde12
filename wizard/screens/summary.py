"""The summary: per step, before and after as a bar and a score; what is left and why; export."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Static

from wizard.screens.base import WizardScreen
from wizard.widgets.render import escape, glyph

BAR = 6  # narrow enough that a row fits beside the sidebar at 100 columns
TITLE = 18


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


class SummaryScreen(WizardScreen):
    AUTO_FOCUS = "#export"
    BINDINGS = [
        Binding("b", "app.back", "Back"),
        Binding("r", "app.recheck_all", "Re-check all"),
        Binding("e", "app.export", "Export report"),
    ]

    def compose_main(self) -> ComposeResult:
        with VerticalScroll(id="summary-scroll"):
            yield Static("Summary", classes="screen-title")
            yield Static("", id="summary-total")
            yield Static("", id="summary-table")
            yield Static("What is left, and why", classes="section")
            yield Static("", id="summary-left")
            yield Static("Since the last check", classes="section")
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

    def refresh_state(self) -> None:
        run = self.wizard
        rows = [f"[b]{'Step':<{TITLE + 2}} {'Before':<14}  {'After':<14}  Done[/b]"]
        left: list[str] = []
        totals = {"PASS": 0, "FAIL": 0, "MANUAL": 0, "UNKNOWN": 0, "N/A": 0}
        for step in run.steps:
            step_id = step.INFO.id
            before, after = run.first.get(step_id), run.results.get(step_id)
            applied = [r for r in run.applied.get(step_id, []) if r.ok]
            title = step.INFO.title if len(step.INFO.title) <= TITLE else step.INFO.title[:TITLE - 1] + "…"
            rows.append(f"{glyph(run.step_state(step_id))} {escape(title):<{TITLE}} {bar(*score(before))}  "
                        f"{bar(*score(after))}  {len(applied) or '-'}")
            if after is None:
                left.append(f"{glyph('PENDING')} [b]{escape(step.INFO.title)}[/b]: not checked yet")
                continue
            for key in totals:
                totals[key] += after.summary[key]
            skipped = step_id in run.skipped
            plan = run.plan_for(step_id)
            for finding in after.findings:
                status = finding.status.value
                if status in ("PASS", "N/A"):  # N/A: nothing to fix, nothing left
                    continue
                if status == "FAIL":
                    if skipped:
                        why = "skipped by you"
                    elif plan is not None and plan.needs:
                        why = "needs your answers on the step screen"
                    elif plan is not None and plan.automatic and finding.fixable:
                        why = "not applied yet"
                    elif plan is not None and plan.manual_changes:
                        why = "a console step for you; see the step's plan"
                    else:
                        why = "the wizard cannot fix this automatically"
                elif status == "MANUAL":
                    why = "a person must do or confirm this in the console"
                else:
                    why = "could not be checked"
                left.append(f"{glyph(status)} [b]{escape(step.INFO.title)}[/b]: {escape(finding.title)} "
                            f"[$text-muted]({why})[/]\n    {escape(finding.message)}")
        self.query_one("#summary-table", Static).update(Content.from_markup("\n".join(rows)))
        total = (f"{glyph('PASS')} {totals['PASS']} pass   {glyph('FAIL')} {totals['FAIL']} fail   "
                 f"{glyph('MANUAL')} {totals['MANUAL']} manual   {glyph('UNKNOWN')} {totals['UNKNOWN']} unknown"
                 + (f"   {glyph('N/A')} {totals['N/A']} n/a" if totals["N/A"] else ""))
        if run.identity:
            total = f"Account [b]{escape(run.identity.account_id)}[/b]\n" + total
        self.query_one("#summary-total", Static).update(Content.from_markup(total))
        if not left:
            left = ["[$text-success]✔ Nothing: every check passes.[/]"]
        self.query_one("#summary-left", Static).update(Content.from_markup("\n".join(left)))
        self.query_one("#summary-diff", Static).update(escape(run.since_last_check() or "Not checked yet."))
