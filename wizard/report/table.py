"""The terminal table of a findings document (`check`'s default output): one row per check and
status (grouping.py), naming the accounts, regions and resources it covers, failures first."""

from __future__ import annotations

from typing import Any

from wizard.report.grouping import group_findings
from wizard.report.model import counts_line, ids_text, regions_disabled_lines
from wizard.safe_text import clean, rich_text as _t


def step_labels() -> dict[str, str]:
    """The steps' short labels (whole at 80 columns), for the table's narrow Step column."""
    from steps import STEPS

    return {s.INFO.id: s.INFO.label for s in STEPS}


def render_table(document: dict[str, Any], width: int = 120) -> str:
    """A terminal table for people: a row per check and status, most severe failures first."""
    from io import StringIO

    from rich.console import Console
    from rich.table import Table

    style = {"PASS": "green", "FAIL": "red", "MANUAL": "yellow", "UNKNOWN": "magenta", "N/A": "dim"}
    accounts = document.get("accounts")
    title = f"Organization of account {document['account_id']}" if accounts else f"Account {document['account_id']}"
    table = Table(title=_t(title), expand=False)  # account text as Text, never parsed as markup
    for column in ("Step", "Status", "Check, and where", "Message", "Ids"):
        table.add_column(column, overflow="fold", max_width={"Message": 34, "Ids": 16}.get(column))
    labels = step_labels()
    for g in group_findings(document["findings"]):
        # one finding: its own message; more: the first one's, with how many there are
        message = g.findings[0]["message"] + (f" (and {g.count - 1} more)" if g.count > 1 else "")
        check = _t(g.title)
        check.append("\n" + clean(g.spread(limit=4, with_accounts=bool(accounts))), style="dim")
        table.add_row(_t(labels.get(g.step, g.step)), f"[{style.get(g.status, 'white')}]{g.status}[/]\n{g.severity}",
                      check, _t(message), _t(ids_text(g.findings[0])))
    s = document["summary"]
    buffer = StringIO()
    console = Console(file=buffer, width=width, force_terminal=False, color_system=None)
    console.print(table)
    if accounts:
        per_account = Table(title="Per account", expand=False)
        for column in ("Account", "Name", "Pass", "Fail", "Manual", "Unknown", "Note"):
            per_account.add_column(column, overflow="fold")
        for row in accounts:
            per_account.add_row(_t(row["account_id"]), _t(row.get("name") or ""),
                                *(str(row["summary"][k]) for k in ("PASS", "FAIL", "MANUAL", "UNKNOWN")),
                                _t(row.get("error") or ""))
        console.print(per_account)
    console.print(counts_line(s))
    for line in regions_disabled_lines(document):
        console.print(_t(f"Regions not assessed, {line}"))
    return buffer.getvalue()
