"""Reports: the HTML report renders in headless Chromium with the account, failures and fixes;
OCSF Detection Findings carry the required fields; everything is escaped."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from steps.base import Call, Change
from wizard.__main__ import main
from wizard.report import fix_change, fix_for_finding, fixes_for, ocsf_findings, render_html

CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)


def chromium_dom(path, profile):
    """The DOM of ``path`` as headless Chromium renders it."""
    proc = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
         "--dump-dom", path.as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (CI installs it: apt-get install chromium)")
def test_html_report_renders_in_chromium_with_failures_and_fixes(account, tmp_path):
    from steps import s3
    from tests.helpers import open_aws
    from wizard.assess import assess

    sb = account("insecure")
    report = tmp_path / "report.html"
    assert main(["check", "--steps", "contacts", "s3", "--regions", "us-east-1", "--format", "html",
                 "--customer-name", "Example Ltd", "--prepared-by", "A. Consultant", "--output", str(report)]) == 3
    assert report.stat().st_mode & 0o777 == 0o600
    text = report.read_text()
    assert "<script" not in text and "http://" not in text.split("</style>")[0]  # self-contained, no JS
    # the fix the s3 step plans for the account-level Block Public Access finding
    result = assess(open_aws(sb, regions=["us-east-1"]), [s3])[0]
    failing = next(f.to_dict() | {"step": "s3"} for f in result.findings if f.check == "account-bpa")
    assert failing["status"] == "FAIL"
    fix_reason = fix_for_finding(failing, fixes_for([result])["s3"])[0]["reason"]

    dom = chromium_dom(report, tmp_path / "chromium")
    assert "<h1>Account report</h1>" in dom and "Example Ltd" in dom and "A. Consultant" in dom
    scope = dom[dom.index('id="scope"'):dom.index("</section>", dom.index('id="scope"'))]
    assert "Root user" in scope and "us-west-2" in scope  # steps not run; an enabled region left out
    assert "Block Public Access is on for the whole account" in dom and "CIS 2.1.4, Security Hub S3.1" in dom
    assert fix_reason in dom
    assert "Security alternate contact is set" in dom and "needs your answers first" in dom


def test_html_escapes_everything_and_lists_changes_newest_first():
    document = {
        "schema": "aws-essentials/findings/v1", "account_id": "123456789012", "caller_arn": "arn:<x>",
        "generated_at": "2026-01-01T00:00:00+00:00", "regions": ["us-east-1"],
        "summary": {"PASS": 0, "FAIL": 1, "MANUAL": 0, "UNKNOWN": 0},
        "findings": [{"account_id": "123456789012", "step": "s3", "check": "tls-only", "title": "<b>bold</b>",
                      "status": "FAIL", "severity": "high", "region": "us-east-1",
                      "resource": "arn:aws:s3:::b<script>", "message": "a & b <script>alert(1)</script>",
                      "cis": ["2.1.1"], "securityhub": ["S3.5"], "fixable": True}],
    }
    fixes = {"s3": {"changes": [fix_change(Change("Deny <plain> HTTP", Call("s3", "PutBucketPolicy",
                                                                         {"Bucket": "b<script>"}, "us-east-1"),
                                                  fixes=("tls-only",)))],
                    "notes": [], "needs": []}}
    journal = [
        {"account_id": "123456789012", "time": "2026-01-01T00:00:01+00:00", "step": "s3", "result": "ok",
         "change": {"reason": "older change", "call": {"service": "s3", "operation": "PutBucketPolicy"}}},
        {"account_id": "123456789012", "time": "2026-01-02T00:00:01+00:00", "step": "s3", "result": "ok",
         "change": {"reason": "newer change", "call": {"service": "s3", "operation": "PutBucketVersioning"}}},
        {"account_id": "999999999999", "time": "2026-01-03T00:00:01+00:00", "step": "s3", "result": "ok",
         "change": {"reason": "another account", "call": None}},
    ]
    page = render_html(document, journal, fixes)
    assert "<script>" not in page and "<b>bold</b>" not in page and "arn:<x>" not in page
    assert "a &amp; b &lt;script&gt;alert(1)&lt;/script&gt;" in page and "Deny &lt;plain&gt; HTTP" in page
    assert page.index("newer change") < page.index("older change") and "another account" not in page
    assert "@media print" in page


def test_ocsf_detection_findings_have_the_required_fields(account, capsys):
    sb = account("insecure")
    assert main(["check", "--steps", "contacts", "--format", "ocsf"]) == 3
    findings = json.loads(capsys.readouterr().out)
    assert isinstance(findings, list) and len(findings) == 4
    for f in findings:
        assert (f["class_uid"], f["category_uid"], f["activity_id"]) == (2004, 2, 1)
        assert f["type_uid"] == f["class_uid"] * 100 + f["activity_id"]
        assert f["severity_id"] in range(0, 7) and f["severity"]
        assert f["status"] and f["status_id"] in (0, 1, 2, 3, 4, 99)
        assert isinstance(f["time"], int) and f["time"] > 1_600_000_000_000  # epoch milliseconds
        assert f["metadata"]["product"]["name"] == "aws-essentials" and f["metadata"]["version"]
        info = f["finding_info"]
        assert info["uid"] and info["title"] and info["desc"]
        assert f["cloud"]["account"]["uid"] == sb.account_id and f["cloud"]["region"] and f["cloud"]["provider"] == "AWS"
        assert f["resources"] and all(r["uid"] for r in f["resources"])
        assert f["compliance"]["standards"] and f["compliance"]["status"]
    assert len({f["finding_info"]["uid"] for f in findings}) == len(findings)
    security = next(f for f in findings if f["metadata"]["event_code"] == "contacts.security-contact")
    assert security["compliance"]["requirements"] == ["CIS 1.2", "Account.1"]
    assert security["compliance"]["status"] == "Fail" and security["severity_id"] == 4
    assert "CIS AWS Foundations Benchmark v5.0.0" in security["compliance"]["standards"]


def test_fix_matching_picks_the_declared_change_for_the_findings_region_and_resource():
    def change(reason, call, region, params, fixes, manual=False):
        return {"reason": reason, "call": call, "region": region, "params": params, "manual": manual,
                "fixes": fixes, "console_url": "", "instructions": []}

    fix = {"changes": [
        change("Turn on EBS encryption by default", "ec2.EnableEbsEncryptionByDefault", r, {},
               ["ebs-encryption-default"]) for r in ("us-east-1", "eu-west-1")] + [
        change("Require IMDSv2 by default", "ec2.ModifyInstanceMetadataDefaults", "eu-west-1",
               {"HttpTokens": "required"}, ["imds-default"]),
        change("Encrypt bucket bkt1", "s3.PutBucketEncryption", "eu-west-1", {"Bucket": "bkt1"}, ["encryption"]),
        # shares every word with the encryption check, and fixes another one: never paired with it
        change("Encrypt bucket encryption by default", "s3.PutBucketVersioning", "eu-west-1", {"Bucket": "bkt1"},
               ["versioning"])], "notes": [], "needs": []}
    ebs = {"check": "ebs-encryption-default", "title": "EBS encryption by default", "region": "eu-west-1",
           "resource": None}
    assert [(c["call"], c["region"]) for c in fix_for_finding(ebs, fix)] == [
        ("ec2.EnableEbsEncryptionByDefault", "eu-west-1")]
    bucket = {"check": "encryption", "title": "Bucket encrypts", "region": "eu-west-1", "resource": "arn:aws:s3:::bkt1"}
    other = {**bucket, "resource": "arn:aws:s3:::other"}
    assert [c["call"] for c in fix_for_finding(bucket, fix, [bucket, other])] == ["s3.PutBucketEncryption"]
    assert fix_for_finding(other, fix, [bucket, other]) is None  # bkt1's change is bkt1's
    assert fix_for_finding({**bucket, "check": "tls-only"}, fix) is None  # nothing declares it


def test_html_pairs_each_database_finding_with_its_own_fix():
    """The heuristic once paired "RDS instances are encrypted" with "Take database legacy-db off the
    internet" (the words "database" and "rds" match both): a finding gets the changes declaring its check."""
    from steps import compute
    from tests.steps.test_compute import region_data
    from wizard.assess import StepResult
    from wizard.report import findings_document

    data = region_data()
    data["databases"][0]["DBInstanceIdentifier"] = "legacy-db"
    state = {"regions": {"us-east-1": data}}
    result = StepResult(compute, state, compute.evaluate(state))
    page = render_html(findings_document("123456789012", ["us-east-1"], [result]), [], fixes_for([result]))
    how = {title: cell for title, cell in re.findall(r"<td><b>([^<]+)</b>.*?<td class=\"how\">(.*?)</td></tr>", page)}
    assert "Encrypt database legacy-db in us-east-1" in how["RDS instances are encrypted"]
    assert "off the internet" not in how["RDS instances are encrypted"]
    assert "Take database legacy-db in us-east-1 off the internet" in how["RDS instances are not publicly accessible"]
    assert "minor engine upgrades" in how["RDS instances get minor engine upgrades automatically"]


