"""Where the wizard keeps its files, and how it writes them (mode 0600 in 0700 folders)."""

from __future__ import annotations

import os
from pathlib import Path


def state_dir() -> Path:
    """The journal, the last run's findings and backups live here.

    ``AWS_ESSENTIALS_STATE_DIR`` wins; otherwise ``$XDG_STATE_HOME/aws-essentials`` or
    ``~/.local/state/aws-essentials``.
    """
    explicit = os.environ.get("AWS_ESSENTIALS_STATE_DIR")
    if explicit:
        path = Path(explicit)
    else:
        base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
        path = Path(base) / "aws-essentials"
    return private_dir(path)


def config_dir() -> Path:
    """Customer profiles (their non-secret parts) live here."""
    explicit = os.environ.get("AWS_ESSENTIALS_CONFIG_DIR")
    if explicit:
        return private_dir(Path(explicit))
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return private_dir(Path(base) / "aws-essentials")


def private_dir(path: Path) -> Path:
    """Create ``path`` (mode 0700) if needed and return it."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)
    return path


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically with mode 0600 (a crash leaves the old file).

    A missing folder is made 0700; an existing one (the user's own, for ``--output``) is left as it is.
    """
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    os.chmod(path, 0o600)
