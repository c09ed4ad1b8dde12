"""`aws-essentials sandbox`: serve the embedded AWS account in the foreground."""

from __future__ import annotations

import argparse
import threading
from typing import Any

from wizard.commands.common import UsageError


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


def check_scenario(name: str) -> None:
    """A usage error unless ``name`` is one of the sandbox's scenarios."""
    from wizard.sandbox import SCENARIOS

    if name not in SCENARIOS:
        raise UsageError(f"unknown scenario '{name}'; choose one of: {', '.join(SCENARIOS)}")


def run(args: argparse.Namespace) -> int:
    from wizard.sandbox import Sandbox

    check_scenario(args.scenario)
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port} is not a port number (0 to 65535)")
    if not 0.0 <= args.fault_rate <= 1.0:
        raise UsageError(f"--fault-rate {args.fault_rate} must be between 0 and 1")
    if args.latency_ms < 0:
        raise UsageError("--latency-ms cannot be negative")
    realism = realism_from(args)
    sandbox = Sandbox(scenario=args.scenario, port=args.port, latency_ms=args.latency_ms,
                      fault_rate=args.fault_rate, realism=realism).start()
    mode = f", realistic (delays {realism.delay_s:g} s)" if realism else ""
    print(f"# aws-essentials sandbox: scenario {args.scenario}{mode}, account {sandbox.account_id}")
    for name, value in sandbox.env().items():
        print(f"export {name}={value}")
    print("# Paste the lines above into another shell; Ctrl-C here stops the sandbox.", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()
    return 0
