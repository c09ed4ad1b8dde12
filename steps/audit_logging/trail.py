"""The CloudTrail trail (CIS 3.1, 3.2, 3.5): which trail counts, what it falls short of, and the
changes that create one or bring the account's own trail up to the mark."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Mapping

from steps.audit_logging.kms_key import trail_key_changes
from steps.audit_logging.names import (
    CLOUDTRAIL_LOGS_ROLE, LOG_GROUP, TRAIL_NAME, arn_region, log_group_arn, own,
)
from steps.audit_logging.policies import cloudtrail_logs_role_policies, kms_key_policy
from steps.audit_logging.data_events import COST_DATA_EVENTS, fixed_by
from steps.audit_logging.state import Trail, Unreadable
from steps.base import PREPARATION, Call, Change, Finding, Ref, Severity, is_unreadable, manual, reason_of
from steps.checks import ACCOUNT, AUTOMATIC, Check
from steps.trail_rules import MANAGEMENT_CLASSIC, records_all_management_events, selectors_adding

if TYPE_CHECKING:
    from steps.audit_logging.decision import Decision

COST_TRAIL = ("The first copy of management events in a trail is free; S3 storage of the log files is "
              "charged (cents a month for most accounts).")
COST_LOGS = ("CloudWatch Logs charges about $0.50 per GB ingested and $0.03 per GB stored; alarms cost "
             "$0.10 a month each.")
TRAIL = Check("cloudtrail", "A multi-region CloudTrail trail records all management events", Severity.CRITICAL,
              ("3.1",), ("CloudTrail.1",), AUTOMATIC, scope=ACCOUNT)
VALIDATION = Check("cloudtrail-log-validation", "CloudTrail log file validation is on", Severity.MEDIUM, ("3.2",),
                   ("CloudTrail.4",), AUTOMATIC)
TRAIL_KMS = Check("cloudtrail-kms", "CloudTrail logs are encrypted with a KMS key", Severity.MEDIUM, ("3.5",),
                  ("CloudTrail.2",), AUTOMATIC)
TRAIL_KEEP = ("Name", "TrailARN", "HomeRegion", "S3BucketName", "IsMultiRegionTrail", "IncludeGlobalServiceEvents",
              "LogFileValidationEnabled", "KmsKeyId", "CloudWatchLogsLogGroupArn", "CloudWatchLogsRoleArn",
              "IsOrganizationTrail", "HasCustomEventSelectors")
OTHER_ACCOUNT = " The trail belongs to another account (organization or Control Tower); change it there."


# --- reads --------------------------------------------------------------------------------------


def read_trail(aws: Any, trail: Mapping[str, Any]) -> Trail:
    arn = trail.get("TrailARN", "")
    region = trail.get("HomeRegion") or arn_region(arn)
    status = aws.try_read("cloudtrail", "GetTrailStatus", region, Name=arn)
    selectors = aws.try_read("cloudtrail", "GetEventSelectors", region, TrailName=arn)
    if not is_unreadable(status):
        status = {"IsLogging": bool(status.get("IsLogging"))}
    if not is_unreadable(selectors):
        selectors = {"EventSelectors": selectors.get("EventSelectors") or [],
                     "AdvancedEventSelectors": selectors.get("AdvancedEventSelectors") or []}
    row: Any = {k: trail.get(k) for k in TRAIL_KEEP}
    row["HomeRegion"] = region
    row["status"], row["selectors"] = status, selectors
    return row


def read_trails(aws: Any, home: str) -> list[Trail] | Unreadable:
    """Every trail the account sees (its own, an organization or Control Tower trail), each with its
    status and selectors read from the trail's home region; or unreadable."""
    described = aws.try_read("cloudtrail", "DescribeTrails", home, includeShadowTrails=True)
    if is_unreadable(described):
        return described
    rows = described.get("trailList", [])
    read = aws.per_region(lambda i: read_trail(aws, rows[i]), range(len(rows)))
    return [read[i] if not is_unreadable(read[i]) else dict(rows[i], status=read[i], selectors=read[i])
            for i in range(len(rows))]


# --- checks -------------------------------------------------------------------------------------


def trail_problems(trail: Mapping[str, Any]) -> list[str] | None:
    """Why this trail does not meet CIS 3.1 (empty when it does), or None when it could not be read."""
    status, selectors = trail.get("status"), trail.get("selectors")
    if is_unreadable(status) or is_unreadable(selectors):
        return None
    problems = []
    if not trail.get("IsMultiRegionTrail"):
        problems.append("it covers one region only")
    if not records_all_management_events(selectors.get("EventSelectors"), selectors.get("AdvancedEventSelectors"),
                                         bool(trail.get("HasCustomEventSelectors"))):
        problems.append("it does not record all management events (reads and writes)")
    if not status.get("IsLogging"):
        problems.append("it is not logging")
    return problems


