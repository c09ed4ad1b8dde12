"""Side by side with Prowler, on one seeded sandbox account: `benchmarks/vs_prowler.sh` runs this.

    python benchmarks/_vs_prowler.py [--runs 5] [--latency 50] [--regions R ...] [--json FILE]

Installs Prowler (``--prowler-version``) into its own virtual environment, never the project's;
starts the sandbox (`insecure` scenario, every enabled region seeded as in check_speed.py) in its
own process with ``--latency`` ms added to every request; runs `aws-essentials check` and
`prowler aws` over the same regions, alternately, ``--runs`` times each after one warm-up of each.
Each run's wall time, CPU time (user + system) and peak resident memory come from ``wait4`` on its
process. Prints the work each tool did, the medians and the ratios; ``--json`` writes every run.

What would make Prowler wait on the harness instead of doing its checks (see benchmarks/README.md,
"Against Prowler"), and how it is avoided:

- The sandbox (moto) answers HTTP 500 to operations it does not implement (CloudTrail LookupEvents,
  Glue SearchTables, SSM, WAF Classic, DRS, ...). botocore's standard retry mode retries a 500 with
  exponential backoff, ``random() * 2**n`` seconds, and Prowler's default is 3 retries (boto3 guide,
  "Retries": standard mode, transient errors include 500; botocore/retries/standard.py), about
  3.5 s of sleep per failed call; on 19 regions those sleeps were most of its 18-22 minutes. Real
  AWS answers those calls at once, so Prowler runs with ``--aws-retries-max-attempts 0``.
  aws-essentials keeps its own standard-mode config: it calls no operation the sandbox fails, so
  it makes no retry here (check_speed.py counts its HTTP requests against its calls).
- Both tools get the same environment: ``AWS_ENDPOINT_URL`` sends every botocore client to the
  sandbox, and every other web request (some Prowler checks fetch URLs) goes to a proxy port that
  this process holds bound and never listens on, so a connection is refused at once. A proxy that
  accepts and never answers (port 9 is the discard service on some machines) would cost each such
  request its full read timeout. Nothing can reach the internet or AWS.
- Both get the same region list (``--region`` for Prowler, ``--regions`` for aws-essentials).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._sandbox import PYTHON, ROOT, SandboxProcess  # noqa: E402

PROWLER_VERSION = "5.46.0"
TOOLS = ("aws-essentials", "prowler")


class Failed(Exception):
    """A failure to report as one line (no traceback)."""


def install_prowler(version: str, venv: Path) -> Path:
    """``venv``/bin/prowler at ``version``, installed there with pip unless it already is."""
    exe = venv / "bin" / "prowler"
    if exe.exists():
        shown = subprocess.run([str(exe), "--version"], capture_output=True, text=True).stdout
        if version in shown:
            return exe
    print(f"installing prowler {version} into {venv} (a few minutes)", file=sys.stderr, flush=True)
    base = getattr(sys, "_base_executable", None) or shutil.which("python3") or sys.executable
    log = venv.parent / f"{venv.name}-pip.log"
    made = subprocess.run([base, "-m", "venv", str(venv)], capture_output=True, text=True)
    if made.returncode:
        raise Failed(f"could not create a virtual environment in {venv}: {_last_line(made.stderr)}")
    with open(log, "w") as out:
        pip = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check",
                              f"prowler=={version}"], stdout=out, stderr=subprocess.STDOUT)
    if pip.returncode or not exe.exists():
        errors = [line for line in log.read_text(errors="replace").splitlines() if line.startswith("ERROR")]
        raise Failed(f"pip could not install prowler=={version}: {errors[-1] if errors else 'see ' + str(log)}")
    return exe


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "(no output)"


def refusing_port() -> socket.socket:
    """A TCP port bound on 127.0.0.1 and never listened on: connecting to it is refused at once."""
    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    holder.bind(("127.0.0.1", 0))
    return holder


# Runs each measured command and waits for it. A child's ``ru_maxrss`` starts at the hiwater mark of
# the process it was started from (Linux keeps the larger across fork and exec), and this process
# grows to ~140 MiB seeding the sandbox with boto3: started from here, every run of ours read
# 139.7 MiB at 2 regions (its own peak, VmHWM, is ~90 MB). So the runs are started by this small
# process, made before the seeding, whose own mark is ~20 MiB.
LAUNCHER = r"""
import json, os, subprocess, sys, time
for line in sys.stdin:
    job = json.loads(line)
    with open(job["stdout"], "wb") as out, open(job["stderr"], "wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(job["argv"], cwd=job["cwd"], env=job["env"], stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
    print(json.dumps({"seconds": round(wall, 2), "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
                      "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
                      "exit_code": os.waitstatus_to_exitcode(status)}), flush=True)
"""
_launcher: list[subprocess.Popen] = []


def start_launcher() -> None:
    """Start the process that starts the runs (call before anything large is loaded here)."""
    if not _launcher:
        _launcher.append(subprocess.Popen([sys.executable, "-c", LAUNCHER], stdin=subprocess.PIPE,
                                          stdout=subprocess.PIPE, text=True))


def stop_launcher() -> None:
    while _launcher:
        proc = _launcher.pop()
        proc.stdin.close()
        proc.wait(timeout=30)


def run(argv: list[str], env: dict[str, str], home: str) -> dict:
    """One run in ``home``: wall seconds, CPU seconds and peak RSS (MiB) of its process and children."""
    start_launcher()
    launcher = _launcher[0]
    launcher.stdin.write(json.dumps({"argv": argv, "env": env, "cwd": home,
                                     "stdout": os.path.join(home, "stdout"),
                                     "stderr": os.path.join(home, "stderr")}) + "\n")
    launcher.stdin.flush()
    answer = launcher.stdout.readline()
    if not answer:
        raise Failed("the process that starts the runs ended")
    return json.loads(answer)


def our_work(home: str) -> dict:
    """What `check` assessed: check ids declared by the steps run, findings by status, regions."""
    document = json.loads(Path(home, "report.json").read_text())
    checks = {check for ids in document["steps"].values() for check in ids or ()}
    return {"checks": len(checks), "findings": len(document["findings"]), "regions": len(document["regions"]),
            "statuses": dict(Counter(f["status"] for f in document["findings"])),
            "not_assessed": len(document["not_assessed"])}


def prowler_work(home: str) -> dict:
    """What Prowler did: checks it said it executed, findings by status, errors it logged by code."""
    stdout = Path(home, "stdout").read_text(errors="replace")
    executed = re.search(r"Executing (\d+) checks", re.sub(r"\x1b\[[0-9;]*m", "", stdout))
    findings = [f for path in Path(home, "out").glob("*.ocsf.json") for f in json.loads(path.read_text() or "[]")]
    errors = Counter(re.findall(r"An error occurred \(([^)]+)\)", Path(home, "stderr").read_text(errors="replace")))
    return {"checks": int(executed.group(1)) if executed else None,
            "checks_with_findings": len({f["metadata"]["event_code"] for f in findings}),
            "findings": len(findings), "statuses": dict(Counter(f["status_code"] for f in findings)),
            "errors_logged": dict(errors.most_common())}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="benchmarks/vs_prowler.sh",
        description="aws-essentials against Prowler on the same seeded sandbox account: interleaved runs, "
                    "medians of wall time, CPU and peak memory, and the ratios. Nothing reaches AWS.")
    parser.add_argument("--runs", type=int, default=5, help="measured runs of each tool, after one warm-up each "
                                                              "(default 5)")
    parser.add_argument("--latency", type=int, default=50, metavar="MS",
                        help="milliseconds the sandbox adds to every request (default 50)")
    parser.add_argument("--regions", nargs="+", metavar="REGION",
                        help="regions both tools assess (default: every enabled region of the sandbox)")
    parser.add_argument("--json", metavar="FILE", help="also write every run and the medians here")
    parser.add_argument("--prowler-version", default=os.environ.get("PROWLER_VERSION", PROWLER_VERSION),
                        help=f"Prowler to install from PyPI (default {PROWLER_VERSION}, or $PROWLER_VERSION)")
    parser.add_argument("--prowler-venv", metavar="DIR", default=os.environ.get("PROWLER_VENV"),
                        help="keep Prowler's virtual environment here and reuse it (default: a temporary one, "
                             "removed at the end; or $PROWLER_VENV)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.latency < 0:
        parser.error("--latency must be 0 ms or more")
    if args.regions:
        args.regions = sorted({r for arg in args.regions for r in arg.split(",") if r})
    return args


def benchmark(args: argparse.Namespace, prowler: Path) -> dict:
    from benchmarks.seeding import insecure_everywhere

    with SandboxProcess("insecure") as sandbox:
        enabled = insecure_everywhere(sandbox.env)
        regions = args.regions or enabled
        unknown = [r for r in regions if r not in enabled]
        if unknown:
            raise Failed(f"--regions: {', '.join(unknown)} not enabled in the sandbox; "
                         f"choose from {' '.join(enabled)}")
        sandbox.latency(args.latency)
        proxy = refusing_port()
        dead = f"http://127.0.0.1:{proxy.getsockname()[1]}"
        env = {**sandbox.child_env(), "HTTPS_PROXY": dead, "HTTP_PROXY": dead,
               "https_proxy": dead, "http_proxy": dead, "NO_PROXY": "127.0.0.1,localhost",
               "no_proxy": "127.0.0.1,localhost"}
        argv = {
            "aws-essentials": [PYTHON, "-m", "wizard", "check", "--format", "json", "--output", "report.json",
                               "--regions", *regions],
            # --aws-retries-max-attempts 0: see the module docstring (the sandbox's 500s, not AWS's).
            "prowler": [str(prowler), "aws", "--region", *regions, "--output-formats", "json-ocsf",
                        "--output-directory", "out", "--no-banner", "--ignore-exit-code-3",
                        "--aws-retries-max-attempts", "0"],
        }
        print(f"sandbox {sandbox.endpoint}, {len(regions)} regions, {args.latency} ms per request; "
              f"{args.runs} runs of each, interleaved, after one warm-up of each", flush=True)
        runs: dict[str, list[dict]] = {name: [] for name in TOOLS}
        work: dict[str, dict] = {}
        try:
            for number in range(args.runs + 1):
                for name in TOOLS:
                    command = argv[name]
                    if name == "prowler" and number == 0:
                        # The warm-up also says what Prowler could not read (its errors, logged).
                        command = [*command, "--log-level", "ERROR"]
                    with tempfile.TemporaryDirectory() as home:
                        # PYTHONPATH for ours only: the project's top-level packages stay off Prowler's path.
                        child_env = {**env, **({"PYTHONPATH": str(ROOT)} if name == "aws-essentials" else {}),
                                     "HOME": home, "AWS_ESSENTIALS_STATE_DIR": home,
                                     "AWS_CONFIG_FILE": os.path.join(home, "config"),
                                     "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "credentials")}
                        result = run(command, child_env, home)
                        label = "warm-up" if number == 0 else f"run {number}"
                        print(f"  {label} {name}: {result['seconds']} s, CPU {result['cpu_seconds']} s, "
                              f"peak {result['peak_rss_mib']} MiB, exit {result['exit_code']}", flush=True)
                        if result["exit_code"] not in (0, 3):
                            raise Failed(f"{name} {label} exited {result['exit_code']}: "
                                         f"{_last_line(Path(home, 'stderr').read_text(errors='replace'))}")
                        if number == 0:
                            work[name] = our_work(home) if name == "aws-essentials" else prowler_work(home)
                    if number:
                        runs[name].append(result)
        finally:
            proxy.close()
    return {"regions": regions, "work": work, "runs": runs}


def report(measured: dict) -> dict:
    ours, theirs = measured["work"]["aws-essentials"], measured["work"]["prowler"]
    print(f"\nwork: aws-essentials {ours['checks']} checks, {ours['findings']} findings {ours['statuses']}, "
          f"{ours['not_assessed']} steps not assessed")
    print(f"      prowler {theirs['checks']} checks executed ({theirs['checks_with_findings']} with findings), "
          f"{theirs['findings']} findings {theirs['statuses']}")
    print(f"      prowler's logged API errors by code (warm-up): {theirs['errors_logged'] or 'none'}")
    medians = {name: {key: statistics.median(r[key] for r in results)
                      for key in ("seconds", "cpu_seconds", "peak_rss_mib")}
               for name, results in measured["runs"].items()}
    print("\n| tool | median wall | median CPU | median peak RSS |\n|---|---|---|---|")
    for name, m in medians.items():
        print(f"| {name} | {m['seconds']:.2f} s | {m['cpu_seconds']:.2f} s | {m['peak_rss_mib']:.0f} MiB |")
    a, b = medians["aws-essentials"], medians["prowler"]
    print("\nratios (aws-essentials / prowler): "
          + ", ".join(f"{label} {a[key] / b[key]:.3f} (1/{b[key] / a[key]:.1f})"
                      for label, key in (("wall", "seconds"), ("CPU", "cpu_seconds"), ("memory", "peak_rss_mib"))))
    return medians


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    start_launcher()
    try:
        with tempfile.TemporaryDirectory(prefix="prowler-venv-") as scratch:
            venv = Path(args.prowler_venv).resolve() if args.prowler_venv else Path(scratch, "prowler")
            prowler = install_prowler(args.prowler_version, venv)
            print(f"prowler {args.prowler_version} ({prowler}); aws-essentials at {ROOT}; "
                  f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
            measured = benchmark(args, prowler)
        medians = report(measured)
    except Failed as failure:
        print(f"vs_prowler: {failure}", file=sys.stderr)
        return 1
    except RuntimeError as error:  # the sandbox did not start
        print(f"vs_prowler: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("vs_prowler: interrupted", file=sys.stderr)
        return 130
    finally:
        stop_launcher()
    print(f"load average at the end {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if args.json:
        Path(args.json).write_text(json.dumps({
            "date": time.strftime("%Y-%m-%d %H:%M"), "prowler_version": args.prowler_version,
            "latency_ms": args.latency, "medians": medians, **measured}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
