"""Changes that are not AWS calls (``Call("local", name, params)``): keyring storage, config files.

Steps plan them like any other change, so they are previewed, confirmed and journalled; the
handlers live here because ``steps/`` must not touch the keyring or the user's files.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

Handler = Callable[[Mapping[str, Any], Mapping[str, Any]], Any]


def local_actions(aws: Any) -> dict[str, Handler]:
    """The handlers for one run, bound to its AWS access (name -> handler(params, earlier responses))."""
    from wizard import credentials

    handlers: dict[str, Handler] = {}
    handlers.update(credentials.handlers(aws))  # keyring.*, sts.verify_key, credentials_file.* (keys)
    from wizard import aws_config

    handlers.update(aws_config.handlers(aws))  # aws_config.write_sso_profile (sso step)
    return handlers
