"""Benchmark plumbing: the sandbox in its own process, its control endpoint, and one measured run.

The sandbox (moto plus the gap layer) runs as `python -m wizard sandbox`, a separate process, so the
figures measure the wizard and not the embedded AWS sharing its interpreter. Every measurement runs
in a fresh subprocess (`python benchmarks/_measure.py ...`) so that peak memory is per run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


class SandboxProcess:
    """`aws-essentials sandbox --scenario S --latency-ms 0` in a child process."""

    def __init__(self, scenario: str = "insecure", root: Path = ROOT) -> None:
        """``root``: the tree whose sandbox runs (another revision's, to compare sandboxes)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
        if root != ROOT:
            env["PYTHONPATH"] = str(root)
        self._stderr = tempfile.TemporaryFile()  # a file, not a pipe: nobody reads it unless it fails
        self.proc = subprocess.Popen([PYTHON, "-m", "wizard", "sandbox", "--scenario", scenario], cwd=root,
                                     stdout=subprocess.PIPE, stderr=self._stderr, text=True, env=env)
        self.env: dict[str, str] = {}
        deadline = time.time() + 120
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line and self.proc.poll() is not None:
                break
            if line.startswith("export "):
                name, _, value = line[len("export "):].strip().partition("=")
                self.env[name] = value
            if line.startswith("# Paste"):
                # Keep reading what it prints later: moto prints a line for every request to a host
                # it has no backend for, under its dispatcher's lock, and a full pipe would stop
                # the whole sandbox there (seen with Prowler's WAF Classic calls).
                threading.Thread(target=self.proc.stdout.read, daemon=True, name="sandbox-stdout").start()
                return
        self._stderr.seek(0)
        said = [line.strip() for line in self._stderr.read().decode(errors="replace").splitlines() if line.strip()]
        self.stop()
        raise RuntimeError(f"the sandbox did not start: {said[-1] if said else 'it printed nothing'}")

    @property
    def endpoint(self) -> str:
        return self.env["AWS_ENDPOINT_URL"]

    def control(self, name: str, **payload) -> dict:
        request = urllib.request.Request(f"{self.endpoint}/_sandbox/{name}", data=json.dumps(payload).encode(),
                                         method="POST", headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=600) as response:
            return json.loads(response.read() or b"{}")

    def latency(self, ms: int) -> None:
        self.control("latency", ms=ms)

    def cpu_seconds(self) -> float:
        """CPU time the sandbox process has used so far (Linux /proc)."""
        return sum(self.cpu_split())

    def cpu_split(self) -> tuple[float, float]:
        """User and system CPU seconds the sandbox process has used so far (Linux /proc)."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        tick = os.sysconf("SC_CLK_TCK")
        return int(fields[11]) / tick, int(fields[12]) / tick

    def child_env(self) -> dict[str, str]:
        # Without PYTHONDONTWRITEBYTECODE (set on some build machines): an installed copy has its
        # bytecode compiled, so measured runs should not compile the project's modules every time.
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "PYTHONDONTWRITEBYTECODE"}
        env.update(self.env)
        env["AWS_EC2_METADATA_DISABLED"] = "true"
        # One cache folder for every run against this sandbox, as an installed copy keeps one
        # between runs (the trimmed service models, wizard/botocore_model_cache.py): the first
        # run writes it, the measured ones read it.
        if getattr(self, "_cache_home", None) is None:
            self._cache_home = tempfile.mkdtemp(prefix="aws-essentials-cache-")
        env["XDG_CACHE_HOME"] = self._cache_home
        return env

    def stop(self) -> None:
        if getattr(self, "_cache_home", None):
            shutil.rmtree(self._cache_home, ignore_errors=True)
            self._cache_home = None
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self._stderr.close()

    def __enter__(self) -> "SandboxProcess":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def measure(sandbox: SandboxProcess, *args: str, state_dir: str | None = None) -> dict:
    """Run ``benchmarks/_measure.py args`` in a fresh interpreter and return its JSON figures."""
    env = sandbox.child_env()
    with tempfile.TemporaryDirectory() as tmp:
        env["AWS_ESSENTIALS_STATE_DIR"] = state_dir or tmp
        env["HOME"] = tmp
        env["AWS_CONFIG_FILE"] = os.path.join(tmp, "config")
        env["AWS_SHARED_CREDENTIALS_FILE"] = os.path.join(tmp, "credentials")
        done = subprocess.run([PYTHON, str(ROOT / "benchmarks" / "_measure.py"), *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        raise RuntimeError(f"measurement failed ({done.returncode}): {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_with_server(sandbox: SandboxProcess, *args: str) -> dict:
    """:func:`measure`, plus the CPU seconds the sandbox (the embedded AWS) spent meanwhile."""
    before = sandbox.cpu_seconds()
    result = measure(sandbox, *args)
    result["sandbox_cpu_seconds"] = round(sandbox.cpu_seconds() - before, 2)
    return result
