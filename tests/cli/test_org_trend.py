"""`check --org` keeps a baseline per account; after `fix --org --steps keys --yes`, the next
`check --org --diff --format html` shows the trend per account and in total (issue 17)."""

from __future__ import annotations

import contextlib
import io
import json
import re

import boto3
import pytest

from tests.conftest import _use_scenario, org_members_in_process
from wizard.__main__ import main

SCOPE = ["--steps", "keys", "contacts", "--regions", "us-east-1"]


@pytest.fixture(scope="module")
def org_trend(sandbox, tmp_path_factory):
    """One org scenario restore; check --org, fix --org --steps keys --yes, check --org --diff (HTML)."""
    import keyring

    from wizard.sandbox.keyring_memory import MemoryKeyring

    folder = tmp_path_factory.mktemp("org_trend")
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    runs = {}
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("AWS_ESSENTIALS_STATE_DIR", str(folder / "state"))
            mp.setenv("HOME", str(folder))
            org_members_in_process(mp)
            sb = _use_scenario(sandbox, mp, "org")
            for name, argv in (
                    ("first", ["check", "--org", *SCOPE, "--format", "json", "--output", str(folder / "first.json")]),
                    ("fix", ["fix", "--org", "--steps", "keys", "--yes"]),
                    ("second", ["check", "--org", "--diff", *SCOPE, "--format", "html",
                                "--output", str(folder / "second.html")]),
                    # then the management account's password policy goes: a regression, checked there alone
                    ("broken", None),
                    ("third", ["check", "--org", "--diff", "--accounts", sb.account_id, *SCOPE, "--format", "json",
                               "--output", str(folder / "third.json")])):
                if argv is None:
                    boto3.client("iam", endpoint_url=sb.endpoint_url).delete_account_password_policy()
                    continue
                out, err = io.StringIO(), io.StringIO()
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                    code = main(argv)
                runs[name] = (code, out.getvalue(), err.getvalue())
    finally:
        keyring.set_keyring(previous)
    documents = {name: json.loads((folder / f"{name}.json").read_text()) for name in ("first", "third")}
    return sb, runs, documents, (folder / "second.html").read_text()


def test_the_first_org_run_is_the_reference(org_trend):
    sb, runs, documents, _ = org_trend
    trend = documents["first"]["since_last_visit"]
    assert trend["organization"] and trend["first_run"]
    assert [a["account_id"] for a in trend["accounts"]] == [sb.account_id, *sorted(sb.member_account_ids)]
    assert all(a["first_run"] for a in trend["accounts"])
    assert runs["fix"][0] == 0


def test_second_org_run_shows_a_trend_per_account(org_trend):
    """Issue 17's done-when: after `fix --org --steps keys --yes`, the second `check --org --format
    html` carries a per-account trend: what each account fixed since the first run, with both dates."""
    sb, runs, documents, html = org_trend
    first = documents["first"]
    code, out, err = runs["second"]
    assert code in (0, 3) and "Traceback" not in err
    section = html[html.index("<h2>Since last visit</h2>"):]
    section = section[:section.index("</section>")]
    assert html.index("<h2>Since last visit</h2>") < html.index("<h2>Summary</h2>")  # on the first page
    names = {row["account_id"]: row["name"] for row in first["accounts"]}
    total = 0
    for account_id in [sb.account_id, *sb.member_account_ids]:
        failing_keys = {f["title"] for f in first["findings"]
                        if f["account_id"] == account_id and f["step"] == "keys" and f["status"] == "FAIL"}
        assert failing_keys, account_id  # the org scenario gives every account something for keys to fix
        # the account's row in the summary table: its last visit's date and its counts
        row = re.search(rf"<tr><td>{account_id} \({re.escape(names[account_id])}\)</td><td>{re.escape(first['generated_at'])}"
                        r'</td><td class="num">(\d+)</td><td class="num">0</td><td class="num">0</td>', section)
        assert row, account_id
        # ...and its detail: every change is a keys FAIL of the first run now passing
        detail = section[section.index(f"<details><summary>{account_id} "):]
        detail = detail[:detail.index("</details>")]
        fixed = re.findall(r"<tr><td>Fixed</td><td>keys</td><td>([^<]+)</td><td class=\"where\">global</td>"
                           r"<td>FAIL → PASS</td></tr>", detail)
        assert fixed and set(fixed) <= failing_keys and len(fixed) == int(row.group(1)), account_id
        assert "Regressed</td>" not in detail and "New</td>" not in detail
        total += len(fixed)
    assert f'<tr><th>Total</th><td></td><td class="num">{total}</td><td class="num">0</td>' in section
    # --diff said the same on stdout (the report went to a file): the total, then each account
    assert out.startswith(f"Since the last organization run ({first['generated_at']}; this run ")
    assert f"{total} fixed, 0 regressed, 0 new in total" in out.splitlines()[0]
    for account_id in sb.member_account_ids:
        assert f"  {account_id} ({names[account_id]}): " in out


def test_a_regression_in_one_account_exits_3(org_trend):
    sb, runs, documents, _ = org_trend
    code, out, _ = runs["third"]
    assert code == 3
    [mine] = documents["third"]["since_last_visit"]["accounts"]
    assert mine["account_id"] == sb.account_id and mine["regressed"] and not mine["fixed"]
    assert {r["step"] for r in mine["regressed"]} == {"keys"}
    assert f"{len(mine['regressed'])} regressed" in out




# --- the organization's baseline, on hand-built documents (no sandbox) ----------------------------------------

MANAGEMENT, MEMBER = "111111111111", "222222222222"
COUNTS = {"PASS": 0, "FAIL": 0, "MANUAL": 0, "UNKNOWN": 0}  # the reports' counts; not what is tested here
HOSTILE = "bucket \x1b]2;pwned\x07 <script>x</script> | [a](b)"


