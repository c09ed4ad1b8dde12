"""`check/plan/fix --org` over the sandbox's `org` scenario (a management account and 5 members)."""

from __future__ import annotations

import json

import pytest

from tests.helpers import DEMO_ANSWERS, open_aws
from wizard.__main__ import main

SCOPE = ["--steps", "contacts", "s3", "--regions", "us-east-1", "eu-west-1"]


def remove_access_role(sb, account_id: str) -> None:
    """Someone deleted the role the management account uses to get into ``account_id``."""
    iam = open_aws(sb).member(account_id).client("iam")
    for attached in iam.list_attached_role_policies(RoleName="OrganizationAccountAccessRole")["AttachedPolicies"]:
        iam.detach_role_policy(RoleName="OrganizationAccountAccessRole", PolicyArn=attached["PolicyArn"])
    iam.delete_role(RoleName="OrganizationAccountAccessRole")


def test_check_org_reports_every_account_with_a_summary(account, capsys):
    sb = account("org")
    code = main(["check", "--org", "--format", "json", *SCOPE])
    document = json.loads(capsys.readouterr().out)
    everyone = [sb.account_id, *sorted(sb.member_account_ids)]
    assert [row["account_id"] for row in document["accounts"]] == everyone  # management first
    assert document["account_id"] == sb.account_id
    for row in document["accounts"]:
        assert not row["error"]
        mine = [f for f in document["findings"] if f["account_id"] == row["account_id"]]
        assert {f["step"] for f in mine} == {"contacts", "s3"}
        assert row["summary"] == {s: sum(f["status"] == s for f in mine)
                                  for s in ("PASS", "FAIL", "MANUAL", "UNKNOWN", "N/A")}
        # the regions --regions left out are named, per account (issue 17: never silently missing)
        assert {"region": "us-west-2", "reason": "left out of this run (--regions)"} in row["regions_disabled"]
        assert not {r["region"] for r in row["regions_disabled"]} & {"us-east-1", "eu-west-1"}
    assert document["regions_disabled"] == document["accounts"][0]["regions_disabled"]  # the management account's
    assert sum(row["summary"]["FAIL"] for row in document["accounts"]) == document["summary"]["FAIL"]
    assert code == (3 if document["summary"]["FAIL"] else 0)
    # each member was read through its own role: the security contact a member's seed set is its own
    names = {row["account_id"]: row["name"] for row in document["accounts"]}
    assert {names[m] for m in sb.member_account_ids} == {"workload-prod", "workload-dev", "log-archive", "audit",
                                                         "sandbox"}


def test_unreachable_member_is_unknown_and_the_others_complete(account, capsys):
    sb = account("org")
    broken = sb.member_account_ids[2]
    remove_access_role(sb, broken)
    code = main(["check", "--org", "--format", "json", *SCOPE])
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    rows = {row["account_id"]: row for row in document["accounts"]}
    assert "could not assume" in rows[broken]["error"]
    assert rows[broken]["summary"]["UNKNOWN"] == 1
    [unknown] = [f for f in document["findings"] if f["account_id"] == broken]
    assert unknown["status"] == "UNKNOWN" and "could not assume" in unknown["message"]
    reached = [a for a in rows if a != broken]
    assert len(reached) == 5
    for account_id in reached:
        assert not rows[account_id]["error"]
        assert sum(rows[account_id]["summary"].values()) >= 3
    # an account not assessed makes the run incomplete: exit 4 (over 3), naming the account and why
    assert code == 4
    [said] = [line for line in captured.err.splitlines() if broken in line]
    assert "could not assume" in said
    assert document["not_assessed"] == [{"account_id": broken, "step": "", "reason": rows[broken]["error"]}]
    # the user may opt out: then the exit is what a complete run's would be
    code = main(["check", "--org", "--format", "json", "--allow-incomplete", *SCOPE])
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    assert code == (3 if document["summary"]["FAIL"] else 0)
    assert broken in captured.err  # still said


@pytest.mark.parametrize("fmt", ["table", "markdown", "html"])
def test_every_format_shows_the_per_account_summary(account, capsys, fmt):
    sb = account("org")
    broken = sb.member_account_ids[0]
    remove_access_role(sb, broken)
    main(["check", "--org", "--format", fmt, *SCOPE])
    out = capsys.readouterr().out
    for account_id in [sb.account_id, *sb.member_account_ids]:
        assert account_id in out
    marker = {"table": "Per account", "markdown": "## Accounts", "html": "<h3>Per account</h3>"}[fmt]
    assert marker in out
    assert "could not assume" in out  # the unreachable account's reason
    if fmt != "table":  # the reports say first, before any count or finding, what was not assessed and why
        heading = {"markdown": "## Not assessed", "html": "<h2>Not assessed</h2>"}[fmt]
        first = out.index(heading)
        assert first < out.index(marker) and first < out.index("Executive summary")
        section = out[first:out.index(marker)]
        assert broken in section and "could not assume" in section and "whole account" in section
    if fmt == "markdown":  # one row per check and status, naming the accounts; every finding in the appendix
        remaining = out[out.index("## What remains to fix"):out.index("## Changes made")]
        assert "### S3 and encryption keys" in remaining and sb.member_account_ids[1] in remaining
        assert "## Appendix: every finding to act on" in out


