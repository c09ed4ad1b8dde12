"""The terminal table of a findings document (`check`'s default output): one row per check and
status (grouping.py), naming the accounts, regions and resources it covers, failures first."""

from __future__ import annotations

from typing import Any

from wizard.report.grouping import group_findings
from wizard.report.model import counts_line, ids_text, step_titles
from wizard.safe_text import rich_text as _t


def render_table(document: dict[str, Any], width: int = 120) -> str:
    """A terminal table for people: a row per check and status, most severe failures first."""
    from io import StringIO

    from rich.console import Console
    from rich.table import Table

    style = {"PASS": "green", "FAIL": "red", "MANUAL": "yellow", "UNKNOWN": "magenta", "N/A": "dim"}
    accounts = document.get("accounts")
    title = f"Organization of account {document['account_id']}" if accounts else f"Account {document['account_id']}"
    table = Table(title=_t(title), expand=False)  # account text as Text, never parsed as markup
    for column in ("Step", "Status", "Severity", "Check", "Where", "Message", "Ids"):
        table.add_column(column, overflow="fold")
    titles = step_titles()
    for g in group_findings(document["findings"]):
        # one finding: its own message; more: the first one's, with how many there are
        message = g.findings[0]["message"] + (f" (and {g.count - 1} more)" if g.count > 1 else "")
        table.add_row(_t(titles.get(g.step, g.step)), f"[{style.get(g.status, 'white')}]{g.status}[/]", _t(g.severity),
                      *map(_t, (g.title, g.spread(limit=4, with_accounts=bool(accounts)), message, ids_text(g.findings[0]))))
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
    return buffer.getvalue()
