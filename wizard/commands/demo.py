"""`aws-essentials demo`: the wizard on the embedded sandbox account (scenario `insecure`).

The first screen appears at once; the sandbox (moto, boto3) starts in a worker behind it.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from wizard.commands.common import UsageError

# The sandbox's scenarios (wizard.sandbox.SCENARIOS; importing that package costs ~0.4 s, so the
# name is checked here first and again by the sandbox itself).
SCENARIO_NAMES = ("empty", "insecure", "secure", "org")


def register(sub: Any) -> None:
    parser = sub.add_parser("demo", help="try the wizard on a built-in sandbox account (nothing real is touched)")
    parser.add_argument("--scenario", default="insecure", help="empty, insecure, secure or org")
    parser.add_argument("--plain", action="store_true", default=argparse.SUPPRESS,
                        help="line-by-line prompts instead of the full-screen wizard (screen readers, SSH)")
    from wizard.commands.sandbox import add_realism_options

    add_realism_options(parser)


def start_sandbox(scenario: str, realism: Any = None) -> Any:
    """Start the sandbox and point this process's AWS settings at it (and only at it)."""
    from wizard.commands.sandbox import check_scenario
    from wizard.sandbox import Sandbox

    check_scenario(scenario)
    sandbox = Sandbox(scenario=scenario, realism=realism).start()
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        os.environ.pop(name, None)
    os.environ.update(sandbox.env())
    os.environ["AWS_ESSENTIALS_SANDBOX"] = sandbox.endpoint_url
    return sandbox


def connect_sandbox(scenario: str, realism: Any = None) -> Any:
    """Start the sandbox and open AWS access on it (runs in the wizard's connect worker)."""
    from wizard.app import Connection
    from wizard.aws import AWS, Target

    sandbox = start_sandbox(scenario, realism)
    return Connection(AWS(Target(endpoint_url=sandbox.endpoint_url, label="sandbox")), sandbox=sandbox,
                      label=f"sandbox: {scenario} scenario")


def run(args: argparse.Namespace) -> int:
    from wizard.app import WizardApp

    if args.scenario not in SCENARIO_NAMES:
        raise UsageError(f"unknown scenario '{args.scenario}'; choose one of: {', '.join(SCENARIO_NAMES)}")
    from wizard.commands.sandbox import realism_from

    realism = realism_from(args)
    if getattr(args, "plain", False):
        from wizard.plain import run_plain_demo

        return run_plain_demo(args.scenario, realism)
    WizardApp(lambda: connect_sandbox(args.scenario, realism)).run()
    return 0
