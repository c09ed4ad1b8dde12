"""Findings on screen grouped by check and status (issue 16): the pure grouping, the step screen's rows
that open with Enter/Space, and the done-when test on the insecure demo's groups step at 120x40."""

from __future__ import annotations

from steps import by_id
from steps.base import Finding, Severity, Status, StepError
from tests.wizard.tui import assessed, make_app, press_until, screen_name, wait_for
from wizard.app import WizardApp
from wizard.assess import StepResult
from wizard.findings_groups import group_findings
from wizard.widgets.findings import FindingRow, FindingsGroup, GroupRow
from wizard.wizard_run import StepAssessed

REGIONS = [f"region-{n:02}" for n in range(19)]


def _rows(findings, step="groups"):
    return [dict(f.to_dict(), step=step) for f in findings]


def _analyzer(status=Status.FAIL, regions=REGIONS):
    return [Finding("access-analyzer", "IAM Access Analyzer is active", status, f"off in {r}", Severity.MEDIUM,
                    region=r, cis=("1.19",), securityhub=("IAM.28",)) for r in regions]


def test_one_group_per_check_and_status_most_severe_then_biggest_first():
    findings = [
        *_analyzer(),
        *_analyzer(Status.PASS, ["eu-west-1", "us-east-1"]),
        Finding("console-mfa", "Every console user has MFA", Status.FAIL, "alice has none", Severity.HIGH,
                resource="arn:aws:iam::123456789012:user/alice"),
        Finding("console-mfa", "Every console user has MFA", Status.FAIL, "bob has none", Severity.HIGH,
                resource="arn:aws:iam::123456789012:user/bob"),
        Finding("support-role", "A support role exists", Status.FAIL, "none", Severity.LOW),
        Finding("users-in-groups", "Users get permissions through groups", Status.FAIL, "x", Severity.MEDIUM,
                resource="dana"),
        Finding("region-deny", "Region deny", Status.MANUAL, "look", Severity.CRITICAL),
    ]
    groups = group_findings(_rows(findings))
    assert [(g.check, g.status, g.count) for g in groups] == [
        ("console-mfa", "FAIL", 2),  # high before medium, whatever the counts
        ("access-analyzer", "FAIL", 19),  # medium: the bigger group first
        ("users-in-groups", "FAIL", 1),
        ("support-role", "FAIL", 1),
        ("region-deny", "MANUAL", 1),  # a failing check before anything to look at, however severe
        ("access-analyzer", "PASS", 2),
    ]
    analyzer = groups[1]
    assert analyzer.where() == "19 regions: region-00, region-01, region-02, region-03, ..."
    assert analyzer.ids == ("CIS 1.19", "IAM.28") and len(analyzer.findings) == 19
    assert groups[0].where() == "2 resources: alice, bob"  # IAM users by name (not ARN); no region to name


def test_resources_are_named_by_the_end_of_their_arn_once():
    arns = ["arn:aws:rds:eu-west-1:123456789012:db:legacy-db", "arn:aws:rds:us-east-1:123456789012:db:legacy-db"]
    rows = [Finding("rds-encrypted", "RDS instances are encrypted", Status.FAIL, "m", region=arn.split(":")[3],
                    resource=arn) for arn in arns]
    rows.append(Finding("rds-encrypted", "RDS instances are encrypted", Status.FAIL, "m", region="eu-west-1",
                        resource="arn:aws:elasticfilesystem:eu-west-1:1:file-system/fs-93e6adb7"))
    (group,) = group_findings(_rows(rows))
    assert group.where() == "3 resources in 2 regions: legacy-db, fs-93e6adb7"
    assert group.resources == (*arns, rows[2].resource)  # the rows keep the whole ARN


def test_the_same_check_in_two_steps_or_accounts_stays_apart_by_step():
    rows = _rows(_analyzer(regions=["a", "b"]), "groups") + _rows(_analyzer(regions=["a"]), "other")
    for row, account in zip(rows, ["111", "222", "111"]):
        row["account_id"] = account
    groups = group_findings(rows)
    assert [(g.step, g.count, g.accounts) for g in groups] == [("groups", 2, ("111", "222")), ("other", 1, ("111",))]


def _unreachable() -> None:
    raise StepError("no AWS credentials were found", "run `aws configure`")


async def test_a_group_opens_and_closes_with_enter_and_space_and_its_rows_come_when_opened():
    step = by_id("groups")
    app = WizardApp(_unreachable, steps=[step])
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: screen_name(app) == "ErrorScreen", what="the connection error")
        await pilot.press("escape")
        findings = _analyzer() + [Finding("support-role", "A support role exists", Status.FAIL, "none")]
        # not applicable: alone and as a group (a status whose CSS class cannot be its name)
        findings += [Finding("trail-bucket", "The trail's bucket is private", Status.NA, "no trail")]
        findings += _analyzer(Status.NA, ["eu-west-1", "us-east-1"])
        app.record_assessed(StepAssessed(StepResult(step, None, findings), app.generation, 0))
        app.go_to(0)
        await wait_for(pilot, lambda: screen_name(app) == "StepScreen", what="the step screen")
        table = app.screen.query_one("#findings")
        group, not_applicable = table.query(FindingsGroup)
        assert len(table.query(FindingRow)) == 2  # the support role and the bucket; the 19 are not mounted yet
        assert not_applicable.group.status == "N/A" and not_applicable.query_one(GroupRow).has_class("-na")
        row = group.query_one(GroupRow)
        row.focus()  # Tab reaches it: it is focusable
        await wait_for(pilot, lambda: app.focused is row, what="the row focused", settle=False)
        await press_until(pilot, "enter", lambda: group.opened and len(group.query(FindingRow)) == 19)
        members = group.query(FindingRow)
        assert len(members) == 19 and all(m.display for m in members.results()) and group.opened
        assert "▾" in str(row.message)
        await press_until(pilot, "space", lambda: not group.opened)
        assert not group.opened and not group.query_one(".group-members").display
        assert screen_name(app) == "StepScreen"  # the keys went to the row, not to the screen's bindings


