"""Findings documents and their renderings (table, Markdown, JSON, HTML, OCSF).

- model.py: the findings document, and the planned changes paired with each remaining FAIL;
- markdown.py, table.py, html.py (html_style.py), ocsf.py: one rendering each, reading the model.
"""

from __future__ import annotations

from wizard.report.html import render_html
from wizard.report.markdown import GLYPH, change_markdown, render_markdown
from wizard.report.model import (
    SCHEMA, SEVERITY_ORDER, findings_document, fix_change, fix_for_finding, fixes_for, not_assessed, render_json,
)
from wizard.report.ocsf import ocsf_findings, render_ocsf
from wizard.report.table import render_table

__all__ = ["GLYPH", "RENDERERS", "SCHEMA", "SEVERITY_ORDER", "change_markdown", "findings_document", "fix_change",
           "fix_for_finding", "fixes_for", "not_assessed", "ocsf_findings", "render_html", "render_json",
           "render_markdown", "render_ocsf", "render_table"]

# `check --format`'s renderings of a findings document (HTML also takes the journal and the fixes)
RENDERERS = {"json": render_json, "markdown": render_markdown, "table": render_table, "ocsf": render_ocsf}
