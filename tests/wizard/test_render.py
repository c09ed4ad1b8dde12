"""Every value reaches the screen literally and secrets never do."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st
from textual.content import Content

from steps import STEPS
from steps.base import Call, Change, Ref
from tests.helpers import DEMO_ANSWERS, open_aws
from wizard.widgets.render import (
    change_markup, change_title, console_action, escape, manual_markup, manual_title, params_markup,
)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs"))))
def test_escaped_text_is_shown_literally(text):
    markup = f"[$text-muted]{escape(text)}[/] end"
    assert Content.from_markup(markup).plain.replace("\u200b", "") == text + " end"


def test_secrets_are_redacted_and_refs_named():
    change = Change("store the key", Call("iam", "CreateLoginProfile", {"UserName": "bob", "Password": "hunter2",
                                                                      "Token": "t0p", "Arn": Ref("make", "Role.Arn")}),
                    secret_params=("Token",), after={"Password": "hunter2"})
    text = Content.from_markup(change_markup(change)).plain
    assert "hunter2" not in text and "t0p" not in text and "***" in text
    assert "Role.Arn from change 'make'" in text


def test_console_actions_come_from_the_steps_manual_changes(account):
    """Only the manual changes a step marks with a console task offer the sandbox simulation."""
    from steps import root, sso
    from tests.helpers import plan_for

    aws = open_aws(account("insecure"))
    actions = {c.key: console_action(c) for step in (root, sso) for c in plan_for(aws, step).manual_changes}
    assert actions["root-mfa"] == "enable_root_mfa"
    assert actions["root-access-keys"] == "remove_root_keys"
    assert actions["enable-identity-center"] == "enable_identity_center"
    assert console_action(Change("r", manual=True, console_url="u")) is None


def test_every_plan_of_the_catalogue_renders(account):
    """The insecure account's plans, for every registered step, render without a markup error."""
    sb = account("insecure")
    aws = open_aws(sb)
    rendered = 0
    for step in STEPS:
        plan = step.plan(step.collect(aws), DEMO_ANSWERS.get(step.INFO.id, {}))
        for number, change in enumerate(plan.changes, 1):
            if change.manual:
                parts = (manual_title(change, number), manual_markup(change))
            else:
                parts = (change_title(change, number), change_markup(change), params_markup(change.call))
            for markup in parts:
                Content.from_markup(markup)
            rendered += 1
    assert rendered
