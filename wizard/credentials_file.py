"""The AWS shared credentials file after the wizard rotated the caller's own key.

The `credentials_file.update_profile` local action (bound in ``wizard.credentials.handlers``):
when the run's key came from a profile of the shared credentials file and that profile still holds
the key that was replaced, its ``aws_access_key_id``/``aws_secret_access_key`` become the new key's,
so the AWS CLI and SDKs on this computer keep working once the old key is deactivated. A 0600 backup
is written next to the file first; only that section changes (``steps.cli_config.merge`` checks it);
the answer carries the diff with secrets masked. Any other source (environment variables, a key
handed in, SSO, a credential process, the config file) is left alone, and the answer says plainly
what stops working.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping

from steps import cli_config
from steps.base import StepError


def credentials_path() -> Path:
    """Where botocore reads the shared credentials: ``AWS_SHARED_CREDENTIALS_FILE`` or ~/.aws/credentials."""
    explicit = os.environ.get("AWS_SHARED_CREDENTIALS_FILE")
    return Path(explicit).expanduser() if explicit else Path.home() / ".aws" / "credentials"


def _not_updated(why: str, old: str, new: str, kept: str) -> dict[str, Any]:
    return {"updated": False, "note": f"{why}: nothing was changed there, and tools on this computer that use "
            f"the old key {old} stop working when it is deactivated; give them the new key {new} ({kept})."}


def update_profile(source: Any, params: Mapping[str, Any], kept: str) -> dict[str, Any]:
    """Point ``source``'s profile at the new key when the credentials file holds the replaced one.

    ``source`` is the run's :class:`wizard.credentials.KeySource`; ``kept`` says where the new
    secret is (the keyring entry). Raises StepError only when the file could not be written.
    """
    from wizard.aws_config import _backup, _write  # the same backup and atomic replace as ~/.aws/config

    new, old = params["AccessKeyId"], params["ReplacesKeyId"]
    if source is None or source.kind != "profile":
        kind = {"env": "this run's key came from environment variables (AWS_ACCESS_KEY_ID)",
                "explicit": "this run's key was handed in (a customer profile or a test), not read from a file",
                }.get(getattr(source, "kind", ""), "this run's credentials did not come from a profile")
        return _not_updated(kind, old, new, kept)
    path = credentials_path()
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return _not_updated(f"the profile '{source.name}' is not in {path}", old, new, kept)
    except (OSError, UnicodeDecodeError) as error:
        return _not_updated(f"{path} could not be read ({error})", old, new, kept)
    # The file holds the key the run's source gave (after an earlier rotation that may be older than
    # ``old``, the key this run signed with from the keyring).
    section = cli_config.sections(text).get(source.name, {})
    if section.get("aws_access_key_id", "").strip() != source.access_key_id:
        return _not_updated(f"the profile '{source.name}' in {path} does not hold the old key", old, new, kept)
    updates = {source.name: {"aws_access_key_id": new, "aws_secret_access_key": params["SecretAccessKey"]}}
    try:
        merged = cli_config.merge(text, updates)
    except ValueError as error:
        return _not_updated(f"{path} could not be merged safely ({error})", old, new, kept)
    try:
        backup = _backup(path)
        _write(path, merged)
    except OSError as error:
        raise StepError(f"could not update {path}: {error.strerror}",
                        f"the new key {new} is verified and in the keyring; put it in the profile "
                        f"'{source.name}' by hand with `aws configure`") from None
    return {"updated": True, "path": str(path), "profile": source.name, "backup": str(backup),
            "diff": cli_config.diff(text, merged, str(path))}
