"""The terminal table of a findings document (`check`'s default output), grouped by step."""

from __future__ import annotations

from typing import Any

from wizard.report.model import counts_line, ids_text, regions_disabled_lines
from wizard.safe_text import rich_text as _t


def render_table(document: dict[str, Any], width: int = 120) -> str:
    """A terminal table for people, grouped by step."""
    from io import StringIO

    from rich.console import Console
    from rich.table import Table

    style = {"PASS": "green", "FAIL": "red", "MANUAL": "yellow", "UNKNOWN": "magenta", "N/A": "dim"}
    accounts = document.get("accounts")
    title = f"Organization of account {document['account_id']}" if accounts else f"Account {document['account_id']}"
    table = Table(title=_t(title), expand=False)  # account text as Text, never parsed as markup
    for column in (("Account",) if accounts else ()) + ("Step", "Status", "Check", "Region", "Message", "Ids"):
        table.add_column(column, overflow="fold")
    for f in document["findings"]:
        table.add_row(*map(_t, (f["account_id"],) if accounts else ()), _t(f["step"]),
                      f"[{style[f['status']]}]{f['status']}[/]",
                      *map(_t, (f["title"], f["region"] or "global", f["message"], ids_text(f))))
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
