"""`check --diff`: what was fixed, what regressed and what is new since the last run; `--fail-on`."""

from __future__ import annotations

import json

import boto3

from wizard.__main__ import main
from wizard.commands.check import fails_at
from wizard.lastrun import compare, load, record, store_path
from wizard.report.trend import trend_html

SET = ["--set", "contacts.name=Security Team", "--set", "contacts.title=Lead",
       "--set", "contacts.email=sec@example.com", "--set", "contacts.phone=+1 206 555 0100"]
SCOPE = ["--steps", "contacts", "compute", "--regions", "us-east-1"]


def test_diff_after_fixing_one_step_and_breaking_another(account, capsys):
    sb = account("secure")
    boto3.client("account", endpoint_url=sb.endpoint_url).delete_alternate_contact(AlternateContactType="SECURITY")
    assert main(["check", *SCOPE, "--format", "json", "--diff"]) == 3
    captured = capsys.readouterr()
    assert "No earlier run of this account" in captured.err
    path = store_path(sb.account_id)
    assert path.stat().st_mode & 0o777 == 0o600

    assert main(["fix", "--steps", "contacts", "--yes", *SET]) == 0  # fixes the security contact
    boto3.client("ec2", endpoint_url=sb.endpoint_url, region_name="us-east-1").disable_ebs_encryption_by_default()
    capsys.readouterr()

    # the only FAIL left is the regression; --fail-on critical would let a medium FAIL pass, the regression does not
    code = main(["check", *SCOPE, "--format", "table", "--diff", "--fail-on", "critical"])
    out = capsys.readouterr().out
    assert code == 3
    assert "1 fixed, 1 regressed, 0 new" in out
    fixed = out.split("Fixed:")[1].split("Regressed:")[0]
    regressed = out.split("Regressed:")[1]
    assert "contacts: Security alternate contact is set [global] (FAIL -> PASS)" in fixed
    assert "compute:" in regressed and "[us-east-1" in regressed and "(PASS -> FAIL)" in regressed

    # the run was stored: the next run has nothing new to report, and without the regression
    # the same threshold lets it pass (so the exit 3 above came from the regression alone)
    assert main(["check", *SCOPE, "--format", "json", "--diff", "--fail-on", "critical"]) == 0
    assert "0 fixed, 0 regressed, 0 new" in capsys.readouterr().err


