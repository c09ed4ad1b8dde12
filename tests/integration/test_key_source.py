"""A rotated key never overrides the credentials the user selected (issue 19).

Bob rotates his own key through the default profile; later runs that select alice (environment
keys, AWS_PROFILE) run as alice, and the stored key replaces only the key it was rotated from.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from steps import keys
from tests.helpers import plan_for
from tests.integration.test_keys import admin_with_old_key, as_profile
from wizard import credentials
from wizard.apply import apply_plan
from wizard.aws import AWS, Target
from wizard.journal import Journal


def rotate(aws):
    """Apply the keys step's rotation of the caller's own key; the journal's entries by call name."""
    journal = Journal(aws.account_id)
    result = apply_plan(aws, keys, plan_for(aws, keys), {"delete_replaced_keys": "no"}, journal=journal)
    assert result.ok, result.failed and result.failed.detail
    return {e.call: e for e in journal.entries()}


def caller(sb):
    """The user a run without --profile signs in as, after the keyring's key is considered."""
    return AWS(credentials.stored_target(Target(endpoint_url=sb.endpoint_url))).caller_arn.rsplit("/", 1)[-1]


@pytest.fixture
def bob_rotated(account, monkeypatch):
    """Bob (default profile) rotated his key; alice has her own profile. Returns (sb, file, bob's old key)."""
    sb = account("empty")
    bob = admin_with_old_key(sb, "bob")
    alice = admin_with_old_key(sb, "alice", age_days=5)
    path = as_profile(sb, monkeypatch, {"default": bob, "alice": alice})
    original = "# my keys\n" + path.read_text()
    path.write_text(original)
    entries = rotate(AWS(credentials.stored_target(Target(endpoint_url=sb.endpoint_url))))
    stored = keys_in_keyring(sb, "profile:default")
    assert stored["AccessKeyId"] != bob[0]
    return sb, path, original, bob, alice, stored, entries


def keys_in_keyring(sb, entry):
    import json

    raw = credentials.load_secret(credentials.service_name(sb.endpoint_url), entry)
    return json.loads(raw) if raw else None


def test_environment_keys_and_aws_profile_are_never_overridden(bob_rotated, monkeypatch):
    sb, path, original, bob, alice, stored, _ = bob_rotated
    path.write_text(original)  # even while the default profile still holds bob's old key
    assert caller(sb) == "bob", "the default profile still holds the replaced key: the keyring's is used"
    with monkeypatch.context() as m:  # alice's keys in the environment
        m.setenv("AWS_ACCESS_KEY_ID", alice[0])
        m.setenv("AWS_SECRET_ACCESS_KEY", alice[1])
        assert caller(sb) == "alice"
    with monkeypatch.context() as m:
        m.setenv("AWS_PROFILE", "alice")
        assert caller(sb) == "alice"
    # the default profile now holds another key (alice's): it is not the one rotated away, so it is used
    path.write_text(original.replace(bob[0], alice[0]).replace(bob[1], alice[1]))
    assert caller(sb) == "alice"


def test_environment_keys_are_used_without_asking_the_keyring(bob_rotated, monkeypatch):
    """Finding the keyring's backend costs ~55 ms a run; a run signed with the environment's keys needs none."""
    sb, path, original, bob, alice, stored, _ = bob_rotated
    path.write_text(original)  # the default profile still holds bob's replaced key
    asked, backend = [], credentials._backend
    monkeypatch.setattr(credentials, "_backend", lambda: asked.append(True) or backend())
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", alice[0])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", alice[1])
    assert credentials.stored_target(Target(endpoint_url=sb.endpoint_url)).credentials is None
    assert asked == []
    # an explicit profile negates the environment's keys (botocore): its rotated key comes from the keyring
    target = credentials.stored_target(Target(endpoint_url=sb.endpoint_url, profile="default"))
    assert asked and target.credentials.access_key_id == stored["AccessKeyId"]


def test_rotation_updates_the_profile_it_came_from_with_a_backup_and_a_masked_diff(bob_rotated):
    sb, path, original, bob, alice, stored, entries = bob_rotated
    now = path.read_text()
    new_id, new_secret = stored["AccessKeyId"], stored["SecretAccessKey"]
    assert stored["ReplacesKeyId"] == bob[0], "the entry records the key it replaced"
    assert now == original.replace(bob[0], new_id).replace(bob[1], new_secret), "only bob's two lines changed"
    answer = entries["local.credentials_file.update_profile"].response
    assert answer["updated"] and answer["profile"] == "default"
    assert Path(answer["backup"]).read_text() == original and Path(answer["backup"]).stat().st_mode & 0o077 == 0
    assert f"+aws_access_key_id = {new_id}" in answer["diff"] and "aws_secret_access_key = ***" in answer["diff"]
    assert new_secret not in str(answer) and bob[1] not in str(answer)
    assert caller(sb) == "bob"  # from the file's new key; the keyring's entry is not needed any more


def test_environment_keys_rotated_are_kept_but_never_substituted(account, monkeypatch):
    sb = account("empty")
    old_id, old_secret = admin_with_old_key(sb)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", old_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", old_secret)
    entries = rotate(AWS(credentials.stored_target(Target(endpoint_url=sb.endpoint_url))))
    assert keys_in_keyring(sb, "profile:default") is None
    assert keys_in_keyring(sb, f"env:{old_id}")["ReplacesKeyId"] == old_id
    target = credentials.stored_target(Target(endpoint_url=sb.endpoint_url))
    assert target.credentials is None, "the environment's key is used as it is, even the one rotated away"
    note = entries["local.credentials_file.update_profile"].response
    assert not note["updated"] and "environment variables" in note["note"] and "stop working" in note["note"]
    assert not Path(os.environ["AWS_SHARED_CREDENTIALS_FILE"]).exists()


def test_a_second_rotation_updates_the_file_that_still_holds_the_first_key(tmp_path, monkeypatch):
    """The file kept K1; runs signed with K2 from the keyring; rotating K2 to K3 points the file at K3."""
    from wizard.credentials import KeySource
    from wizard.credentials_file import update_profile

    path = tmp_path / "credentials"
    path.write_text("[default]\naws_access_key_id = AKIAK1\naws_secret_access_key = s1\n[other]\nx = 1\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(path))
    params = {"AccessKeyId": "AKIAK3", "ReplacesKeyId": "AKIAK2", "SecretAccessKey": "s3"}
    answer = update_profile(KeySource("profile", "default", "AKIAK1"), params, "kept")
    assert answer["updated"]
    assert path.read_text() == "[default]\naws_access_key_id = AKIAK3\naws_secret_access_key = s3\n[other]\nx = 1\n"
    # a profile that holds neither is left alone, and the answer says what breaks
    answer = update_profile(KeySource("profile", "default", "AKIAK9"), params, "kept")
    assert not answer["updated"] and "stop working" in answer["note"] and "AKIAK3" in path.read_text()