def primary_trail(state: Mapping[str, Any]) -> dict[str, Any] | None:
    """The trail the other checks look at: a compliant one (the account's own first), otherwise the
    account's own trail to reuse (multi-region first); None when a new trail is needed."""
    trails = state.get("trails")
    if is_unreadable(trails) or not trails:
        return None
    account_id = state["account_id"]
    compliant = [t for t in trails if trail_problems(t) == []]
    if compliant:
        return sorted(compliant, key=lambda t: (not own(t, account_id), t.get("Name") or ""))[0]
    mine = [t for t in trails if own(t, account_id)]
    if mine:
        return sorted(mine, key=lambda t: (not t.get("IsMultiRegionTrail"), t.get("Name") != TRAIL_NAME,
                                           t.get("Name") or ""))[0]
    return None


def trail_finding(state: Mapping[str, Any]) -> Finding:
    """The CIS 3.1 finding: is there a multi-region trail that records all management events?"""
    region = state["home_region"]
    trails = state["trails"]
    if is_unreadable(trails):
        return TRAIL.unknown(reason_of(trails), region=region)
    checked = [(t, trail_problems(t)) for t in trails]
    trail = primary_trail(state)
    if any(p == [] for _, p in checked):
        kind = " (an organization trail)" if trail.get("IsOrganizationTrail") else ""
        return TRAIL.passed(f"Trail '{trail['Name']}'{kind} is logging all management events in every region.",
                            region=region, resource=trail["TrailARN"])
    if any(p is None for _, p in checked):
        t = next(t for t, p in checked if p is None)
        return TRAIL.unknown(reason_of(t["status"]) or reason_of(t["selectors"]), region=region,
                             resource=t.get("TrailARN"))
    if trail is None:
        message = ("No trail in this account records activity in every region." if not trails else
                   "No usable trail: " + "; ".join(f"'{t['Name']}': {', '.join(p)}" for t, p in checked) + ".")
    else:
        message = f"Trail '{trail['Name']}' falls short: {', '.join(trail_problems(trail))}."
    return TRAIL.failed(message, region=region, resource=(trail or {}).get("TrailARN"))


def setting_findings(state: Mapping[str, Any], trail: Mapping[str, Any] | None) -> list[Finding]:
    """Log file validation (CIS 3.2) and KMS encryption (CIS 3.5) of the primary trail."""
    out = []
    where = {"region": (trail or {}).get("HomeRegion") or state["home_region"],
             "resource": (trail or {}).get("TrailARN")}
    for check in (VALIDATION, TRAIL_KMS):
        if trail is None:  # no trail to judge: the trail check (CIS 3.1) is the one that fails
            out.append(check.not_applicable("This account has no trail of its own to judge; the fix creates one with this "
                                            "set.",
                                            **where))
        elif check is VALIDATION and trail.get("LogFileValidationEnabled"):
            out.append(check.passed("Digest files let you prove the logs were not changed.", **where))
        elif check is TRAIL_KMS and trail.get("KmsKeyId"):
            out.append(check.passed(f"Encrypted with {trail.get('KmsKeyId')}.", **where))
        else:
            bad = "Log file validation is off." if check is VALIDATION else \
                "Log files are encrypted with S3-managed keys only."
            if own(trail, state["account_id"]):
                out.append(check.failed(bad, **where))
            else:
                out.append(check.manual(bad + OTHER_ACCOUNT, **where))
    return out


# --- fixes --------------------------------------------------------------------------------------


def _selector_change(trail: Mapping[str, Any], s3_data: str | None) -> list[Change]:
    """One PutEventSelectors (it replaces all selectors) that adds whatever the trail lacks: all
    management events (CIS 3.1) and S3 data events on every bucket (CIS 3.8/3.9), keeping the rest."""
    region, name = trail["HomeRegion"], trail["Name"]
    selectors, custom = trail["selectors"], bool(trail.get("HasCustomEventSelectors"))
    classic, advanced = selectors["EventSelectors"], selectors["AdvancedEventSelectors"]
    management = not records_all_management_events(classic, advanced, custom)
    if not (management or s3_data):
        return []
    params = selectors_adding(classic, advanced, custom, management=management, s3=s3_data)
    old = {"AdvancedEventSelectors": advanced} if advanced else {"EventSelectors": classic}
    if not any(old.values()) and not custom:  # the default: all management events
        old = {"EventSelectors": [dict(MANAGEMENT_CLASSIC)]}
    what = " and ".join(w for w, needed in (("every management event", management),
                                            (f"S3 object-level events ({s3_data}) in every bucket", s3_data)) if needed)
    return [Change(
        f"Add selectors so trail {name} records {what}, keeping its other selectors.",
        Call("cloudtrail", "PutEventSelectors", {"TrailName": name, **params}, region), before=old, after=params,
        undo=Call("cloudtrail", "PutEventSelectors", {"TrailName": name, **old}, region) if any(old.values()) else None,
        undo_note="" if any(old.values()) else "The trail had no selectors to restore.",
        cost_note=COST_DATA_EVENTS if s3_data else "",
        fixes=((TRAIL.id,) if management else ()) + fixed_by(s3_data))]


