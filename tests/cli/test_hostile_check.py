"""`check` on an account whose names are hostile: the report is made, exits 3, and carries data only."""

from __future__ import annotations

import json
import re

import pytest

from wizard.__main__ import main
from wizard.sandbox.scenarios.hostile import CONTACT_NAME, GROUP_NAME, SCRIPT, seed_hostile

STEPS = ["--steps", "contacts", "vpc", "--regions", "us-east-1"]
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
    # ... and visible: Markdown escapes the backslashes and the bracket of the visible escape
    assert ("\\\\x1b\\]2;pwned\\\\x07" if fmt == "markdown" else "\\x1b]2;pwned\\x07") in out
    if fmt == "table":
        assert "[/export])" in out  # Rich showed the group's name, it did not parse it
    elif fmt == "markdown":
        assert "<script" not in out and "<img" not in out
        assert "nfs \\[/export\\]" in out and "&lt;script&gt;alert\\(1\\)&lt;/script&gt;" in out
    else:
        assert "<script" not in out.lower()
        assert "nfs [/export]" in out and "&lt;script&gt;alert(1)&lt;/script&gt;" in out


def test_json_keeps_hostile_names_exact(hostile, capsys):
    assert main(["check", "--format", "json", *STEPS]) == 3
    out = capsys.readouterr().out
    assert "\x1b" not in out  # JSON escapes control characters ...
    messages = [f["message"] for f in json.loads(out)["findings"]]
    assert any(GROUP_NAME in m for m in messages)  # ... and keeps the data exact
    assert any(CONTACT_NAME in m and SCRIPT in m for m in messages)
