"""`demo` (TUI and plain mode) writes nothing outside its own temporary home.

Both walks go through the real `aws-essentials demo` entry with HOME, the XDG folders, the AWS
config/credentials files and the state folder pointed at an empty folder, apply the `sso` step's
plan (which writes a CLI profile to the AWS config file) and the `contacts` step, and then find that
folder, the working directory and the keyring as empty as before.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import keyring
import pytest

from steps import by_id
from tests.helpers import DEMO_ANSWERS
from tests.wizard.tui import apply_current, assessed, fill, screen_name, simulate_actions, wait_for
from wizard import plain
from wizard.__main__ import main
from wizard.app import WizardApp

APPLIED = ("contacts", "sso")


class _SharedSandbox:
    """The test session's sandbox in place of a new one (two moto servers would share moto's state)."""

    def __init__(self, sb, scenario="insecure", **_kw):
        self._sb, self._scenario = sb, scenario

    def start(self):
        self._sb.reset(self._scenario)
        return self

    def stop(self):  # the session's sandbox outlives the demo
        pass

    def __getattr__(self, name):
        return getattr(self._sb, name)


@pytest.fixture
def user_home(account, tmp_path, monkeypatch):
    """An empty folder as the user's HOME, XDG folders, AWS files and state; an empty cwd; the sandbox."""
    import wizard.sandbox
    import wizard.sandbox.child

    sb = account("insecure")
    home, cwd = tmp_path / "user-home", tmp_path / "cwd"
    home.mkdir()
    cwd.mkdir()
    for name, sub in {"HOME": "", "XDG_CONFIG_HOME": ".config", "XDG_STATE_HOME": ".local/state",
                      "XDG_DATA_HOME": ".local/share", "XDG_CACHE_HOME": ".cache",
                      "AWS_CONFIG_FILE": ".aws/config", "AWS_SHARED_CREDENTIALS_FILE": ".aws/credentials",
                      "AWS_ESSENTIALS_STATE_DIR": "state", "AWS_ESSENTIALS_CONFIG_DIR": "config"}.items():
        monkeypatch.setenv(name, str(home / sub) if sub else str(home))
    monkeypatch.chdir(cwd)
    monkeypatch.setattr(wizard.sandbox, "Sandbox", lambda scenario, **kw: _SharedSandbox(sb, scenario, **kw))
    # the TUI demo's sandbox runs in a child process (wizard/sandbox/child.py): the shared one here too
    monkeypatch.setattr(wizard.sandbox.child, "SandboxProcess", lambda scenario, realism=None: _SharedSandbox(sb, scenario))
    users_keyring = keyring.get_keyring()  # the in-memory keyring conftest gives every test
    seen: dict[str, str] = {}
    yield sb, seen
    assert sorted(str(p.relative_to(tmp_path)) for p in home.rglob("*")) == [], "the demo wrote into HOME"
    assert list(cwd.iterdir()) == [], "the demo wrote into the working directory"
    assert users_keyring._items == {}, "the demo stored a secret in the user's keyring"  # noqa: SLF001
    assert keyring.get_keyring() is users_keyring, "the user's keyring is back after the demo"
    assert "AWS_ESSENTIALS_SANDBOX" not in os.environ and os.environ["HOME"] == str(home), "the environment too"
    # what the walk saw while it ran: the CLI profile was written, inside the temporary home
    written = Path(seen["config"])
    assert "[profile admin]" in seen["text"] and not written.is_relative_to(home)
    assert not written.exists(), "the temporary home is removed at exit"


def _remember_config(seen):
    path = os.environ["AWS_CONFIG_FILE"]
    seen["config"] = path
    seen["text"] = Path(path).read_text()


@pytest.mark.timeout(600)
def test_tui_demo_walk_writes_nothing_outside_its_home(user_home, monkeypatch, capsys):
    sb, seen = user_home

    async def walk(app):
        async with app.run_test(size=(100, 32)) as pilot:
            await assessed(pilot, timeout=300)
            account_id = app.identity.account_id
            for step_id in APPLIED:
                app.go_to_step(step_id)
                await wait_for(pilot, lambda: screen_name(app) == "StepScreen" and step_id not in app.running)
                for _ in range(3):  # console-only prerequisites (Identity Center): simulated, then re-checked
                    todo = simulate_actions(app.screen)
                    if not todo:
                        break
                    app.simulate_console(todo[0], step_id)
                    await wait_for(pilot, lambda: step_id not in app.running, what=f"{step_id} re-check")
                await fill(pilot, DEMO_ANSWERS[step_id])
                assert app.plan_for(step_id).automatic, step_id
                await apply_current(pilot, account_id)
                assert screen_name(app) == "ApplyScreen", f"{step_id}: {getattr(app.screen, 'message', '')}"
                await pilot.press("escape")
                await wait_for(pilot, lambda: screen_name(app) == "StepScreen" and step_id not in app.running)
                assert not app.plan_for(step_id).automatic, step_id
            _remember_config(seen)
            await app.action_quit()

    def run_with_pilot(app, *args, **kwargs):  # `demo` runs the app; the test drives it through Pilot
        asyncio.run(walk(app))

    monkeypatch.setattr(WizardApp, "run", run_with_pilot)
    assert main(["demo"]) == 0
    assert "temporary home" in capsys.readouterr().out


