"""The reports on paper: headless Chromium prints them to PDF (one run per report) and pypdf reads
the pages back. The HTML report prints on A4, the Markdown report (made HTML by markdown-it-py, which
rich already brings) on Chromium's default Letter: the executive page is page 1 and fits on it, every
page carries the running header and its number, and the longest ARN is whole (nothing is cut at the
right edge: Chromium leaves out text beyond the page)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.wizard.report_documents import organization
from wizard.report import render_html, render_markdown
from wizard.report.engagement import engagement_for

pypdf = pytest.importorskip("pypdf", reason="pypdf is in the test extra: run scripts/setup")
CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (.ci/run installs it)")
A4 = (595, 842)  # points
LETTER = (612, 792)


def print_pdf(html: str, tmp_path) -> list:
    """``html`` printed by headless Chromium: its pages (pypdf)."""
    source, pdf = tmp_path / "report.html", tmp_path / "report.pdf"
    source.write_text(html)
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", f"--user-data-dir={tmp_path / 'profile'}",
                    f"--print-to-pdf={pdf}", "--no-pdf-header-footer", source.as_uri()],
                   capture_output=True, timeout=120, check=True)
    return list(pypdf.PdfReader(pdf).pages)


def _multiply(a: list, b: list) -> list:
    return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3], a[2] * b[0] + a[3] * b[2],
            a[2] * b[1] + a[3] * b[3], a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5]]


def read(page) -> tuple[str, float]:
    """A page's text and the right-most x where a run of its text starts."""
    starts = [0.0]

    def visit(text, cm, tm, font, size):
        if text.strip():
            starts.append(_multiply(list(tm), list(cm))[4])

    text = page.extract_text(visitor_text=visit)
    return text, max(starts)


def _whole(text: str) -> str:
    return "".join(text.split())


def longest_arn(document: dict) -> str:
    return max((f["resource"] or "" for f in document["findings"]), key=len)


def test_html_report_on_a4_opens_with_the_executive_page_and_numbers_every_page(tmp_path):
    # 20 accounts, 5 of them not reached: the longest first page (its not-assessed rows) that must still fit
    document = organization(accounts=20, not_reached=5)
    engagement = engagement_for(document, customer="Example Ltd", prepared_by="A. Consultant")
    html = render_html(document, engagement=engagement)
    pages = print_pdf(html.replace("</style>", "@page { size: A4; }</style>", 1), tmp_path)  # an A4 printer
    assert (round(pages[0].mediabox.width), round(pages[0].mediabox.height)) == A4
    assert 4 <= len(pages) <= 16, len(pages)
    texts = []
    for number, page in enumerate(pages, 1):
        text, right = read(page)
        assert right < A4[0] - 20, f"text starts at x={right:.0f} on page {number}: cut at the right edge"
        assert "Example Ltd · Organization report · 2026-11-30" in text, number  # the running header
        assert f"Page {number} of {len(pages)}" in text
        texts.append(text)
    first = texts[0]
    for part in ("Organization report", "A. Consultant", "Not assessed", "Executive summary", "Top risks",
                 "What changed", "What remains", "CIS AWS Foundations Benchmark v5.0", "5.7"):  # 5.7: the last chip
        assert part in first, part
    assert "Contents" not in first and "Contents" in texts[1]  # the executive page is the whole of page 1
    assert _whole(longest_arn(document)) in _whole("".join(texts))  # long ARNs wrap, whole


def test_markdown_report_on_letter_opens_with_the_executive_summary(tmp_path):
    from markdown_it import MarkdownIt

    document = organization(accounts=6, not_reached=1)
    markdown = render_markdown(document, engagement=engagement_for(document, customer="Example Ltd"))
    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(markdown)
    # the reader's own renderer styles it; as GitHub does, tables take the page width and cells wrap
    html = ('<!DOCTYPE html><html><head><meta charset="utf-8"><style>body { font: 10px sans-serif; } '
            "table { border-collapse: collapse; width: 100%; table-layout: fixed; } td, th { border: 1px solid #ccc; "
            "overflow-wrap: anywhere; vertical-align: top; }</style></head><body>" + body + "</body></html>")
    pages = print_pdf(html, tmp_path)
    assert (round(pages[0].mediabox.width), round(pages[0].mediabox.height)) == LETTER
    assert 3 <= len(pages) <= 40, len(pages)
    texts = [read(page) for page in pages]
    assert all(right < LETTER[0] - 20 for _, right in texts)
    first = texts[0][0]
    for part in ("Organization report: Example Ltd", "Not assessed", "Executive summary", "Top risks"):
        assert part in first, part
    assert _whole(longest_arn(document)) in _whole("".join(text for text, _ in texts))
