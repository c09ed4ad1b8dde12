"""A finding row's class names its status; N/A's slash is not allowed in a class name (it raised
BadIdentifier, and the step screen of any step with an N/A finding failed to show)."""

from __future__ import annotations

from steps.base import Finding, Severity, Status
from wizard.findings_groups import group_findings
from wizard.widgets.findings import FindingRow, GroupRow


def test_rows_of_every_status_are_built_with_a_class_naming_it():
    findings = [dict(Finding("flow-logs", "VPC flow logs", status, "x", Severity.LOW, region="eu-west-1").to_dict(),
                     step="vpc") for status in Status]
    groups = group_findings(findings)
    assert {g.status for g in groups} == {s.value for s in Status}
    for group in groups:
        row, single = GroupRow(group), FindingRow(("", "", ""), group.status)
        assert row.has_class("finding-group") and single.has_class("finding-row")
    assert FindingRow(("", "", ""), "N/A").has_class("-na") and FindingRow(("", "", ""), "FAIL").has_class("-fail")
