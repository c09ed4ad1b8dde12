"""Two revisions of the wizard, interleaved, against one sandbox: CPU, calls, peak memory and findings.

    .venv/bin/python benchmarks/old_vs_new.py OLD_TREE [--large] [--pairs 2] [--latency 50]

OLD_TREE is an extracted revision (`mkdir /tmp/old && git archive REV | tar -x -C /tmp/old`); the new
side is this checkout. Both run in fresh interpreters of this venv (benchmarks/_measure.py, with
PYTHONPATH naming the tree), old then new, so both see the same sandbox and the same machine load;
CPU seconds and peak RSS are the figures to compare on a shared machine, not wall time. It also runs
each side's `check --format json` once and says whether their findings are identical.
"""

from __future__ import annotations

import argparse
import json
import os
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
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run([PYTHON, *script, *argv], cwd=tree, env=_env(sandbox, tree, tmp),
                              capture_output=True, text=True, timeout=1800)
    if done.returncode not in (0, 3):  # 3: the check found failures
        raise RuntimeError(f"{tree}: exit {done.returncode}: {done.stderr[-2000:]}")
    return done.stdout


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("old", type=Path)
    parser.add_argument("--large", action="store_true", help="seed benchmarks/seeding.py large_account")
    parser.add_argument("--pairs", type=int, default=2)
    parser.add_argument("--latency", type=int, default=50)
    args = parser.parse_args()
    argv = ["check", "--format", "json", "--regions", "us-east-1"]
    sandbox = SandboxProcess("insecure")
    try:
        if args.large:
            from benchmarks.seeding import large_account
            print("seeded", large_account(sandbox.env), flush=True)
        sandbox.latency(args.latency)
        trees = {"old": args.old.resolve(), "new": ROOT}
        findings = {name: json.loads(run(sandbox, tree, ["-m", "wizard"], argv))["findings"]
                    for name, tree in trees.items()}  # also the warm-up of the sandbox
        print("findings identical:", findings["old"] == findings["new"], f"({len(findings['new'])} findings)",
              flush=True)
        figures: dict[str, list[dict]] = {"old": [], "new": []}
        for _ in range(args.pairs):
            for name, tree in trees.items():
                before = sandbox.cpu_seconds()
                line = json.loads(run(sandbox, tree, [str(tree / "benchmarks" / "_measure.py")], argv).splitlines()[-1])
                line["sandbox_cpu_seconds"] = round(sandbox.cpu_seconds() - before, 2)
                figures[name].append(line)
                print(f"  {name}: CPU {line['cpu_seconds']} s, {line['api_calls']} calls, peak {line['peak_rss_mb']} MB, "
                      f"sandbox CPU {line['sandbox_cpu_seconds']} s, wall {line['seconds']} s", flush=True)
        for name, runs in figures.items():
            print(f"{name}: median CPU {statistics.median(r['cpu_seconds'] for r in runs)} s, "
                  f"median peak {statistics.median(r['peak_rss_mb'] for r in runs)} MB, {runs[-1]['api_calls']} calls, "
                  f"duplicate reads {max(r['duplicate_reads'] for r in runs)}")
        return 0 if findings["old"] == findings["new"] else 1
    finally:
        sandbox.stop()


if __name__ == "__main__":
    sys.exit(main())
