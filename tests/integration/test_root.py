"""The root step against the sandbox: findings, the root-caller warning, and the console-simulation loop."""

from __future__ import annotations

import json
import urllib.request

from steps import root
from steps.base import Status
from tests.helpers import open_aws, plan_for
from wizard.__main__ import main
from wizard.apply import fresh_collect


def statuses(aws):
    return {f.check: f.status for f in root.evaluate(fresh_collect(aws, root))}


def simulate_console(sb, action):
    """What the demo's 'simulate doing this in the console' button sends."""
    request = urllib.request.Request(f"{sb.endpoint_url}/_sandbox/console", method="POST",
                                     data=json.dumps({"action": action}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


def test_insecure_fails_mfa_keys_and_warns_about_root_caller(account):
    aws = open_aws(account("insecure"))
    found = statuses(aws)
    assert found["root-mfa"] is Status.FAIL
    assert found["root-access-keys"] is Status.FAIL
    assert found["wizard-as-root"] is Status.FAIL
    plan = plan_for(aws, root)
    assert not plan.automatic
    assert any("running as the root user" in n for n in plan.notes)


def test_secure_passes_everything(account):
    aws = open_aws(account("secure"))
    assert set(statuses(aws).values()) == {Status.PASS}
    assert not plan_for(aws, root).changes


def test_console_simulation_loop_turns_checks_green(account):
    sb = account("insecure")
    aws = open_aws(sb)
    plan = plan_for(aws, root)
    keys = [c.key for c in plan.manual_changes]
    assert "root-mfa" in keys and "root-access-keys" in keys
    for key in ("root-mfa", "root-access-keys"):
        answer = simulate_console(sb, root.SANDBOX_CONSOLE_ACTIONS[key])
        assert answer["ok"]
    found = statuses(aws)
    assert found["root-mfa"] is Status.PASS
    assert found["root-access-keys"] is Status.PASS
    assert found["root-hardware-mfa"] is Status.FAIL  # a virtual device now: the hardware step remains
    keys = [c.key for c in plan_for(aws, root).manual_changes]
    assert "root-mfa" not in keys and "root-access-keys" not in keys and "root-hardware-mfa" in keys
    simulate_console(sb, root.SANDBOX_CONSOLE_ACTIONS["root-hardware-mfa"])
    simulate_console(sb, root.SANDBOX_CONSOLE_ACTIONS["wizard-as-root"])
    found = statuses(aws)
    assert found["root-hardware-mfa"] is Status.PASS
    assert found["wizard-as-root"] is Status.PASS


def test_check_command_shows_root_findings(account, capsys):
    account("insecure")
    assert main(["check", "--steps", "root", "--format", "json"]) == 3
    report = json.loads(capsys.readouterr().out)
    rows = {f["check"]: f for f in report["findings"]}
    assert rows["root-mfa"]["status"] == "FAIL" and rows["root-mfa"]["cis"] == ["1.4"]
    assert rows["root-mfa"]["securityhub"] == ["IAM.9"]
    assert rows["root-access-keys"]["status"] == "FAIL" and rows["root-access-keys"]["securityhub"] == ["IAM.4"]
    assert "wizard-as-root" not in rows  # a fact about the operator's machine, not the account (scope=local)
    account("secure")
    assert main(["check", "--steps", "root", "--format", "json"]) == 0
