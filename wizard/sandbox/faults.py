"""Latency and fault injection, deterministic for a given seed, thread-safe."""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass

from .protocol import Response, error_response
from .requests import RequestInfo

FAULT_KINDS = ("throttle", "5xx", "denied")


@dataclass(frozen=True)
class FaultConfig:
    rate: float = 0.0
    kinds: tuple[str, ...] = ("throttle",)
    services: frozenset[str] | None = None  # service model names or signing names
    operations: frozenset[str] | None = None  # "ListUsers" or "iam:ListUsers"
    deny_actions: frozenset[str] = frozenset()
    # Fault only the first N attempts of a request (0: any attempt). With N below the client's
    # max_attempts, every request succeeds in the end: faults that retries must always survive.
    max_attempt: int = 0


def caller_arn(info: RequestInfo) -> str:
    return f"arn:aws:iam::{info.account_id}:user/sandbox-caller"


def denied(info: RequestInfo) -> Response:
    msg = (f"User: {caller_arn(info)} is not authorized to perform: {info.action or info.operation} "
           f"because no identity-based policy allows the {info.action or info.operation} action")
    if info.protocol == "ec2":
        return error_response(info, 403, "UnauthorizedOperation", f"You are not authorized to perform this operation. {msg}")
    if info.protocol in ("json", "rest-json"):
        return error_response(info, 403, "AccessDeniedException", msg)
    return error_response(info, 403, "AccessDenied", msg)


def throttled(info: RequestInfo) -> Response:
    if info.service == "s3":
        return error_response(info, 503, "SlowDown", "Please reduce your request rate.")
    if info.protocol == "ec2":
        return error_response(info, 503, "RequestLimitExceeded", "Request limit exceeded.")
    if info.protocol in ("json", "rest-json"):
        return error_response(info, 400, "ThrottlingException", "Rate exceeded")
    return error_response(info, 400, "Throttling", "Rate exceeded")


def server_error(info: RequestInfo, rng: random.Random) -> Response:
    if rng.random() < 0.5:
        return error_response(info, 500, "InternalError" if info.protocol != "json" else "InternalFailure",
                              "We encountered an internal error. Please try again.")
    return error_response(info, 503, "ServiceUnavailable", "Service is unavailable. Please try again.")


class Faults:
    def __init__(self, rate: float = 0.0, kinds=("throttle", "5xx", "denied"), seed: int = 0, latency_ms: int = 0):
        self._lock = threading.Lock()
        self._seed = seed
        self._rng = random.Random(seed)
        self.latency_ms = latency_ms
        self.config = FaultConfig(rate=rate, kinds=tuple(kinds))
        self.injected: list[tuple[str, str]] = []  # (action, kind), for tests and benchmarks

    def set(self, rate=0.0, kinds=("throttle",), services=None, operations=None, deny_actions=(), seed=None,
            max_attempt=0):
        bad = [k for k in kinds if k not in FAULT_KINDS]
        if bad:
            raise ValueError(f"unknown fault kind(s) {bad}; choose from {FAULT_KINDS}")
        if not 0.0 <= float(rate) <= 1.0:
            raise ValueError("fault rate must be between 0 and 1")
        with self._lock:
            self.config = FaultConfig(
                rate=float(rate), kinds=tuple(kinds),
                services=frozenset(services) if services else None,
                operations=frozenset(operations) if operations else None,
                deny_actions=frozenset(deny_actions or ()),
                max_attempt=int(max_attempt or 0),
            )
            if seed is not None:
                self._seed = seed
            self._rng = random.Random(self._seed)
            self.injected.clear()

    def set_latency(self, ms: int) -> None:
        if ms < 0:
            raise ValueError("latency must be >= 0 ms")
        self.latency_ms = int(ms)

    def _targets(self, cfg: FaultConfig, info: RequestInfo) -> bool:
        if cfg.services is not None and info.service not in cfg.services and info.signing_name not in cfg.services:
            return False
        if cfg.operations is not None and info.operation not in cfg.operations and info.action not in cfg.operations:
            return False
        return True

    def apply(self, info: RequestInfo, attempt: int = 1) -> Response | None:
        """Sleep the latency, then return an injected error response or None (``attempt``: the SDK's, 1-based)."""
        if self.latency_ms:
            time.sleep(self.latency_ms / 1000.0)
        cfg = self.config
        if info.action and info.action in cfg.deny_actions:
            with self._lock:
                self.injected.append((info.action, "denied"))
            return denied(info)
        if cfg.rate <= 0 or not cfg.kinds or not self._targets(cfg, info):
            return None
        if cfg.max_attempt and attempt > cfg.max_attempt:
            return None
        with self._lock:
            if self._rng.random() >= cfg.rate:
                return None
            kind = cfg.kinds[self._rng.randrange(len(cfg.kinds))]
            self.injected.append((info.action, kind))
            if kind == "throttle":
                return throttled(info)
            if kind == "5xx":
                return server_error(info, self._rng)
        return denied(info)
