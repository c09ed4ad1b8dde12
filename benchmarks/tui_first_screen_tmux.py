"""Time from launching `aws-essentials demo` to its first screen, in a real terminal (tmux).

    .venv/bin/python benchmarks/tui_first_screen_tmux.py [--runs 7] [--command "aws-essentials demo"]

Each run starts a fresh process in a new tmux window of 100x32 and polls the pane every 5 ms
until the welcome screen's title is drawn; the process is then stopped. It prints every run
and the median. The first run warms the file cache and is not counted.
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

BIN = Path(sys.executable).parent
MARK = "Your AWS account, step by step"


def one_run(command: str, env: dict[str, str]) -> float:
    tmux = ["tmux", "-L", f"aws-essentials-bench-{uuid.uuid4().hex[:8]}"]
    start = time.perf_counter()
    subprocess.run(tmux + ["new-session", "-d", "-s", "t", "-x", "100", "-y", "32", command], env=env, check=True)
    try:
        while True:
            screen = subprocess.run(tmux + ["capture-pane", "-p", "-t", "t"], env=env, capture_output=True,
                                    text=True).stdout
            if MARK in screen:
                return time.perf_counter() - start
            if time.perf_counter() - start > 30:
                raise RuntimeError("the first screen did not appear within 30 s:\n" + screen)
            time.sleep(0.005)
    finally:
        subprocess.run(tmux + ["kill-server"], env=env, capture_output=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--command", default=f"{BIN / 'aws-essentials'} demo")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not (k.startswith("TEXTUAL_") or k == "NO_COLOR")}
    env.update(TERM="xterm-256color", AWS_ESSENTIALS_STATE_DIR=tempfile.mkdtemp(prefix="aws-essentials-bench-"))
    command = " ".join(shlex.quote(p) for p in shlex.split(args.command))
    one_run(command, env)  # warm-up
    times = [one_run(command, env) for _ in range(args.runs)]
    for index, seconds in enumerate(times, 1):
        print(f"run {index}: {seconds * 1000:.0f} ms")
    print(f"median of {len(times)}: {statistics.median(times) * 1000:.0f} ms  ({args.command})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
