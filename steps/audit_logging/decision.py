"""What the plan does, decided once from the state and the answers (plan_decision.decide); every phase
reads it. The record alone, so the phase modules can name it without importing what decides it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from steps.base import Status
from steps.trail_rules import MetricFilterRule


@dataclass(frozen=True)
class Decision:
    account_id: str
    home: str
    buckets: frozenset[str]
    trail: Mapping[str, Any] | None  # the primary trail (see trail.primary_trail)
    own_trail: bool  # that trail is this account's, so the fix may change it
    create_trail: bool  # no usable trail of our own: the fix creates TRAIL_NAME
    trail_region: str  # where the trail the fix works on lives
    trail_arn: str
    trail_name: str
    kms_needed: bool  # the trail (new or reused) needs a KMS key
    logs_bucket: str
    config_regions: Mapping[str, Any]  # {region: config state} where Config needs fixing
    rules: tuple[tuple[MetricFilterRule, Status, str, dict[str, Any]], ...]  # each CIS alarm rule's status
    alarms_needed: bool  # some alarm rule FAILs
    logs_route: bool  # the trail must start sending its events to CloudWatch Logs
    s3_data: str | None  # the S3 data events the wizard's trail must add: "All", "WriteOnly", "ReadOnly"
    alarm_email: str | None  # None when the answer is missing or invalid
    answer_errors: Mapping[str, str]

    @property
    def config_needs_channel(self) -> bool:
        return any(not c["channels"] for c in self.config_regions.values())
