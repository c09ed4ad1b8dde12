"""Files are written safely: no planted symlink is written through, only folders the wizard made get
their mode changed, and `--output` never replaces what is not a regular file (issue 19)."""

from __future__ import annotations

import os
import socket
import stat
import threading

import pytest

from steps import cli_config, sso
from steps.base import Call, Change, StepError
from tests.steps.test_sso import EXISTING, configured
from wizard import aws_config
from wizard.__main__ import main
from wizard.journal import Journal
from wizard.paths import state_dir, write_private

SECRET = "the owner's file, not the wizard's\n"


def victim(tmp_path):
    path = tmp_path / "victim.txt"
    path.write_text(SECRET)
    return path


def test_write_private_never_writes_through_a_symlink_planted_at_its_temporary_name(tmp_path):
    target = tmp_path / "state" / "lastrun.json"
    target.parent.mkdir()
    planted = victim(tmp_path)
    os.symlink(planted, target.with_name(target.name + ".tmp"))  # the old fixed temporary name
    write_private(target, "new state\n")
    assert planted.read_text() == SECRET
    assert target.read_text() == "new state\n" and stat.S_IMODE(target.stat().st_mode) == 0o600
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".tmp") and not p.is_symlink()]


def test_write_private_replaces_a_symlink_at_the_target_instead_of_following_it(tmp_path):
    planted = victim(tmp_path)
    target = tmp_path / "profiles.json"
    os.symlink(planted, target)
    write_private(target, "{}\n")
    assert planted.read_text() == SECRET
    assert not target.is_symlink() and target.read_text() == "{}\n"


def test_only_folders_the_wizard_made_get_their_mode_changed(tmp_path, monkeypatch):
    existing = tmp_path / "shared"
    existing.mkdir(mode=0o755)
    os.chmod(existing, 0o755)
    monkeypatch.setenv("AWS_ESSENTIALS_STATE_DIR", str(existing))
    assert state_dir() == existing
    assert stat.S_IMODE(existing.stat().st_mode) == 0o755  # the owner's folder, left as it was
    made = tmp_path / "new" / "deeper" / "state"
    monkeypatch.setenv("AWS_ESSENTIALS_STATE_DIR", str(made))
    state_dir()
    for folder in (made, made.parent, made.parent.parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


def test_the_journal_is_never_appended_through_a_planted_symlink(tmp_path):
    planted = victim(tmp_path)
    path = tmp_path / "journal.jsonl"
    os.symlink(planted, path)
    journal = Journal("111122223333", path)
    with pytest.raises(StepError, match="could not write the journal"):
        journal.begin("contacts", Change("r", Call("account", "PutAlternateContact", {})), {})
    assert planted.read_text() == SECRET


def test_the_aws_config_write_never_follows_a_symlink_at_a_temporary_name(tmp_path):
    path = tmp_path / ".aws" / "config"
    path.parent.mkdir()
    path.write_text(EXISTING)
    planted = victim(tmp_path)
    os.symlink(planted, path.with_name(f".{path.name}.aws-essentials.tmp"))  # the old fixed temporary name
    change = sso.plan(configured(cli=cli_config.read_config(path)), {}).automatic[0]
    aws_config.write_sso_profile(change.call.params, {})
    assert planted.read_text() == SECRET
    assert "[profile admin]" in path.read_text() and not path.is_symlink()


def check_to(output: str) -> int:
    return main(["check", "--steps", "contacts", "--format", "json", "--output", output])


def test_output_into_a_fifo_writes_into_it_and_leaves_it_a_fifo(account, tmp_path):
    account("insecure")
    fifo = tmp_path / "report.pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def reader():
        with open(fifo, "rb") as pipe:  # blocks until the wizard opens the other end
            received.append(pipe.read())

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    assert check_to(str(fifo)) == 3
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode), "the FIFO was replaced by a regular file"
    thread.join()
    assert b'"findings"' in received[0]


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_output_into_a_device_node_writes_into_it_and_never_replaces_it(account, tmp_path):
    account("insecure")
    null = tmp_path / "null"
    real = os.stat("/dev/null").st_rdev
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(os.major(real), os.minor(real)))
    os.chmod(null, 0o666)  # mknod's mode is narrowed by the umask
    assert check_to(str(null)) == 3
    after = os.lstat(null)
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == real
    assert stat.S_IMODE(after.st_mode) == 0o666  # not chmodded to the report's 0600 either


def test_output_to_a_socket_is_refused_in_one_line(account, tmp_path, capsys):
    account("insecure")
    path = tmp_path / "s.sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    try:
        assert check_to(str(path)) == 1
        err = capsys.readouterr().err.strip()
        assert "not a file" in err and len(err.splitlines()) == 1
        assert stat.S_ISSOCK(os.lstat(path).st_mode)
    finally:
        server.close()


def test_output_dash_writes_to_standard_output(account, tmp_path, capsys, monkeypatch):
    account("insecure")
    monkeypatch.chdir(tmp_path)
    assert check_to("-") == 3
    assert '"findings"' in capsys.readouterr().out
    assert not (tmp_path / "-").exists()


def test_output_to_a_regular_file_still_replaces_it_privately(account, tmp_path):
    account("insecure")
    path = tmp_path / "report.json"
    path.write_text("old")
    os.chmod(path, 0o644)
    assert check_to(str(path)) == 3
    assert '"findings"' in path.read_text() and stat.S_IMODE(path.stat().st_mode) == 0o600