def test_single_account_step_that_could_not_run_exits_4(account, capsys, monkeypatch):
    """A step whose collection fails as a whole leaves its checks unmade: exit 4 unless allowed."""
    from steps import contacts
    from steps.base import StepError

    account("org")

    def expired(aws):
        raise StepError("the credentials expired during the run", "sign in again and re-run")

    monkeypatch.setattr(contacts, "collect", expired)
    code = main(["check", "--format", "markdown", *SCOPE])
    captured = capsys.readouterr()
    assert code == 4
    assert "step contacts: the credentials expired during the run" in captured.err
    section = captured.out[captured.out.index("## Not assessed"):captured.out.index("## Executive summary")]
    assert "credentials expired" in section and "contacts" in section.lower()
    code = main(["check", "--format", "json", "--allow-incomplete", *SCOPE])
    document = json.loads(capsys.readouterr().out)
    assert code == (3 if document["summary"]["FAIL"] else 0)
    [skipped] = document["not_assessed"]
    assert skipped["step"] == "contacts" and "credentials expired" in skipped["reason"]


def test_accounts_and_ou_narrow_the_run(account, capsys):
    sb = account("org")
    chosen = sorted(sb.member_account_ids[:2])
    main(["check", "--org", "--accounts", ",".join(chosen), "--format", "json", "--steps", "contacts"])
    document = json.loads(capsys.readouterr().out)
    assert [row["account_id"] for row in document["accounts"]] == chosen
    assert {f["account_id"] for f in document["findings"]} == set(chosen)

    ou = open_aws(sb).read("organizations", "ListOrganizationalUnitsForParent",
                           ParentId=open_aws(sb).read("organizations", "ListRoots")["Roots"][0]["Id"])
    ou_id = ou["OrganizationalUnits"][0]["Id"]
    main(["check", "--org", "--ou", ou_id, "--format", "json", "--steps", "contacts"])
    document = json.loads(capsys.readouterr().out)
    assert {row["account_id"] for row in document["accounts"]} == set(sb.member_account_ids)


@pytest.mark.parametrize("argv, says", [
    (["--org", "--accounts", "12345"], "'12345' is not an account id"),
    (["--org", "--accounts", "123456789012,abc"], "'abc' is not an account id"),
    (["--org", "--ou", "Workloads"], "'Workloads' is not an OU id"),
    (["--org", "--org-role", "bad role!"], "'bad role!' is not a role name"),
    (["--org", "--accounts", "123456789012", "--ou", "ou-ab12-cd34ef56"], "either --accounts or --ou"),
    (["--accounts", "123456789012"], "--accounts works only with --org"),
    (["--ou", "ou-ab12-cd34ef56"], "--ou works only with --org"),
])
def test_bad_org_options_are_one_line_and_exit_2(account, capsys, argv, says):
    account("org")
    assert main(["check", "--steps", "contacts", *argv]) == 2
    err = capsys.readouterr().err
    assert says in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_org_from_a_standalone_account_says_so(account, capsys):
    account("insecure")
    assert main(["check", "--org", "--steps", "contacts"]) == 1
    err = capsys.readouterr().err
    assert "organization" in err and len(err.strip().splitlines()) == 1


def test_plan_and_fix_per_account(account, capsys):
    sb = account("org")
    broken = sb.member_account_ids[3]
    remove_access_role(sb, broken)
    answers = [f"--set=contacts.{k}={v}" for k, v in DEMO_ANSWERS["contacts"].items()]
    assert main(["plan", "--org", "--format", "json", "--steps", "contacts", *answers]) == 0
    plans = {a["account_id"]: a for a in json.loads(capsys.readouterr().out)["accounts"]}
    assert "could not assume" in plans[broken]["error"]
    assert all(len(plans[a]["plans"]) == 1 for a in plans if a != broken)

    code = main(["fix", "--org", "--steps", "contacts", "--yes", *answers])
    out = capsys.readouterr().out
    assert code == 1  # the unreachable account counts as not done
    assert f"{broken}: could not reach the account" in out
    for account_id in [sb.account_id, *sb.member_account_ids]:
        if account_id != broken:
            assert any(line.startswith(f"{account_id} contacts:") for line in out.splitlines())

    main(["check", "--org", "--format", "json", "--steps", "contacts"])
    document = json.loads(capsys.readouterr().out)
    security = [f for f in document["findings"] if f["check"] == "security-contact"]
    assert {f["account_id"] for f in security} == {sb.account_id, *sb.member_account_ids} - {broken}
    assert all(f["status"] == "PASS" for f in security)


PLANTED = '''import os
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "IMPORTED"), "a") as marker:
    marker.write("planted math.py imported\\n")
'''


def test_org_workers_import_nothing_from_the_current_directory(account, capsys, tmp_path, monkeypatch):
    """A worker holds the management account's credentials: a `math.py` (a module it imports) planted
    in the folder the check is run from must not be imported by it."""
    from wizard import org_workers

    account("org")
    monkeypatch.setattr(org_workers, "cores", lambda: 2)  # workers are used whatever this machine has
    started: list = []
    real_exchange = org_workers._exchange
    monkeypatch.setattr(org_workers, "_exchange",
                        lambda worker, job, *more: started.append(job) or real_exchange(worker, job, *more))
    (tmp_path / "math.py").write_text(PLANTED)
    monkeypatch.chdir(tmp_path)
    code = main(["check", "--org", "--format", "json", *SCOPE])
    document = json.loads(capsys.readouterr().out)
    assert started, "the members were not assessed in worker processes"
    assert not (tmp_path / "IMPORTED").exists(), "a worker imported math.py from the working directory"
    assert code in (0, 3) and not any(row["error"] for row in document["accounts"])
