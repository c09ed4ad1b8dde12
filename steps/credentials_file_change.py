"""The keys step's change that points the caller's credentials-file profile at its rotated key.

Kept out of ``steps/keys.py`` (already long); the write itself is the local action
``credentials_file.update_profile`` in ``wizard/credentials_file.py``.
"""

from __future__ import annotations

from typing import Any

from steps.base import PREPARATION, Call, Change


def update_credentials_file(old_key_id: str, new_key_id: Any, new_secret: Any) -> Change:
    """After the new key is verified, before the old one is deactivated: update the profile it came from."""
    return Change(
        reason=f"Update the AWS credentials file profile this wizard signed in with (if it holds {old_key_id}) "
               "to the new key, so the AWS CLI and SDKs on this computer keep working; a backup is kept next "
               "to it and the masked diff is journalled. Environment variables and other sources are not "
               "changed: tools on this computer using the old key stop working.",
        call=Call("local", "credentials_file.update_profile",
                  {"AccessKeyId": new_key_id, "ReplacesKeyId": old_key_id, "SecretAccessKey": new_secret}),
        secret_params=("SecretAccessKey",), before=f"aws_access_key_id = {old_key_id}",
        after="aws_access_key_id = the new key",
        undo_note="Restore the backup written next to the file (its path is in the journal).",
        fixes=PREPARATION)  # keeps this computer's tools working; the rotation's other changes fix the check
