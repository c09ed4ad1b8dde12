"""Benchmark `aws-essentials check` (every step) against the sandbox.

    .venv/bin/python benchmarks/check_speed.py [--repeat 3] [--latency 0 50] [--members 20] [--json FILE]
                                               [--skip-one] [--skip-org] [--large] [--timeline FILE]
                                               [--org-timeline FILE]

1. one account: the `insecure` scenario, seeded in every enabled region (benchmarks/seeding.py),
   `check` over all enabled regions;
2. an organization: the `org` scenario grown to ``--members`` member accounts, `check` of the
   management account alone, then `check --org` of every account;
3. with ``--large``, a large account (benchmarks/seeding.py ``large_account``): `check` of its region,
   twice: every run given the credential report again (a re-run within four hours), then every run
   starting a new one (the sandbox's ``expire_credential_report`` control before it: a first run).

For each latency (added by the sandbox to every request) it reports the wall time of the command
(median and best of ``--repeat`` runs after one warm-up run, which pays moto's per-region
first-use cost on the server side), API calls by service and operation, HTTP requests, duplicate
identical reads and peak resident memory. Every measured run is a fresh interpreter
(benchmarks/_measure.py), so peaks are per run.

``--timeline FILE`` adds one more run of the large account (with ``--large``) or else of the one
account at the last latency, through benchmarks/_timeline.py: when each step's collect and evaluate
ran, the requests in flight and both processes' CPU per half second, the phases after the reads;
the raw events go to FILE (JSON). ``--org-timeline FILE`` adds one more run of `check --org` at the
last latency the same way, its worker processes' events included: their start-up, each account's
start and end in each process, the parent's phases after the workers, each process's CPU per half second.
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
from collections import Counter
from typing import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._sandbox import PYTHON, ROOT, SandboxProcess, measure_with_server as measure  # noqa: E402


def series(sandbox: SandboxProcess, label: str, argv: list[str], repeat: int,
           before: Callable[[], object] | None = None) -> dict:
    """``before``: called before every run (the warm-up too), e.g. to make the credential report old."""
    def run() -> dict:
        if before is not None:
            before()
        return measure(sandbox, *argv)

    warm = run()
    runs = [run() for _ in range(repeat)]
    seconds = [r["seconds"] for r in runs]
    last = runs[-1]
    by_service: Counter = Counter()
    for name, n in last["calls_by_operation"].items():
        by_service[name.split(".")[0]] += n
    result = {
        "label": label, "argv": argv, "first_run_seconds": warm["seconds"],
        "median_seconds": round(statistics.median(seconds), 2), "best_seconds": round(min(seconds), 2),
        "runs_seconds": seconds, "api_calls": last["api_calls"], "http_requests": last["http_requests"],
        "accounts": last["accounts"], "duplicate_reads": max(r["duplicate_reads"] for r in runs),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        "worker_peak_rss_mb": max(r.get("worker_peak_rss_mb", 0) for r in runs), "exit_code": last["exit_code"],
        "cpu_seconds": last["cpu_seconds"], "sandbox_cpu_seconds": last["sandbox_cpu_seconds"],
        "calls_by_service": dict(by_service.most_common()), "calls_by_operation": last["calls_by_operation"],
    }
    print(f"  {label}: median {result['median_seconds']} s (best {result['best_seconds']}, first "
          f"{result['first_run_seconds']}), {result['api_calls']} calls, {result['duplicate_reads']} duplicate "
          f"reads, peak {result['peak_rss_mb']} MB (largest child process {result['worker_peak_rss_mb']} MB), CPU {result['cpu_seconds']} s (sandbox {result['sandbox_cpu_seconds']} s)",
          flush=True)
    return result


def at_each_latency(sandbox: SandboxProcess, args: argparse.Namespace, label: str, argv: list[str],
                    before: Callable[[], object] | None = None, **facts: object) -> list[dict]:
    results = []
    for ms in args.latency:
        sandbox.latency(ms)
        results.append({"latency_ms": ms, **facts,
                        **series(sandbox, f"{label}, {ms} ms", argv, args.repeat, before)})
    return results


def timeline(sandbox: SandboxProcess, out: str, argv: list[str]) -> None:
    """One more run through benchmarks/_timeline.py, its summary printed; the raw events go to ``out``."""
    env = sandbox.child_env()
    env["TIMELINE_SANDBOX_PID"] = str(sandbox.proc.pid)
    with tempfile.TemporaryDirectory() as tmp:
        env.update(AWS_ESSENTIALS_STATE_DIR=tmp, HOME=tmp, AWS_CONFIG_FILE=os.path.join(tmp, "config"),
                   AWS_SHARED_CREDENTIALS_FILE=os.path.join(tmp, "credentials"))
        subprocess.run([PYTHON, str(ROOT / "benchmarks" / "_timeline.py"), out, *argv], cwd=ROOT, env=env,
                       check=True, timeout=1800)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--latency", type=int, nargs="+", default=[0, 50], metavar="MS")
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--skip-org", action="store_true")
    parser.add_argument("--skip-one", action="store_true", help="skip the one-account series")
    parser.add_argument("--large", action="store_true",
                        help="also a large account: 1,000 IAM users (key and inline policy each), 500 buckets "
                             "(policy each), 2,000 security groups in us-east-1, checked in that region")
    parser.add_argument("--json", metavar="FILE", help="also write every figure here")
    parser.add_argument("--timeline", metavar="FILE",
                        help="also one run's timeline (benchmarks/_timeline.py) of the large account, or of the one "
                             "account without --large; its raw events are written here")
    parser.add_argument("--org-timeline", metavar="FILE",
                        help="also one timeline of `check --org` (worker processes included); raw events here")
    args = parser.parse_args()
    from benchmarks.seeding import insecure_everywhere, large_account, more_members

    results: list[dict] = []
    started = time.time()
    if not args.skip_one:
        print("one account: insecure scenario in every enabled region", flush=True)
        with SandboxProcess("insecure") as sandbox:
            regions = insecure_everywhere(sandbox.env)
            print(f"  seeded {len(regions)} regions", flush=True)
            results += at_each_latency(sandbox, args, "check, 1 account", ["check", "--format", "json"],
                                       regions=len(regions))
            if args.timeline and not args.large:
                timeline(sandbox, args.timeline, ["check", "--format", "json"])
    if args.large:
        print("large account: insecure scenario plus 1,000 users, 500 buckets, 2,000 groups in us-east-1", flush=True)
        with SandboxProcess("insecure") as sandbox:
            added = large_account(sandbox.env)
            print(f"  added {added}", flush=True)
            argv = ["check", "--format", "json", "--regions", "us-east-1"]
            # A run within four hours of the last is given the same credential report again, and the
            # keys and groups steps read passwords, MFA and last uses live (steps/keys_live.py); a run
            # whose request starts a new report (the first in four hours) takes them from it.
            results += at_each_latency(sandbox, args, "check, large account, us-east-1, report reused", argv,
                                       large=added)
            results += at_each_latency(sandbox, args, "check, large account, us-east-1, a new report", argv,
                                       lambda: sandbox.control("expire_credential_report"), large=added)
            if args.timeline:
                timeline(sandbox, args.timeline, argv)
    if not args.skip_org:
        print(f"organization: org scenario with {args.members} member accounts", flush=True)
        with SandboxProcess("org") as sandbox:
            members = more_members(sandbox.env, args.members)
            print(f"  {len(members)} members", flush=True)
            for ms in args.latency:
                sandbox.latency(ms)
                single = series(sandbox, f"check, management account only, {ms} ms", ["check", "--format", "json"],
                                args.repeat)
                whole = series(sandbox, f"check --org, {len(members) + 1} accounts, {ms} ms",
                               ["check", "--org", "--format", "json"], max(1, args.repeat - 1))
                whole["ratio_to_one_account"] = round(whole["median_seconds"] / single["median_seconds"], 2)
                print(f"  {len(members) + 1} accounts take {whole['ratio_to_one_account']}x one account", flush=True)
                results += [{"latency_ms": ms, **single}, {"latency_ms": ms, **whole}]
            if args.org_timeline:
                timeline(sandbox, args.org_timeline, ["check", "--org", "--format", "json"])
    print(f"done in {time.time() - started:.0f} s")
    if args.json:
        Path(args.json).write_text(json.dumps({"date": time.strftime("%Y-%m-%d"), "results": results}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
