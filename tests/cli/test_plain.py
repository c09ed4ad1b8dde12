"""The plain mode: driven through the contacts step with prompt_toolkit's pipe input; refused without a TTY."""

from __future__ import annotations

import subprocess
import sys

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from steps import contacts
from tests.helpers import open_aws
from wizard.journal import Journal
from wizard.plain import PlainWizard
from wizard.plan_text import RISKY

ENTER = "\r"


def drive(aws, keys_for, steps=(contacts,)):
    """Run the plain walk; ``keys_for(message)`` returns the keys to type at each prompt, in order."""
    asked = []
    with create_pipe_input() as pipe:
        def on_prompt(message):
            asked.append(message)
            pipe.send_text(keys_for(message))

        wizard = PlainWizard(aws, steps=list(steps), on_prompt=on_prompt,
                             prompt_kwargs={"input": pipe, "output": DummyOutput()})
        code = wizard.run()
    return code, asked, wizard


def test_plain_mode_fixes_contacts_and_the_step_passes(account, capsys):
    sb = account("insecure")
    aws = open_aws(sb)
    answers = {
        "Contact name": "Security Team" + ENTER,
        "Contact title": "Security Lead" + ENTER,
        # an invalid email is refused by the step's own validator and asked again in an empty field:
        # the retyped answer replaces the bad one (it was appended to it)
        "Contact email": ["not-an-email" + ENTER, "security@example.com" + ENTER],
        "Contact phone": "+1 206 555 0100" + ENTER,
    }

    def keys_for(message):
        if message in answers:
            keys = answers[message]
            return keys.pop(0) if isinstance(keys, list) else keys
        if message.endswith("what now?"):
            return "1" + ENTER  # answer the questions and preview the fix
        if message.startswith("Apply these 3 calls"):
            return "1" + ENTER  # apply
        raise AssertionError(f"unexpected prompt: {message}")

    code, asked, wizard = drive(aws, keys_for)
    out = capsys.readouterr().out
    assert code == 0
    assert asked == ["Security contacts: what now?", "Contact name", "Contact title", "Contact email",
                     "Contact email", "Contact phone", f"Apply these 3 calls to account {sb.account_id}?"]
    assert "✘ Contact email: 'not-an-email' is not an email address" in out
    # the plan was shown as a numbered list of exact calls before anything was sent
    assert "1. account.PutAlternateContact (global)" in out
    assert "AlternateContactType = SECURITY" in out and "EmailAddress = security@example.com" in out
    assert "3. account.PutAlternateContact: done" in out
    # the re-check ran, and the step now passes on a fresh read of the sandbox
    status = {f.check: f.status.value for f in contacts.evaluate(contacts.collect(open_aws(sb)))}
    assert status["security-contact"] == status["billing-contact"] == status["operations-contact"] == "PASS"
    assert {f.check: f.status.value for f in wizard.results[0].findings}["security-contact"] == "PASS"
    assert [e.call for e in Journal(sb.account_id).entries()] == ["account.PutAlternateContact"] * 3


def test_plain_mode_skip_changes_nothing(account, capsys):
    sb = account("insecure")
    code, asked, _ = drive(open_aws(sb), lambda message: "2" + ENTER)  # "Skip this step"
    assert code == 0 and asked == ["Security contacts: what now?"]
    assert Journal(sb.account_id).entries() == []
    assert "Security contacts: 0 passed, 3 failed" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["--plain"], ["demo", "--plain"], ["--plain", "demo"]])
def test_plain_mode_without_a_tty_names_the_flags(argv):
    proc = subprocess.run([sys.executable, "-m", "wizard", *argv], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert "not a terminal" in proc.stderr
    for flag in ("aws-essentials check", "aws-essentials plan", "aws-essentials fix --steps STEP... --yes"):
        assert flag in proc.stderr


# --- a risky plan and a drifting account, on a stand-in step (no sandbox needed) ----------------

class FakeAWS:
    account_id = "111122223333"
    caller_arn = "arn:aws:iam::111122223333:user/tester"

    def __init__(self):
        self.thing = "thing-a"
        self.collects = 0
        self.drift_at = None  # the collect number at which the account changes behind the user's back
        self.writes = []

    def regions(self):
        return ["us-east-1"]

    def forget(self):
        pass

    def write(self, call):
        self.writes.append(call)
        self.thing = None
        return {}


def fake_step():
    from types import SimpleNamespace

    from steps.base import Call, Change, Finding, Plan, Severity, Status, StepInfo

    info = StepInfo("fake", "Fake step", "Why it matters.", "none", Severity.HIGH, (), ())

    def collect(aws):
        aws.collects += 1
        if aws.collects == aws.drift_at:
            aws.thing = "thing-b"
        return {"thing": aws.thing}

    def evaluate(state):
        status = Status.FAIL if state["thing"] else Status.PASS
        return [Finding("open-thing", "No open thing", status, f"open: {state['thing']}", resource=state["thing"])]

    def plan(state, answers):
        if not state["thing"]:
            return Plan("fake")
        return Plan("fake", (Change("Close the thing.", Call("ec2", "CloseThing", {"Id": state["thing"]}),
                                    risky=True, warning="It stays closed."),))

    return SimpleNamespace(INFO=info, collect=collect, evaluate=evaluate, plan=plan)


def test_risky_plan_needs_the_account_id_and_drift_shows_the_new_plan(capsys):
    aws = FakeAWS()
    aws.drift_at = 2  # the first apply's pre-write check finds a different thing
    apply, confirm = "Apply these 1 call to account 111122223333?", "Account id to confirm (1 call)"
    # a wrong id is said and asked again in an empty field; the right one goes through
    keys = {apply: ["1" + ENTER] * 2, confirm: ["999" + ENTER, "111122223333" + ENTER] * 2}
    code, asked, wizard = drive(aws, lambda message: keys[message].pop(0), steps=[fake_step()])
    out = capsys.readouterr().out
    assert code == 0
    assert asked == [apply, confirm, confirm] * 2  # asked again after the drift
    assert "✘ '999' is not this account's id (111122223333); type it again." in out
    assert "The account changed since this plan was shown; nothing was written" in out
    assert "Id = thing-b" in out and f"1. ec2.CloseThing (global)  {RISKY}" in out
    assert [c.params for c in aws.writes] == [{"Id": "thing-b"}]  # only the re-confirmed plan was sent
    assert wizard.results[0].findings[0].status.value == "PASS"


def test_risky_plan_left_empty_is_skipped(capsys):
    aws = FakeAWS()
    keys = {"Apply these 1 call to account 111122223333?": "1" + ENTER, "Account id to confirm (1 call)": ENTER}
    code, asked, _ = drive(aws, lambda message: keys[message], steps=[fake_step()])
    assert code == 0 and asked == list(keys) and aws.writes == []
