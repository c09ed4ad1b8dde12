"""Hostile text through every renderer: no exception, no control code out, no HTML where it could run.

The account's owner picks security group names, tags, contact names and account names; each of
these strings reaches the table, Markdown, HTML, OCSF and JSON reports, the plain mode and the TUI's
widgets, and must come out as data.
"""

from __future__ import annotations

import io
import json
import re
from types import SimpleNamespace

from hypothesis import HealthCheck, given, settings, strategies as st
from textual.content import Content

from steps.base import Call, Change, Finding, Plan, Severity, Status, StepError
from wizard.plain import PlainWizard
from wizard.report import findings_document, render_html, render_json, render_markdown, render_ocsf, render_table
from wizard.report.engagement import engagement_for
from wizard.safe_text import clean, markdown_code
from wizard.screens.welcome import picker_options
from wizard.findings_groups import group_findings
from wizard.screens.summary import todo_line
from wizard.todo import Todo
from wizard.widgets.findings import group_markup, row_markup
from wizard.widgets.render import change_markup, change_title, escape, manual_markup, manual_title

FRAGMENTS = ["[", "]", "[/", "[/]", "[bold]", "[b]x[/b]", "[$text-muted]", "\\", "\x1b", "\x1b]2;pwned\x07",
             "\x1b[31m", "\x9b31m", "\x9d0;t\x9c", "\x85", "\x07", "\x00", "\r", "\n", "\t", "\x7f", "\u202e",
             "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](https://evil.example)",
             "![i](x)", "<https://evil.example>", "`", "``", "|", "#", "# h", "&", "&lt;", "*", "_", "~", "{", "}",
             "nfs [/export]", "a", " "]
HOSTILE = st.one_of(
    st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=8).map("".join),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40),
)
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# the tags the HTML report's own template uses; anything else came from the data
HTML_TAGS = {"!DOCTYPE", "html", "head", "meta", "title", "style", "body", "main", "header", "div", "h1", "h2", "h3",
             "dl", "dt", "dd", "section", "p", "i", "table", "thead", "tbody", "tr", "th", "td", "span", "br", "b",
             "code", "ul", "ol", "li", "footer", "nav", "a", "details", "summary"}
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def no_control(text: str) -> None:
    found = CONTROL.search(text)
    assert found is None, f"control character {found.group()!r} in output"


def document_with(text: str) -> dict:
    finding = Finding("hostile", text, Status.FAIL, text, Severity.HIGH, region=text, resource=text,
                      cis=("5.3",), fixable=True)
    result = SimpleNamespace(id="vpc", findings=[finding], error=None)
    failed = SimpleNamespace(id="s3", findings=[], error=StepError(text, text))  # its reason is AWS's text
    document = findings_document("123456789012", ["us-east-1"], [result, failed], caller_arn=text)
    document["accounts"] = [{"account_id": "210987654321", "name": text, "error": text,
                             "summary": {"PASS": 0, "FAIL": 1, "MANUAL": 0, "UNKNOWN": 0}}]
    document["not_assessed"].append({"account_id": "210987654321", "step": "", "reason": text})
    # "Since last visit" (wizard/report/trend.py): every name and date in it came from a stored run or the account
    row = {"step": text, "check": text, "region": text, "resource": text, "title": text, "before": "PASS", "after": text}
    document["since_last_visit"] = {"organization": True, "previous_time": text, "current_time": text, "accounts": [
        {"account_id": "210987654321", "name": text, "previous_time": text, "current_time": text,
         "compared": {"steps": [text], "regions": [text]}, "fixed": [row], "regressed": [row], "new": [row],
         "left_out": [{"kind": "step", "why": "not checked in the last run", "names": [text]}]},
        {"account_id": "123456789012", "name": text, "not_assessed": text, "previous_time": text}]}
    return document


def change_with(text: str) -> Change:
    return Change(text, Call("ec2", "RevokeSecurityGroupIngress", {"GroupName": text, text: [text]}, "us-east-1"),
                  before={"Description": text}, after=None, warning=text, cost_note=text,
                  undo=Call("ec2", "AuthorizeSecurityGroupIngress", {"GroupName": text}, "us-east-1"))


def shown(markup: str) -> str:
    """What Textual would draw for ``markup``, as text (parsing it must not fail)."""
    return "".join(segment.text for segment in Content.from_markup(markup).render_segments())


@FAST
@given(HOSTILE)
def test_reports(text):
    for accounts in (False, True):
        document = document_with(text)
        if not accounts:
            del document["accounts"]
        table = render_table(document)
        no_control(table)
        markdown = render_markdown(document)
        no_control(markdown)
        assert "<" not in markdown  # no raw HTML, autolink or <script>: the data's < are entities
        html = render_html(document, [], {"vpc": {"changes": [], "notes": [text], "needs": [text]}})
        no_control(html)
        assert {tag for tag in re.findall(r"<(?:/)?([!A-Za-z0-9]+)", html)} <= HTML_TAGS
        assert "<script" not in html.lower() and "<img" not in html.lower()
        for output in (render_json(document), render_ocsf(document)):
            no_control(output)  # JSON writes control characters as \u00NN ...
        assert json.loads(render_json(document))["findings"][0]["message"] == text  # ... and keeps the data exact
        assert json.loads(render_ocsf(document))[0]["message"] == text


