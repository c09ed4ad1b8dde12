"""IAM enforcement in the sandbox: requests signed by an IAM user's key get only what its policies allow.

Why not moto's own enforcement (``INITIAL_NO_AUTH_ACTION_COUNT``): it is a process-wide setting,
it then rejects every key that is not an IAM user's (the sandbox's base ``testing`` credentials,
which seed the scenarios), and it never sees the operations the gap layer answers itself. This
small evaluator runs in the gap layer instead, on the action ``identify()`` gives each request:

- switchable per sandbox (``sb.set_iam_enforcement(True)``), off by default;
- only requests signed with an IAM user's access key are judged; the base credentials and
  assumed-role sessions keep full access;
- the user's inline and attached policies and those of its groups are evaluated: an explicit
  Deny wins, then an Allow, else the request is denied (as AWS does);
- ``Action``/``NotAction`` with ``*`` and ``?`` wildcards, case-insensitive; an Allow counts only
  with ``Resource: "*"`` and no ``Condition`` (the wizard's generated policy is of that form);
  a Deny with a Resource other than "*" or a Condition is not evaluated (ignored);
- ``sts:GetCallerIdentity`` is always allowed, as in AWS.

Every denial is recorded in ``denials`` as (user name, action), for tests.
"""

from __future__ import annotations

import fnmatch
import json
import threading
from typing import Any, Iterable
from urllib.parse import unquote

from .protocol import Response, error_response
from .requests import RequestInfo

ALWAYS_ALLOWED = frozenset({"sts:getcalleridentity"})


class IamEnforcement:
    def __init__(self) -> None:
        self.enabled = False
        self._lock = threading.Lock()
        self.denials: list[tuple[str, str]] = []
        self.judged = 0  # requests from IAM users that were evaluated

    def set(self, enabled: bool) -> None:
        with self._lock:
            self.enabled = bool(enabled)
            self.denials.clear()
            self.judged = 0

    def check(self, info: RequestInfo) -> Response | None:
        """None when the request may go on; an AccessDenied response in the protocol's shape otherwise."""
        if not self.enabled or not info.access_key:
            return None
        user = _user_for_key(info.account_id, info.access_key)
        if user is None:
            return None  # not an IAM user's key: the base credentials or a role session
        with self._lock:
            self.judged += 1
        action = info.action
        if not action or action.lower() in ALWAYS_ALLOWED:
            return None
        if decide(action, _documents(info.account_id, user)):
            return None
        with self._lock:
            self.denials.append((user.name, action))
        return _denied(info, user.arn, action)


def decide(action: str, documents: Iterable[Any]) -> bool:
    """Whether ``action`` is allowed by the policy ``documents`` (explicit Deny > Allow > implicit deny)."""
    allowed = False
    for document in documents:
        for statement in _statements(document):
            if not _matches_action(action, statement):
                continue
            effect = statement.get("Effect")
            plain = _all_resources(statement) and "Condition" not in statement
            if effect == "Deny" and plain:
                return False
            if effect == "Allow" and plain:
                allowed = True
    return allowed


def _statements(document: Any) -> list[dict]:
    if isinstance(document, str):
        try:
            document = json.loads(unquote(document) if document.startswith("%7B") else document)
        except ValueError:
            return []
    if not isinstance(document, dict):
        return []
    statements = document.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    return [s for s in statements if isinstance(s, dict)]


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def _matches_action(action: str, statement: dict) -> bool:
    action = action.lower()
    if "Action" in statement:
        return any(fnmatch.fnmatchcase(action, p.lower()) for p in _as_list(statement["Action"]))
    if "NotAction" in statement:
        return not any(fnmatch.fnmatchcase(action, p.lower()) for p in _as_list(statement["NotAction"]))
    return False


def _all_resources(statement: dict) -> bool:
    return "Resource" in statement and "*" in _as_list(statement["Resource"])


def _backend(account_id: str) -> Any:
    from moto.iam.models import iam_backends

    return iam_backends[account_id]["global"]


def _user_for_key(account_id: str, access_key: str) -> Any:
    try:
        backend = _backend(account_id)
    except Exception:  # noqa: BLE001 - no IAM state for this account yet
        return None
    for user in list(backend.users.values()):
        if any(key.access_key_id == access_key for key in list(user.access_keys)):
            return user
    return None


def _managed_document(policy: Any) -> Any:
    for version in policy.versions:
        if version.version_id == policy.default_version_id:
            return version.document
    return None


def _documents(account_id: str, user: Any) -> list[Any]:
    documents: list[Any] = list(user.policies.values())
    documents += [_managed_document(p) for p in user.managed_policies.values()]
    try:
        groups = _backend(account_id).get_groups_for_user(user.name)
    except Exception:  # noqa: BLE001
        groups = []
    for group in groups:
        documents += list(group.policies.values())
        documents += [_managed_document(p) for p in group.managed_policies.values()]
    return [d for d in documents if d]


def _denied(info: RequestInfo, arn: str, action: str) -> Response:
    message = (f"User: {arn} is not authorized to perform: {action} "
               f"because no identity-based policy allows the {action} action")
    if info.protocol == "ec2":
        return error_response(info, 403, "UnauthorizedOperation",
                              f"You are not authorized to perform this operation. {message}")
    if info.protocol in ("json", "rest-json"):
        return error_response(info, 403, "AccessDeniedException", message)
    return error_response(info, 403, "AccessDenied", message)
