"""`aws-essentials demo`: the wizard on the embedded sandbox account (scenario `insecure`).

The first screen appears at once; the sandbox (moto, boto3) starts in a worker behind it. The whole
run lives in a temporary home (``wizard.contained_home``): the AWS config the `sso` step writes,
the keyring, the journal and the last run never touch the user's own files, and are removed at exit.
"""

from __future__ import annotations

import argparse
import gc
import os
from pathlib import Path
from typing import Any

from steps.base import StepError
from wizard.commands.common import UsageError
from wizard.safe_text import clean

# The sandbox's scenarios (wizard.sandbox.SCENARIOS; importing that package costs ~0.4 s, so the
# name is checked here first and again by the sandbox itself).
SCENARIO_NAMES = ("empty", "insecure", "secure", "org")


def register(sub: Any) -> None:
    parser = sub.add_parser("demo", help="try the wizard on a built-in sandbox account (nothing real is touched)")
    parser.add_argument("--scenario", default="insecure", help="empty, insecure, secure or org")
    parser.add_argument("--plain", action="store_true", default=argparse.SUPPRESS,
                        help="line-by-line prompts instead of the full-screen wizard (screen readers, SSH)")
    parser.add_argument("--all", action="store_true", default=argparse.SUPPRESS, dest="show_all",
                        help="plain mode: list every finding of a group (by default the first 3)")
    from wizard.commands.sandbox import add_realism_options

    add_realism_options(parser)


def start_sandbox(scenario: str, realism: Any = None, child: bool = False) -> Any:
    """Start the sandbox and point this process's AWS settings at it (and only at it); ``child``: in a
    process of its own (wizard/sandbox/child.py)."""
    from wizard.commands.sandbox import check_scenario

    check_scenario(scenario)
    if child:
        from wizard.sandbox.child import SandboxProcess

        sandbox = SandboxProcess(scenario, realism).start()
    else:
        from wizard.sandbox import Sandbox

        sandbox = Sandbox(scenario=scenario, realism=realism).start()
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        os.environ.pop(name, None)
    os.environ.update(sandbox.env())
    return sandbox


def connect_sandbox(scenario: str, realism: Any = None, child: bool = True) -> Any:
    """Start the sandbox and open AWS access on it (runs in the wizard's connect worker). The
    connection says it is the sandbox: the wizard offers to simulate console tasks there only.
    The sandbox runs in a child process: its answers then never hold the TUI's screen (``child``
    False: in this one, where faults and latency can be set, as the screenshots do)."""
    from wizard.aws import AWS, Target
    from wizard.connection import Connection

    sandbox = start_sandbox(scenario, realism, child=child)
    if not child:
        # The seeded sandbox in this process (~330,000 objects of the insecure scenario) lives as
        # long as the demo: left to the garbage collector, every full collection walks it, in
        # whichever thread, holding the screen (0.2-0.4 s of CPU each). Frozen, collections leave
        # it out; the demo gives it back when it ends.
        gc.collect()
        gc.freeze()
    return Connection(AWS(Target(endpoint_url=sandbox.endpoint_url, label="sandbox")), sandbox=sandbox,
                      label=f"sandbox: {scenario} scenario", sandbox_endpoint=sandbox.endpoint_url)


def run(args: argparse.Namespace) -> int:
    from wizard.contained_home import ContainedHome

    if args.scenario not in SCENARIO_NAMES:
        raise UsageError(f"unknown scenario '{args.scenario}'; choose one of: {', '.join(SCENARIO_NAMES)}")
    from wizard.commands.sandbox import require_sandbox

    require_sandbox("demo")
    from wizard.commands.sandbox import realism_from

    realism = realism_from(args)
    if getattr(args, "plain", False):
        from wizard.plain import has_tty, refuse_without_tty

        if not has_tty():  # refused before anything is made, the temporary home included
            return refuse_without_tty()
    from wizard.paths import reports_dir

    # Exported reports are what the demo keeps: they go to the user's own reports folder, found
    # before HOME is replaced (the export dialog says where, and lets it be changed).
    reports = reports_dir()
    report: list[Path] = []  # the report exported last, if any
    # Before anything reads HOME, the AWS files or the keyring: nothing below may see the real ones.
    with ContainedHome() as home:
        try:
            code = _run_contained(args, realism, reports, report)
        except (StepError, KeyboardInterrupt):
            raise
        except Exception as error:  # noqa: BLE001 - the crash log stays inside the demo's home, kept
            from wizard.paths import save_crash_log

            home.keep = True
            raise StepError(f"the demo stopped on an unexpected error: {type(error).__name__}: {error}",
                            f"details in {save_crash_log()}; the demo's temporary home {home.path} is kept for "
                            "you to look at (remove it when done)") from None
    print(clean(home.removed_note(report[0] if report else None)))
    return code


def _run_contained(args: argparse.Namespace, realism: Any, reports: Path, report: list[Path]) -> int:
    if getattr(args, "plain", False):
        return run_plain_demo(args.scenario, realism, show_all=getattr(args, "show_all", False))
    from wizard.app import WizardApp

    app = WizardApp(lambda: connect_sandbox(args.scenario, realism), report_dir=reports, assess_in_worker=True)
    try:
        app.run()
    finally:
        gc.unfreeze()  # what connect_sandbox froze (if anything) is the collector's again
    if app.last_report is not None:
        report.append(app.last_report)
    return 0


def run_plain_demo(scenario: str, realism: Any = None, show_all: bool = False) -> int:
    """`demo --plain`: the plain walk on the sandbox account (started only when there is a terminal)."""
    from wizard.plain import has_tty, refuse_without_tty, run_plain

    if not has_tty():
        return refuse_without_tty()
    from wizard.aws import AWS, Target
    from wizard.commands.common import report_interrupted

    print(f"Starting the sandbox account ({scenario} scenario)...", flush=True)
    sandbox = start_sandbox(scenario, realism)

    def connect() -> Any:
        aws = AWS(Target(endpoint_url=sandbox.endpoint_url, label="sandbox"))
        aws.identity()
        report_interrupted(aws.account_id)
        return aws

    return run_plain(connect, label=f"sandbox: {scenario} scenario", close=sandbox.stop, show_all=show_all)
