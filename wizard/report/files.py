"""The report the owner keeps: the HTML (to hand over) and its Markdown twin, written side by side,
from the same document and fixes as `check --format html` and `--format markdown`."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from wizard.paths import write_private
from wizard.report.html import render_html
from wizard.report.markdown import render_markdown
from wizard.report.model import findings_document, fixes_for


def report_stem(folder: Path, account_id: str) -> Path:
    """The reports' path without its suffix: one pair per account, replaced by the next export."""
    return folder / f"aws-essentials-report-{account_id or 'account'}"


def write_reports(folder: Path, account_id: str, regions: Sequence[str], results: Sequence[Any],
                  caller_arn: str = "") -> tuple[Path, Path]:
    """Write both reports into ``folder`` (made 0700 when missing), each 0600; return their paths.

    Raises OSError when the folder cannot be written, and StepError when the journal (the report's
    list of changes) is damaged."""
    from wizard.journal import Journal

    document = findings_document(account_id, regions, results, caller_arn=caller_arn)
    fixes = fixes_for(results)
    entries = Journal(account_id).entries()
    stem = report_stem(folder, account_id)
    html, markdown = stem.with_suffix(".html"), stem.with_suffix(".md")
    write_private(html, render_html(document, entries, fixes))
    write_private(markdown, render_markdown(document, fixes, journal_entries=entries))  # the HTML's changes too
    return html, markdown
