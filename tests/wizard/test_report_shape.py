"""The reports' shape (issue 17 "Short" and "Signed"): findings grouped one row per check and status,
an executive page first, a CIS v5.0 roll-up, the engagement and its sign-off; pure, on hand-built
documents (tests/wizard/report_documents.py)."""

from __future__ import annotations

import re
from datetime import timedelta, timezone

import pytest

from tests.wizard.report_documents import MANAGEMENT, REGIONS, finding, organization
from wizard.aws_regions import NOT_ENABLED, NOT_SELECTED
from wizard.report import render_html, render_markdown, render_table
from wizard.report.engagement import engagement_for, validate_party_name, zoned_time
from wizard.report.executive import NOT_COVERED, NOT_RUN, cis_rollup
from wizard.report.grouping import group_findings, top_risks


def test_identical_findings_of_an_organization_become_one_row_naming_accounts_regions_and_resources():
    document = organization(accounts=6)
    groups = group_findings(document["findings"])
    analyzer = [g for g in groups if g.check == "access-analyzer"]
    assert [(g.status, g.count, len(g.accounts), g.regions) for g in analyzer] == [
        ("FAIL", 5 * len(REGIONS), 5, tuple(sorted(REGIONS))), ("PASS", len(REGIONS), 1, tuple(sorted(REGIONS)))]
    assert analyzer[0].accounts == tuple(sorted(a["account_id"] for a in document["accounts"][1:]))
    buckets = next(g for g in groups if g.check == "public-bucket" and g.status == "FAIL")
    assert buckets.title == "Bucket … is not public"  # one title for a check that names its resource
    assert len(buckets.resources) == 6 and buckets.regions == ("eu-west-1",)
    assert {(g.step, g.check, g.status) for g in groups} == {(f["step"], f["check"], f["status"])
                                                             for f in document["findings"]}
    assert sum(g.count for g in groups) == len(document["findings"])  # every finding in exactly one group
    # failures first, the most severe first, then the most findings
    assert [(g.status, g.severity, g.check) for g in groups[:4]] == [
        ("FAIL", "critical", "root-keys"), ("FAIL", "high", "public-bucket"), ("FAIL", "medium", "ebs-encryption-default"),
        ("FAIL", "medium", "access-analyzer")]
    assert groups[2].count == groups[3].count + len(REGIONS)  # EBS fails in the management account too
    assert analyzer[0].spread(limit=2) == (f"5 accounts: {analyzer[0].accounts[0]}, {analyzer[0].accounts[1]}, … (3 more)"
                                          f" · {len(REGIONS)} regions: ap-northeast-1, ap-south-1, … "
                                          f"({len(REGIONS) - 2} more)")


def test_top_risks_rank_by_severity_then_accounts_then_findings():
    findings = [finding("a", "s", "few-accounts-many", "A", severity="high", region=r) for r in REGIONS]
    findings += [finding(a, "s", "many-accounts", "B", severity="high") for a in ("a", "b", "c")]
    findings += [finding("a", "s", "critical-one", "C", severity="critical"),
                 finding("a", "s", "passes", "D", "PASS", "critical")]
    assert [g.check for g in top_risks(group_findings(findings))] == ["critical-one", "many-accounts", "few-accounts-many"]


def test_cis_rollup_takes_the_worst_result_per_control_and_per_account():
    recommendations = [{"id": i, "title": f"rec {i}"} for i in ("1.1", "1.2", "1.3", "1.4")]
    coverage = {"1.1": ("a.x",), "1.2": ("a.y",), "1.3": ("a.z",)}
    findings = [finding("A", "a", "x", "x", "PASS", cis=("1.1",)), finding("B", "a", "x", "x", "FAIL", cis=("1.1",)),
                finding("A", "a", "y", "y", "MANUAL", cis=("1.2",)), finding("B", "a", "y", "y", "PASS", cis=("1.2",))]
    controls = cis_rollup(findings, ["A", "B", "C"], recommendations, coverage)
    assert [(c.id, c.status) for c in controls] == [("1.1", "FAIL"), ("1.2", "MANUAL"), ("1.3", NOT_RUN),
                                                     ("1.4", NOT_COVERED)]
    assert controls[0].per_account == {"A": "PASS", "B": "FAIL", "C": NOT_RUN}
    assert controls[1].per_account == {"A": "MANUAL", "B": "PASS", "C": NOT_RUN}
    every = cis_rollup([])  # the real catalogue: all 63 recommendations of v5.0
    assert len(every) == 63 and {c.status for c in every} <= {NOT_RUN, NOT_COVERED}


@pytest.mark.parametrize("value, says", [
    ("", "--customer-name is empty"), ("   ", "--customer-name is empty"),
    ("x" * 121, "keep it to 120"), ("Evil\x1b]2;pwned\x07", "control character"),
    ("A\u202eB", "control character")])
def test_party_names_are_checked_in_one_line(value, says):
    error = validate_party_name(value, "--customer-name")
    assert error and says in error and "\n" not in error
    assert validate_party_name("Example Ltd & Partners (EMEA)", "--customer-name") is None


def test_the_date_carries_its_time_zone():
    assert zoned_time("2026-11-30T09:15:00+00:00", timezone.utc) == "2026-11-30 09:15 UTC (UTC+00:00)"
    assert zoned_time("2026-11-30T09:15:00+00:00", timezone(timedelta(hours=-5), "EST")) == \
        "2026-11-30 04:15 EST (UTC-05:00)"


