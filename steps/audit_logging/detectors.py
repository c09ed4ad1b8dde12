"""Threat and posture detection in each region: a GuardDuty detector, and Security Hub with the CIS
AWS Foundations Benchmark v5.0.0 standard."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from steps.audit_logging.names import CIS_STANDARD
from steps.audit_logging.state import Detector, SecurityHubState, Unreadable
from steps.base import Call, Change, Finding, Ref, Severity, is_unreadable, reason_of
from steps.checks import AUTOMATIC, REGION, Check

COST_GUARDDUTY = ("GuardDuty has a 30-day free trial, then charges by the volume of CloudTrail events, "
                  "VPC flow logs and DNS logs it analyses; small accounts typically pay a few dollars a month.")
COST_SECURITYHUB = ("Security Hub has a 30-day free trial, then charges per security check and finding "
                    "ingested (about $0.001 per check); it also needs AWS Config recording.")
GUARDDUTY = Check("guardduty", "GuardDuty is enabled", Severity.HIGH, (), ("GuardDuty.1",), AUTOMATIC, scope=REGION)
SECURITY_HUB = Check("securityhub", "Security Hub is enabled with the CIS standard", Severity.MEDIUM, ("4.16",), (),
                     AUTOMATIC, scope=REGION)


# --- reads --------------------------------------------------------------------------------------


def read_guardduty(aws: Any, region: str) -> list[Detector] | Unreadable:
    detector_ids = aws.try_read("guardduty", "ListDetectors", region, paginate=True)
    if is_unreadable(detector_ids):
        return detector_ids
    detectors: list[Detector] = []
    for detector_id in detector_ids.get("DetectorIds") or []:
        answer = aws.try_read("guardduty", "GetDetector", region, DetectorId=detector_id)
        detectors.append({"DetectorId": detector_id, "Status": answer if is_unreadable(answer) else answer.get("Status")})
    return detectors


def read_securityhub(aws: Any, region: str) -> SecurityHubState:
    hub = aws.try_read("securityhub", "DescribeHub", region,
                       missing=("InvalidAccessException", "ResourceNotFoundException"))
    standards: Any = None
    if hub and not is_unreadable(hub):
        answer = aws.try_read("securityhub", "GetEnabledStandards", region, paginate=True)
        standards = answer if is_unreadable(answer) else [
            {"StandardsArn": s.get("StandardsArn"), "StandardsStatus": s.get("StandardsStatus"),
             "StandardsSubscriptionArn": s.get("StandardsSubscriptionArn")}
            for s in answer.get("StandardsSubscriptions") or []]
        hub = {"HubArn": hub.get("HubArn")}
    return {"hub": hub, "standards": standards}


# --- checks -------------------------------------------------------------------------------------


def cis_subscriptions(standards: Sequence[Mapping[str, Any]]) -> list[str]:
    return [s["StandardsArn"] for s in standards or [] if "cis-aws-foundations-benchmark" in (s.get("StandardsArn") or "")
            and s.get("StandardsStatus") in ("READY", "PENDING", "INCOMPLETE")]


def guardduty_finding(detectors: Any, region: str) -> Finding:
    if is_unreadable(detectors):
        return GUARDDUTY.unknown(reason_of(detectors), region=region)
    if any(d.get("Status") == "ENABLED" for d in detectors):
        return GUARDDUTY.passed("A detector is enabled.", region=region)
    if any(is_unreadable(d.get("Status")) for d in detectors):
        d = next(d for d in detectors if is_unreadable(d.get("Status")))
        return GUARDDUTY.unknown(reason_of(d["Status"]), region=region)
    message = "The detector is suspended." if detectors else "There is no GuardDuty detector."
    return GUARDDUTY.failed(message, region=region)


def securityhub_finding(hub: Mapping[str, Any], region: str) -> Finding:
    if is_unreadable(hub["hub"]) or is_unreadable(hub["standards"]):
        return SECURITY_HUB.unknown(reason_of(hub["hub"]) or reason_of(hub["standards"]), region=region)
    if not hub["hub"]:
        return SECURITY_HUB.failed("Security Hub is not enabled.", region=region)
    where = {"region": region, "resource": hub["hub"].get("HubArn")}
    if not cis_subscriptions(hub["standards"]):
        return SECURITY_HUB.failed("Security Hub is on, but the CIS AWS Foundations Benchmark standard is not enabled.",
                                   **where)
    version = cis_subscriptions(hub["standards"])[0].rsplit("/", 1)[-1]
    return SECURITY_HUB.passed(f"Security Hub checks the CIS benchmark v{version}.", **where)


# --- fixes --------------------------------------------------------------------------------------


def guardduty_changes(detectors: Any, region: str) -> list[Change]:
    if is_unreadable(detectors) or any(d.get("Status") == "ENABLED" for d in detectors):
        return []
    if any(is_unreadable(d.get("Status")) for d in detectors):
        return []
    if detectors:
        detector_id = detectors[0]["DetectorId"]
        return [Change(
            f"Resume the suspended GuardDuty detector in {region}.",
            Call("guardduty", "UpdateDetector", {"DetectorId": detector_id, "Enable": True}, region),
            before="DISABLED", after="ENABLED", cost_note=COST_GUARDDUTY,
            undo=Call("guardduty", "UpdateDetector", {"DetectorId": detector_id, "Enable": False}, region),
            fixes=(GUARDDUTY.id,))]
    key = f"guardduty-{region}"
    return [Change(
        f"Turn on GuardDuty threat detection in {region}.",
        Call("guardduty", "CreateDetector", {"Enable": True, "FindingPublishingFrequency": "FIFTEEN_MINUTES"}, region),
        after="ENABLED", cost_note=COST_GUARDDUTY, key=key,
        # The new detector's id is known once it exists; the journal records the undo with it.
        undo=Call("guardduty", "DeleteDetector", {"DetectorId": Ref(key, "DetectorId")}, region),
        fixes=(GUARDDUTY.id,))]


def securityhub_changes(hub: Mapping[str, Any], region: str, account_id: str) -> list[Change]:
    if is_unreadable(hub["hub"]) or is_unreadable(hub["standards"]):
        return []
    out = []
    if not hub["hub"]:
        out.append(Change(
            f"Turn on Security Hub in {region} (without its default standards; the CIS standard follows).",
            Call("securityhub", "EnableSecurityHub", {"EnableDefaultStandards": False}, region), after="enabled",
            cost_note=COST_SECURITYHUB, undo=Call("securityhub", "DisableSecurityHub", {}, region),
            fixes=(SECURITY_HUB.id,)))
    elif cis_subscriptions(hub["standards"]):
        return []
    standard = CIS_STANDARD.format(region=region)
    subscription = f"arn:aws:securityhub:{region}:{account_id}:subscription/cis-aws-foundations-benchmark/v/5.0.0"
    out.append(Change(
        f"Check {region} against the CIS AWS Foundations Benchmark v5.0.0 in Security Hub.",
        Call("securityhub", "BatchEnableStandards", {"StandardsSubscriptionRequests": [{"StandardsArn": standard}]},
             region), after=standard, cost_note=COST_SECURITYHUB,
        undo=Call("securityhub", "BatchDisableStandards", {"StandardsSubscriptionArns": [subscription]}, region),
        fixes=(SECURITY_HUB.id,)))
    return out