async def test_on_the_insecure_demo_access_analyzer_is_one_row_at_120x40(account, tmp_path):
    sb = account("insecure")
    app = make_app(sb, steps=[by_id("groups")], report_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await assessed(pilot)
        app.go_to_step("groups")
        await wait_for(pilot, lambda: screen_name(app) == "StepScreen" and app.screen.query(FindingsGroup),
                       what="the groups step's findings")
        rows = [r for r in app.screen.query(".finding-row")
                if "IAM Access Analyzer is active" in str(r.message)]
        assert len(rows) == 1
        drawn = str(rows[0].message)
        assert "fail in 19 regions: af-south-1" in drawn and rows[0].region.height <= 4


def _plain_findings(show_all: bool) -> list[str]:
    import io
    from types import SimpleNamespace

    from wizard.plain import PlainWizard

    out = io.StringIO()
    wizard = PlainWizard(SimpleNamespace(account_id="123456789012"), steps=[], out=out, show_all=show_all)
    wizard.show_findings(_analyzer() + _analyzer(Status.PASS, ["eu-west-1", "us-east-1"]))
    return out.getvalue().splitlines()


def test_plain_mode_shows_the_group_line_then_three_rows_and_says_how_to_see_all():
    lines = _plain_findings(show_all=False)
    group = [n for n, line in enumerate(lines) if "IAM Access Analyzer is active: fail in 19 regions" in line]
    assert len(group) == 1
    rows = [line.strip() for line in lines if line.strip().startswith("- region-")]
    assert rows == ["- region-00: off in region-00", "- region-01: off in region-01", "- region-02: off in region-02"]
    assert any("... and 16 more (--plain --all lists every one)" in line for line in lines)
    assert any("ok  IAM Access Analyzer is active: pass in 2 regions" in line for line in lines)  # no rows
    assert not any("eu-west-1: off" in line for line in lines)
    every = _plain_findings(show_all=True)
    assert sum(1 for line in every if line.strip().startswith("- region-")) == 19
    assert not any("more (--plain --all" in line for line in every)


def test_not_applicable_rows_and_groups_can_be_built():
    """'N/A' made the class '-n/a', which Textual refuses: the whole step screen failed to show (issue 17)."""
    group = group_findings(_rows(_analyzer(Status.NA, ["eu-west-1", "us-east-1"])))[0]
    assert GroupRow(group).has_class("-na")
    assert FindingRow(("–", "eu-west-1", "n/a"), "N/A").has_class("-na")


def test_a_check_whose_title_names_its_resource_gets_one_title_for_the_group():
    buckets = ["website-1", "raw-uploads-1", "legacy-logs-1"]
    rows = [Finding("bucket-bpa", f"Bucket {b} blocks public access", Status.FAIL, "m", resource=f"arn:aws:s3:::{b}")
            for b in buckets]
    (group,) = group_findings(_rows(rows, "s3"))
    assert group.title == "Bucket … blocks public access"  # not the first bucket's name for all three
    assert group.where() == "3 resources: website-1, raw-uploads-1, legacy-logs-1"
    assert [r["title"] for r in group.findings] == [f.title for f in rows]  # each row keeps its own


def test_all_is_an_option_of_plain_mode_and_of_the_plain_demo():
    from wizard.__main__ import build_parser

    parser = build_parser()
    assert parser.parse_args(["--plain", "--all"]).show_all is True
    assert parser.parse_args(["demo", "--plain", "--all"]).show_all is True
    assert not hasattr(parser.parse_args(["--plain"]), "show_all")  # off unless asked (read with getattr)


def _buckets(status=Status.FAIL):
    return [Finding("bucket-bpa", f"Bucket {b} blocks public access", status, "m", Severity.HIGH,
                    resource=f"arn:aws:s3:::{b}") for b in ("website-1", "raw-uploads-1", "legacy-logs-1")]


async def test_the_step_screen_and_plain_mode_give_a_group_its_declared_title_not_the_first_bucket():
    import io
    from types import SimpleNamespace

    from wizard.plain import PlainWizard

    out = io.StringIO()
    PlainWizard(SimpleNamespace(account_id="123456789012"), steps=[], out=out).show_findings(_buckets(), "s3")
    assert "Bucket … blocks public access: fail in 3 resources" in out.getvalue()
    step = by_id("s3")
    app = WizardApp(_unreachable, steps=[step])
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_for(pilot, lambda: screen_name(app) == "ErrorScreen", what="the connection error")
        await pilot.press("escape")
        app.record_assessed(StepAssessed(StepResult(step, None, _buckets()), app.generation, 0))
        app.go_to(0)
        await wait_for(pilot, lambda: screen_name(app) == "StepScreen", what="the step screen")
        row = app.screen.query_one(GroupRow)
        assert "Bucket … blocks public access: fail in 3 resources" in str(row.message)
