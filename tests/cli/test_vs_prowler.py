"""The Prowler benchmark's harness (benchmarks/_vs_prowler.py, benchmarks/_sandbox.py): the parts that
decide whether a run measures the tools or waits on the harness, and its one-line failures."""

from __future__ import annotations

import time
import urllib.error
import urllib.request

import pytest

from benchmarks._sandbox import SandboxProcess
from benchmarks._vs_prowler import parse_args, refusing_port


def test_web_requests_through_the_harness_proxy_are_refused_at_once():
    # A proxy that accepted and never answered would cost each of Prowler's web requests its
    # 60 s read timeout; the harness's port is bound and never listened on.
    holder = refusing_port()
    try:
        proxy = f"http://127.0.0.1:{holder.getsockname()[1]}"
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({"https": proxy, "http": proxy}))
        started = time.monotonic()
        with pytest.raises(urllib.error.URLError) as caught:
            opener.open("https://ip-ranges.amazonaws.com/ip-ranges.json", timeout=30)
        assert isinstance(caught.value.reason, ConnectionRefusedError)
        assert time.monotonic() - started < 5
    finally:
        holder.close()


@pytest.mark.parametrize("argv, said", [(["--runs", "0"], "--runs must be at least 1"),
                                        (["--latency", "-5"], "--latency must be 0 ms or more")])
def test_bad_arguments_say_what_is_wrong(argv, said, capsys):
    # --runs 0 used to run the warm-ups and then fail in statistics.median with a traceback.
    with pytest.raises(SystemExit) as exited:
        parse_args(argv)
    assert exited.value.code == 2
    assert said in capsys.readouterr().err


def test_regions_are_one_list_whether_spaced_or_comma_separated():
    assert parse_args(["--regions", "us-east-1,eu-west-1", "us-east-1"]).regions == ["eu-west-1", "us-east-1"]


def test_a_sandbox_that_does_not_start_says_why():
    with pytest.raises(RuntimeError) as failed:
        SandboxProcess("no-such-scenario")
    assert "unknown scenario 'no-such-scenario'" in str(failed.value)


def test_a_runs_peak_memory_is_its_own_not_the_harness(tmp_path):
    # A child's ru_maxrss starts at the hiwater mark of the process that started it: started from the
    # harness after it had seeded the sandbox (~140 MiB), every run of ours read 139.7 MiB. Here the
    # harness grows by 300 MiB after its launcher started; a run of `python -c pass` must read its own
    # few MiB. (In a process of its own: the test worker's mark would carry into later tests' children.)
    import subprocess
    import sys

    from benchmarks._sandbox import ROOT

    script = f"""
import json, os, sys
sys.path.insert(0, {str(ROOT)!r})
from benchmarks import _vs_prowler as harness
harness.start_launcher()
grown = bytearray(300 * 1024 * 1024)
for i in range(0, len(grown), 4096):
    grown[i] = 1
print(json.dumps(harness.run([sys.executable, "-c", "pass"], dict(os.environ), {str(tmp_path)!r})))
harness.stop_launcher()
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    import json

    measured = json.loads(done.stdout.splitlines()[-1])
    assert measured["exit_code"] == 0
    assert measured["peak_rss_mib"] < 100, measured
