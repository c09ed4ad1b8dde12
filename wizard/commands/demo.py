"""`aws-essentials demo`: the wizard on the embedded sandbox account (scenario `insecure`)."""

from __future__ import annotations

import argparse
import os
from typing import Any


def register(sub: Any) -> None:
    parser = sub.add_parser("demo", help="try the wizard on a built-in sandbox account (nothing real is touched)")
    parser.add_argument("--scenario", default="insecure", help="empty, insecure, secure or org")


def start_sandbox(scenario: str) -> Any:
    """Start the sandbox and point this process's AWS settings at it (and only at it)."""
    from wizard.commands.sandbox import check_scenario
    from wizard.sandbox import Sandbox

    check_scenario(scenario)
    sandbox = Sandbox(scenario=scenario).start()
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        os.environ.pop(name, None)
    os.environ.update(sandbox.env())
    os.environ["AWS_ESSENTIALS_SANDBOX"] = sandbox.endpoint_url
    return sandbox


def run(args: argparse.Namespace) -> int:
    from wizard.commands import check

    sandbox = start_sandbox(args.scenario)
    try:
        args.format, args.output, args.steps, args.regions = "table", None, None, None
        return check.run(args)
    finally:
        sandbox.stop()
