"""Where the wizard keeps its files, and how it writes them (mode 0600 in 0700 folders).

Every file is written the same way (:func:`replace_file`): a fresh temporary file made with
``O_EXCL`` in the target's folder (so a file or symlink planted at a guessable temporary name is
never opened), its mode set with ``fchmod`` before any content, synced, then moved over the target
with ``os.replace`` (which replaces a symlink at the target instead of writing through it). Only
folders the wizard creates get their mode set; an existing folder is the owner's and is left as is.
"""

from __future__ import annotations

import os
import tempfile
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
    """Create ``path`` and any missing parents with mode 0700, and return it.

    Only the folders made here are chmodded (the umask may have narrowed ``mkdir``'s mode); a folder
    that already exists belongs to its owner and keeps its mode.
    """
    missing = []
    for folder in (path, *path.parents):
        if folder.exists() or folder.is_symlink():
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:  # made meanwhile by someone else: not ours to chmod
            continue
        os.chmod(folder, 0o700)
    return path


def replace_file(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Replace ``path`` atomically with ``data`` and ``mode`` (a crash leaves the old file)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")  # O_EXCL, 0600
    try:
        os.fchmod(fd, mode)  # before the content, and on the descriptor: never through a name
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically with mode 0600 (a crash leaves the old file).

    A missing folder is made 0700; an existing one (the user's own, for ``--output``) is left as it is.
    A symlink at ``path`` is replaced by the file, never written through.
    """
    private_dir(path.parent)
    replace_file(path, text.encode("utf-8"))
