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
import traceback
from pathlib import Path

import platformdirs

APP_NAME = "aws-essentials"
# The platform's folder conventions (XDG on Linux, ~/Library/Application Support on macOS,
# %LOCALAPPDATA% on Windows). A name, so a test can stand another platform's class in its place.
PlatformDirs = platformdirs.PlatformDirs


def _platform_dirs() -> platformdirs.api.PlatformDirsABC:
    # appauthor=False: no vendor folder above ours on Windows (it would repeat the name)
    return PlatformDirs(APP_NAME, appauthor=False)


def state_dir() -> Path:
    """The journal, the last run's findings and backups live here.

    ``AWS_ESSENTIALS_STATE_DIR`` wins; otherwise the platform's user state folder: on Linux
    ``$XDG_STATE_HOME/aws-essentials`` or ``~/.local/state/aws-essentials`` (where earlier releases
    kept it), on macOS ``~/Library/Application Support/aws-essentials``.
    """
    explicit = os.environ.get("AWS_ESSENTIALS_STATE_DIR")
    return private_dir(Path(explicit) if explicit else Path(_platform_dirs().user_state_dir))


def config_dir() -> Path:
    """Customer profiles (their non-secret parts) live here.

    ``AWS_ESSENTIALS_CONFIG_DIR`` wins; otherwise the platform's user config folder: on Linux
    ``$XDG_CONFIG_HOME/aws-essentials`` or ``~/.config/aws-essentials``.
    """
    explicit = os.environ.get("AWS_ESSENTIALS_CONFIG_DIR")
    return private_dir(Path(explicit) if explicit else Path(_platform_dirs().user_config_dir))


def cache_dir() -> Path:
    """What can be made again (the trimmed botocore models), never created here.

    ``AWS_ESSENTIALS_CACHE_DIR`` wins (the demo's and sandbox's contained home set it, so their
    tools write nowhere else); otherwise the platform's user cache folder: on Linux
    ``$XDG_CACHE_HOME/aws-essentials`` or ``~/.cache/aws-essentials``.
    """
    explicit = os.environ.get("AWS_ESSENTIALS_CACHE_DIR")
    return Path(explicit) if explicit else Path(_platform_dirs().user_cache_dir)


REPORTS_FOLDER = "aws-essentials-reports"


def reports_dir() -> Path:
    """Where an exported report goes unless the person says otherwise: a folder of its own in the
    user's documents folder (platformdirs: ``~/Documents``, XDG_DOCUMENTS_DIR, the Windows known
    folder), or the current folder when there is no documents folder."""
    documents = Path(platformdirs.user_documents_dir())
    return documents / REPORTS_FOLDER if documents.is_dir() else Path.cwd()


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


def save_crash_log() -> str:
    """Write the exception being handled to ``crash.log`` in the state folder; where it went, in words.

    The traceback goes to a file so that none reaches a user's screen.
    """
    try:
        path = state_dir() / "crash.log"
        write_private(path, traceback.format_exc())
        return str(path)
    except OSError:
        return "no file: the state directory is not writable"