def _reuse_trail(trail: Mapping[str, Any], d: Decision, kms_ref: Any, role_arn: Any) -> list[Change]:
    region, name = trail["HomeRegion"], trail["Name"]
    kms_needed, logs_route, account_id = d.kms_needed, d.logs_route, d.account_id
    out = []
    if not trail.get("IsMultiRegionTrail"):
        out.append(Change(
            f"Extend trail {name} to every region, with global service events (IAM, STS, CloudFront).",
            Call("cloudtrail", "UpdateTrail", {"Name": name, "IsMultiRegionTrail": True,
                                               "IncludeGlobalServiceEvents": True}, region),
            before={"IsMultiRegionTrail": False}, after={"IsMultiRegionTrail": True},
            undo=Call("cloudtrail", "UpdateTrail", {"Name": name, "IsMultiRegionTrail": False,
                                                    "IncludeGlobalServiceEvents": bool(
                                                        trail.get("IncludeGlobalServiceEvents"))}, region),
            fixes=(TRAIL.id,)))
    out += _selector_change(trail, d.s3_data)
    if not trail.get("LogFileValidationEnabled"):
        out.append(Change(
            f"Turn on log file validation for trail {name}.",
            Call("cloudtrail", "UpdateTrail", {"Name": name, "EnableLogFileValidation": True}, region),
            before=False, after=True,
            undo=Call("cloudtrail", "UpdateTrail", {"Name": name, "EnableLogFileValidation": False}, region),
            fixes=(VALIDATION.id,)))
    if kms_needed:
        out.append(Change(
            f"Encrypt trail {name}'s log files with the new KMS key.",
            Call("cloudtrail", "UpdateTrail", {"Name": name, "KmsKeyId": kms_ref}, region), after="the new key",
            undo=Call("cloudtrail", "UpdateTrail", {"Name": name, "KmsKeyId": ""}, region), fixes=(TRAIL_KMS.id,)))
    if logs_route:
        out.append(Change(
            f"Send trail {name}'s events to CloudWatch Logs, where the alarms watch them.",
            Call("cloudtrail", "UpdateTrail", {"Name": name,
                                               "CloudWatchLogsLogGroupArn": log_group_arn(account_id, region),
                                               "CloudWatchLogsRoleArn": role_arn}, region),
            after=log_group_arn(account_id, region), cost_note=COST_LOGS,
            undo=Call("cloudtrail", "UpdateTrail", {"Name": name, "CloudWatchLogsLogGroupArn": "",
                                                    "CloudWatchLogsRoleArn": ""}, region),
            fixes=PREPARATION))  # the route the alarms' metric filters read; the alarms fix their checks
    if not (trail.get("status") or {}).get("IsLogging"):
        out.append(Change(
            f"Start logging on trail {name}: it records nothing while stopped.",
            Call("cloudtrail", "StartLogging", {"Name": trail["TrailARN"]}, region), before={"IsLogging": False},
            after={"IsLogging": True}, undo=Call("cloudtrail", "StopLogging", {"Name": trail["TrailARN"]}, region),
            fixes=(TRAIL.id,)))
    return out


