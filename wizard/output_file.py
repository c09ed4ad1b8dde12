"""Writing a report where the user asked (``--output PATH``), without harming what is there."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from steps.base import StepError
from wizard.paths import write_private


def write_report(path: str, text: str) -> None:
    """Write ``text`` to ``path``: a regular or missing file is replaced atomically (0600); an
    existing character device (/dev/null, a terminal) or FIFO is opened and written into; a folder,
    a disk or a socket is refused."""
    # The user named this path: a symlink they made (e.g. /dev/stdout) is followed to its target.
    real = Path(os.path.realpath(path))
    try:
        kind = os.stat(real).st_mode
    except FileNotFoundError:
        kind = None
    except OSError as error:
        raise StepError(f"could not write {path}: {error.strerror}", "choose a writable path for --output") from None
    if kind is not None and stat.S_ISDIR(kind):
        raise StepError(f"could not write {path}: it is a folder", "give a file name for --output") from None
    try:
        if kind is None or stat.S_ISREG(kind):
            write_private(real, text)
        elif stat.S_ISCHR(kind) or stat.S_ISFIFO(kind):
            _write_into(real, text)
        else:  # a disk (block device) or a socket: writing a report there destroys or fails
            raise StepError(f"could not write {path}: it is not a file, a character device or a pipe",
                            "choose a file name for --output, or - for the standard output")
    except OSError as error:
        raise StepError(f"could not write {path}: {error.strerror}", "choose a writable path for --output") from None


def _write_into(path: Path, text: str) -> None:
    """Write into an existing non-regular file: no O_CREAT (never make a file there), no O_TRUNC."""
    fd = os.open(path, os.O_WRONLY | os.O_NOCTTY | os.O_CLOEXEC)
    try:
        if stat.S_ISREG(os.fstat(fd).st_mode):  # replaced by a regular file since the stat: not ours to overwrite
            raise StepError(f"{path} changed while it was being written", "run the command again")
        data = text.encode("utf-8")
        while data:
            written = os.write(fd, data)
            data = data[written:]
    finally:
        os.close(fd)
