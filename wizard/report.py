"""Findings documents and their renderings (table, Markdown, JSON)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Iterable, Sequence

from steps.base import summarize

SCHEMA = "aws-essentials/findings/v1"
GLYPH = {"PASS": "✔", "FAIL": "✘", "MANUAL": "✋", "UNKNOWN": "?"}


def findings_document(account_id: str, regions: Sequence[str], results: Iterable[Any],
                      caller_arn: str = "") -> dict[str, Any]:
    """The ``aws-essentials/findings/v1`` document for one account."""
    findings = []
    all_findings = []
    for result in results:
        for finding in result.findings:
            all_findings.append(finding)
            findings.append({"account_id": account_id, "step": result.id, **finding.to_dict()})
    return {
        "schema": SCHEMA,
        "account_id": account_id,
        "caller_arn": caller_arn,
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "regions": list(regions),
        "summary": summarize(all_findings),
        "findings": findings,
    }


def render_json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=False) + "\n"


def _ids(finding: dict[str, Any]) -> str:
    ids = [f"CIS {c}" for c in finding["cis"]] + list(finding["securityhub"])
    return ", ".join(ids)


def render_markdown(document: dict[str, Any]) -> str:
    """A Markdown report: summary, then one table per step."""
    s = document["summary"]
    lines = [
        f"# AWS security essentials: account {document['account_id']}",
        "",
        f"Generated {document['generated_at']} over {len(document['regions'])} regions.",
        "",
        f"**{s['PASS']} passed, {s['FAIL']} failed, {s['MANUAL']} manual, {s['UNKNOWN']} unknown.**",
    ]
    step = None
    for f in document["findings"]:
        if f["step"] != step:
            step = f["step"]
            lines += ["", f"## {step}", "", "| Status | Check | Region | Resource | Message | Ids |",
                      "|---|---|---|---|---|---|"]
        cells = [f"{GLYPH[f['status']]} {f['status']}", f["title"], f["region"] or "global", f["resource"] or "",
                 f["message"], _ids(f)]
        lines.append("| " + " | ".join(str(c).replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def render_table(document: dict[str, Any], width: int = 120) -> str:
    """A terminal table for people, grouped by step."""
    from io import StringIO

    from rich.console import Console
    from rich.table import Table

    style = {"PASS": "green", "FAIL": "red", "MANUAL": "yellow", "UNKNOWN": "magenta"}
    table = Table(title=f"Account {document['account_id']}", expand=False)
    for column in ("Step", "Status", "Check", "Region", "Message", "Ids"):
        table.add_column(column, overflow="fold")
    for f in document["findings"]:
        table.add_row(f["step"], f"[{style[f['status']]}]{f['status']}[/]", f["title"], f["region"] or "global",
                      f["message"], _ids(f))
    s = document["summary"]
    buffer = StringIO()
    console = Console(file=buffer, width=width, force_terminal=False, color_system=None)
    console.print(table)
    console.print(f"{s['PASS']} passed, {s['FAIL']} failed, {s['MANUAL']} manual, {s['UNKNOWN']} unknown")
    return buffer.getvalue()


RENDERERS = {"json": render_json, "markdown": render_markdown, "table": render_table}
