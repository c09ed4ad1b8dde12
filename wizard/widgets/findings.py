"""The findings table: status, region, resource, message and ids, one row per finding (rows wrap)."""

from __future__ import annotations

from typing import Sequence

from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.markup import escape
from textual.widgets import Label

from steps.base import Finding
from wizard.widgets.render import glyph, ids_of

ORDER = {"FAIL": 0, "UNKNOWN": 1, "MANUAL": 2, "PASS": 3}


class FindingsTable(Vertical):
    """Failing findings first; every cell wraps, so nothing is cut at 80 columns."""

    def show(self, findings: Sequence[Finding]) -> None:
        self.remove_children()
        header = Horizontal(
            Label("Status", classes="col-status"), Label("Region", classes="col-region"),
            Label("Resource", classes="col-resource"), Label("Finding", classes="col-message"),
            Label("CIS / Hub", classes="col-ids"), classes="finding-row finding-header",
        )
        rows = [header]
        for finding in sorted(findings, key=lambda f: ORDER[f.status.value]):
            status = finding.status.value
            message = f"[b]{escape(finding.title)}[/b]: {escape(finding.message)}"
            rows.append(Horizontal(
                Label(Content.from_markup(glyph(status, word=True)), classes="col-status"),
                Label(escape(finding.region or "global"), classes="col-region"),
                Label(escape(finding.resource or "account"), classes="col-resource"),
                Label(Content.from_markup(message), classes="col-message"),
                Label(escape(ids_of(finding) or "-"), classes="col-ids"),
                classes=f"finding-row -{status.lower()}",
            ))
        if not findings:
            rows.append(Label("No findings yet.", classes="muted"))
        self.mount_all(rows)
