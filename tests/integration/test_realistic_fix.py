"""Issue 14, done when: `fix` on the insecure account survives a realistic sandbox.

Under realism, `fix --steps contacts s3 vpc compute audit_logging groups --yes` records no failed
change (it waits for IAM to propagate, visibly), a second identical `fix` creates nothing again, and
the findings left equal those left on the same account without realism.
"""

from __future__ import annotations

import json
from collections import Counter

from tests.helpers import DEMO_ANSWERS
from wizard.__main__ import main

STEPS = ("contacts", "s3", "vpc", "compute", "audit_logging", "groups")
SET = [arg for step in STEPS for name, value in DEMO_ANSWERS.get(step, {}).items()
       for arg in ("--set", f"{step}.{name}={value}")]
FIX = ["fix", "--steps", *STEPS, "--yes", *SET]


def left(capsys) -> Counter:
    """The findings by check, status and region (resource ids are random on every seed)."""
    main(["check", "--steps", *STEPS, "--format", "json"])
    document = json.loads(capsys.readouterr().out)
    return Counter((f["check"], f["status"], f["region"]) for f in document["findings"])


def test_fix_survives_realism_creates_nothing_twice_and_leaves_what_plain_aws_leaves(
        realistic_account, realism_clock, sandbox, capsys):
    realistic_account("insecure", delay_s=3.0)
    clock = realism_clock()
    main(FIX)
    first = capsys.readouterr().out
    assert "FAILED" not in first, [line for line in first.splitlines() if "FAILED" in line]
    assert "waiting for IAM to propagate" in first  # the CloudTrail and flow-log roles were met new
    assert "waiting for AWS to apply" in first  # AMI block public access, Security Hub standards
    assert clock.now < 120  # and none of it took long

    main(FIX)
    second = capsys.readouterr().out
    assert "FAILED" not in second
    assert not [line for line in second.splitlines() if line.endswith(": done")], second
    realistic = left(capsys)

    sandbox.set_realism(None, reset=False)
    sandbox.reset("insecure", force=True)
    main(FIX)
    assert "FAILED" not in capsys.readouterr().out
    assert realistic == left(capsys)
