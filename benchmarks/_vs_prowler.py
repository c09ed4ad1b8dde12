"""Side by side with Prowler, on one seeded sandbox account: `benchmarks/vs_prowler.sh` runs this.

    python benchmarks/_vs_prowler.py PROWLER_EXE [--runs 5] [--latency 50]

Starts the sandbox (`insecure` scenario, every enabled region seeded as in check_speed.py) in its
own process, with ``--latency`` ms added to every request, then runs `aws-essentials check` and
`prowler aws` over the same regions (the account's enabled ones), alternately, ``--runs`` times
each after one warm-up of each. Both reach the sandbox only through the environment: botocore
sends every client to ``AWS_ENDPOINT_URL`` (botocore 1.31+; Prowler passes it on for STS too),
and Prowler's other requests (some checks fetch URLs) go to a dead proxy, so neither tool can
reach AWS.
Each run's wall time, CPU time (user + system) and peak resident memory come from ``wait4`` on
its process. Prints the medians and ratios, and with ``--json`` writes every run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._sandbox import PYTHON, ROOT, SandboxProcess  # noqa: E402
from benchmarks.seeding import insecure_everywhere  # noqa: E402


def run(argv: list[str], env: dict[str, str]) -> dict:
    """One run: wall seconds, CPU seconds and peak RSS (MiB) of its process and its children."""
    with tempfile.TemporaryDirectory() as home:
        env = {**env, "HOME": home, "AWS_ESSENTIALS_STATE_DIR": home,
               "AWS_CONFIG_FILE": os.path.join(home, "config"),
               "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "credentials")}
        started = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=home, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        stderr = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
    return {"seconds": round(wall, 2), "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
            "peak_rss_mib": round(usage.ru_maxrss / 1024, 1), "exit_code": proc.returncode,
            "stderr_tail": stderr.decode(errors="replace")[-400:]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("prowler", help="the prowler executable (in its own virtual environment)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--latency", type=int, default=50, metavar="MS")
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args()
    with SandboxProcess("insecure") as sandbox:
        regions = insecure_everywhere(sandbox.env)
        sandbox.latency(args.latency)
        env = sandbox.child_env()
        ours = [PYTHON, "-m", "wizard", "check", "--format", "json", "--output", "report.json"]
        env_ours = {**env, "PYTHONPATH": str(ROOT)}
        # Some Prowler checks fetch from the internet (ip-ranges.amazonaws.com, Lambda code URLs):
        # a dead proxy makes every request that is not for the sandbox fail at once.
        env_theirs = {**env, "HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9",
                      "NO_PROXY": "127.0.0.1,localhost"}
        theirs = [args.prowler, "aws", "--region", *regions, "--output-formats", "json-ocsf",
                  "--output-directory", "out", "--no-banner", "--ignore-exit-code-3"]
        print(f"sandbox {sandbox.endpoint}, {len(regions)} regions, {args.latency} ms per request; "
              f"{args.runs} runs of each, interleaved, after one warm-up of each", flush=True)
        runs: dict[str, list[dict]] = {"aws-essentials": [], "prowler": []}
        for number in range(args.runs + 1):
            for name, argv, child_env in (("aws-essentials", ours, env_ours), ("prowler", theirs, env_theirs)):
                result = run(argv, child_env)
                label = "warm-up" if number == 0 else f"run {number}"
                print(f"  {label} {name}: {result['seconds']} s, CPU {result['cpu_seconds']} s, "
                      f"peak {result['peak_rss_mib']} MiB, exit {result['exit_code']}", flush=True)
                if result["exit_code"] not in (0, 3):
                    print(result["stderr_tail"], file=sys.stderr)
                    return 1
                if number:
                    runs[name].append(result)
    medians = {name: {key: statistics.median(r[key] for r in results)
                      for key in ("seconds", "cpu_seconds", "peak_rss_mib")}
               for name, results in runs.items()}
    ours_m, theirs_m = medians["aws-essentials"], medians["prowler"]
    print(f"\n| tool | median wall | median CPU | median peak RSS |\n|---|---|---|---|")
    for name, m in medians.items():
        print(f"| {name} | {m['seconds']:.2f} s | {m['cpu_seconds']:.2f} s | {m['peak_rss_mib']:.0f} MiB |")
    print(f"\nratios (aws-essentials / prowler): wall {ours_m['seconds'] / theirs_m['seconds']:.3f} "
          f"(1/{theirs_m['seconds'] / ours_m['seconds']:.1f}), CPU {ours_m['cpu_seconds'] / theirs_m['cpu_seconds']:.3f}, "
          f"memory {ours_m['peak_rss_mib'] / theirs_m['peak_rss_mib']:.3f}")
    if args.json:
        Path(args.json).write_text(json.dumps({"date": time.strftime("%Y-%m-%d"), "regions": regions,
                                               "latency_ms": args.latency, "medians": medians,
                                               "runs": runs}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
