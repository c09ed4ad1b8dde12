"""Writes that survive AWS's hard edges: propagation errors retried, background work waited for.

A change declares the error codes AWS answers while IAM (or a bucket or key policy) propagates,
``Change(retry_on=("InvalidCloudWatchLogsLogGroupArnException",))``; an entry ``"Code: fragment"``
retries only when the message contains the fragment. :class:`SurvivingWriter` stands in for the AWS
object during one apply: it retries those errors with backoff for up to ``RETRY_BUDGET_S`` (AWS:
IAM changes usually reach every service "within a few seconds", sometimes minutes; see the IAM User
Guide, troubleshoot_general.html#troubleshoot_general_eventual-consistency), saying so on ``on_wait``.
It also turns a partial failure inside a 200 into a failed change, and ``settle`` waits (bounded
by ``SETTLE_BUDGET_S``, all at once after the apply) until AWS reports background work done.
"""

from __future__ import annotations

import time
from typing import Any, Callable, Iterable, Mapping

from steps.base import Call, Change, StepError, one_line

RETRY_BUDGET_S = 120.0
SETTLE_BUDGET_S = 120.0
FIRST_WAIT_S = 1.0
MAX_WAIT_S = 20.0
# How the apply waits and tells time; tests swap in the realistic sandbox's clock so that time
# passes only while the apply waits (deterministic, no real sleeping).
SLEEP: Callable[[float], None] = time.sleep
CLOCK: Callable[[], float] = time.monotonic


class ChangeFailed(StepError):
    """Background work AWS reports as failed: the change is a failed change, not a pending one."""


class WriteFailed(StepError):
    """A write AWS refused; ``code`` is AWS's error code ('' when there is none)."""

    def __init__(self, title: str, hint: str = "", code: str = "") -> None:
        super().__init__(title, hint)
        self.code = code


def retry_codes(changes: Iterable[Change]) -> dict[tuple[str, str], tuple[str, ...]]:
    """``{(service, operation): retry_on}`` over a plan's changes."""
    table: dict[tuple[str, str], tuple[str, ...]] = {}
    for change in changes:
        if change.call is not None and change.retry_on:
            key = (change.call.service, change.call.operation)
            table[key] = tuple(dict.fromkeys(table.get(key, ()) + tuple(change.retry_on)))
    return table


def matches(error: WriteFailed, entries: Iterable[str]) -> bool:
    for entry in entries:
        code, _, fragment = entry.partition(":")
        if error.code == code.strip() and fragment.strip().lower() in str(error).lower():
            return True
    return False


def backoff(first: float = FIRST_WAIT_S, most: float = MAX_WAIT_S) -> Iterable[float]:
    wait = first
    while True:
        yield wait
        wait = min(wait * 2, most)


