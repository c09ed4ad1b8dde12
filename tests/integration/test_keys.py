"""The keys step against the sandbox over HTTP: checks, fixes, rotation through the keyring."""

from __future__ import annotations

import datetime
import logging
import os
from pathlib import Path

import boto3
import keyring
import pytest

from steps import keys
from steps.base import Status, StepError
from tests.helpers import fix, open_aws, plan_for
from wizard import credentials
from wizard.apply import apply_plan, fresh_collect
from wizard.aws import AWS, Credentials, Target
from wizard.journal import Journal
from wizard.sandbox.gaps.iam_dates import backdate_access_key

ADMIN_POLICY = "arn:aws:iam::aws:policy/AdministratorAccess"


def iam(sb):
    return boto3.client("iam", endpoint_url=sb.endpoint_url, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def admin_with_old_key(sb, name="wizard-admin", age_days=120):
    """An IAM user the wizard runs as, whose only key is older than 90 days; returns (key id, secret)."""
    client = iam(sb)
    client.create_user(UserName=name)
    client.attach_user_policy(UserName=name, PolicyArn=ADMIN_POLICY)
    made = client.create_access_key(UserName=name)["AccessKey"]
    created = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=age_days)
    backdate_access_key(sb.account_id, name, made["AccessKeyId"], created=created,
                        last_used=created + datetime.timedelta(days=1))
    return made["AccessKeyId"], made["SecretAccessKey"]


def as_user(sb, key_id, secret):
    return AWS(Target(endpoint_url=sb.endpoint_url, credentials=Credentials(key_id, secret)))


def files_under(*roots: Path) -> str:
    text = []
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file():
                text.append(path.read_text(errors="replace"))
    return "\n".join(text)


def test_insecure_fails_every_check_and_secure_passes(account):
    sb = account("insecure")
    findings = keys.evaluate(fresh_collect(open_aws(sb), keys))
    failing = {f.check for f in findings if f.status is Status.FAIL}
    assert failing == {"key-age", "unused-credentials", "one-active-key", "setup-keys", "password-length",
                       "password-reuse", "password-max-age"}
    assert all(f.cis or f.securityhub for f in findings if f.status is Status.FAIL)
    sb = account("secure")
    findings = keys.evaluate(fresh_collect(open_aws(sb), keys))
    assert findings and all(f.status is Status.PASS for f in findings), findings


def test_fix_merges_password_policy_and_leaves_nothing_automatic(account):
    sb = account("insecure")
    aws = open_aws(sb)
    assert iam(sb).get_account_password_policy()["PasswordPolicy"]["RequireSymbols"] is True
    plan, result = fix(aws, keys)
    assert result.ok, result.failed and result.failed.detail
    policy = iam(sb).get_account_password_policy()["PasswordPolicy"]
    assert policy["RequireSymbols"] is True, "the merge must keep a field the wizard does not own"
    assert (policy["MinimumPasswordLength"], policy["PasswordReusePrevention"], policy["MaxPasswordAge"]) == (14, 24, 90)
    assert not plan_for(aws, keys).automatic
    client = iam(sb)
    assert [k["Status"] for k in client.list_access_keys(UserName="alice")["AccessKeyMetadata"]] == ["Inactive"]
    with pytest.raises(client.exceptions.NoSuchEntityException):
        client.get_login_profile(UserName="carol")
    bob = {k["Status"] for k in client.list_access_keys(UserName="bob")["AccessKeyMetadata"]}
    assert bob == {"Active", "Inactive"}


def test_another_users_rotation_is_left_to_them_and_finishes_on_a_later_run(account):
    sb = account("insecure")
    aws = open_aws(sb)
    plan, result = fix(aws, keys)
    assert result.ok
    assert not [c for c in plan.automatic if c.call.operation == "CreateAccessKey"]
    client = iam(sb)
    [old] = [k["AccessKeyId"] for k in client.list_access_keys(UserName="ci-deploy")["AccessKeyMetadata"]]
    # the person who runs the workload makes the new key (only they see its secret) and switches to it
    made = client.create_access_key(UserName="ci-deploy")["AccessKey"]
    boto3.client("sts", endpoint_url=sb.endpoint_url, region_name="us-east-1", aws_access_key_id=made["AccessKeyId"],
                 aws_secret_access_key=made["SecretAccessKey"]).get_caller_identity()
    later = plan_for(aws, keys)
    (change,) = [c for c in later.automatic if c.call.params.get("UserName") == "ci-deploy"]
    assert change.risky and dict(change.call.params) == {"UserName": "ci-deploy", "AccessKeyId": old,
                                                          "Status": "Inactive"}


