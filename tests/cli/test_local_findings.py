"""Facts about the operator's machine (its AWS CLI config, running the wizard as root) are advice for
the TUI and plain mode, not findings about the customer's account: `check`'s documents, counts and
exit code leave them out, and no local path reaches a report (issue 17)."""

from __future__ import annotations

import json
from types import SimpleNamespace

from steps import root, sso
from steps.catalogue import entries
from wizard.__main__ import main
from wizard.commands.check import exit_code, fails_at
from wizard.report import RENDERERS, findings_document

LOCAL = {("root", "wizard-as-root"), ("sso", "cli-profile")}


def test_the_local_checks_are_declared_local_in_the_catalogue():
    assert {(e["step"], e["check"]) for e in entries() if e["scope"] == "local"} == LOCAL


def test_a_local_failure_is_left_out_of_the_document_its_counts_and_the_exit_code():
    as_root = root.CALLER.failed("WARNING: this wizard is running with the root user's credentials.", resource="root")
    no_profile = sso.CLI.manual("/home/someone/.aws/config has no profile for this account.", fixable=True)
    assert as_root.local and no_profile.local  # the TUI and plain mode still show them
    results = [SimpleNamespace(id="root", findings=[as_root], error=None),
               SimpleNamespace(id="sso", findings=[no_profile], error=None)]
    document = findings_document("123456789012", ["us-east-1"], results)
    assert document["findings"] == [] and document["summary"]["FAIL"] == 0 == document["summary"]["MANUAL"]
    assert fails_at(document, "any") == [] and exit_code(document, False, False) == 0


def test_check_reports_hold_no_local_finding_and_no_local_path(account, tmp_path, capsys):
    """The secure scenario has Identity Center, so the CLI-profile check names the config file's path."""
    account("secure")
    capsys.readouterr()
    html, document = tmp_path / "out" / "report.html", tmp_path / "out" / "report.json"
    html.parent.mkdir()
    for fmt, path in (("html", html), ("json", document)):
        main(["check", "--regions", "us-east-1", "--format", fmt, "--output", str(path)])
    data = json.loads(document.read_text())
    assert not [f for f in data["findings"] if (f["step"], f["check"]) in LOCAL]
    reports = {"html": html.read_text(), "json": document.read_text(), "markdown": RENDERERS["markdown"](data),
               "ocsf": RENDERERS["ocsf"](data), "table": RENDERERS["table"](data, width=400)}
    # the HOME, AWS config, state folder (journal, last run) of this test all live under tmp_path
    home = str(tmp_path)
    assert {name: home in text for name, text in reports.items()} == {name: False for name in reports}