class SurvivingWriter:
    """The AWS object for one apply, with the plan's retries, partial-failure checks and settle waits."""

    def __init__(self, aws: Any, changes: Iterable[Change], on_wait: Callable[[str], None] | None = None,
                 sleep: Callable[[float], None] | None = None, clock: Callable[[], float] | None = None,
                 stop: Any = None):
        self._aws = aws
        # A person who stops the apply is not kept waiting on AWS: no retry, no settle wait after it.
        self._stop = stop
        self._retry = retry_codes(changes)
        # a line carries AWS's error code: data, shown as one plain line
        self._on_wait = (lambda line: on_wait(one_line(line))) if on_wait else (lambda line: None)
        self._sleep = sleep or self._default_sleep
        self._clock = clock or (lambda: CLOCK())
        self._unsettled: list[tuple[Call, Callable[[Any, Call], str]]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._aws, name)

    def _stopped(self) -> bool:
        return self._stop is not None and self._stop.is_set()

    def _default_sleep(self, seconds: float) -> None:
        wait = getattr(self._stop, "wait", None)
        if wait is not None and SLEEP is time.sleep:
            wait(seconds)  # a stop wakes the wait at once
        else:
            SLEEP(seconds)

    def write(self, call: Call) -> Any:
        response = self._write_retrying(call)
        problem = PARTIAL_FAILURES.get((call.service, call.operation))
        if problem is not None:
            reason = problem(response)
            if reason:
                raise StepError(f"{call.name} failed: {reason}", "see the message; nothing after this change was sent")
        settle = SETTLES.get((call.service, call.operation))
        if settle is not None:
            self._unsettled.append((call, settle))
        outcome = OUTCOMES.get((call.service, call.operation))
        if outcome is not None:
            self._wait_for_outcome(call, lambda: outcome(self._aws, call, response))
        return response

    def _wait_for_outcome(self, call: Call, check: Callable[[], str]) -> None:
        """Wait (at most ``SETTLE_BUDGET_S``) for work whose result decides this change, before the next
        one runs: ``check`` returns what is pending ('' when done) or raises ChangeFailed."""
        start = self._clock()
        for wait in backoff():
            try:
                pending = check()
            except ChangeFailed:
                raise
            except Exception:  # noqa: BLE001 - the change was made; the re-check reads it again
                return
            if not pending:
                return
            if self._stopped() or self._clock() - start + wait > SETTLE_BUDGET_S:
                self._on_wait(f"AWS is still applying: {pending}; the re-check shows it as pending")
                return
            self._on_wait(f"waiting for AWS to apply: {pending}")
            self._sleep(wait)

    def _write_retrying(self, call: Call) -> Any:
        entries = self._retry.get((call.service, call.operation), ())
        start = self._clock()
        waits = backoff()
        while True:
            try:
                return self._aws.write(call)
            except WriteFailed as error:
                wait = next(waits)
                if not matches(error, entries) or self._clock() - start + wait > RETRY_BUDGET_S:
                    raise
                if self._stopped():
                    raise StepError(f"{call.name} was not sent again: the apply was stopped while IAM was "
                                    f"still propagating ({error.code})", "apply again later") from error
                self._on_wait(f"waiting for IAM to propagate ({error.code}); {call.name} again in {wait:g} s")
                self._sleep(wait)

    def settle(self) -> list[str]:
        """Wait (at most ``SETTLE_BUDGET_S``) until AWS has applied the background work of this apply's
        changes, so the re-check sees it done; return what is still pending."""
        start = self._clock()
        for wait in backoff():
            pending = []
            for call, check in self._unsettled:
                try:
                    what = check(self._aws, call)
                except Exception:  # noqa: BLE001 - the change was made; the re-check reads it again
                    what = ""
                if what:
                    pending.append((call, what))
            self._unsettled = [call_check for call_check in self._unsettled
                               if any(call_check[0] is call for call, _ in pending)]
            if not pending:
                return []
            if self._stopped() or self._clock() - start + wait > SETTLE_BUDGET_S:
                for _, what in pending:
                    self._on_wait(f"AWS is still applying: {what}; the re-check shows it as pending")
                return [what for _, what in pending]
            shown = [what for _, what in pending[:3]] + ([f"{len(pending) - 3} more"] if len(pending) > 3 else [])
            self._on_wait("waiting for AWS to apply: " + "; ".join(shown))
            self._sleep(wait)
        return []


# --- partial failures inside a 200 ------------------------------------------------------------------

def _flow_log_failures(response: Mapping[str, Any]) -> str:
    # EC2 API reference, CreateFlowLogs: "Unsuccessful: Information about the flow logs that could
    # not be created successfully" - the request succeeds while a flow log was not created.
    bad = response.get("Unsuccessful") or []
    return "; ".join(f"{item.get('ResourceId', '?')}: {(item.get('Error') or {}).get('Message', 'not created')}"
                     for item in bad)


PARTIAL_FAILURES: dict[tuple[str, str], Callable[[Mapping[str, Any]], str]] = {
    ("ec2", "CreateFlowLogs"): _flow_log_failures,
}


# --- background work: what is still pending after the call ('' when done) ----------------------------