class _ScriptedWalk(plain.PlainWizard):
    """The plain walk with a person's answers: skip every step but contacts and sso, apply those."""

    sandbox = None

    def __init__(self, aws, **kw):
        super().__init__(aws, **kw)
        self.labels = {item.label: DEMO_ANSWERS[s][item.name] for s in APPLIED for item in by_id(s).INFO.inputs}
        self.step = ""

    def run(self):
        self.sandbox.console("enable_identity_center")  # the console-only prerequisite of the sso plan
        return super().run()

    def walk_step(self, number, result):
        self.step = result.step.INFO.id
        return super().walk_step(number, result)

    def _ask(self, message, build, **kw):
        values = [c.value for c in kw.get("choices", [])]
        if values and self.step not in APPLIED:
            return "skip"
        if message.endswith(": what now?"):
            return "answer" if "answer" in values and self.step not in self.answers else "skip"
        if message.startswith("Apply these"):
            return "apply"
        if message.startswith("Account id to confirm"):
            return self.aws.account_id
        label = message.removesuffix(" (optional)")
        if label in self.labels:
            return self.labels[label]
        raise AssertionError(f"unexpected prompt: {message}")


@pytest.mark.timeout(600)
def test_plain_demo_walk_writes_nothing_outside_its_home(user_home, monkeypatch, capsys):
    sb, seen = user_home
    _ScriptedWalk.sandbox = sb
    monkeypatch.setattr(plain, "has_tty", lambda: True)
    monkeypatch.setattr(plain, "PlainWizard", _ScriptedWalk)
    real_summary = _ScriptedWalk.summary
    monkeypatch.setattr(_ScriptedWalk, "summary", lambda self: (_remember_config(seen), real_summary(self)))
    assert main(["demo", "--plain"]) == 0
    out = capsys.readouterr().out
    assert out.count("All changes were made and journalled") == len(APPLIED), out[-3000:]
    assert "temporary home" in out


@pytest.mark.timeout(300)
def test_sandbox_command_and_its_tools_write_only_in_its_temporary_home(tmp_path):
    """`aws-essentials sandbox` with HOME an empty folder: a wizard run in another shell with the
    printed lines applies the sso step (which writes a CLI profile) and contacts; HOME stays empty,
    and the sandbox's temporary home is gone once it stops."""
    import json
    import signal
    import subprocess
    import sys
    import urllib.request

    home = tmp_path / "user-home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "XDG_", "PYTHON_KEYRING"))}
    env.update(HOME=str(home), AWS_EC2_METADATA_DISABLED="true")
    exe = [sys.executable, "-m", "wizard"]
    # started as a shell's background job is: SIGINT ignored (the CI's runner did that once, and the
    # Ctrl-C below was lost); it must stop the sandbox all the same
    proc = subprocess.Popen([*exe, "sandbox", "--scenario", "insecure"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env=env, cwd=tmp_path,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    try:
        shell, lines = dict(env), []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("export "):
                name, _, value = line[len("export "):].strip().partition("=")
                shell[name] = value
            if line.startswith("# Paste"):
                break
        # Read on, as a terminal does: a full pipe would block the sandbox's next print (moto prints
        # a line for some requests) and its exit's flush, which is how this test once timed out.
        import threading

        later: list[str] = []
        threading.Thread(target=lambda: later.extend(proc.stdout), daemon=True).start()
        contained = Path(shell["AWS_CONFIG_FILE"]).parent.parent
        assert not contained.is_relative_to(home) and contained.is_dir(), lines
        assert shell["PYTHON_KEYRING_BACKEND"].endswith("MemoryKeyring") and "HOME=" not in "".join(lines)
        account_id = lines[0].rsplit(" ", 1)[-1].strip()
        request = urllib.request.Request(f"{shell['AWS_ENDPOINT_URL']}/_sandbox/console", method="POST",
                                         data=json.dumps({"account_id": account_id,
                                                          "action": "enable_identity_center"}).encode())
        urllib.request.urlopen(request, timeout=30).read()  # noqa: S310 - the local sandbox
        answers = [f"--set={s}.{k}={v}" for s in APPLIED for k, v in DEMO_ANSWERS[s].items()]
        fixed = subprocess.run([*exe, "fix", "--steps", *APPLIED, "--yes", *answers], env=shell, cwd=tmp_path,
                               capture_output=True, text=True, timeout=240)
        assert fixed.returncode in (0, 3), fixed.stderr
        assert "[profile admin]" in Path(shell["AWS_CONFIG_FILE"]).read_text()
        assert list(home.rglob("*")) == [], "nothing in HOME"
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(30)
    assert not contained.exists(), "the sandbox removes its temporary home when it stops"
    assert list(home.rglob("*")) == []
