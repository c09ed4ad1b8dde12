"""The CIS section 4 alarms: a CloudWatch Logs metric filter on the trail's log group for each
rule in ``steps.trail_rules``, an alarm on its metric, and an SNS topic with a subscriber."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

from steps.audit_logging.names import (
    CLOUDTRAIL_LOGS_ROLE, LOG_GROUP, TOPIC_NAME, arn_region, log_group_name, own, topic_arn,
)
from steps.audit_logging.state import AlarmsState
from steps.base import (
    PREPARATION, Call, Change, Finding, Ref, Severity, Status, is_unreadable, manual, reason_of,
)
from steps.checks import ACCOUNT, AUTOMATIC, Check
from steps.trail_rules import METRIC_FILTER_RULES, METRIC_NAMESPACE, MetricFilterRule, matching_filters

if TYPE_CHECKING:
    from steps.audit_logging.decision import Decision

COST_ALARM = "A CloudWatch alarm costs $0.10 a month."


# --- reads --------------------------------------------------------------------------------------


def read_alarms(aws: Any, state: Mapping[str, Any], trail: Mapping[str, Any] | None) -> AlarmsState:
    """Metric filters, alarms and SNS subscribers in the region of the trail's log group (or where ours
    would go)."""
    account_id, home = state["account_id"], state["home_region"]
    group_arn = (trail or {}).get("CloudWatchLogsLogGroupArn") or ""
    if group_arn:
        region, group = arn_region(group_arn), log_group_name(group_arn)
    else:
        region = (trail or {}).get("HomeRegion") or home if trail and own(trail, account_id) else home
        group = ""
    out: Any = {"region": region, "log_group": group, "filters": [], "alarms": [], "topics": {}}
    if group:
        filters = aws.try_read("logs", "DescribeMetricFilters", region, paginate=True, logGroupName=group)
        out["filters"] = filters if is_unreadable(filters) else filters.get("metricFilters", [])
        alarms = aws.try_read("cloudwatch", "DescribeAlarms", region, paginate=True)
        out["alarms"] = alarms if is_unreadable(alarms) else [
            {k: a.get(k) for k in ("AlarmName", "MetricName", "Namespace", "AlarmActions", "ActionsEnabled")}
            for a in alarms.get("MetricAlarms", [])]
    else:
        groups = aws.try_read("logs", "DescribeLogGroups", region, paginate=True, logGroupNamePrefix=LOG_GROUP)
        out["our_group_exists"] = groups if is_unreadable(groups) else any(
            g.get("logGroupName") == LOG_GROUP for g in groups.get("logGroups", []))
        role = aws.try_read("iam", "GetRole", RoleName=CLOUDTRAIL_LOGS_ROLE, missing=("NoSuchEntity",))
        out["our_role_arn"] = role if is_unreadable(role) else (role or {}).get("Role", {}).get("Arn")
    topics = set()
    if not is_unreadable(out["alarms"]):
        topics = {arn for a in out["alarms"] for arn in a.get("AlarmActions") or [] if arn.startswith("arn:aws:sns:")}
    ours = topic_arn(account_id, region)
    exists = aws.try_read("sns", "GetTopicAttributes", region, TopicArn=ours, missing=("NotFound", "NotFoundException"))
    out["our_topic_exists"] = exists if is_unreadable(exists) else exists is not None
    if exists and not is_unreadable(exists):
        topics.add(ours)
    for arn in sorted(topics):
        subs = aws.try_read("sns", "ListSubscriptionsByTopic", arn_region(arn) or region, paginate=True,
                            TopicArn=arn, missing=("NotFound", "NotFoundException"))
        out["topics"][arn] = subs if is_unreadable(subs) else [
            {"SubscriptionArn": s.get("SubscriptionArn"), "Protocol": s.get("Protocol"), "Endpoint": s.get("Endpoint")}
            for s in (subs or {}).get("Subscriptions", [])]
    return out


# --- checks -------------------------------------------------------------------------------------


def _confirmed(subs: Any) -> list[dict]:
    if is_unreadable(subs):
        return []
    return [s for s in subs or [] if (s.get("SubscriptionArn") or "").startswith("arn:")]


def rule_status(state: Mapping[str, Any], rule: MetricFilterRule) -> tuple[Status, str, dict[str, Any]]:
    """The status of one CIS alarm rule, a message, and facts the plan reuses (filter metric, alarms)."""
    alarms = state["alarms"]
    facts: dict[str, Any] = {"metric": None, "alarms": []}
    if not alarms.get("log_group"):
        return Status.FAIL, "The trail does not send its events to CloudWatch Logs, so nothing can raise an alarm.", facts
    if is_unreadable(alarms["filters"]):
        return Status.UNKNOWN, reason_of(alarms["filters"]), facts
    filters = matching_filters(rule, alarms["filters"])
    if not filters:
        return Status.FAIL, f"No metric filter on {alarms['log_group']} uses the CIS {rule.cis} pattern.", facts
    metrics = [(t.get("metricName"), t.get("metricNamespace"))
               for f in filters for t in f.get("metricTransformations") or []]
    facts["metric"] = metrics[0] if metrics else None
    if is_unreadable(alarms["alarms"]):
        return Status.UNKNOWN, reason_of(alarms["alarms"]), facts
    matched = [a for a in alarms["alarms"] if (a.get("MetricName"), a.get("Namespace")) in metrics]
    facts["alarms"] = matched
    if not matched:
        return Status.FAIL, f"Metric filter '{filters[0].get('filterName')}' has no alarm.", facts
    topics = [t for a in matched for t in a.get("AlarmActions") or [] if t.startswith("arn:aws:sns:")]
    if not topics:
        return Status.FAIL, f"Alarm '{matched[0].get('AlarmName')}' notifies no SNS topic.", facts
    subs = [alarms["topics"].get(t) for t in topics]
    if any(is_unreadable(s) for s in subs) and not any(_confirmed(s) for s in subs):
        return Status.UNKNOWN, next(reason_of(s) for s in subs if is_unreadable(s)), facts
    if any(_confirmed(s) for s in subs):
        return Status.PASS, f"Alarm '{matched[0].get('AlarmName')}' notifies a confirmed subscriber.", facts
    if any(s for s in subs):
        return (Status.MANUAL, "The alarm's SNS subscription is waiting for confirmation: open the email from AWS "
                "Notifications and click the link.", facts)
    return Status.FAIL, "The alarm's SNS topic has no subscriber, so nobody would be told.", facts


def alarm_check(rule: MetricFilterRule) -> Check:
    """The check of one CIS metric filter rule, declared from the rule itself."""
    return Check(f"alarm-{rule.key}", rule.title, Severity.MEDIUM, (rule.cis,),
                 (rule.securityhub,) if rule.securityhub else (), AUTOMATIC, scope=ACCOUNT)


ALARM_CHECKS = {rule.key: alarm_check(rule) for rule in METRIC_FILTER_RULES}


def alarm_findings(state: Mapping[str, Any], trail: Mapping[str, Any] | None) -> list[Finding]:
    alarms = state["alarms"]
    out = []
    fixable_route = trail is None or own(trail, state["account_id"]) or bool(alarms.get("log_group")
                                                                              if not is_unreadable(alarms) else False)
    for rule in METRIC_FILTER_RULES:
        check = ALARM_CHECKS[rule.key]
        if is_unreadable(alarms):
            out.append(check.unknown(reason_of(alarms)))
            continue
        status, message, _ = rule_status(state, rule)
        where = {"region": alarms["region"], "resource": alarms.get("log_group") or None}
        if status is Status.FAIL and not fixable_route:
            out.append(check.manual(message + " The trail belongs to another account; add the alarm where its logs "
                                    "are.", **where))
        else:
            out.append(check.verdict(status, message, **where))
    return out


# --- fixes --------------------------------------------------------------------------------------


def alarm_changes(state: Mapping[str, Any], d: Decision) -> tuple[list[Change] | None, list[Change]]:
    """The topic, subscription, filters and alarms; None when the email answer is missing or invalid."""
    alarms = state["alarms"]
    if is_unreadable(alarms):
        return [], []
    waiting = tuple(ALARM_CHECKS[rule.key].id for rule, status, _, _ in d.rules if status is Status.MANUAL)
    manual_changes = [manual("Confirm the SNS subscription: open the email from AWS Notifications and click the link.",
                             "https://console.aws.amazon.com/sns/v3/home#/subscriptions", fixes=waiting)
                      ] if waiting and alarms.get("log_group") else []
    if not d.alarms_needed:
        return [], manual_changes
    if not alarms.get("log_group") and not (d.create_trail or d.own_trail):
        failing = tuple(ALARM_CHECKS[rule.key].id for rule, status, _, _ in d.rules if status is Status.FAIL)
        return [], [manual("Add the CIS metric filters and alarms in the account that owns the trail's log group.",
                           "https://console.aws.amazon.com/cloudwatch/home#alarmsV2:", fixes=failing)]
    if d.alarm_email is None:
        return None, []
    email = d.alarm_email
    region = alarms["region"]
    group = alarms.get("log_group") or LOG_GROUP
    ours = topic_arn(d.account_id, region)
    out = []
    topic: Any = ours
    if not alarms.get("our_topic_exists"):
        out.append(Change(
            f"Create SNS topic {TOPIC_NAME} for security alarms.",
            Call("sns", "CreateTopic", {"Name": TOPIC_NAME}, region), key="alarm-topic", after=ours,
            undo=Call("sns", "DeleteTopic", {"TopicArn": ours}, region), fixes=PREPARATION))
        topic = Ref("alarm-topic", "TopicArn")
    subscribed = [s for s in alarms["topics"].get(ours) or [] if not is_unreadable(s)
                  and (s.get("Endpoint") or "").lower() == email.lower()]
    if not subscribed:
        out.append(Change(
            f"Subscribe {email} to the alarms (AWS sends a confirmation email first).",
            Call("sns", "Subscribe", {"TopicArn": topic, "Protocol": "email", "Endpoint": email}, region), after=email,
            undo_note="Unsubscribe with the subscription ARN shown in the journal, or in the SNS console.",
            fixes=PREPARATION))
    for rule, status, _message, facts in d.rules:
        if status is Status.FAIL:
            out += _rule_changes(rule, facts, group, region, topic, ours)
    return out, manual_changes


def _rule_changes(rule: MetricFilterRule, facts: Mapping[str, Any], group: str, region: str, topic: Any,
                  ours: str) -> list[Change]:
    """The metric filter (unless one with the rule's pattern exists) and the alarm for one rule."""
    out = []
    metric = facts.get("metric")
    if metric is None:
        metric = (rule.metric_name, METRIC_NAMESPACE)
        filter_name = f"aws-essentials-{rule.key}"
        out.append(Change(
            f"Turn matching CloudTrail events in {group} into a metric (CIS {rule.cis}: "
            f"{rule.title[0].lower() + rule.title[1:]}).",
            Call("logs", "PutMetricFilter", {
                "logGroupName": group, "filterName": filter_name, "filterPattern": rule.pattern,
                "metricTransformations": [{"metricName": metric[0], "metricNamespace": metric[1],
                                           "metricValue": "1", "defaultValue": 0}]}, region),
            after=rule.pattern,
            undo=Call("logs", "DeleteMetricFilter", {"logGroupName": group, "filterName": filter_name}, region),
            fixes=(ALARM_CHECKS[rule.key].id,)))
    if any(ours in (a.get("AlarmActions") or []) for a in facts.get("alarms") or []):
        return out  # our alarm exists; only the subscription was missing
    alarm_name = f"aws-essentials-{rule.key}"
    out.append(Change(
        f"Alarm on {metric[0]} and notify the topic (CIS {rule.cis}"
        + (f", Security Hub {rule.securityhub})." if rule.securityhub else ")."),
        Call("cloudwatch", "PutMetricAlarm", {
            "AlarmName": alarm_name, "AlarmDescription": f"CIS {rule.cis}: {rule.title}",
            "MetricName": metric[0], "Namespace": metric[1], "Statistic": "Sum", "Period": 300,
            "EvaluationPeriods": 1, "Threshold": 1, "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "TreatMissingData": "notBreaching", "AlarmActions": [topic]}, region),
        after=alarm_name, cost_note=COST_ALARM,
        undo=Call("cloudwatch", "DeleteAlarms", {"AlarmNames": [alarm_name]}, region),
        fixes=(ALARM_CHECKS[rule.key].id,)))
    return out