def org_document(when, management_findings, member_error=""):
    findings = [{"account_id": MANAGEMENT, "step": "keys", "check": check, "region": None, "resource": resource,
                 "status": status, "title": f"Check {check}", "severity": "high", "message": "", "cis": [],
                 "securityhub": []}
                for check, resource, status in management_findings]
    if not member_error:
        findings.append({"account_id": MEMBER, "step": "keys", "check": "policy", "region": None, "resource": None,
                         "status": "FAIL", "title": "Check policy", "severity": "high", "message": "", "cis": [],
                         "securityhub": []})
    return {"account_id": MANAGEMENT, "generated_at": when, "regions": ["us-east-1"], "steps": {"keys": ["policy", "old"]},
            "findings": findings, "not_assessed": [{"account_id": MEMBER, "step": "", "reason": member_error}]
            if member_error else [],
            "summary": dict(COUNTS), "schema": "aws-essentials/findings/v1", "caller_arn": "",
            "accounts": [{"account_id": MANAGEMENT, "name": "mgmt", "error": "", "regions": ["us-east-1"],
                          "summary": dict(COUNTS)},
                         {"account_id": MEMBER, "name": "prod", "error": member_error, "regions": [],
                          "summary": dict(COUNTS)}]}


def test_org_baseline_per_account_with_an_unreachable_member_and_a_regression():
    from wizard.lastrun import load
    from wizard.lastrun_org import org_store_path, visit_org
    from wizard.report import render_html, render_markdown

    first = org_document("2026-01-01T00:00:00+00:00", [("policy", None, "PASS"), ("old", HOSTILE, "FAIL")])
    visit = visit_org(first)
    assert visit.data["first_run"] and not visit.regressed
    visit.keep()
    assert load(MEMBER)["generated_at"] == first["generated_at"]  # each member's run is its own last run

    later = org_document("2026-01-02T00:00:00+00:00", [("policy", None, "FAIL")], member_error="could not assume")
    visit = visit_org(later)
    data = visit.data
    assert data["previous_time"] == first["generated_at"] and data["current_time"] == later["generated_at"]
    mine, member = data["accounts"]
    assert [r["check"] for r in mine["regressed"]] == ["policy"] and [r["check"] for r in mine["fixed"]] == ["old"]
    assert visit.regressed and data["total"] == {"fixed": 1, "regressed": 1, "new": 0}
    assert member["not_assessed"] == "could not assume" and member["previous_time"] == first["generated_at"]
    later["since_last_visit"] = data
    visit.keep()
    assert load(MEMBER)["generated_at"] == first["generated_at"]  # not reached: its reference is kept
    assert json.loads(org_store_path(MANAGEMENT).read_text())["generated_at"] == later["generated_at"]

    markdown = render_markdown(later)
    section = markdown[markdown.index("## Since last visit"):markdown.index("## Accounts")]
    assert "Since the last organization run \\(2026-01-01T00:00:00+00:00; this run 2026-01-02" in section
    assert "1 fixed, 1 regressed, 0 new in total" in section
    assert f"| {MEMBER} \\(prod\\) | 2026-01-01T00:00:00+00:00 | — | — | — | not assessed this run" in section
    assert "| **Total** |  | 1 | 1 | 0 |  |" in section
    assert f"### {MANAGEMENT} \\(mgmt\\)" in section and "keys: Check policy \\[global\\] \\(PASS -&gt; FAIL\\)" in section
    html = render_html(later, [], {})
    section = html[html.index("<h2>Since last visit</h2>"):]
    assert "<details><summary>111111111111 (mgmt): 1 fixed, 1 regressed, 0 new" in section
    assert f"<summary>{MEMBER}" not in section  # nothing to detail there
    for text in (markdown, html):  # the account's names are data: no control code, no tag
        assert "\x1b" not in text and "x1b" in text and "pwned" in text and "<script>x" not in text
    assert "[a](b)" not in markdown and "\\[a\\]\\(b\\)" in markdown  # no link either


def test_a_damaged_member_file_is_said_and_left_alone(capsys):
    from wizard.lastrun import store_path
    from wizard.lastrun_org import visit_org

    path = store_path(MEMBER)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json")
    visit = visit_org(org_document("2026-01-01T00:00:00+00:00", [("policy", None, "PASS")]))
    [warning] = visit.warnings
    assert MEMBER in warning and "damaged" in warning
    assert visit.data["accounts"][1]["not_compared"] == "its last-run file is damaged"
    visit.keep()
    assert path.read_text() == "{not json"


def test_accounts_checked_alone_before_are_compared_in_the_first_org_run():
    """The organization's first run still compares each account that has a last run of its own (a
    single-account `check`), and its total says so rather than "no earlier run"."""
    from wizard.lastrun import store
    from wizard.lastrun_org import visit_org
    from wizard.report.trend import org_text

    alone = org_document("2026-01-01T00:00:00+00:00", [("policy", None, "FAIL")])
    store({**alone, "findings": [f for f in alone["findings"] if f["account_id"] == MANAGEMENT],
           "accounts": None})
    data = visit_org(org_document("2026-01-02T00:00:00+00:00", [("policy", None, "PASS")])).data
    assert data["first_run"]
    mine, member = data["accounts"]
    assert [r["check"] for r in mine["fixed"]] == ["policy"] and member["first_run"]
    text = org_text(data)
    assert text.startswith("No earlier organization run; each account against its own last run: 1 fixed, 0 regressed")
    assert f"{MEMBER} (prod): no earlier run to compare with" in text
