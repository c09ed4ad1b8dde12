"""The command line: `aws-essentials [COMMAND] ...`; with no command it opens the wizard.

Exit codes: 0 nothing failed, 3 something failed, 1 an error, 2 bad usage. Heavy modules (botocore,
textual, moto) are imported only by the command that needs them, so start-up stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from steps.base import StepError, one_line
from wizard.commands.common import PROG, Parser, UsageError, add_target_options
from wizard.stopping import note_stop_signal  # imported here, never inside a signal handler

# Each command is a module in wizard/commands/ with register(subparsers) and run(args) -> int.
COMMANDS = ("check", "plan", "fix", "history", "undo", "profiles", "sandbox", "demo", "permissions", "catalogue")
READ_ONLY_COMMANDS = frozenset({"check", "plan", "history", "permissions", "catalogue"})  # they never write to AWS


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog=PROG,
        description="Walk an AWS account through the day-one security essentials: see, preview, confirm, re-check.",
    )
    add_target_options(parser)
    parser.add_argument("--plain", action="store_true", default=argparse.SUPPRESS,
                        help="line-by-line prompts instead of the full-screen wizard (screen readers, SSH)")
    parser.add_argument("--all", action="store_true", default=argparse.SUPPRESS, dest="show_all",
                        help="plain mode: list every finding of a group (by default the first 3)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name in COMMANDS:
        importlib.import_module(f"wizard.commands.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return the exit code."""
    parser = build_parser()
    command = "wizard"
    try:
        args = parser.parse_args(argv)
        command = args.command or "wizard"
        module = importlib.import_module(f"wizard.commands.{command}")
        return module.run(args)
    except UsageError as error:
        print(f"{PROG}: error: {one_line(str(error))}", file=sys.stderr)
        return 2
    except StepError as error:
        print(f"{PROG}: error: {one_line(error.title)}" + (f". {one_line(error.hint)}" if error.hint else ""),
              file=sys.stderr)
        return 1
    except KeyboardInterrupt as stop:
        what = "terminated" if isinstance(stop, Terminated) else "interrupted"
        if command in READ_ONLY_COMMANDS:
            print(f"{PROG}: {what}; nothing was changed ({command} only reads)", file=sys.stderr)
        else:
            print(f"{PROG}: {what}; the journal records every change that was sent (`aws-essentials history`)",
                  file=sys.stderr)
        return 143 if isinstance(stop, Terminated) else 130
    except Exception as error:  # noqa: BLE001 - no traceback reaches a user; it goes to a file
        from wizard.paths import save_crash_log

        path = save_crash_log()
        print(f"{PROG}: unexpected error: {type(error).__name__}: {one_line(str(error))} (details in {path})",
              file=sys.stderr)
        return 1


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C: the call in flight is abandoned between journal lines, never mid-line."""


def _on_sigterm(signum: int, frame: object) -> None:
    note_stop_signal(Terminated)
    raise Terminated()


def _on_sigint(signum: int, frame: object) -> None:
    note_stop_signal(KeyboardInterrupt)
    raise KeyboardInterrupt()


def entry() -> None:
    import signal

    signal.signal(signal.SIGTERM, _on_sigterm)
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not when started with it ignored
        signal.signal(signal.SIGINT, _on_sigint)
    try:
        code = main()
    finally:
        # main has answered (its output flushed): a signal from here on ends the process as its
        # default action does, not with a traceback from whichever exit handler it lands in
        # (urllib3's pool finalizer did, in a `fix` killed as it finished: tests/reliability/test_interrupt.py)
        sys.stdout.flush()
        sys.stderr.flush()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
    if code in (130, 143):
        # Interrupted: the journal is already on disk (fsynced per line). Leave at once rather than
        # wait for worker threads, which may sit on a lock the interrupted thread held.
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    entry()
