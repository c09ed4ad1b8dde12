"""The summary's to-do list (issue 16: "the summary says what to do tomorrow"): pure, on hand-built
steps, plans and findings; one Pilot test shows it on the summary screen with the grouped findings
and the last-run diff collapsed to its counts; one checks plain mode's summary says the same."""

from __future__ import annotations

import io
from types import SimpleNamespace

from steps.base import Call, Change, Finding, Input, Plan, Severity, Status, StepError, StepInfo, manual
from tests.wizard.tui import screen_name, wait_for
from wizard.todo import CONSOLE, LIMIT, MORE, RECHECK, WIZARD, StepStanding, todo_list

ROOT_URL = "https://console.aws.amazon.com/iam/home#/security_credentials"


def _info(step_id, title, severity=Severity.MEDIUM, inputs=()):
    return StepInfo(step_id, title, "why", "guide", severity, (), (), inputs=inputs, short=title.split()[0])


def _fail(check, severity, region=None):
    return Finding(check, check, Status.FAIL, "m", severity, region=region, fixable=True)


def _auto(risky=False):
    return Change("fix it", Call("ec2", "Fix", {}), risky=risky)


ROOT = StepStanding(_info("root", "Root user", Severity.CRITICAL),
                    [_fail("root-mfa", Severity.CRITICAL), _fail("root-keys", Severity.CRITICAL)],
                    Plan("root", (manual("Turn on MFA for the root user (a hardware key is best).", ROOT_URL),
                                  manual("Delete the root user's access keys.", ROOT_URL),
                                  manual("Stop running this wizard as root.", "https://sso"))))
CONTACTS = StepStanding(_info("contacts", "Contacts", Severity.HIGH,
                              (Input("email", "Contact email", None), Input("phone", "Contact phone", None))),
                        [_fail("security-contact", Severity.HIGH)], Plan("contacts", needs=("email", "phone")))
VPC = StepStanding(_info("vpc", "Network"), [_fail("flow-logs", Severity.MEDIUM, r) for r in ("a", "b")],
                   Plan("vpc", (_auto(), _auto(risky=True))))
S3 = StepStanding(_info("s3", "S3"), [_fail("bpa", Severity.HIGH)], Plan("s3", (_auto(),)), skipped=True)
KEYS = StepStanding(_info("keys", "Keys"), [_fail("key-age", Severity.LOW)], Plan("keys", (_auto(),)))
SECURE = StepStanding(_info("sso", "Single sign-on"), [Finding("sso", "sso", Status.PASS, "ok")], Plan("sso"))


def test_most_severe_first_with_why_the_wizard_did_not_and_the_console_tasks_with_their_link():
    items = todo_list([VPC, KEYS, S3, CONTACTS, SECURE, ROOT])
    assert [(i.kind, i.step) for i in items] == [
        (CONSOLE, "Root"),  # critical: only the owner can do it
        (WIZARD, "S3"),  # high; the guide's order (as given) breaks the tie
        (WIZARD, "Contacts"),
        (WIZARD, "Network"),  # medium
        (WIZARD, "Keys"),  # low
        (RECHECK, ""), (RECHECK, ""),
    ]
    root, s3, contacts, vpc, keys = items[:5]
    # root MFA and root keys named, asides dropped, the console link given
    assert root.text == "in the console: Turn on MFA for the root user; Delete the root user's access keys (and 1 more)"
    assert root.url == ROOT_URL and root.line().endswith(ROOT_URL)
    assert "you skipped this step" in s3.text
    assert contacts.text == "answer Contact email, Contact phone, then the wizard can plan the fix"
    assert "2 changes ready, 1 risky (you type the account id" in vpc.text
    assert keys.text == "1 change ready to review and apply"
    assert "re-check its step" in items[5].text and "check --diff" in items[6].text


def test_never_more_than_ten_lines_and_the_rest_is_counted():
    standings = [StepStanding(_info(f"s{n}", f"Step{n} x", Severity.HIGH), [_fail("c", Severity.HIGH)],
                              Plan(f"s{n}", (_auto(), manual(f"Do task {n}.", f"https://console/{n}"))))
                 for n in range(9)]
    items = todo_list(standings)
    assert len(items) == LIMIT
    assert [i.kind for i in items[-3:]] == [MORE, RECHECK, RECHECK]
    shown = sum(1 for i in items if i.kind in (WIZARD, CONSOLE))
    assert items[-3].text == f"... and {18 - shown} more tasks in the steps' plans."
    assert [i.step for i in items[:2]] == ["Step0", "Step0"]  # a step's own fix before its console task


