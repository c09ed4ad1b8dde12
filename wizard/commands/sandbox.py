"""`aws-essentials sandbox`: serve the embedded AWS account in the foreground."""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import sys
import threading
from typing import Any

from steps.base import StepError
from wizard.commands.common import UsageError

# The optional extra that carries the mock AWS; a plain install does not have it (pyproject.toml).
SANDBOX_MODULES = ("moto", "waitress")


def register(sub: Any) -> None:
    parser = sub.add_parser("sandbox", help="serve the embedded AWS account on 127.0.0.1 for any AWS tool")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: a free one)")
    parser.add_argument("--scenario", default="insecure", help="empty, insecure, secure or org")
    parser.add_argument("--latency-ms", type=int, default=0, help="added to every AWS request")
    parser.add_argument("--fault-rate", type=float, default=0.0, help="share of requests that fail (0 to 1)")
    add_realism_options(parser)


def add_realism_options(parser: Any) -> None:
    parser.add_argument("--realistic", action="store_true",
                        help="behave like AWS: IAM propagation delays, pending states, cached reports")
    parser.add_argument("--realism-delay", type=float, default=None, metavar="S",
                        help="seconds of every compressed AWS delay under --realistic (default 3)")


def realism_from(args: argparse.Namespace) -> Any:
    """The sandbox's Realism settings from --realistic/--realism-delay, or None."""
    delay = getattr(args, "realism_delay", None)
    if delay is not None and not getattr(args, "realistic", False):
        raise UsageError("--realism-delay goes with --realistic")
    delay = 3.0 if delay is None else delay
    if not 0.0 <= delay <= 600.0:
        raise UsageError(f"--realism-delay {delay:g} must be between 0 and 600 seconds")
    if not getattr(args, "realistic", False):
        return None
    from wizard.sandbox.realism import Realism

    return Realism(delay_s=delay)


def require_sandbox(command: str) -> None:
    """One clear error (exit 1) unless the `sandbox` extra is installed; checked without importing
    moto, which takes ~0.4 s and which the demo imports later, in a worker behind its first screen."""
    import importlib.util

    for module in SANDBOX_MODULES:
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):  # ValueError: a module set to None in sys.modules (blocked)
            found = False
        if not found:
            raise StepError(f"`{command}` needs the sandbox extra, which is not installed ({module} is missing)",
                            "Install it: pip install 'aws-essentials[sandbox]' (scripts/setup does)")


def check_scenario(name: str) -> None:
    """A usage error unless ``name`` is one of the sandbox's scenarios."""
    from wizard.sandbox import SCENARIOS

    if name not in SCENARIOS:
        raise UsageError(f"unknown scenario '{name}'; choose one of: {', '.join(SCENARIOS)}")


def run(args: argparse.Namespace) -> int:
    require_sandbox("sandbox")
    from wizard.sandbox import Sandbox

    check_scenario(args.scenario)
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port} is not a port number (0 to 65535)")
    if not 0.0 <= args.fault_rate <= 1.0:
        raise UsageError(f"--fault-rate {args.fault_rate} must be between 0 and 1")
    if args.latency_ms < 0:
        raise UsageError("--latency-ms cannot be negative")
    from wizard.contained_home import ContainedHome

    realism = realism_from(args)

    # The sandbox's own files, and those of the tools pointed at it with the lines printed below
    # (AWS config and credentials, the wizard's journal, state and keyring), live in a temporary
    # home that goes when the sandbox stops: the sso step's CLI profile never reaches ~/.aws/config.
    with ContainedHome(prefix="aws-essentials-sandbox-") as home:
        sandbox = Sandbox(scenario=args.scenario, port=args.port, latency_ms=args.latency_ms,
                          fault_rate=args.fault_rate, realism=realism).start()
        mode = f", realistic (delays {realism.delay_s:g} s)" if realism else ""
        print(f"# aws-essentials sandbox: scenario {args.scenario}{mode}, account {sandbox.account_id}")
        for name, value in {**sandbox.env(), **home.tool_environment()}.items():
            print(f"export {name}={shlex.quote(value)}")
        print("# Paste the lines above into another shell; Ctrl-C here stops the sandbox and removes "
              f"{shlex.quote(str(home.path))}, where those tools write.", flush=True)
        # Ctrl-C or a plain `kill` stops it and removes the home, also when it was started as a
        # shell's background job, which inherits SIGINT ignored (Python then installs no handler).
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, signal.default_int_handler)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
        finally:
            sandbox.stop()
    # Stopped and its home removed: leave now. Server threads still tied to a client's kept-alive
    # connection would otherwise hold the interpreter's exit (seen: over 30 s after a `fix` ran).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
