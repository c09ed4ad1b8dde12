"""Realism: AWS's documented hard edges (eventual consistency, caches, background work, partial failure).

Off unless the sandbox is started realistic (``Sandbox(realism=Realism(...))``, ``aws-essentials
sandbox --realistic``). One module per service; each rule is small and names the AWS page it
follows. A ``rule`` sees a request before the gap handlers and moto and returns a Response (an AWS
error or answer) or None to let it go on; an ``after`` rule sees the answer and returns the answer
to send. Delays AWS measures in seconds to minutes are compressed to ``Realism.delay_s``.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

from .registry import AFTER, ANY, RULES, after, rule  # noqa: F401  (rule modules import .registry)


@dataclass(frozen=True)
class Realism:
    """Settings of a realistic sandbox."""

    delay_s: float = 3.0  # every compressed AWS delay (IAM propagation, pending states), in seconds
    # GenerateCredentialReport reuses a report younger than this (AWS: four hours, not compressed:
    # the point is that the report does not show a change made since).
    report_reuse_s: float = 4 * 3600.0


class RealismState:
    """What the rules remember (when a role, key or policy changed, cached reports), reset with the scenario."""

    def __init__(self, settings: Realism, clock: Callable[[], float] = time.monotonic):
        self.settings = settings
        self.clock = clock
        self.lock = threading.RLock()
        self.marks: dict[tuple[str, str, str], float] = {}  # (account, kind, name) -> when it changed
        self.cache: dict[tuple[str, str], Any] = {}  # (account, what) -> value (e.g. the credential report)

    def reset(self) -> None:
        with self.lock:
            self.marks.clear()
            self.cache.clear()

    def mark(self, account: str, kind: str, name: str) -> None:
        if name:
            with self.lock:
                self.marks[(account, kind, name)] = self.clock()

    def age(self, account: str, kind: str, name: str) -> float | None:
        with self.lock:
            when = self.marks.get((account, kind, name))
        return None if when is None else self.clock() - when

    def fresh(self, account: str, kind: str, name: str, delay: float | None = None) -> bool:
        """Changed less than ``delay`` (default ``delay_s``) ago: AWS has not caught up with it yet."""
        age = self.age(account, kind, name)
        return age is not None and age < (self.settings.delay_s if delay is None else delay)


class RealismLayer:
    """Runs the rules for one sandbox; ``state`` is what they remember."""

    def __init__(self, settings: Realism):
        from . import (  # noqa: F401  (registration by import; one service a line, append yours)
            account,
            cloudtrail,
            config,
            ec2,
            iam,
            identitystore,
            macie,
            organizations,
            s3_kms,
            securityhub,
            sso,
            sts,
            sts_root,
        )

        self.settings = settings
        self.state = RealismState(settings)

    def reset(self) -> None:
        self.state.reset()

    def before(self, call: Any) -> Any:
        key = (call.info.service, call.info.operation)
        for fn in RULES.get(ANY, []) + RULES.get(key, []):
            answer = fn(call)
            if answer is not None:
                return answer
        return None

    def wants_after(self, service: str, operation: str) -> bool:
        return (service, operation) in AFTER

    def after(self, call: Any, response: Any) -> Any:
        for fn in AFTER.get((call.info.service, call.info.operation), []):
            response = fn(call, response)
        return response
