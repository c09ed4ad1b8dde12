"""One plan, the same calls in every front end: plain mode, `plan`'s Markdown, the Markdown report
and the TUI all show each change's operation, parameters, region, undo and risky mark as
wizard/plan_text.py words them, and none shows a secret (issue 20)."""

from __future__ import annotations

import html
import io
import re
from types import SimpleNamespace

import pytest
from textual.content import Content

from steps.base import Call, Change, Finding, Plan, Ref, Status
from wizard.commands.plan import render_plan_markdown
from wizard.plain import PlainWizard
from wizard.plan_text import NO_UNDO, RISKY, change_lines
from wizard.report import findings_document, fixes_for, render_markdown
from wizard.widgets.render import change_markup, change_title, manual_markup, manual_title

ACCOUNT = "123456789012"
SECRET = "hunter2-secret"

PLAN = Plan("vpc", (
    Change("Close SSH to the world.", Call("ec2", "RevokeSecurityGroupIngress", {
        "GroupId": "sg-0abc", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22}]}, "eu-west-1"),
        undo=Call("ec2", "AuthorizeSecurityGroupIngress", {"GroupId": "sg-0abc"}, "eu-west-1"),
        risky=True, warning="Sessions over SSH stop.", before={"open": True}, after={"open": False}),
    Change("Give the admin a console password.", Call("iam", "CreateLoginProfile", {
        "UserName": "dana", "Password": SECRET, "PolicyArn": Ref("make", "Policy.Arn")}),
        secret_params=("Password",), before=None, after={"Password": SECRET}),
    Change("Keep the logs.", Call("s3", "PutBucketVersioning", {"Bucket": "logs"}, "us-east-1"),
           undo_note="versioning cannot be turned off, only suspended"),
    Change("Turn on root MFA.", manual=True, console_url="https://console.aws.amazon.com/iam",
           instructions=("Open Security credentials.", "Assign an MFA device.")),
))


def _plain() -> str:
    out = io.StringIO()
    PlainWizard(SimpleNamespace(account_id=ACCOUNT), steps=[], out=out).show_plan(PLAN)
    return out.getvalue()


def _plan_command() -> str:
    from steps import by_id

    return render_plan_markdown(ACCOUNT, [(SimpleNamespace(step=by_id("vpc"), id="vpc", error=None), PLAN)])


def _markdown_report() -> str:
    from steps import by_id

    result = SimpleNamespace(id="vpc", step=by_id("vpc"), state={}, plan=lambda answers: PLAN,
                             findings=[Finding("ssh-open", "No SSH from the world", Status.FAIL, "open")])
    return render_markdown(findings_document(ACCOUNT, ["us-east-1"], [result]), fixes_for([result]))


def _tui() -> str:
    parts = []
    for number, change in enumerate(PLAN.changes, 1):
        if change.manual:
            parts += [manual_title(change, number), manual_markup(change)]
        else:
            parts += [change_title(change, number), change_markup(change)]
    return "\n".join(Content.from_markup(part).plain for part in parts)


def _words(text: str) -> str:
    """The text as a reader sees it: Markdown's escapes and entities undone, line wraps joined."""
    text = html.unescape(re.sub(r"\\([\\`*_{}\[\]()#+.!|>~-])", r"\1", text)).replace("\u200b", "")
    return " ".join(text.split())


FRONT_ENDS = {"plain": _plain, "plan": _plan_command, "markdown report": _markdown_report, "tui": _tui}


@pytest.mark.parametrize("front_end", FRONT_ENDS)
def test_every_front_end_shows_the_same_calls(front_end):
    shown = _words(FRONT_ENDS[front_end]())
    for change in PLAN.changes:
        for kind, text in change_lines(change):
            if kind in ("call", "region", "risky", "param", "no-params", "undo", "no-undo", "manual", "instruction"):
                assert _words(text) in shown, (front_end, kind, text)
    assert RISKY in shown and shown.count(RISKY) == 1  # the one risky change, and only it
    assert "ec2.AuthorizeSecurityGroupIngress {\"GroupId\": \"sg-0abc\"}" in shown  # the undo call with its params
    assert NO_UNDO in shown  # a change with neither undo call nor note says so


@pytest.mark.parametrize("front_end", FRONT_ENDS)
def test_no_front_end_shows_a_secret(front_end):
    shown = FRONT_ENDS[front_end]()
    assert SECRET not in shown and "Password = ***" in _words(shown)
    assert "<Policy.Arn from change 'make'>" in _words(shown)  # a value from an earlier change is named


def test_the_lines_of_a_change():
    risky, secret, versioning, manual = (change_lines(c) for c in PLAN.changes)
    assert risky == [
        ("call", "ec2.RevokeSecurityGroupIngress"), ("region", "eu-west-1"), ("risky", RISKY),
        ("reason", "Close SSH to the world."), ("param", "GroupId = sg-0abc"),
        ("param", 'IpPermissions = [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22}]'),
        ("before", '{"open": true}'), ("after", '{"open": false}'), ("warning", "Sessions over SSH stop."),
        ("undo", 'ec2.AuthorizeSecurityGroupIngress {"GroupId": "sg-0abc"}')]
    assert ("region", "global") in secret and ("after", '{"Password": "***"}') in secret
    assert versioning[-1] == ("no-undo", "versioning cannot be turned off, only suspended")
    assert manual == [("manual", "Turn on root MFA."), ("console", "https://console.aws.amazon.com/iam"),
                      ("instruction", "Open Security credentials."), ("instruction", "Assign an MFA device.")]


def test_an_undo_call_with_a_note_shows_both():
    """The note of a partial undo (versioning is only suspended) was dropped when an undo call existed."""
    from wizard.plan_text import undo_line

    change = Change("Version the bucket.", Call("s3", "PutBucketVersioning", {"Bucket": "b"}),
                    undo=Call("s3", "PutBucketVersioning", {"Bucket": "b"}), undo_note="versions already kept remain")
    assert undo_line(change) == ("undo", 's3.PutBucketVersioning {"Bucket": "b"}; versions already kept remain')
