"""The real `aws-essentials demo` process in tmux: go to the contacts step, fill it in, confirm, pass."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from steps import STEPS, by_id
from tests.helpers import DEMO_ANSWERS

pytestmark = pytest.mark.skipif(not shutil.which("tmux"), reason="tmux is not installed")

BIN = Path(sys.executable).parent / "aws-essentials"


class Tmux:
    """One tmux server on its own socket, running one command in a 100x32 window."""

    def __init__(self, tmp: Path, command: list[str], env: dict[str, str]) -> None:
        self.socket = f"aws-essentials-test-{uuid.uuid4().hex[:8]}"
        self.env = env
        self.run("new-session", "-d", "-s", "demo", "-x", "100", "-y", "32", *command)

    def run(self, *args: str) -> str:
        answer = subprocess.run(["tmux", "-L", self.socket, *args], env=self.env, capture_output=True, text=True,
                                timeout=30)
        return answer.stdout

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "demo")

    def keys(self, *keys: str, literal: bool = False) -> None:
        self.run("send-keys", "-t", "demo", *(["-l"] if literal else []), *keys)
        time.sleep(0.15)

    def wait_for(self, text: str, timeout: float = 180.0, *, beside: str = "") -> str:
        """Wait for ``text`` on the screen; with ``beside``, on one line with it (a form row: the
        field's label and what was typed, not the help line that quotes an example)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if any(text in line and beside in line for line in screen.splitlines()):
                return screen
            time.sleep(0.2)
        raise AssertionError(f"'{text}' {f'beside {beside!r} ' if beside else ''}never appeared; "
                             f"the screen was:\n{self.screen()}")

    def wait_until(self, condition, what: str, timeout: float = 30.0) -> str:
        """Wait until ``condition(screen)`` holds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if condition(screen):
                return screen
            time.sleep(0.2)
        raise AssertionError(f"waited for {what}; the screen was:\n{self.screen()}")

    def alive(self) -> bool:
        return subprocess.run(["tmux", "-L", self.socket, "has-session", "-t", "demo"], env=self.env,
                              capture_output=True).returncode == 0

    def kill(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], env=self.env, capture_output=True)


@pytest.mark.timeout(600)
def test_demo_contacts_step_in_tmux(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if not (k.startswith("TEXTUAL_") or k == "NO_COLOR" or k.startswith("AWS_"))}
    env.update(TERM="xterm-256color", HOME=str(tmp_path), AWS_ESSENTIALS_STATE_DIR=str(tmp_path / "state"),
               AWS_CONFIG_FILE=str(tmp_path / "aws-config"), AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "aws-creds"),
               AWS_EC2_METADATA_DISABLED="true", PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    tmux = Tmux(tmp_path, [str(BIN), "demo"], env)
    try:
        tmux.wait_for("Your AWS account, step by step", timeout=30)
        tmux.wait_for(f"of {len(STEPS)} failing", timeout=400)  # the sidebar, once every step is assessed
        position = [s.INFO.id for s in STEPS].index("contacts")
        for _ in range(position + 1):
            tmux.keys("n")
        tmux.wait_for("guide: Security Contacts", timeout=30)
        tmux.keys("Tab")  # from the step's text to the first field
        tmux.wait_for("Leave the field", timeout=30)  # the footer's Esc, shown while a field has the focus
        answers = DEMO_ANSWERS["contacts"]
        inputs = by_id("contacts").INFO.inputs
        for index, item in enumerate(inputs):
            tmux.keys(answers[item.name], literal=True)
            # in the field's row: each answer is also the example in its field's help line
            tmux.wait_for(answers[item.name], timeout=30, beside=item.prompt)
            if index < len(inputs) - 1:
                tmux.keys("Tab")
        tmux.keys("Escape")  # leave the field
        # An Esc followed too soon by a letter is Alt+letter to a terminal (the "a" landed in the
        # phone field, on a quiet machine): the next key waits until the footer says the field is left.
        tmux.wait_until(lambda screen: "Leave the field" not in screen, "the field to be left", timeout=30)
        tmux.keys("a")
        screen = tmux.wait_for("Apply Security contacts?", timeout=30)
        assert screen.count("account.PutAlternateContact") == 3 or "security@example.com" in screen
        tmux.keys("Enter")
        tmux.wait_for("nothing fails any more", timeout=120)
        tmux.keys("Escape")
        tmux.keys("Home")
        screen = tmux.wait_for("✔ pass", timeout=30)
        assert "✘ fail" not in screen
        tmux.keys("q")
        deadline = time.monotonic() + 30
        while tmux.alive() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not tmux.alive(), "q should quit the wizard"
    finally:
        tmux.kill()
