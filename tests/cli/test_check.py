"""`aws-essentials check` end to end: a real sandbox process, real exit codes, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from wizard.__main__ import main

EXE = [sys.executable, "-m", "wizard"]


def run_cli(*args, env=None, timeout=120):
    return subprocess.run([*EXE, *args], capture_output=True, text=True, env=env, timeout=timeout)


@pytest.fixture
def sandbox_process(tmp_path):
    """`aws-essentials sandbox` in the foreground, as a user would start it; yields its env."""
    procs = []

    def start(scenario):
        proc = subprocess.Popen([*EXE, "sandbox", "--scenario", scenario], stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True)
        procs.append(proc)
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        deadline = time.time() + 60
        while time.time() < deadline:
            line = proc.stdout.readline()
            if line.startswith("export "):
                name, _, value = line[len("export "):].strip().partition("=")
                env[name] = value
            if line.startswith("# Paste"):
                return env
        raise AssertionError("the sandbox did not print its export lines")

    yield start
    for proc in procs:
        proc.terminate()
        proc.wait(10)


def test_insecure_fails_secure_passes(sandbox_process, account):
    insecure = run_cli("check", "--format", "json", "--steps", "contacts", env=sandbox_process("insecure"))
    assert insecure.returncode == 3, insecure.stderr
    document = json.loads(insecure.stdout)
    assert document["schema"] == "aws-essentials/findings/v1"
    security = next(f for f in document["findings"] if f["check"] == "security-contact")
    assert security["status"] == "FAIL" and security["cis"] == ["1.2"] and security["securityhub"] == ["Account.1"]
    assert security["account_id"] == document["account_id"]

    # One sandbox process proves the command; the secure account is the tests' own sandbox (a
    # second process would seed its scenario from scratch: ~7 s of CPU).
    account("secure")
    secure = run_cli("check", "--format", "json", "--steps", "contacts")
    assert secure.returncode == 0, secure.stderr
    assert {f["status"] for f in json.loads(secure.stdout)["findings"]} <= {"PASS", "MANUAL"}


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_human_formats(account, capsys, fmt):
    account("insecure")
    assert main(["check", "--steps", "contacts", "--format", fmt]) == 3
    out = capsys.readouterr().out
    assert "Security alternate contact" in out and "CIS 1.2" in out


def test_output_file_is_private(account, tmp_path):
    account("insecure")
    path = tmp_path / "out" / "report.json"
    assert main(["check", "--steps", "contacts", "--format", "json", "--output", str(path)]) == 3
    assert json.loads(path.read_text())["summary"]["FAIL"] == 3
    assert path.stat().st_mode & 0o777 == 0o600


def one_line_error(capsys):
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    return err


@pytest.mark.parametrize("argv, code, words", [
    (["check", "--regions", "mars-north-9x"], 2, "not a region name"),
    (["check", "--regions", "eu-south-2"], 2, "not enabled"),
    (["check", "--steps", "nosuchstep"], 2, "unknown step"),
    (["check", "--format", "pdf"], 2, "invalid choice"),
    (["check", "--profile", "no-such-profile"], 1, "does not exist"),
    (["check", "--profile", "bad profile!"], 2, "not a valid profile name"),
    (["check", "--role-arn", "arn:aws:iam::12:user/x"], 2, "not a role ARN"),
    (["sandbox", "--scenario", "mars"], 2, "unknown scenario"),
])
def test_bad_input_gets_one_clear_line(account, capsys, argv, code, words):
    account("insecure")
    assert main(argv) == code
    assert words in one_line_error(capsys)


def test_a_missing_profile_named_by_aws_profile_is_named(monkeypatch, capsys):
    """AWS_PROFILE=custmer-a once said "the AWS profile 'None' does not exist"."""
    monkeypatch.setenv("AWS_PROFILE", "custmer-a")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens: must not reach AWS
    assert main(["check", "--steps", "contacts"]) == 1
    err = one_line_error(capsys)
    assert "the AWS profile 'custmer-a' (set by AWS_PROFILE) does not exist" in err


def test_no_credentials_says_what_to_do(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens: must not reach AWS
    assert main(["check", "--steps", "contacts"]) == 1
    err = one_line_error(capsys)
    assert "credentials" in err


def test_malformed_email_is_refused_before_any_call(account, capsys):
    account("insecure")
    assert main(["plan", "--steps", "contacts", "--set", "contacts.email=not-an-email"]) == 2
    assert "not an email address" in one_line_error(capsys)
