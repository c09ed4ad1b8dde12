"""The Check declaration: findings built from it carry its id and mappings, written once."""

from __future__ import annotations

import pytest

from steps.base import Finding, Severity, Status
from steps.checks import AUTOMATIC, CONSOLE, NO_FIX, Check

MFA = Check("root-mfa", "Root user has MFA enabled", Severity.CRITICAL, ("1.4",), ("IAM.9",), CONSOLE)
REPORT_ONLY = Check("lambda-public", "Lambda functions are not public", Severity.MEDIUM, (), ("Lambda.1",))


def test_each_status_carries_the_declaration():
    built = [MFA.passed("ok", resource="root"), MFA.failed("no MFA", region="us-east-1", resource="root"),
             MFA.manual("look", resource="root"), MFA.unknown("AccessDenied", resource="root")]
    assert [f.status for f in built] == [Status.PASS, Status.FAIL, Status.MANUAL, Status.UNKNOWN]
    for finding in built:
        assert (finding.check, finding.title, finding.severity, finding.cis, finding.securityhub) == (
            "root-mfa", "Root user has MFA enabled", Severity.CRITICAL, ("1.4",), ("IAM.9",))
        assert finding.resource == "root"
    assert built[1].region == "us-east-1" and built[0].region is None
    assert built[3].message == "Could not check: AccessDenied"


def test_only_a_failure_of_a_fixable_check_is_fixable():
    assert MFA.failed("x").fixable
    assert not MFA.passed("x").fixable and not MFA.unknown("x").fixable and not MFA.manual("x").fixable
    assert not MFA.failed("x", fixable=False).fixable  # this one failure has no fix
    assert MFA.manual("the plan can add it", fixable=True).fixable
    assert not REPORT_ONLY.failed("x").fixable
    with pytest.raises(ValueError, match="declared without a fix"):
        REPORT_ONLY.failed("x", fixable=True)


def test_finding_json_is_the_same_as_a_hand_built_finding():
    hand = Finding("root-mfa", "Root user has MFA enabled", Status.FAIL, "no MFA", severity=Severity.CRITICAL,
                   resource="root", cis=("1.4",), securityhub=("IAM.9",), fixable=True)
    assert MFA.failed("no MFA", resource="root").to_dict() == hand.to_dict()


def test_fix_kinds():
    assert [Check("a", "A", Severity.LOW, fix=kind).fixable for kind in (AUTOMATIC, CONSOLE, NO_FIX)] == [
        True, True, False]
    with pytest.raises(ValueError, match="fix must be one of"):
        Check("a", "A", Severity.LOW, fix="yes")
    assert MFA.to_dict() == {"check": "root-mfa", "title": "Root user has MFA enabled", "severity": "critical",
                             "cis": ["1.4"], "securityhub": ["IAM.9"], "fixable": True, "fix": "console",
                             "guide_section": "", "title_all": "", "scope": "resource"}


def test_a_title_can_name_the_resource():
    versions = Check("versioning", "Bucket {name} keeps object versions", Severity.MEDIUM, (), ("S3.14",), AUTOMATIC)
    assert versions.failed("off", resource="logs").title == "Bucket logs keeps object versions"
    assert versions.passed("on", resource="arn:aws:s3:::logs", name="logs").title == "Bucket logs keeps object versions"
    assert versions.matches_title("Bucket my [odd] bucket keeps object versions")
    assert not versions.matches_title("Bucket logs keeps versions")
    assert MFA.matches_title("Root user has MFA enabled") and not MFA.matches_title("Root user has MFA")
    rotation = Check("kms-rotation", "KMS key {name} rotates its key material", Severity.MEDIUM,
                     title_all="Customer-managed KMS keys rotate their key material")
    assert rotation.passed("none to rotate").title == "Customer-managed KMS keys rotate their key material"
    assert rotation.passed("on", resource="arn:aws:kms:us-east-1:1:key/k1", name="k1").title == (
        "KMS key k1 rotates its key material")
    assert rotation.matches_title("Customer-managed KMS keys rotate their key material")
