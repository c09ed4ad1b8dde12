"""N/A findings (a check about something the account does not have) through the findings document,
every report, the exit code and the diff: never a failure, counted apart (issue 17)."""

from __future__ import annotations

import json
from types import SimpleNamespace

from steps.audit_logging.buckets import BUCKET_PUBLIC
from steps.audit_logging.trail import TRAIL
from wizard.commands.check import exit_code, fails_at
from wizard.lastrun import compare
from wizard.report import RENDERERS, findings_document, render_html, render_markdown

NO_TRAIL = [TRAIL.failed("No trail in this account records activity in every region.", region="us-east-1"),
            BUCKET_PUBLIC.not_applicable("This account has no trail of its own, so no trail bucket to judge.",
                                         region="us-east-1")]


def document():
    result = SimpleNamespace(id="audit_logging", findings=NO_TRAIL, error=None)
    return findings_document("123456789012", ["us-east-1"], [result])


def test_not_applicable_is_counted_apart_and_never_fails():
    doc = document()
    assert doc["summary"]["FAIL"] == 1 and doc["summary"]["N/A"] == 1
    assert [f["check"] for f in fails_at(doc, "any")] == ["cloudtrail"]
    only_na = {**doc, "findings": [f for f in doc["findings"] if f["status"] == "N/A"]}
    assert fails_at(only_na, "any") == [] and exit_code(only_na, False, False) == 0


def test_every_report_shows_not_applicable():
    doc = document()
    assert "1 failed, 0 manual, 0 unknown, 1 not applicable" in RENDERERS["table"](doc)
    assert "**0 passed, 1 failed, 0 manual, 0 unknown, 1 not applicable.**" in render_markdown(doc)
    assert "| – N/A | The CloudTrail bucket is not public |" in render_markdown(doc)
    html = render_html(doc)
    assert '<span class="badge na">N/A</span>' in html and "Not applicable" in html
    ocsf = json.loads(RENDERERS["ocsf"](doc))
    assert [(f["compliance"]["status_id"], f["compliance"]["status"]) for f in ocsf] == [(3, "Fail"),
                                                                                         (99, "Not Applicable")]


def _doc(status: str) -> dict:
    return {"account_id": "123456789012", "generated_at": "t", "regions": ["eu-west-1"],
            "findings": [{"step": "compute", "check": "rds-public", "region": "eu-west-1", "resource": "db",
                          "status": status, "severity": "critical", "title": "t"}]}


def _stored(document: dict) -> dict:
    return {"generated_at": "t0", "steps": {"compute": {"regions": ["eu-west-1"], "findings": document["findings"]}}}


def test_a_diff_counts_a_failure_after_not_applicable_as_new_and_not_applicable_after_a_failure_as_fixed():
    appeared = compare(_stored(_doc("N/A")), _doc("FAIL"))  # a public database made since the last run
    assert [c.key[1] for c in appeared.new] == ["rds-public"] and not appeared.regressed
    gone = compare(_stored(_doc("FAIL")), _doc("N/A"))  # the failing database was deleted
    assert [c.key[1] for c in gone.fixed] == ["rds-public"]
