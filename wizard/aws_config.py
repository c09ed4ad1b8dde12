"""Writing the AWS CLI's config file: the `aws_config.write_sso_profile` local action.

The `sso` step plans the change from the file it read (digest, masked text) and shows the exact
diff. This handler re-reads the file, refuses if it changed since (the digest differs, or the diff
it would apply is not the one the user confirmed), saves a backup next to it, and replaces the file
atomically, keeping its mode (0600 for a new file). Only the planned sections change: the merge is
textual (``steps.cli_config.merge``) and checked with ``configparser``.
"""

from __future__ import annotations

import datetime
import os
import shutil
from pathlib import Path
from typing import Any, Mapping

from steps import cli_config
from steps.base import StepError
from wizard.paths import private_dir, replace_file


def write_sso_profile(params: Mapping[str, Any], _results: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Merge ``params["updates"]`` (section -> keys) into the config file at ``params["path"]``."""
    path = Path(params["path"])
    try:
        text: str | None = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        text = None
    except (OSError, UnicodeDecodeError) as error:
        raise StepError(f"could not read {path}", str(error)) from None
    if cli_config.digest(text) != params["expected_sha256"]:
        raise StepError(f"{path} changed after the plan was made; nothing was written",
                        "re-check the step to see the new diff, then apply again")
    try:
        merged = cli_config.merge(text or "", params["updates"])
    except ValueError as error:
        raise StepError(str(error), "add the profile by hand with `aws configure sso`") from None
    if cli_config.diff(text or "", merged, str(path)) != params["diff"]:
        raise StepError(f"the change to {path} differs from the one shown; nothing was written",
                        "re-check the step and confirm the new diff")
    backup = _backup(path) if text is not None else None
    _write(path, merged)
    return {"path": str(path), "backup": str(backup) if backup else None, "sha256": cli_config.digest(merged)}


def _backup(path: Path) -> Path:
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    backup = path.with_name(f"{path.name}.aws-essentials-{stamp}.bak")
    n = 1
    while backup.exists():
        n += 1
        backup = path.with_name(f"{path.name}.aws-essentials-{stamp}-{n}.bak")
    fd = os.open(backup, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out, open(path, "rb") as src:
        shutil.copyfileobj(src, out)
        out.flush()
        os.fsync(out.fileno())
    return backup


def _write(path: Path, text: str) -> None:
    """Replace ``path`` atomically; keep an existing file's mode, 0600 for a new one.

    A symlinked config (a dotfiles checkout) is the user's own: the file it points to is replaced,
    as it was read. The temporary file is made by :func:`wizard.paths.replace_file` (O_EXCL, fchmod first).
    """
    real = Path(os.path.realpath(path))
    private_dir(real.parent)
    mode = (real.stat().st_mode & 0o777) if real.exists() else 0o600
    replace_file(real, text.encode("utf-8"), mode)


def handlers(_aws: Any = None) -> dict[str, Any]:
    return {"aws_config.write_sso_profile": write_sso_profile}
