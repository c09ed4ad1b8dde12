"""No loss from wizard/botocore_sharing.py: the same account gives the same findings with it and without.

The sharing replaces parts of botocore (shared models, shared handler tries, plain-dict models);
this runs the insecure scenario's full `check` once in this process (sharing on, as always in
tests) and once in a fresh interpreter with AWS_ESSENTIALS_BOTOCORE_SHARING=off, and compares
every finding.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from wizard import botocore_sharing
from wizard.__main__ import main

REGIONS = ["us-east-1", "eu-west-1"]  # where the insecure scenario has its workloads


def test_findings_are_identical_with_the_sharing_off(account, capsys, tmp_path):
    sandbox = account("insecure")
    assert main(["check", "--format", "json", "--regions", *REGIONS]) == 3
    assert botocore_sharing.share_client_parts()  # this process ran with the sharing
    shared = json.loads(capsys.readouterr().out)
    env = {**os.environ, **sandbox.env(), botocore_sharing.OFF_SWITCH: "off",
           "AWS_ESSENTIALS_STATE_DIR": str(tmp_path / "plain")}
    done = subprocess.run([sys.executable, "-m", "wizard", "check", "--format", "json", "--regions", *REGIONS],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 3, done.stderr
    plain = json.loads(done.stdout)
    assert shared["summary"] == plain["summary"] and shared["summary"]["FAIL"] > 0
    assert shared["findings"] == plain["findings"]