def test_org_reports_take_each_findings_fix_from_its_own_account():
    """Each account is planned where it was read (wizard/org_workers.py); the HTML's and the Markdown's
    grouped rows and the Markdown's per-account How to fix give every account's finding its own account's
    change, never another account's."""
    from types import SimpleNamespace

    from steps import s3
    from tests.steps.test_s3 import compliant_state
    from wizard.assess import StepResult
    from wizard.org import AccountRun, Member, account_findings, org_findings_document, org_fixes
    from wizard.report import render_markdown

    runs = []
    for account in ("111111111111", "222222222222"):
        state = compliant_state()
        state["account_id"] = account
        state["buckets"][0].update(name=f"data-{account}", encryption=None)
        result = StepResult(s3, state, s3.evaluate(state))
        runs.append(AccountRun(Member(account), account_findings(account, [result], ["us-east-1"])))
    management = SimpleNamespace(account_id="111111111111", caller_arn="arn:aws:iam::111111111111:user/me")
    document = org_findings_document(management, runs, ["us-east-1"])
    fixes = org_fixes(runs)
    page = render_html(document, [], fixes)
    remaining = page[page.index('id="remaining"'):page.index('id="changes"')]
    text = render_markdown(document, fixes)
    rows = text[text.index("## What remains to fix"):text.index("## Changes made")].splitlines()
    for cells in (re.findall(r'<td class="how">(.*?)</td></tr>', remaining), [r for r in rows if "| medium |" in r]):
        assert len(cells) == 2  # encryption and TLS, one row each for both accounts
        for cell in cells:  # each account's own bucket, once: never another account's plan
            assert cell.count("bucket data-111111111111") == cell.count("bucket data-222222222222") == 1, cell
    # one row per failing check (grouped over both accounts); each change says the account it is planned in
    changes = re.findall(r'<li><span class="acct">(\d+)</span>: (.*?)</li>', page)
    assert sorted({account for account, _ in changes}) == ["111111111111", "222222222222"]
    for account, change in changes:  # encryption and TLS of each account's own bucket
        assert f"data-{account}" in change and change.count("data-") == 1, change
    # and the Markdown's How to fix is per account, headed by account and step title
    for account, other in (("111111111111", "222222222222"), ("222222222222", "111111111111")):
        section = text[text.index(f"### {account}: S3 and encryption keys"):]
        section = section[:section.find("### ", 4) if "### " in section[4:] else None]
        assert f"data-{account}" in section and f"data-{other}" not in section


def test_ocsf_maps_statuses_and_global_findings_to_the_home_region():
    document = {"account_id": "123456789012", "caller_arn": "", "generated_at": "2026-01-01T00:00:00+00:00",
                "regions": ["eu-west-1", "us-east-1"], "findings": [
                    {"step": "root", "check": "c", "title": "t", "status": s, "severity": "critical", "region": None,
                     "resource": None, "message": "m", "cis": [], "securityhub": [], "fixable": False}
                    for s in ("PASS", "MANUAL", "UNKNOWN")]}
    out = ocsf_findings(document)
    assert [f["compliance"]["status"] for f in out] == ["Pass", "Warning", "Unknown"]
    assert {f["cloud"]["region"] for f in out} == {"eu-west-1"} and out[0]["severity_id"] == 5