def as_profile(sb, monkeypatch, sections):
    """Runs sign in through the shared credentials file: ``sections`` is {profile: (key id, secret)}."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name, raising=False)
    path = Path(os.environ["AWS_SHARED_CREDENTIALS_FILE"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"[{name}]\naws_access_key_id = {key}\naws_secret_access_key = {secret}\n"
                            for name, (key, secret) in sections.items()))
    path.chmod(0o600)
    return path


def test_own_key_rotation_ends_with_one_verified_key_in_the_keyring(account, capsys, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)  # botocore logs response bodies at DEBUG: the secret must not be in them
    sb = account("empty")
    old_id, old_secret = admin_with_old_key(sb)
    credentials_file = as_profile(sb, monkeypatch, {"default": (old_id, old_secret)})
    aws = AWS(credentials.stored_target(Target(endpoint_url=sb.endpoint_url)))
    journal = Journal(aws.account_id)
    plan = plan_for(aws, keys)
    assert [c.call.name for c in plan.automatic if c.call.operation != "UpdateAccountPasswordPolicy"] == ["local.keyring.check_backend", "iam.CreateAccessKey", "local.keyring.store_access_key",
            "local.sts.verify_key", "local.credentials_file.update_profile", "iam.UpdateAccessKey"]
    result = apply_plan(aws, keys, plan, {"delete_replaced_keys": "no"}, journal=journal)
    assert result.ok, result.failed and result.failed.detail

    listed = iam(sb).list_access_keys(UserName="wizard-admin")["AccessKeyMetadata"]
    active = [k["AccessKeyId"] for k in listed if k["Status"] == "Active"]
    assert len(active) == 1 and active[0] != old_id
    assert [k["Status"] for k in listed if k["AccessKeyId"] == old_id] == ["Inactive"]

    stored = credentials.stored_credentials(sb.endpoint_url, None)
    assert stored is not None and stored.access_key_id == active[0]
    assert keyring.get_password(credentials.SANDBOX_SERVICE, "profile:default"), "sandbox secrets say sandbox"
    assert keyring.get_password(credentials.SERVICE, "profile:default") is None
    secret = stored.secret_access_key
    verified = [e for e in journal.entries() if e.call == "local.sts.verify_key"]
    assert verified and verified[0].ok and verified[0].response["verified"] is True

    # the profile it signed in with now holds the new key (the user's own file, mode kept); nothing else does
    assert f"aws_access_key_id = {active[0]}" in credentials_file.read_text()
    assert secret in credentials_file.read_text() and credentials_file.stat().st_mode & 0o077 == 0
    credentials_file.unlink()
    out = capsys.readouterr()
    everywhere = "\n".join([journal.path.read_text(), out.out, out.err, caplog.text, repr(result),
                            str(plan.to_dict()), files_under(Path.home(), journal.path.parent)])
    assert secret not in everywhere
    credentials_file.write_text(f"[default]\naws_access_key_id = {old_id}\naws_secret_access_key = {old_secret}\n")

    # the run switched to the new key; a next run whose profile still holds the old key uses the keyring's
    assert keys._caller_key_id(aws) == active[0]
    nxt = AWS(credentials.stored_target(Target(endpoint_url=sb.endpoint_url)))
    assert nxt.caller_arn.endswith(":user/wizard-admin")
    assert keys._caller_key_id(nxt) == active[0]

    # a later run offers the old key's deletion (the new key has been used), and deletes it when asked
    assert not [c for c in plan_for(nxt, keys, {"delete_replaced_keys": "no"}).automatic
                if c.call.params.get("AccessKeyId") == old_id]
    later = plan_for(nxt, keys, {"delete_replaced_keys": "yes"})
    deletes = [c for c in later.automatic if c.call.operation == "DeleteAccessKey"]
    assert [dict(c.call.params) for c in deletes if c.call.params["UserName"] == "wizard-admin"] == \
        [{"UserName": "wizard-admin", "AccessKeyId": old_id}]


def test_missing_keyring_backend_says_so_and_stores_nothing(account, tmp_path):
    from keyring.backends import fail

    sb = account("empty")
    old_id, old_secret = admin_with_old_key(sb)
    aws = as_user(sb, old_id, old_secret)
    keyring.set_keyring(fail.Keyring())
    plan = plan_for(aws, keys)
    result = apply_plan(aws, keys, plan, {"delete_replaced_keys": "no"}, journal=Journal(aws.account_id))
    assert not result.ok
    detail = result.failed.detail
    assert "no usable OS keyring" in detail and "alternatives" in detail and "\n" not in detail
    assert result.failed.change.call.name == "local.keyring.check_backend"
    listed = iam(sb).list_access_keys(UserName="wizard-admin")["AccessKeyMetadata"]
    assert [(k["AccessKeyId"], k["Status"]) for k in listed] == [(old_id, "Active")], "no key made, old key kept"

    # the store handler itself refuses the same way and writes the secret nowhere
    handler = credentials.handlers(aws)["keyring.store_access_key"]
    with pytest.raises(StepError) as raised:
        handler({"AccessKeyId": "AKIAEXAMPLEEXAMPLE12", "SecretAccessKey": "sEcReT-never-on-disk-0123456789"}, {})
    assert "no usable OS keyring" in str(raised.value) and "aws configure" in raised.value.hint
    assert "sEcReT-never-on-disk" not in files_under(tmp_path)


@pytest.mark.parametrize("backend", ["null", "empty-chain"])
def test_keyrings_that_keep_nothing_count_as_missing(backend, monkeypatch):
    from keyring.backends import chainer, null

    if backend == "null":
        keyring.set_keyring(null.Keyring())
    else:
        monkeypatch.setattr(chainer.ChainerBackend, "backends", [])
        keyring.set_keyring(chainer.ChainerBackend())
    with pytest.raises(StepError, match="no usable OS keyring"):
        credentials.store_access_key("http://127.0.0.1:1", None, "AKIAEXAMPLE", "secret")
    assert credentials.stored_credentials("http://127.0.0.1:1", None) is None


def test_real_endpoints_use_the_normal_service_name():
    assert credentials.service_name(None) == credentials.SERVICE
    assert credentials.service_name("https://iam.amazonaws.com") == credentials.SERVICE
    assert credentials.service_name("http://localhost:5000") == credentials.SANDBOX_SERVICE
