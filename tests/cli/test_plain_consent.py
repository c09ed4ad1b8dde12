"""Plain mode's confirmation summarises the plan before listing every call, and Ctrl-C during its
apply stops after the call in flight."""

from __future__ import annotations

import signal

import pytest

from tests.cli.test_plain import ENTER, drive
from tests.helpers import DEMO_ANSWERS, open_aws
from wizard.journal import Journal

LABELS = {"Contact name": "name", "Contact title": "title", "Contact email": "email", "Contact phone": "phone"}


def keys_for(message):
    if message in LABELS:
        return DEMO_ANSWERS["contacts"][LABELS[message]] + ENTER
    if message.endswith("what now?") or message.startswith("Apply these 3 calls"):
        return "1" + ENTER  # answer the questions, then apply
    raise AssertionError(f"unexpected prompt: {message}")


@pytest.fixture
def ctrl_c_raises():
    """Ctrl-C as in a terminal, even where this test runs with SIGINT ignored (a background job)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def test_plain_confirmation_summarises_and_lists_every_call(account, capsys):
    sb = account("insecure")
    drive(open_aws(sb), keys_for)
    out = capsys.readouterr().out
    summary = out.index("Summary: 3 calls")
    assert summary < out.index("1. account.PutAlternateContact (global)")  # the summary comes first
    assert "account: 3 calls" in out and "account.PutAlternateContact: 3 in 1 region (global ×3)" in out
    assert "3. account.PutAlternateContact (global)" in out


def test_ctrl_c_during_the_plain_apply_stops_after_the_call_in_flight(account, capsys, ctrl_c_raises):
    sb = account("insecure")
    aws = open_aws(sb)
    real_write, sent = aws.write, []

    def write(call):
        sent.append(call.operation)
        if len(sent) == 1:
            signal.raise_signal(signal.SIGINT)  # Ctrl-C while the first call is on its way
        return real_write(call)

    aws.write = write
    try:
        code, asked, wizard = drive(aws, keys_for)
    except KeyboardInterrupt:
        pytest.fail("Ctrl-C abandoned the apply instead of stopping it after the call in flight")
    out = capsys.readouterr().out
    assert code == 0 and sent == ["PutAlternateContact"]
    assert [(e.call, e.ok) for e in Journal(sb.account_id).entries()] == [("account.PutAlternateContact", True)]
    assert "Stopped: 1 call(s) were sent and journalled; these 2 were not sent:" in out
    assert out.count("not sent (stopped): account.PutAlternateContact") == 2
    assert "Stopped. Nothing more was changed." in out
    # it checked again: the one contact that was set now passes, the others still fail
    assert "Security contacts: 1 passed, 2 failed" in out