def _image_block_pending(aws: Any, call: Call) -> str:
    # EC2 API reference, EnableImageBlockPublicAccess: up to 10 minutes, reading `unblocked` meanwhile.
    aws.forget()
    state = aws.read("ec2", "GetImageBlockPublicAccessState", call.region)
    if state.get("ImageBlockPublicAccessState") == call.params.get("ImageBlockPublicAccessState"):
        return ""
    return f"block public access for AMIs in {call.region}"


def _region_pending(aws: Any, call: Call) -> str:
    # Account API reference, ListRegions: DISABLING while an opt-out runs (the read the regions step
    # already makes, so the policy it asks for covers it).
    aws.forget()
    target = {"AccountId": call.params["AccountId"]} if call.params.get("AccountId") else {}
    regions = aws.read("account", "ListRegions", paginate=True, **target).get("Regions", [])
    status = next((r.get("RegionOptStatus") for r in regions if r.get("RegionName") == call.params["RegionName"]), None)
    return f"disabling {call.params['RegionName']} ({status})" if status in ("DISABLING", "ENABLING") else ""


def _standards_pending(aws: Any, call: Call) -> str:
    # Security Hub API reference, StandardsSubscription.StandardsStatus: PENDING while being enabled.
    aws.forget()
    wanted = {r.get("StandardsArn") for r in call.params.get("StandardsSubscriptionRequests", [])}
    subs = aws.read("securityhub", "GetEnabledStandards", call.region).get("StandardsSubscriptions", [])
    pending = [s["StandardsArn"] for s in subs if s.get("StandardsArn") in wanted and s.get("StandardsStatus") == "PENDING"]
    return "Security Hub standard " + ", ".join(a.rsplit("/", 3)[-3] for a in pending) if pending else ""


SETTLES: dict[tuple[str, str], Callable[[Any, Call], str]] = {
    ("ec2", "EnableImageBlockPublicAccess"): _image_block_pending,
    ("account", "DisableRegion"): _region_pending,
    ("securityhub", "BatchEnableStandards"): _standards_pending,
}


# --- work whose result decides the change, read through the request id the call answered -------------

def _assignment_outcome(aws: Any, call: Call, response: Mapping[str, Any]) -> str:
    # sso-admin API reference, CreateAccountAssignment / DescribeAccountAssignmentCreationStatus: the
    # request answers IN_PROGRESS; its RequestId is read until SUCCEEDED, or FAILED with a FailureReason.
    status = response.get("AccountAssignmentCreationStatus") or {}
    request_id = status.get("RequestId")
    if not request_id or status.get("Status") == "SUCCEEDED":
        return ""
    aws.forget()
    status = aws.read("sso-admin", "DescribeAccountAssignmentCreationStatus", call.region,
                      InstanceArn=call.params["InstanceArn"],
                      AccountAssignmentCreationRequestId=request_id)["AccountAssignmentCreationStatus"]
    if status.get("Status") == "FAILED":
        raise ChangeFailed(f"{call.name} failed: AWS could not give the access "
                           f"({status.get('FailureReason') or 'no reason given'})",
                           "fix the cause in IAM Identity Center, then apply again; the earlier changes are kept")
    return "" if status.get("Status") == "SUCCEEDED" else f"the account assignment ({status.get('Status')})"


def _policy_type_outcome(aws: Any, call: Call, response: Mapping[str, Any]) -> str:
    # Organizations API reference, EnablePolicyType: done "in the background"; the root's policy type
    # reads PENDING_ENABLE until ENABLED, and AttachPolicy (the plan's next change) is refused until then.
    aws.forget()
    roots = aws.read("organizations", "ListRoots").get("Roots", [])
    wanted = call.params.get("PolicyType")
    status = next((t.get("Status") for r in roots if r.get("Id") == call.params.get("RootId")
                   for t in r.get("PolicyTypes", []) if t.get("Type") == wanted), "")
    return f"enabling {wanted} ({status})" if status == "PENDING_ENABLE" else ""


OUTCOMES: dict[tuple[str, str], Callable[[Any, Call, Mapping[str, Any]], str]] = {
    ("sso-admin", "CreateAccountAssignment"): _assignment_outcome,
    ("organizations", "EnablePolicyType"): _policy_type_outcome,
}
