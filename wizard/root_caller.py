"""Root credentials cannot assume roles: AWS refuses ``sts:AssumeRole`` called with the root user's
credentials ("Roles may not be assumed by root accounts"; IAM User Guide, "Switch to an IAM role
(AWS API)": you must use IAM user or role credentials to call AssumeRole). ``--org`` and
``--role-arn`` say so in one line instead of failing in every member account."""

from __future__ import annotations

from typing import Any

from steps.base import StepError
from steps.root import is_root_arn

ROOT_CANNOT_ASSUME = "root credentials cannot assume roles, so {what} cannot run with them"
HINT = ("run as an IAM user or an Identity Center user of this account (e.g. `aws configure sso`, then "
        "--profile <that profile>); AWS refuses sts:AssumeRole for the root user")


def refuse_root(caller_arn: Any, what: str) -> None:
    """Raise the one-line StepError when ``caller_arn`` is the root user's."""
    if is_root_arn(caller_arn):
        raise StepError(ROOT_CANNOT_ASSUME.format(what=what), HINT)


def refuse_root_client(sts: Any, what: str) -> None:
    """Like :func:`refuse_root`, asking ``sts`` who the caller is (after an AssumeRole was refused)."""
    try:
        arn = sts.get_caller_identity().get("Arn")
    except Exception:  # noqa: BLE001 - the caller's own error is reported instead
        return
    refuse_root(arn, what)
