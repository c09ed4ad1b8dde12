"""The findings table: status, region, resource, message and ids, one row per finding (rows wrap)."""

from __future__ import annotations

from typing import Iterator, Sequence

from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Label

from steps.base import Finding
from wizard.widgets.batched import capped, fill
from wizard.widgets.render import escape, glyph, ids_of

ORDER = {"FAIL": 0, "UNKNOWN": 1, "MANUAL": 2, "PASS": 3}


def row_markup(finding: Finding) -> tuple[str, str, str]:
    """One row's cells as content markup: status, region and resource, title and message with ids."""
    ids = ids_of(finding)
    message = f"[b]{escape(finding.title)}[/b]: {escape(finding.message)}"
    if ids:
        message += f"  [$text-muted]({escape(ids)})[/]"
    where = f"{escape(finding.region or 'global')}\n[$text-muted]{escape(finding.resource or 'account')}[/]"
    return glyph(finding.status.value, word=True), where, message


class FindingsTable(Vertical):
    """Failing findings first; every cell wraps, so nothing is cut at 80 columns."""

    def show(self, findings: Sequence[Finding]) -> None:
        # A batch at a time, the first rows only: the compute step has hundreds (the header is a row).
        fill(self, capped(self._rows(findings), len(findings) + 1, "findings"))

    def _rows(self, findings: Sequence[Finding]) -> Iterator[Widget]:
        yield Horizontal(
            Label("Status", classes="col-status"), Label("Region / resource", classes="col-where"),
            Label("Finding  [$text-muted](CIS, Security Hub)[/]", classes="col-message"),
            classes="finding-row finding-header",
        )
        for finding in sorted(findings, key=lambda f: ORDER[f.status.value]):
            status, where, message = row_markup(finding)
            yield Horizontal(
                Label(Content.from_markup(status), classes="col-status"),
                Label(Content.from_markup(where), classes="col-where"),
                Label(Content.from_markup(message), classes="col-message"),
                classes=f"finding-row -{finding.status.value.lower()}",
            )
        if not findings:
            yield Label("No findings yet.", classes="muted")
