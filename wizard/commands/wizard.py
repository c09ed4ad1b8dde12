"""`aws-essentials` with no command: the full-screen wizard on the current credentials."""

from __future__ import annotations

import argparse


def register(sub) -> None:  # the default command has no sub-parser of its own
    return None


def run(args: argparse.Namespace) -> int:
    """Open the TUI; connecting (and importing boto3) happens in a worker after the first screen."""
    from wizard.commands.common import open_aws

    if getattr(args, "plain", False):  # line-by-line prompts instead (wizard/plain.py)
        from wizard.plain import run_plain

        return run_plain(lambda: open_aws(args), show_all=getattr(args, "show_all", False))
    from wizard.app import Connection, WizardApp
    from wizard.commands.common import selected_regions, target_from
    from wizard.safe_text import clean

    target_from(args)  # usage errors (a malformed profile or region) are reported before the screen opens
    selected_regions(args)

    def connect() -> Connection:
        return Connection(open_aws(args))

    app = WizardApp(connect, assess_in_worker=True)
    app.run()
    print(clean(app.exit_note()))  # a folder's name is the user's text: no control character reaches the terminal
    return 0