def _logs_delivery_changes(state: Mapping[str, Any], d: Decision) -> tuple[list[Change], Any]:
    """The log group and the role CloudTrail delivers to it with; and the role's ARN (or a Ref)."""
    alarms, region = state["alarms"], d.trail_region
    trust, permissions = cloudtrail_logs_role_policies(d.account_id, region)
    out = []
    if not alarms.get("our_group_exists"):
        out.append(Change(
            f"Create log group {LOG_GROUP}, where the trail's events arrive for the alarms.",
            Call("logs", "CreateLogGroup", {"logGroupName": LOG_GROUP}, region), cost_note=COST_LOGS,
            undo=Call("logs", "DeleteLogGroup", {"logGroupName": LOG_GROUP}, region), fixes=PREPARATION))
    role_arn: Any = alarms.get("our_role_arn")
    if not role_arn:
        out += [
            Change(f"Create role {CLOUDTRAIL_LOGS_ROLE}, which lets CloudTrail write to the log group.",
                   Call("iam", "CreateRole", {"RoleName": CLOUDTRAIL_LOGS_ROLE,
                                              "AssumeRolePolicyDocument": json.dumps(trust),
                                              "Description": "CloudTrail delivery to CloudWatch Logs"}),
                   key="logs-role", undo=Call("iam", "DeleteRole", {"RoleName": CLOUDTRAIL_LOGS_ROLE}),
                   fixes=PREPARATION),
            Change("Allow the role to write log streams in that group only.",
                   Call("iam", "PutRolePolicy", {"RoleName": CLOUDTRAIL_LOGS_ROLE, "PolicyName": "write-trail-logs",
                                                 "PolicyDocument": json.dumps(permissions)}),
                   undo=Call("iam", "DeleteRolePolicy", {"RoleName": CLOUDTRAIL_LOGS_ROLE,
                                                         "PolicyName": "write-trail-logs"}), fixes=PREPARATION),
        ]
        role_arn = Ref("logs-role", "Role.Arn")
    return out, role_arn


def trail_changes(state: Mapping[str, Any], d: Decision) -> tuple[list[Change], list[Change]]:
    """(automatic, manual) changes for the trail: created, or the account's own trail reused."""
    changes: list[Change] = []
    kms_ref: Any = None
    if d.kms_needed:
        key_changes, kms_ref = trail_key_changes(state.get("trail_key"), d.trail_name, d.trail_region,
                                                 kms_key_policy(d.account_id, d.trail_arn))
        changes += key_changes
    role_arn: Any = None
    if d.logs_route:
        delivery, role_arn = _logs_delivery_changes(state, d)
        changes += delivery
    trail = d.trail
    if d.create_trail:
        params: dict[str, Any] = {"Name": TRAIL_NAME, "S3BucketName": d.logs_bucket, "IsMultiRegionTrail": True,
                                  "IncludeGlobalServiceEvents": True, "EnableLogFileValidation": True,
                                  "KmsKeyId": kms_ref}
        if d.logs_route:
            params.update(CloudWatchLogsLogGroupArn=log_group_arn(d.account_id, d.trail_region),
                          CloudWatchLogsRoleArn=role_arn)
        changes.append(Change(
            "Create a trail that records management events in every region, with validation and encryption.",
            Call("cloudtrail", "CreateTrail", params, d.home), key="trail", after=params, cost_note=COST_TRAIL,
            undo=Call("cloudtrail", "DeleteTrail", {"Name": TRAIL_NAME}, d.home),
            warning="A role just created can take a few seconds to be usable; if CreateTrail refuses it, apply again."
            if d.logs_route else "", fixes=(TRAIL.id, VALIDATION.id, TRAIL_KMS.id)))
        if d.s3_data:
            params = selectors_adding([], [], False, s3=d.s3_data)
            changes.append(Change(
                "Record S3 object-level events (reads and writes) in every bucket on the new trail, with all "
                "management events.",
                Call("cloudtrail", "PutEventSelectors", {"TrailName": TRAIL_NAME, **params}, d.home), after=params,
                cost_note=COST_DATA_EVENTS,
                undo=Call("cloudtrail", "PutEventSelectors", {"TrailName": TRAIL_NAME,
                                                              "EventSelectors": [dict(MANAGEMENT_CLASSIC)]}, d.home),
                fixes=fixed_by(d.s3_data)))
        changes.append(Change(
            "Start logging: a trail records nothing until it is started.",
            Call("cloudtrail", "StartLogging", {"Name": Ref("trail", "TrailARN")}, d.home), after={"IsLogging": True},
            undo=Call("cloudtrail", "StopLogging", {"Name": TRAIL_NAME}, d.home), fixes=(TRAIL.id,)))
        return changes, []
    if d.own_trail:
        return changes + _reuse_trail(trail, d, kms_ref, role_arn), []
    if trail is not None and (not trail.get("LogFileValidationEnabled") or not trail.get("KmsKeyId")):
        # an organization / Control Tower trail from another account: manual only
        return changes, [manual(
            f"Turn on log file validation and KMS encryption on trail {trail['Name']} in the account that owns it.",
            "https://console.aws.amazon.com/cloudtrail/home#/trails",
            "Sign in to the organization's management (or log archive) account.",
            f"Open CloudTrail, choose trail {trail['Name']}, edit its general details.",
            "Enable log file validation and SSE-KMS encryption.",
            fixes=((VALIDATION.id,) if not trail.get("LogFileValidationEnabled") else ())
            + ((TRAIL_KMS.id,) if not trail.get("KmsKeyId") else ()))]
    return changes, []
