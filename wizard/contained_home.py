"""A per-run temporary home for `demo` and `sandbox`: every file they write stays inside it.

The demo applies real plans to the sandbox account, and some plans write local files: the `sso`
step writes a CLI profile to ``~/.aws/config``, the `keys` step stores a rotated key in the OS
keyring, every apply appends to the journal. Rather than special cases in the steps, the process
gets its own HOME, XDG folders, AWS config/credentials files, state and config folders and an
in-memory keyring before anything reads them; everything the steps and the wizard resolve from
the environment then lands in the temporary folder, which is removed at exit.

Reports the user exports are the exception: they go to the user's own reports folder (found before
the home is replaced: ``wizard.paths.reports_dir``), the export dialog says where, and the last
line printed names the report kept.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

# Every variable the wizard, botocore and keyring read to find a file to write (relative to the home).
HOME_VARIABLES = {
    "HOME": "",
    "XDG_CONFIG_HOME": ".config",
    "XDG_STATE_HOME": ".local/state",
    "XDG_DATA_HOME": ".local/share",
    "XDG_CACHE_HOME": ".cache",
    "AWS_CONFIG_FILE": ".aws/config",
    "AWS_SHARED_CREDENTIALS_FILE": ".aws/credentials",
    "AWS_ESSENTIALS_STATE_DIR": ".local/state/aws-essentials",
    "AWS_ESSENTIALS_CONFIG_DIR": ".config/aws-essentials",
    "AWS_ESSENTIALS_CACHE_DIR": ".cache/aws-essentials",
}
# keyring loads the backend named here (also in any child process, such as the org workers).
MEMORY_KEYRING = "wizard.keyring_memory.MemoryKeyring"
# Variables that would pick a real identity or read real files instead of the sandbox's.
CLEARED = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ROLE_ARN",
           "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
           "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_DATA_PATH")
# Set inside by the sandbox (wizard.commands.demo.start_sandbox): put back as they were on exit.
RESTORED = ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_DEFAULT_REGION")


class ContainedHome:
    """``with ContainedHome() as home:`` the process writes only under ``home.path``.

    The environment and the keyring are restored on exit, and the folder is removed.
    """

    def __init__(self, prefix: str = "aws-essentials-demo-") -> None:
        self.prefix = prefix
        self.path: Path | None = None
        self.keep = False  # set after a crash: the folder (with the crash log) stays for the user
        self._saved_env: dict[str, str | None] = {}
        self._saved_keyring: Any = None

    def environment(self) -> dict[str, str]:
        """The variables this home sets (for a shell that should write here too)."""
        assert self.path is not None
        values = {name: str(self.path / sub) if sub else str(self.path) for name, sub in HOME_VARIABLES.items()}
        values["PYTHON_KEYRING_BACKEND"] = MEMORY_KEYRING
        return values

    def tool_environment(self) -> dict[str, str]:
        """The variables another shell's tools need to write here too (its HOME is left alone)."""
        return {name: value for name, value in self.environment().items()
                if name != "HOME" and not name.startswith("XDG_")}

    def __enter__(self) -> "ContainedHome":
        import keyring

        from wizard.keyring_memory import MemoryKeyring

        self.path = Path(tempfile.mkdtemp(prefix=self.prefix))  # mode 0700, a fresh name per run
        values = self.environment()
        for name in (*values, *CLEARED, *RESTORED):
            self._saved_env[name] = os.environ.get(name)
        for name in CLEARED:
            os.environ.pop(name, None)
        os.environ.update(values)
        # Read after PYTHON_KEYRING_BACKEND is set: a keyring not chosen yet is never initialized
        # from the OS (no D-Bus probe); one chosen already (tests, a caller) is put back on exit.
        self._saved_keyring = keyring.get_keyring()
        keyring.set_keyring(MemoryKeyring())
        return self

    def __exit__(self, *exc: Any) -> None:
        import keyring

        keyring.set_keyring(self._saved_keyring)
        for name, value in self._saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        if self.path is not None and not self.keep:
            shutil.rmtree(self.path, ignore_errors=True)

    def removed_note(self, report: Path | None = None) -> str:
        """The one line left after the demo: its home is gone; the report exported, if any, is kept."""
        gone = f"The demo's temporary home {self.path} (AWS config, journal, keyring entries) was removed; "
        if report is None:
            return gone + "nothing was written outside it."
        return gone + f"the report you exported is kept: {report}"