@FAST
@given(HOSTILE)
def test_markdown_cells_keep_their_columns(text):
    engagement = engagement_for(document_with(text), customer=text, prepared_by=text, steps_run=["vpc"])
    markdown = render_markdown(document_with(text), engagement=engagement)
    tables = 0
    columns = None
    for line in markdown.splitlines():
        if not line.startswith("|"):
            columns = None
            continue
        cells = re.split(r"(?<!\\)\|", line)[1:-1]  # an escaped \| is text inside a cell
        if columns is None:  # a table's header row sets its number of columns
            columns, tables = len(cells), tables + 1
        assert len(cells) == columns, line
    assert tables >= 8  # not assessed, severities, scope, summary, accounts, remaining, CIS, grouped, appendix


@FAST
@given(HOSTILE)
def test_engagement_text_stays_data_in_the_printed_header(text):
    """The customer and consultant names reach the page, and the running header inside <style>."""
    document = document_with(text)
    page = render_html(document, engagement=engagement_for(document, customer=text, prepared_by=text))
    no_control(page)
    style = page[page.index("<style>"):page.index("</style>") + len("</style>")]
    assert style.count("</style") == 1 and "<" not in style[len("<style>"):-len("</style>")]
    header = re.search(r"@top-left \{ content:(\"[^\"]*\");", style)
    assert header and all(c.isalnum() or c in ' "\\' for c in header.group(1))  # every other character escaped
    assert {tag for tag in re.findall(r"<(?:/)?([!A-Za-z0-9]+)", page)} <= HTML_TAGS


@FAST
@given(HOSTILE)
def test_plain_mode(text):
    out = io.StringIO()
    wizard = PlainWizard(SimpleNamespace(account_id="123456789012"), steps=[], out=out)
    wizard.show_findings([Finding("hostile", text, Status.FAIL, text, region=text, resource=text)])
    # a group (two findings of one check): its line names the regions and resources
    wizard.show_findings([Finding("hostile", text, Status.FAIL, text, region=text + str(n), resource=text + str(n))
                          for n in range(5)])
    wizard.show_plan(Plan("vpc", (change_with(text), Change(text, manual=True, console_url=text, instructions=(text,))),
                          notes=(text,)))
    no_control(out.getvalue())


@FAST
@given(HOSTILE)
def test_tui_widgets(text):
    finding = Finding("hostile", text, Status.FAIL, text, region=text, resource=text)
    status, where, message = row_markup(finding)
    group = group_findings([dict(Finding("hostile", text, Status.FAIL, text, region=text + str(n),
                                         resource=text + str(n)).to_dict(), step=text) for n in range(5)])[0]
    grouped = group_markup(group)
    todo = todo_line(1, Todo("console", text, text, url=text))
    change = change_with(text)
    manual = Change(text, manual=True, instructions=(text,), warning=text)
    drawn = [shown(status), shown(where), shown(message), shown(change_title(change, 1)), shown(change_markup(change)),
             shown(manual_title(manual, 2)), shown(manual_markup(manual)), shown(f"[b]{escape(text)}[/b]")]
    for prompt, _ in picker_options([("210987654321", text)]):  # a str prompt is markup to a Select
        drawn.append("".join(s.text for s in (Content.from_markup(prompt) if isinstance(prompt, str)
                                               else prompt).render_segments()))
    drawn += [shown(cell) for cell in grouped]
    drawn += ["".join(s.text for s in part.render_segments()) for part in todo]
    for text_drawn in drawn:
        no_control(text_drawn)
    visible = clean(text)
    assert visible in shown(message).replace("\u200b", "")  # the data is shown as it is, only made visible
    assert shown(f"[b]{escape(text)}[/b]").replace("\u200b", "") == visible


@FAST
@given(HOSTILE)
def test_plan_markdown(text):
    from wizard.commands.plan import render_plan_markdown

    from steps import by_id

    result = SimpleNamespace(step=by_id("vpc"), id="vpc", error=None)
    plan = Plan("vpc", (change_with(text), Change(text, manual=True, console_url=text, instructions=(text,))),
                notes=(text,))
    markdown = render_plan_markdown("123456789012", [(result, plan)])
    no_control(markdown)
    outside_code = re.sub(r"(`+) .*? \1|`[^`]*`", "", markdown)
    assert "<" not in outside_code
    # every parameter verbatim in a code span, one a line (wizard/plan_text.py; control characters made visible)
    assert markdown_code(f"GroupName = {text}") in markdown
    assert markdown_code(f"{text} = {json.dumps([text], ensure_ascii=False)}") in markdown


@FAST
@given(HOSTILE)
def test_apply_log_lines(text):
    """The apply screen's log shows AWS's error details; Textual's Log itself drops only \\x00-\\x14."""
    from wizard.screens.apply import ApplyScreen

    written: list[str] = []
    screen = SimpleNamespace(query_one=lambda *_: SimpleNamespace(write_line=written.append))
    ApplyScreen._log(screen, f"✘ ec2.RevokeSecurityGroupIngress: {text}")
    no_control(written[0])
