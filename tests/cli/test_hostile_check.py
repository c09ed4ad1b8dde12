"""`check` on an account whose names are hostile: the report is made, exits 3, and carries data only."""

from __future__ import annotations

import json
import re

import pytest

from wizard.__main__ import main
from wizard.sandbox.scenarios.hostile import CONTACT_NAME, GROUP_NAME, SCRIPT, SID, seed_hostile

STEPS = ["--steps", "contacts", "vpc", "audit_logging", "--regions", "us-east-1"]
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.fixture
def hostile(account):
    sb = account("insecure")
    seed_hostile(sb)
    return sb


@pytest.mark.parametrize("fmt", ["table", "markdown", "html"])
def test_check_reports_hostile_names_as_data(hostile, capsys, fmt):
    assert main(["check", "--format", fmt, *STEPS]) == 3  # the open SSH of "nfs [/export]" fails
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "unexpected error" not in captured.err, captured.err
    out = captured.out
    assert "\x1b" not in out and not CONTROL.search(out)  # the contact's OSC title sequence is made visible
    if fmt != "markdown":  # ... and visible (the security contact passes: Markdown lists no passing finding's text)
        assert "\\x1b]2;pwned\\x07" in out
    if fmt == "table":
        # Rich showed the primary contact's name, it did not parse it (a grouped row shows its first finding's
        # message, and which of the three open groups comes first depends on their random ids)
        assert "Mallory [/] <img" in out
    elif fmt == "markdown":
        assert "<script" not in out and "<img" not in out
        assert "Public \\[/\\] \\[bold\\] &lt;img src=x onerror=alert\\(1\\)&gt;" in out  # the Sid
        assert "nfs \\[/export\\]" in out  # a failing finding's resource, in the appendix
        # the primary contact's name (a MANUAL finding; the <script> is the security contact's, a PASS)
        assert "Mallory \\[/\\] &lt;img src=x onerror=alert\\(1\\)&gt;" in out
    else:
        assert "<script" not in out.lower() and "<img" not in out.lower()
        assert "Public [/] [bold] &lt;img src=x onerror=alert(1)&gt;" in out  # the Sid
        assert "nfs [/export]" in out and "&lt;script&gt;alert(1)&lt;/script&gt;" in out


def test_json_keeps_hostile_names_exact(hostile, capsys):
    assert main(["check", "--format", "json", *STEPS]) == 3
    out = capsys.readouterr().out
    assert "\x1b" not in out  # JSON escapes control characters ...
    messages = [f["message"] for f in json.loads(out)["findings"]]
    assert any(GROUP_NAME in m for m in messages)  # ... and keeps the data exact
    assert any(CONTACT_NAME in m and SCRIPT in m for m in messages)
    assert any(SID in m for m in messages)  # the public bucket policy's statement, named by its Sid


def test_plan_markdown_shows_hostile_names_as_text(hostile, capsys):
    assert main(["plan", "--format", "markdown", *STEPS]) == 0
    out = capsys.readouterr().out
    assert not CONTROL.search(out)
    assert "nfs \\[/export\\]" in out  # the group's name in the reasons, escaped for Markdown
    outside_code = re.sub(r"(`+) .*? \1|`[^`]*`", "", out)
    assert "<" not in outside_code  # no HTML outside code spans (inside one, Markdown shows it verbatim)


def test_fix_lines_carry_no_control_codes(hostile, capsys, monkeypatch):
    """fix prints what AWS answered (an error can quote a name): the terminal gets no escape sequence."""
    import wizard.commands.fix as fix

    def fake_fix_account(aws, steps, answers, emit, **options):
        emit(f"vpc: ec2.RevokeSecurityGroupIngress: FAILED: {CONTACT_NAME}")
        return True

    monkeypatch.setattr(fix, "fix_account", fake_fix_account)
    assert main(["fix", "--steps", "vpc", "--yes"]) == 1
    out = capsys.readouterr().out
    assert "FAILED: Eve \\x1b]2;pwned\\x07" in out and not CONTROL.search(out)


def test_an_unexpected_error_quoting_account_text_prints_no_escape(capsys, monkeypatch):
    import wizard.commands.history as history

    def crash(args):
        raise RuntimeError(f"bad group {CONTACT_NAME}")

    monkeypatch.setattr(history, "run", crash)
    assert main(["history"]) == 1
    err = capsys.readouterr().err
    assert "unexpected error: RuntimeError: bad group Eve" in err and "\x1b" not in err and "\x07" not in err


def test_diff_lines_carry_no_control_codes(account, capsys):
    """--diff names each finding's resource as the account spells it: printed without control codes."""
    from wizard.lastrun import store

    sb = account("insecure")
    # the last run saw a failing finding on a resource named by the account; it is gone now (fixed)
    store({"account_id": sb.account_id, "generated_at": "2026-01-01T00:00:00+00:00", "regions": [],
           "findings": [{"step": "contacts", "check": "security-contact", "region": None, "resource": CONTACT_NAME,
                         "status": "FAIL", "title": "Security alternate contact is set"}]})
    assert main(["check", "--diff", "--steps", "contacts"]) == 3
    out = capsys.readouterr().out
    assert "Fixed:" in out
    assert "global Eve \\x1b]2;pwned\\x07" in out and not CONTROL.search(out)
