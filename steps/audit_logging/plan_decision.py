"""Deciding what the plan does, once, from the state and the answers (the Decision record)."""

from __future__ import annotations

from typing import Any, Mapping

from steps.audit_logging import data_events
from steps.audit_logging.alarms import rule_status
from steps.audit_logging.config_recorder import regions_to_fix
from steps.audit_logging.decision import Decision
from steps.audit_logging.info import INFO
from steps.audit_logging.names import TRAIL_NAME, logs_bucket_name, own, trail_arn
from steps.audit_logging.trail import primary_trail, trail_problems
from steps.base import Status, check_answers
from steps.trail_rules import METRIC_FILTER_RULES


def decide(state: Mapping[str, Any], answers: Mapping[str, str]) -> Decision:
    """Call only when the trails and buckets were read."""
    account_id, home = state["account_id"], state["home_region"]
    trail = primary_trail(state)
    trail_ok = trail is not None and trail_problems(trail) == []
    own_trail = trail is not None and own(trail, account_id)
    create_trail = not trail_ok and not own_trail
    rules = tuple((rule, *rule_status(state, rule)) for rule in METRIC_FILTER_RULES)
    alarms_needed = any(status is Status.FAIL for _, status, _, _ in rules)
    errors = check_answers(INFO.inputs, answers)
    return Decision(
        account_id=account_id, home=home, buckets=frozenset(state["buckets"]), trail=trail, own_trail=own_trail,
        create_trail=create_trail,
        trail_region=trail["HomeRegion"] if trail and own_trail else home,
        trail_arn=trail["TrailARN"] if trail and own_trail else trail_arn(account_id, home),
        trail_name=trail["Name"] if trail and own_trail else TRAIL_NAME,
        kms_needed=create_trail or (own_trail and not trail.get("KmsKeyId")),
        logs_bucket=logs_bucket_name(account_id, home),
        config_regions=regions_to_fix(state),
        rules=rules, alarms_needed=alarms_needed,
        logs_route=alarms_needed and not state["alarms"].get("log_group") and (create_trail or own_trail),
        s3_data=data_events.missing(state) if create_trail or own_trail else None,
        alarm_email=None if errors else answers["alarm_email"].strip(),
        answer_errors=errors,
    )
