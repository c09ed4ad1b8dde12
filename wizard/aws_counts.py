"""What a run sent, counted: API calls, HTTP requests, and each read's exact parameters.

A mixin of :class:`wizard.aws.AWS`. The benchmarks and the call-budget tests read these counters;
``repeated_reads`` is how "0 duplicate reads" is measured. botocore's ``before-call`` and
``before-send`` events call ``_count_call`` and ``_count_request`` (registered on the session in
wizard/aws.py, on a shared member session in wizard/aws_members.py); reads made for this object in
a read server process (wizard/read_offload.py) are added with :meth:`add_counts`.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from typing import Any, Mapping

# A write's operation name starts with one of these; a write sent twice is not a repeated read.
_WRITES = ("Put", "Create", "Delete", "Update", "Enable", "Disable", "Attach", "Detach", "Start", "Stop",
           "Modify", "Revoke", "Authorize", "Add", "Remove", "Tag", "Untag", "Batch", "Associate", "Assume")


class CallCounts:
    _lock: Any  # the AWS object's lock for counters and the read cache

    def _start_counting(self) -> None:
        self.calls: Counter[tuple[str, str]] = Counter()  # (service, operation) -> API calls made
        self.requests = 0  # HTTP requests, retries included
        # Every API call sent, with its exact parameters: (service, operation, region, params json).
        self.call_log: Counter[tuple[str, str, str, str]] = Counter()
        self.read_log: list[tuple[str, str, str, str]] = []  # (service, op, region, params) per cached read
        self.polls: Counter[tuple[str, str]] = Counter()  # repeats of a read waiting for a state (until=)
        self._polling = threading.local()

    def _count_call(self, model: Any, params: Any = None, context: Any = None, **_: Any) -> None:
        service = model.service_model.service_name
        region = (context or {}).get("client_region") or ""
        # The call's own parameters (the serialized request may leave some in the host name).
        sent = (context or {}).get("aws_essentials_params")
        if sent is None:
            sent = json.dumps((params or {}).get("body", {}), sort_keys=True, default=str)
        key = (service, model.name, region, sent)
        with self._lock:
            self.calls[(service, model.name)] += 1
            if getattr(self._polling, "active", False):
                self.polls[(service, model.name)] += 1
            else:
                self.call_log[key] += 1

    def _count_request(self, **_: Any) -> None:
        with self._lock:
            self.requests += 1

    def add_counts(self, calls: Mapping[tuple[str, str], int], requests: int,
                   call_log: Mapping[tuple[str, str, str, str], int]) -> None:
        """Count calls made for this object elsewhere (a read server process) as this object's own."""
        with self._lock:
            self.calls.update(calls)
            self.requests += requests
            self.call_log.update(call_log)

    def repeated_reads(self) -> dict[tuple[str, str, str, str], int]:
        """Reads sent more than once with identical parameters in this run (should be none)."""
        return {k: n for k, n in self.call_log.items() if n > 1 and not k[1].startswith(_WRITES)}
