"""`check --diff`: what was fixed, what regressed and what is new since the last run; `--fail-on`."""

from __future__ import annotations

import json

import boto3

from wizard.__main__ import main
from wizard.commands.check import fails_at
from wizard.lastrun import compare, load, record, store_path

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