def test_unread_steps_are_named_for_a_re_check_and_a_passing_account_only_has_tomorrow():
    unread = StepStanding(_info("vpc", "Network"), [Finding("collect", "c", Status.UNKNOWN, "denied")], None)
    items = todo_list([SECURE, unread, StepStanding(_info("s3", "S3"), checked=False)])
    assert [i.kind for i in items] == [RECHECK, RECHECK]
    assert items[0].text.startswith("Not read: Network, S3;")
    assert [i.kind for i in todo_list([SECURE])] == [RECHECK]


# --- on screen -------------------------------------------------------------------------------------

def _step(standing, findings):
    return SimpleNamespace(INFO=standing.info, plan=lambda state, answers: standing.plan,
                           evaluate=lambda state: findings)


def _unreachable() -> None:
    raise StepError("no AWS credentials were found", "run `aws configure`")


async def test_the_summary_screen_shows_the_list_then_the_table_and_groups_what_is_left():
    from textual.widgets import Collapsible

    from wizard.app import WizardApp
    from wizard.assess import StepResult
    from wizard.wizard_run import StepAssessed

    many = [_fail("flow-logs", Severity.MEDIUM, f"region-{n}") for n in range(19)]
    steps = [_step(ROOT, list(ROOT.findings)), _step(VPC, many)]
    app = WizardApp(_unreachable, steps=steps)
    diff = "Since the last run (2026-11-29T10:00:00Z): 2 fixed, 0 regressed, 1 new.\nFixed:\n  root: root-mfa [global]"
    app.since_last_check = lambda: diff  # what wizard.lastrun says; its own tests cover the comparison
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_for(pilot, lambda: screen_name(app) == "ErrorScreen", what="the connection error")
        await pilot.press("escape")
        for step in steps:
            app.record_assessed(StepAssessed(StepResult(step, {}, step.evaluate({})), app.generation, 0, first=True))
        app.action_summary()
        await wait_for(pilot, lambda: screen_name(app) == "SummaryScreen", what="the summary")
        screen = app.screen
        lines = [" ".join(str(label.render()) for label in row.query("Label"))
                 for row in screen.query(".todo-row")]
        assert 1 < len(lines) <= LIMIT
        assert lines[0].startswith(" 1.") and "Turn on MFA for the root user" in lines[0] and ROOT_URL in lines[0]
        assert "Network: 2 changes ready, 1 risky" in lines[1]
        # the list comes before the before/after table
        assert screen.query_one("#summary-todo").region.y < screen.query_one("#summary-table").region.y
        # 19 failing regions of one check are one line, with why it is left
        left = [line for line in str(screen.query_one("#summary-left").render()).splitlines() if "flow-logs" in line]
        assert left == ["✘ Network: flow-logs: fail in 19 regions: region-0, region-1, region-10, ... (not applied yet)"]
        # the diff is collapsed to its counts, and opens
        box = screen.query_one("#summary-diff-box", Collapsible)
        assert box.collapsed and "2 fixed, 0 regressed, 1 new" in str(box.title)
        box.collapsed = False
        await pilot.pause()
        assert "root-mfa" in str(screen.query_one("#summary-diff").render())


def test_plain_mode_summary_says_the_same_list():
    from wizard.assess import StepResult
    from wizard.plain import PlainWizard

    out = io.StringIO()
    aws = SimpleNamespace(account_id="123456789012", regions=lambda: ["us-east-1"])
    wizard = PlainWizard(aws, steps=[], out=out)
    wizard.results = [StepResult(_step(s, list(s.findings)), {}, list(s.findings)) for s in (ROOT, VPC)]
    wizard.skipped = set()
    wizard.summary()
    text = out.getvalue()
    expected = [item.line() for item in todo_list([ROOT, VPC])]
    assert "What to do next:" in text
    flat = " ".join(text.split())
    for number, line in enumerate(expected, 1):
        assert f"{number}. {' '.join(line.split())}" in flat
    assert text.index("What to do next:") < text.index("Each step now:")
