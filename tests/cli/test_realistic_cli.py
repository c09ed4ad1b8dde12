"""`sandbox --realistic` / `demo --realistic`: bad delays get one clear line, before anything starts."""

from __future__ import annotations

import pytest

from wizard.__main__ import main


@pytest.mark.parametrize("args, message", [
    (["sandbox", "--realistic", "--realism-delay", "-1"], "--realism-delay -1 must be between 0 and 600 seconds"),
    (["sandbox", "--realism-delay", "2"], "--realism-delay goes with --realistic"),
    (["demo", "--realistic", "--realism-delay", "1e9"], "--realism-delay 1e+09 must be between 0 and 600 seconds"),
])
def test_bad_realism_delay_is_one_line(args, message, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_realism_settings_from_the_command_line():
    import argparse

    from wizard.commands.sandbox import realism_from

    assert realism_from(argparse.Namespace(realistic=False, realism_delay=None)) is None
    assert realism_from(argparse.Namespace(realistic=True, realism_delay=None)).delay_s == 3.0
    assert realism_from(argparse.Namespace(realistic=True, realism_delay=0.5)).delay_s == 0.5
