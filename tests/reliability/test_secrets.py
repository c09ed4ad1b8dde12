"""Secrets: a whole walk (the caller's own key rotated by the keys step, a customer profile, an
assumed role, check in every format, fix) leaves no secret access key or session token it handled in
any file it wrote, its logs or its output; its files are 0600 and its folders 0700."""

from __future__ import annotations

import json
import logging
import stat
from pathlib import Path

import boto3

from steps import by_id
from tests.helpers import DEMO_ANSWERS
from tests.integration.test_keys import admin_with_old_key
from wizard import aws as aws_module
from wizard.__main__ import main
from wizard.apply import apply_plan, fresh_collect
from wizard.aws import AWS, Credentials, Target


def test_no_secret_leaks_from_a_whole_walk(account, monkeypatch, tmp_path, capsys, caplog):
    sb = account("empty")
    handled: set[str] = set()  # every secret and token the tool builds a session with
    real_new_session = aws_module.new_session

    def recording(**kwargs):
        for name in ("aws_secret_access_key", "aws_session_token"):
            if kwargs.get(name):
                handled.add(kwargs[name])
        return real_new_session(**kwargs)

    monkeypatch.setattr(aws_module, "new_session", recording)

    key_id, secret = admin_with_old_key(sb)
    handled.add(secret)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret)
    iam = boto3.client("iam", endpoint_url=sb.endpoint_url, region_name="us-east-1",
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    iam.create_user(UserName="acme-auditor")
    iam.attach_user_policy(UserName="acme-auditor", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    customer = iam.create_access_key(UserName="acme-auditor")["AccessKey"]
    handled.add(customer["SecretAccessKey"])
    iam.create_role(RoleName="auditor", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{sb.account_id}:root"}, "Action": "sts:AssumeRole"}]}))
    role_arn = f"arn:aws:iam::{sb.account_id}:role/auditor"
    caplog.set_level(logging.DEBUG)  # from here on the tool runs: botocore logs bodies at DEBUG
    caplog.clear()

    def run(*argv, env=None):
        with monkeypatch.context() as m:
            for name, value in (env or {}).items():
                m.setenv(name, value)
            code = main(list(argv))
        assert code in (0, 3), (argv, code, capsys.readouterr().err)

    # 1. the keys step rotates the caller's own key, as the wizard applies it (risky changes included)
    aws = AWS(Target(endpoint_url=sb.endpoint_url))
    keys = by_id("keys")
    plan = keys.plan(fresh_collect(aws, keys), DEMO_ANSWERS["keys"])
    result = apply_plan(aws, keys, plan, DEMO_ANSWERS["keys"])
    assert result.ok, result.failed and result.failed.detail
    assert any(c.call and c.call.operation == "CreateAccessKey" for c in plan.automatic)
    from wizard import credentials

    rotated = credentials.stored_credentials(sb.endpoint_url, entry=f"env:{key_id}")  # keys from the env
    assert rotated is not None and rotated.access_key_id != key_id
    handled.add(rotated.secret_access_key)
    out = tmp_path / "out"
    # 2. a customer profile, used by a check; an assumed role; check in every format; fix
    run("profiles", "add", "acme", "--access-key-id", customer["AccessKeyId"],
        env={"AWS_ESSENTIALS_SECRET_ACCESS_KEY": customer["SecretAccessKey"]})
    run("profiles", "list")
    run("check", "--customer", "acme", "--steps", "contacts", "keys")
    run("check", "--role-arn", role_arn, "--steps", "contacts", "root")
    for fmt in ("table", "json", "markdown", "html", "ocsf"):
        run("check", "--steps", "keys", "contacts", "--format", fmt, "--output", str(out / f"report.{fmt}"))
    run("check", "--steps", "keys", "contacts", "--diff")
    answers = [f"--set=contacts.{k}={v}" for k, v in DEMO_ANSWERS["contacts"].items()]
    run("fix", "--steps", "contacts", "keys", "--yes", *answers)
    run("plan", "--steps", "keys", "--format", "json")
    run("history", "--format", "json")
    run("permissions", "--mode", "fix", "--output", str(out / "policy.json"))

    assert any(len(s) > 100 for s in handled), "an assumed role's session token was handled"
    captured = capsys.readouterr()
    texts = {"stdout": captured.out, "stderr": captured.err, "logs": caplog.text}
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name == "journal.jsonl" for p in written)
    for path in written:
        texts[str(path)] = path.read_bytes().decode("utf-8", "replace")
    for secret_value in handled:
        leaks = [where for where, text in texts.items() if secret_value in text]
        if leaks and "logs" in leaks:
            for line in texts["logs"].splitlines():
                if secret_value in line:
                    print("LEAK LINE", line[:300])
        assert not leaks, f"a secret ({len(secret_value)} chars) is in {leaks}"

    state, config = Path(tmp_path / "state"), Path(tmp_path / "home" / ".config" / "aws-essentials")
    for root in (state, config, out):
        assert stat.S_IMODE(root.stat().st_mode) == 0o700, root
        for path in root.rglob("*"):
            expected = 0o700 if path.is_dir() else 0o600
            assert stat.S_IMODE(path.stat().st_mode) == expected, path
    print(f"\n[figures] secrets: {len(handled)} secrets/tokens handled, {len(texts)} outputs and files searched, 0 found")
