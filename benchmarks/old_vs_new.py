"""Two revisions of the wizard, interleaved, against one sandbox: CPU, calls, peak memory and findings.

    .venv/bin/python benchmarks/old_vs_new.py OLD_TREE [--large | --everywhere | --org N] [--pairs 2] [--latency 50]

OLD_TREE is an extracted revision (`mkdir /tmp/old && git archive REV | tar -x -C /tmp/old`); the new
side is this checkout. Both run in fresh interpreters of this venv (benchmarks/_measure.py, with
PYTHONPATH naming the tree), old then new and new then old in turn, so both see the same sandbox
and the same machine load; CPU seconds and peak RSS are the figures to compare on a shared machine, not wall time. It also runs
each side's `check --format json` once and says whether their findings are identical.

The account is the insecure scenario checked in us-east-1 (``--large``: with the large account's
users, buckets and groups there); ``--everywhere`` seeds every enabled region and checks them all;
``--org N`` grows the org scenario to N members and runs `check --org` (worker processes' CPU
included, their peak memory apart). ``--own-sandboxes`` times each side against its own tree's
sandbox (seeded alike), so that a change to the sandbox shows in "sandbox CPU".

With ``--large`` every measured run is a re-run within four hours: IAM gives the credential report
of the run before again, and the keys and groups steps read passwords, MFA and keys' last use live
(steps/keys_live.py; 6,214 calls). ``--first-run`` makes the report old (the sandbox's
``expire_credential_report`` control) before every run, so each one starts a new report and takes
them from it, as a first run on an account does (4,200 calls).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._sandbox import PYTHON, SandboxProcess  # noqa: E402


def _env(sandbox: SandboxProcess, tree: Path, tmp: str) -> dict[str, str]:
    env = sandbox.child_env()
    env.update(PYTHONPATH=str(tree), AWS_ESSENTIALS_STATE_DIR=tmp, HOME=tmp,
               AWS_CONFIG_FILE=os.path.join(tmp, "config"), AWS_SHARED_CREDENTIALS_FILE=os.path.join(tmp, "credentials"))
    return env


def run(sandbox: SandboxProcess, tree: Path, script: list[str], argv: list[str]) -> str:
    return _run(sandbox, tree, script, argv)[0]


def _run(sandbox: SandboxProcess, tree: Path, script: list[str], argv: list[str],
         split: dict | None = None) -> tuple[str, float]:
    """The run's output, and the CPU seconds of its whole process from start to exit (its workers included);
    ``split`` gets its user and system seconds and context switches apart."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)  # the sandbox is not waited for: not in it
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run([PYTHON, *script, *argv], cwd=tree, env=_env(sandbox, tree, tmp),
                              capture_output=True, text=True, timeout=1800)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 3, 4):  # 3: the check found failures; 4: something was not assessed
        raise RuntimeError(f"{tree}: exit {done.returncode}: {done.stderr[-2000:]}")
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    if split is not None:
        split.update(user=round(after.ru_utime - before.ru_utime, 2), system=round(after.ru_stime - before.ru_stime, 2),
                     switches=after.ru_nvcsw - before.ru_nvcsw)
    return done.stdout, round(cpu, 2)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("old", type=Path)
    parser.add_argument("--large", action="store_true", help="seed benchmarks/seeding.py large_account")
    parser.add_argument("--everywhere", action="store_true", help="seed and check every enabled region")
    parser.add_argument("--org", type=int, metavar="N", help="`check --org` of the org scenario with N members")
    parser.add_argument("--pairs", type=int, default=2)
    parser.add_argument("--latency", type=int, default=50)
    parser.add_argument("--first-run", action="store_true",
                        help="make the credential report old before every run (each run starts a new one, as a "
                             "first run does); without it every measured run reuses the report (a re-run)")
    parser.add_argument("--own-sandboxes", action="store_true",
                        help="time each side against its own tree's sandbox, seeded alike (to compare sandboxes); "
                             "findings are still compared on this checkout's sandbox")
    args = parser.parse_args()
    argv = ["check", "--format", "json", "--regions", "us-east-1"]
    scenario = "org" if args.org else "insecure"
    sandbox = SandboxProcess(scenario)
    sandboxes = {"old": SandboxProcess(scenario, args.old.resolve()) if args.own_sandboxes else sandbox, "new": sandbox}
    try:
        from benchmarks import seeding
        for each in {id(s): s for s in sandboxes.values()}.values():
            if args.large:
                print("seeded", seeding.large_account(each.env), flush=True)
            if args.everywhere:
                print("seeded", len(seeding.insecure_everywhere(each.env)), "regions", flush=True)
            if args.org:
                print("members", len(seeding.more_members(each.env, args.org)), flush=True)
            each.latency(args.latency)
        if args.everywhere:
            argv = ["check", "--format", "json"]
        if args.org:
            argv = ["check", "--org", "--format", "json"]
        trees = {"old": args.old.resolve(), "new": ROOT}

        def fresh_report(serving: SandboxProcess) -> None:
            if args.first_run:
                serving.control("expire_credential_report")

        findings = {}
        for name, tree in trees.items():  # also the warm-up of the sandbox
            fresh_report(sandbox)
            findings[name] = json.loads(run(sandbox, tree, ["-m", "wizard"], argv))["findings"]
        print("findings identical:", findings["old"] == findings["new"], f"({len(findings['new'])} findings)",
              flush=True)
        figures: dict[str, list[dict]] = {"old": [], "new": []}
        if args.own_sandboxes:  # the old sandbox's warm-up (moto's first use of each region and account)
            fresh_report(sandboxes["old"])
            run(sandboxes["old"], trees["old"], ["-m", "wizard"], argv)
        for pair in range(args.pairs):
            # old first, then new first: a load that rises or falls through a run weighs on both sides alike
            for name, tree in (list(trees.items()) if pair % 2 == 0 else list(trees.items())[::-1]):
                serving = sandboxes[name]
                fresh_report(serving)
                before = serving.cpu_seconds()
                user_before, system_before = serving.cpu_split()
                # this checkout's _measure.py for both sides: the same way of measuring
                split: dict = {}
                out, process_cpu = _run(serving, tree, [str(ROOT / "benchmarks" / "_measure.py")], argv, split)
                line = json.loads(out.splitlines()[-1])
                line.update(split)
                line["sandbox_cpu_seconds"] = round(serving.cpu_seconds() - before, 2)
                user_after, system_after = serving.cpu_split()
                line["sandbox_user"] = round(user_after - user_before, 2)
                line["sandbox_system"] = round(system_after - system_before, 2)
                line["process_cpu_seconds"] = process_cpu
                figures[name].append(line)
                print(f"  {name}: CPU {line['cpu_seconds']} s (whole process {process_cpu} s: user {line['user']}, "
                      f"system {line['system']}, {line['switches']} voluntary switches; "
                      f"{1000 * process_cpu / max(1, line['api_calls']):.2f} ms a call), "
                      f"{line['api_calls']} calls, peak {line['peak_rss_mb']} MB "
                      f"(workers {line['worker_peak_rss_mb']} MB), "
                      f"sandbox CPU {line['sandbox_cpu_seconds']} s (user {line['sandbox_user']}, "
                      f"system {line['sandbox_system']}), wall {line['seconds']} s, "
                      f"load {os.getloadavg()[0]:.1f}", flush=True)
        for name, runs in figures.items():
            whole = round(statistics.median(r['process_cpu_seconds'] for r in runs), 3)
            print(f"{name}: median CPU {statistics.median(r['cpu_seconds'] for r in runs):.2f} s, "
                  f"whole process {whole} s ({1000 * whole / max(1, runs[-1]['api_calls']):.2f} ms a call; "
                  f"user {statistics.median(r['user'] for r in runs):.2f}, "
                  f"system {statistics.median(r['system'] for r in runs):.2f}), "
                  f"sandbox {statistics.median(r['sandbox_cpu_seconds'] for r in runs):.2f} s, "
                  f"median peak {statistics.median(r['peak_rss_mb'] for r in runs)} MB, {runs[-1]['api_calls']} calls, "
                  f"duplicate reads {max(r['duplicate_reads'] for r in runs)}")
        return 0 if findings["old"] == findings["new"] else 1
    finally:
        for each in {id(s): s for s in sandboxes.values()}.values():
            each.stop()


if __name__ == "__main__":
    sys.exit(main())
