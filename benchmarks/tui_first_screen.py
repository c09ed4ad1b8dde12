"""Benchmark the TUI's time to first screen, and to a fully assessed step list.

    .venv/bin/python benchmarks/tui_first_screen.py [--repeat 5] [--latency 50]

Each run is a fresh interpreter (so imports are paid as a user pays them, on a warm install)
that builds `wizard.app.WizardApp` on the current credentials exactly as `aws-essentials` does
(connect = open AWS on the sandbox, in a worker after the first screen) and runs it headless
with Textual's `App.run_test()` at 120x40. Measured from the start of the interpreter:

- ``first_screen``: the welcome screen is mounted and the first frame has been composed
  (`run_test` entered, one `pilot.pause()`), before any AWS call has answered;
- ``assessed``: every step of the first assessment has finished (all steps, all enabled regions).

The sandbox runs in its own process with the `insecure` scenario, seeded in every enabled region.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CHILD = r'''
import time, sys
started = float(sys.argv[1])
import asyncio, json, resource
from wizard.app import Connection, WizardApp

def connect():
    from wizard.aws import AWS
    aws = AWS()
    aws.identity()
    return Connection(aws)

async def main():
    app = WizardApp(connect, assess_in_worker=True)  # as `aws-essentials` makes it
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        first = time.time() - started
        screen = type(app.screen).__name__
        while app.assessed < len(app.steps):
            await asyncio.sleep(0.02)
        assessed = time.time() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"first_screen": round(first, 3), "screen": screen, "assessed": round(assessed, 3),
                      "peak_rss_mb": round(usage.ru_maxrss / 1024, 1)}))

asyncio.run(main())
'''


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--latency", type=int, default=50)
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args()
    from benchmarks._sandbox import ROOT, SandboxProcess
    from benchmarks.seeding import insecure_everywhere

    runs = []
    with SandboxProcess("insecure") as sandbox:
        insecure_everywhere(sandbox.env)
        sandbox.latency(args.latency)
        for number in range(args.repeat + 1):  # the first run warms the sandbox and the OS file cache
            with tempfile.TemporaryDirectory() as tmp:
                env = sandbox.child_env()
                env.update(AWS_ESSENTIALS_STATE_DIR=tmp, HOME=tmp, TERM="xterm-256color")
                for name in [k for k in env if k.startswith("TEXTUAL")] + ["NO_COLOR"]:
                    env.pop(name, None)
                done = subprocess.run([sys.executable, "-c", CHILD, repr(time.time())], cwd=ROOT, env=env,
                                      capture_output=True, text=True, timeout=300)
            if done.returncode:
                raise SystemExit(done.stderr[-2000:])
            result = json.loads(done.stdout.strip().splitlines()[-1])
            print(("warm-up " if number == 0 else "") + json.dumps(result), flush=True)
            if number:
                runs.append(result)
    summary = {
        "latency_ms": args.latency,
        "first_screen_median": round(statistics.median(r["first_screen"] for r in runs), 3),
        "first_screen_best": min(r["first_screen"] for r in runs),
        "assessed_median": round(statistics.median(r["assessed"] for r in runs), 3),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        "runs": runs,
    }
    print(json.dumps({k: v for k, v in summary.items() if k != "runs"}))
    if args.json:
        Path(args.json).write_text(json.dumps({"date": time.strftime("%Y-%m-%d"), **summary}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
