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
- ``Action``/``NotAction`` with ``*`` and ``?`` wildcards, case-insensitive;
- besides the request's own action, what AWS authorizes with it (iam_context.py: passing a role,
  a service-linked role, ...), each with its resource ARN and condition keys;
- ``Resource`` patterns (``*`` and ``?``, case-sensitive) count where the sandbox knows the request's
  resource; elsewhere only ``Resource: "*"`` does. ``Condition`` with ``StringEquals`` and
  ``StringLike`` on the keys iam_context.py gives; any other operator or key makes an Allow count
  for nothing, and a Deny not evaluated (ignored);
- ``sts:GetCallerIdentity`` is always allowed, as in AWS.

Every denial is recorded in ``denials`` as (user name, action), for tests.
"""

from __future__ import annotations

import fnmatch
import json
import re
import threading
from typing import Any, Iterable
from urllib.parse import unquote

from .iam_context import needs
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
        if not info.action or info.action.lower() in ALWAYS_ALLOWED:
            return None
        documents = _documents(info.account_id, user)
        for action, resource, context in needs(info):
            if not decide(action, documents, resource, context):
                with self._lock:
                    self.denials.append((user.name, action))
                return _denied(info, user.arn, action)
        return None


def decide(action: str, documents: Iterable[Any], resource: str | None = None,
           context: dict[str, str] | None = None) -> bool:
    """Whether ``action`` on ``resource`` (None: not known) with the condition keys ``context`` is
    allowed by the policy ``documents`` (explicit Deny > Allow > implicit deny)."""
    allowed = False
    for document in documents:
        for statement in _statements(document):
            if not _matches_action(action, statement):
                continue
            applies = _matches_resource(resource, statement) and _conditions_hold(statement, context or {})
            if statement.get("Effect") == "Deny" and applies:
                return False
            if statement.get("Effect") == "Allow" and applies:
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


def _matches_resource(resource: str | None, statement: dict) -> bool:
    patterns = _as_list(statement.get("Resource"))
    if "*" in patterns:
        return True
    return resource is not None and any(_arn_pattern(p).fullmatch(resource) for p in patterns)


def _arn_pattern(pattern: str) -> re.Pattern:
    """IAM's ARN wildcards: ``*`` any run of characters, ``?`` one; nothing else is special."""
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern))


_OPERATORS = {
    "StringEquals": lambda value, wanted: value == wanted,
    "StringLike": lambda value, wanted: _arn_pattern(wanted).fullmatch(value) is not None,
    # IAM user guide, "ARN condition operators": ArnEquals and ArnLike both take the ARN wildcards
    "ArnEquals": lambda value, wanted: _arn_pattern(wanted).fullmatch(value) is not None,
    "ArnLike": lambda value, wanted: _arn_pattern(wanted).fullmatch(value) is not None,
}


def _conditions_hold(statement: dict, context: dict[str, str]) -> bool:
    """Every condition of the statement holds for ``context``; an operator or key this evaluator does
    not know never holds (an Allow then grants nothing, a Deny is not applied)."""
    conditions = statement.get("Condition", {})
    if not isinstance(conditions, dict):
        return False
    for operator, keys in conditions.items():
        test = _OPERATORS.get(operator)
        if test is None or not isinstance(keys, dict):
            return False
        for key, wanted in keys.items():
            value = next((v for k, v in context.items() if k.lower() == key.lower()), None)
            if value is None or not any(test(value, w) for w in _as_list(wanted)):
                return False
    return True


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