def test_scope_names_what_was_left_out():
    document = organization(accounts=3)
    every = [(a["account_id"], a["name"]) for a in document["accounts"]] + [("999999999999", "left-out")]
    document["regions_disabled"] = [{"region": "af-south-1", "reason": NOT_ENABLED},
                                    {"region": "eu-south-1", "reason": NOT_SELECTED}]
    engagement = engagement_for(document, customer="Example Ltd", prepared_by="A. Consultant", steps_run=["s3"],
                                accounts_all=every)
    assert engagement.title == "Organization report" and engagement.accounts_out == (("999999999999", "left-out"),)
    assert engagement.regions_out == ("eu-south-1",) and engagement.regions_disabled == ("af-south-1",)
    assert "Root user" in engagement.steps_not_run and "S3 and encryption keys" not in engagement.steps_not_run
    assert "IAM Access Analyzer is active" in engagement.checks_not_run
    single = engagement_for({**document, "accounts": []})
    assert single.title == "Account report" and single.customer == MANAGEMENT


def _section(page: str, anchor: str) -> str:
    start = page.index(f'id="{anchor}"')
    return page[start:page.index("</section>", start)]


def test_html_opens_with_the_executive_page_and_lists_each_failing_check_once():
    document = organization(accounts=20, not_reached=2)
    engagement = engagement_for(document, customer="Example Ltd", prepared_by="A. Consultant")
    journal = [{"account_id": document["accounts"][3]["account_id"], "time": "2026-11-30T08:00:00+00:00",
                "step": "groups", "result": "ok", "change": {"reason": "Turn on Access Analyzer",
                                                             "call": {"service": "accessanalyzer", "operation": "CreateAnalyzer"}}},
               {"account_id": "999999999999", "time": "2026-11-30T08:00:00+00:00", "step": "groups", "result": "ok",
                "change": {"reason": "another organization's change", "call": None}}]
    page = render_html(document, journal, engagement=engagement)
    body = page[page.index("<body>"):]
    executive = _section(page, "executive")
    assert body.index('id="executive"') < body.index('id="contents"') < body.index('id="scope"')
    assert "<h1>Organization report</h1>" in executive and "Example Ltd" in executive and "A. Consultant" in executive
    assert "2026-11-30 09:15" in executive
    # what was not assessed is on the first page, before any count
    assert executive.index("Not assessed") < executive.index("Executive summary")
    assert executive.count("could not assume") == 2
    # the top risks, most severe first, each a link to its row in "What remains"
    risks = re.findall(r'<a href="#(g-[^"]+)">([^<]+)</a>', executive)
    assert [title for _, title in risks][:4] == ["The root user has no access keys", "Bucket … is not public",
                                                 "EBS encryption by default is on", "IAM Access Analyzer is active"]
    for anchor, _ in risks:
        assert f'<tr id="{anchor}">' in _section(page, "remaining")
    assert "<b>1</b> change made" in executive  # the member's change, not another organization's
    assert executive.count('class="chip ') == 63  # every CIS v5.0 recommendation at a glance
    # 17 members x 13 regions of Access Analyzer are one row; each finding is in its <details>
    remaining = _section(page, "remaining")
    assert remaining.count("IAM Access Analyzer is active") == 1 and f"All {17 * len(REGIONS)} findings" in remaining
    assert "<h3>Groups, admin policies, support role, console MFA, Access Analyzer" in remaining
    assert "17 accounts" in remaining and "… (9 more)" in remaining
    assert "Turn on Access Analyzer" in _section(page, "changes") and "another organization" not in page
    cis = _section(page, "cis")
    assert cis.count("<tr>") == 63 + 1 and "workload-1" in cis  # per account, by name
    assert "Signature" in _section(page, "signoff") and "read-only API calls" in _section(page, "methodology")
    assert '"Page " counter(page) " of " counter(pages)' in page  # printed page numbers


def test_markdown_has_the_html_sections_with_step_titles_as_headings():
    document = organization(accounts=4, not_reached=1)
    text = render_markdown(document, engagement=engagement_for(document, customer="Example Ltd", prepared_by="Me"))
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == ["## Not assessed", "## Executive summary", "## Engagement and scope", "## Summary",
                        "## Accounts", "## What remains to fix (4 checks, 69 findings)",
                        "## Changes made with aws-essentials (0)", "## CIS AWS Foundations Benchmark v5.0 roll-up",
                        "## Other results, grouped", "## Methodology and limitations", "## Sign-off",
                        "## Appendix: every finding to act on"]
    remaining = text[text.index("## What remains"):text.index("## Changes made")]
    assert "### Groups, admin policies, support role, console MFA, Access Analyzer" in remaining
    assert remaining.count("IAM Access Analyzer is active") == 1
    assert text.startswith("# Organization report: Example Ltd")
    appendix = text[text.index("## Appendix"):]
    assert appendix.count("IAM Access Analyzer is active") == 2 * len(REGIONS)  # each failing region's row, no pass


def test_the_table_has_a_row_per_check_and_status():
    document = organization(accounts=6)
    table = render_table(document, width=200)
    # FAIL in 5 members, PASS in the management account: one row each, with the first message
    assert table.count("IAM Access Analyzer is active") == 2 and "seen as fail (and 64 more)" in table
    assert "5 accounts:" in table
