"""`aws-essentials catalogue`: every declared check, as a table, JSON or markdown; no AWS call."""

from __future__ import annotations

import json

from steps import STEPS
from steps.catalogue import declared
from wizard.__main__ import main

FIELDS = {"step", "check", "title", "title_all", "severity", "cis", "securityhub", "fixable", "fix", "guide_section",
          "scope"}


def test_json_lists_every_declared_check_with_every_field(capsys):
    assert main(["catalogue", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["step"], r["check"]) for r in rows] == [(s.INFO.id, c.id) for s in STEPS for c in declared(s)]
    assert all(set(r) == FIELDS and r["guide_section"] for r in rows)
    mfa = next(r for r in rows if r["check"] == "root-mfa")
    assert (mfa["cis"], mfa["securityhub"], mfa["severity"], mfa["fix"], mfa["fixable"], mfa["scope"]) == (
        ["1.4"], ["IAM.9"], "critical", "console", True, "resource")


def test_table_is_the_default_one_line_per_check(capsys):
    assert main(["catalogue"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split() == ["step", "check", "severity", "cis", "securityhub", "fix", "title"]
    count = sum(len(declared(s)) for s in STEPS)
    assert f"{count} checks." in out
    assert any(line.split()[:4] == ["sso", "identity-center", "high", "1.20"] for line in lines)


def test_markdown_has_the_checks_and_the_cis_v5_coverage(capsys):
    assert main(["catalogue", "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert "| root | `root-mfa` | Root user has MFA enabled | critical | 1.4 | IAM.9 | console | resource | Root User |" \
        in out
    assert "## CIS AWS Foundations Benchmark v5.0 coverage" in out
    assert "| 1.20 | Ensure IAM users are managed centrally" in out
    coverage = out.split("## CIS AWS Foundations Benchmark v5.0 coverage")[1]
    assert sum(line.startswith("| ") and line[2].isdigit() for line in coverage.splitlines()) == 63


def test_bad_format_is_one_usage_line(capsys):
    assert main(["catalogue", "--format", "csv"]) == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'csv'" in err and "Traceback" not in err


def test_help_says_what_it_does(capsys):
    from wizard.__main__ import build_parser

    assert "catalogue" in build_parser().format_help()
    try:
        main(["catalogue", "--help"])
    except SystemExit:
        pass
    assert "List every check the wizard makes" in capsys.readouterr().out