def test_damaged_last_run_is_reported_and_left_alone(account, capsys):
    sb = account("insecure")
    path = store_path(sb.account_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json")
    assert main(["check", "--steps", "contacts", "--format", "json", "--diff"]) == 3
    err = capsys.readouterr().err
    assert "is damaged" in err and "left untouched" in err and "Traceback" not in err
    assert path.read_text() == "{not json"


def doc(findings, regions=("us-east-1", "eu-west-1"), when="2026-01-01T00:00:00+00:00"):
    return {"account_id": "123456789012", "generated_at": when, "regions": list(regions), "caller_arn": "",
            "findings": [{"step": s, "check": c, "region": r, "resource": None, "status": st, "severity": sev,
                          "title": c} for s, c, r, st, sev in findings]}


def test_compare_only_what_both_runs_saw_and_keep_the_rest():
    first = doc([("vpc", "flow", "us-east-1", "FAIL", "medium"), ("vpc", "flow", "eu-west-1", "PASS", "medium"),
                 ("root", "mfa", None, "FAIL", "critical")])
    record(first)
    # a run limited to one step and one region says nothing about the others...
    partial = doc([("vpc", "flow", "us-east-1", "PASS", "medium")], regions=["us-east-1"])
    diff = record(partial)
    assert [c.key for c in diff.fixed] == [("vpc", "flow", "us-east-1", "")] and not diff.regressed
    # ...and the store keeps what it did not see
    kept = load("123456789012")["steps"]
    assert {(f["region"], f["status"]) for f in kept["vpc"]["findings"]} == {("us-east-1", "PASS"), ("eu-west-1", "PASS")}
    assert kept["root"]["findings"][0]["status"] == "FAIL"
    later = doc([("vpc", "flow", "us-east-1", "PASS", "medium"), ("vpc", "flow", "eu-west-1", "FAIL", "medium"),
                 ("root", "mfa", None, "FAIL", "critical"), ("root", "keys", None, "FAIL", "critical")])
    diff = compare(load("123456789012"), later)
    assert [c.key[2] for c in diff.regressed] == ["eu-west-1"] and [c.key[1] for c in diff.new] == ["keys"]
    assert json.loads(json.dumps(diff.to_dict()))["regressed"][0]["before"] == "PASS"


def test_fail_on_threshold():
    document = doc([("s3", "a", None, "FAIL", "medium"), ("s3", "b", None, "FAIL", "low"),
                    ("s3", "c", None, "PASS", "critical")])
    assert len(fails_at(document, "any")) == 2
    assert len(fails_at(document, "low")) == 2
    assert len(fails_at(document, "medium")) == 1
    assert fails_at(document, "high") == [] and fails_at(document, "critical") == []


def test_diff_against_a_contacts_only_run_says_what_it_compared(account, capsys, tmp_path):
    """Issue 17: after a `--steps contacts` run, a wider `--diff` printed a bare "0 fixed, 0 regressed"
    although it had compared contacts alone; it names what it compared and what it left out."""
    account("insecure")
    assert main(["check", "--steps", "contacts", "--format", "json"]) == 3
    capsys.readouterr()
    report = tmp_path / "report.md"
    main(["check", "--steps", "contacts", "s3", "--regions", "us-east-1", "--diff", "--format", "markdown",
          "--output", str(report)])
    said = capsys.readouterr().out  # with --output, the diff is on stdout
    assert "0 fixed, 0 regressed, 0 new" in said
    assert "Compared: steps contacts;" in said
    [left_out] = [line for line in said.splitlines() if line.startswith("Not compared: ")]
    assert "step s3 (not checked in the last run)" in left_out
    assert "regions af-south-1" in left_out and "(not checked this run)" in left_out  # the first run's other regions
    assert said.startswith("Since the last run (20") and "; this run 20" in said  # the dates of both runs
    # s3's FAILs were not in the last run: they are not "new since the last visit"
    assert "New:" not in said
    # the report says the same in its "Since last visit", before the findings
    markdown = report.read_text()
    start = markdown.index("## Since last visit")
    section = markdown[start:markdown.index("\n## ", start)]
    assert "Compared: steps contacts;" in section and "step s3 \\(not checked in the last run\\)" in section


def test_runs_that_share_no_step_say_nothing_was_compared():
    record(doc([("contacts", "security-contact", None, "FAIL", "medium")]))
    diff = compare(load("123456789012"), doc([("s3", "bpa", None, "FAIL", "high")], when="2026-01-02T00:00:00+00:00"))
    assert diff.nothing_compared and diff.empty
    text = diff.render()
    assert text.startswith("Nothing compared with the last run") and "0 fixed" not in text
    assert "step contacts (not checked this run)" in text and "step s3 (not checked in the last run)" in text


def test_only_checks_both_runs_made_are_compared():
    """A check this version added is not "new since the last visit": it was not checked then."""
    first = doc([("s3", "bpa", None, "PASS", "high")])
    first["steps"] = {"s3": ["bpa"]}
    record(first)
    later = doc([("s3", "bpa", None, "FAIL", "high"), ("s3", "added", None, "FAIL", "high")],
                when="2026-01-02T00:00:00+00:00")
    later["steps"] = {"s3": ["bpa", "added"]}
    diff = compare(load("123456789012"), later)
    assert [c.key[1] for c in diff.regressed] == ["bpa"] and diff.new == []
    assert diff.to_dict()["left_out"] == [{"kind": "check", "why": "not checked in the last run", "names": ["s3/added"]}]
    assert diff.to_dict()["compared"] == {"steps": ["s3"], "regions": ["eu-west-1", "us-east-1"]}
    html = "".join(trend_html({"since_last_visit": diff.to_dict()}))
    assert "<h2>Since last visit</h2>" in html and "0 fixed, 1 regressed, 0 new" in html
    assert "Not compared: check s3/added (not checked in the last run)." in html
    assert '<td>Regressed</td><td>s3</td><td>bpa</td><td class="where">global</td><td>PASS → FAIL</td>' in html


def test_a_step_not_assessed_keeps_its_reference_and_is_not_compared():
    record(doc([("keys", "old-key", None, "FAIL", "high"), ("root", "mfa", None, "PASS", "critical")]))
    broken = doc([("keys", "collect", None, "UNKNOWN", "info"), ("root", "mfa", None, "PASS", "critical")],
                 when="2026-01-03T00:00:00+00:00")
    broken["not_assessed"] = [{"account_id": "123456789012", "step": "keys", "reason": "expired"}]
    diff = record(broken)
    assert diff.empty and diff.compared_steps == ["root"]
    assert "step keys (could not be assessed this run)" in diff.render()
    kept = load("123456789012")["steps"]
    assert kept["keys"]["findings"][0]["check"] == "old-key"  # the earlier findings stay the reference
    assert kept["keys"]["generated_at"] == "2026-01-01T00:00:00+00:00" and kept["root"]["generated_at"] == broken["generated_at"]
    # the next full run compares keys with its own last check, and says both dates
    again = doc([("keys", "old-key", None, "PASS", "high"), ("root", "mfa", None, "PASS", "critical")],
                when="2026-01-04T00:00:00+00:00")
    diff = compare(load("123456789012"), again)
    assert [c.key[1] for c in diff.fixed] == ["old-key"]
    assert diff.previous_times == ["2026-01-01T00:00:00+00:00", "2026-01-03T00:00:00+00:00"]
    assert "(2026-01-01T00:00:00+00:00 to 2026-01-03T00:00:00+00:00, each step against its own" in diff.render()


def test_an_account_setting_is_the_same_finding_before_and_after_it_was_named():
    """Findings about an account setting now name the account (AWS::::Account:<id>); a run kept before
    named nothing. Compared, they are one finding, not one fixed and one new."""
    record(doc([("keys", "password-policy", None, "FAIL", "medium")]))
    now = doc([("keys", "password-policy", None, "FAIL", "medium")], when="2026-01-02T00:00:00+00:00")
    now["findings"][0]["resource"] = "AWS::::Account:123456789012"
    diff = compare(load("123456789012"), now)
    assert diff.empty, diff.to_dict()
