"""Realism rules: IAM eventual consistency and the cached credential report.

IAM User Guide, "Changes that I make are not always immediately visible"
(https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency):
IAM is eventually consistent; a role, user, key or policy just created or changed may not yet be
usable by other services or for sign-in. The rules that refuse a just-changed role live with the
service that uses it (cloudtrail.py, ec2.py, config.py, sts.py); this module records the changes.
"""

from __future__ import annotations

import re

from ..protocol import GapError, Response
from .registry import ANY, after, rule

ROLE_WRITES = ("CreateRole", "UpdateAssumeRolePolicy", "PutRolePolicy", "AttachRolePolicy",
               "DeleteRolePolicy", "DetachRolePolicy")


def _ok(response: Response | None) -> bool:
    return response is not None and response.status == 200


def role_name(arn_or_name: str) -> str:
    """``arn:aws:iam::1:role/path/Name`` or ``Name`` -> ``Name``."""
    return (arn_or_name or "").rsplit("/", 1)[-1]


def role_is_fresh(call, arn_or_name: str) -> bool:
    return call.realism.state.fresh(call.info.account_id, "role", role_name(arn_or_name))


@after("iam", *ROLE_WRITES)
def remember_role_change(call, response):
    if _ok(response):
        call.realism.state.mark(call.info.account_id, "role", call.params.get("RoleName", ""))
    return response


@after("iam", "CreateServiceLinkedRole")
def remember_service_linked_role(call, response):
    return _mark_from_answer(call, response, "role", "RoleName")


@after("iam", "CreateAccessKey")
def remember_new_key(call, response):
    return _mark_from_answer(call, response, "access-key", "AccessKeyId")


def _mark_from_answer(call, response, kind: str, element: str):
    """Record the change of the thing an IAM answer names in ``<element>`` (a role name, a key id)."""
    if _ok(response):
        m = re.search(rf"<{element}>([^<]+)</{element}>", response.body.decode(errors="replace"))
        if m:
            call.realism.state.mark(call.info.account_id, kind, m.group(1))
    return response


@rule(*ANY)
def new_key_not_yet_valid(call):
    """A request signed with an access key created moments ago answers InvalidClientTokenId (same page)."""
    key = call.info.access_key
    if key and call.realism.state.fresh(call.info.account_id, "access-key", key):
        raise GapError("InvalidClientTokenId", "The security token included in the request is invalid.", 403)
    return None


# IAM API reference, GenerateCredentialReport: "If the report is less than four hours old, IAM
# returns the existing report" (the State is COMPLETE and nothing is regenerated). The report so
# does not show a change made since it was generated.
@rule("iam", "GenerateCredentialReport")
def reuse_recent_report(call):
    cached = _cached_report(call)
    if cached is None:
        # An expired report is not returned again: AWS starts a new one ("STARTED", as when none
        # exists), where moto would answer COMPLETE for as long as it has ever made one.
        state = call.realism.state
        with state.lock:
            expired = state.cache.pop((call.info.account_id, "credential-report"), None) is not None
        if expired:
            forget_credential_report(call.info.account_id)
        return None
    from ..protocol import query_response

    return query_response(call.info, "<State>COMPLETE</State>", "https://iam.amazonaws.com/doc/2010-05-08/")


@rule("iam", "GetCredentialReport")
def serve_cached_report(call):
    cached = _cached_report(call)
    return Response(200, cached[1], [("Content-Type", "text/xml")]) if cached is not None else None


@after("iam", "GetCredentialReport")
def cache_report(call, response):
    if not _ok(response):
        return response
    body = response.body  # its GeneratedTime is when the gap layer built it (gaps/iam_root.py)
    state = call.realism.state
    with state.lock:
        state.cache[(call.info.account_id, "credential-report")] = (state.clock(), body)
    return response


def forget_credential_report(account_id: str) -> None:
    """moto's "a report exists" flag cleared: its next GenerateCredentialReport answers STARTED."""
    from moto.iam.models import iam_backends

    iam_backends[account_id]["global"].credential_report = None


def _cached_report(call) -> tuple[float, bytes] | None:
    state = call.realism.state
    with state.lock:
        cached = state.cache.get((call.info.account_id, "credential-report"))
    if cached is None or state.clock() - cached[0] >= state.settings.report_reuse_s:
        return None
    return cached
