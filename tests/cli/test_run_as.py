"""`fix` says who it runs as before it writes, and warns when the endpoint and the credentials do
not belong together (issue 19)."""

from __future__ import annotations

import pytest

from tests.cli.test_fix_history_undo import SET
from wizard.__main__ import main


@pytest.mark.parametrize("endpoint, local", [
    ("http://127.0.0.1:5000", True), ("http://127.8.9.10", True), ("http://localhost:4566", True),
    ("http://[::1]:4566", True), ("https://sts.us-east-1.amazonaws.com", False), ("http://10.0.0.5:5000", False),
    (None, False),
])
def test_local_endpoints_are_recognised(endpoint, local):
    from wizard.run_as import is_local

    assert is_local(endpoint) is local


def test_mismatch_names_each_wrong_pairing_and_only_those():
    from wizard.run_as import mismatch

    local = "http://127.0.0.1:5000"
    assert "is on this machine" in mismatch(local, "shared-credentials-file", "work", "AKIAREALKEY0000001")
    assert "is on this machine" in mismatch(local, "sso", "prod", "ASIAREALKEY0000001")
    assert mismatch(local, "env", "", "testing") == ""  # the sandbox as the demo runs it
    assert mismatch(local, "explicit", "", "AKIAROTATEDINSANDBOX") == ""  # a key rotated inside the sandbox
    assert "dummy keys" in mismatch(None, "env", "", "testing")
    assert "dummy keys" in mismatch("https://sts.eu-west-1.amazonaws.com", "env", "", "test")
    assert mismatch(None, "shared-credentials-file", "work", "AKIAREALKEY0000001") == ""


def test_fix_says_who_it_runs_as_before_writing(account, capsys):
    sb = account("insecure")
    assert main(["fix", "--steps", "contacts", "--yes", *SET]) == 0
    captured = capsys.readouterr()
    first = captured.out.splitlines()[0]
    assert first.startswith(f"Running as arn:aws:") and f"in account {sb.account_id}" in first
    assert "credentials: env" in first and sb.endpoint_url in first
    assert captured.out.index("Running as") < captured.out.index("PutAlternateContact: done")
    assert "warning" not in captured.err


def test_fix_warns_when_a_real_profile_meets_a_local_endpoint(account, capsys, monkeypatch, tmp_path):
    sb = account("insecure")
    credentials = tmp_path / "home" / ".aws" / "credentials"
    credentials.parent.mkdir(parents=True, exist_ok=True)
    credentials.write_text("[work]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
                           "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n")
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_PROFILE", "work")
    main(["fix", "--steps", "contacts", "--yes", *SET])
    captured = capsys.readouterr()
    warnings = [line for line in captured.err.splitlines() if "warning" in line]
    assert len(warnings) == 1 and f"{sb.endpoint_url} (AWS_ENDPOINT_URL) is on this machine" in warnings[0]
    assert "profile 'work'" in warnings[0]
    assert "credentials: shared-credentials-file, profile work" in captured.out.splitlines()[0]
