"""AWS Config in each region (CIS 3.3): the recorder, its delivery channel, and whether it runs."""

from __future__ import annotations

from typing import Any, Mapping

from steps.audit_logging.names import CHANNEL_NAME, CONFIG_ROLE, RECORDER_NAME, config_role_arn
from steps.audit_logging.state import ConfigState
from steps.base import PREPARATION, Call, Change, Finding, Severity, is_unreadable, reason_of
from steps.checks import AUTOMATIC, REGION, Check

COST_CONFIG = ("AWS Config charges per configuration item recorded (about $0.003 each) and per rule "
               "evaluation; a quiet account usually costs a few dollars a month per region.")
CONFIG = Check("config", "AWS Config records resources", Severity.MEDIUM, ("3.3",), ("Config.1",), AUTOMATIC,
               scope=REGION)


def read_config(aws: Any, region: str) -> ConfigState:
    def rows(operation: str, field: str) -> Any:
        answer = aws.try_read("config", operation, region)
        return answer if is_unreadable(answer) else answer.get(field) or []

    return {
        "recorders": rows("DescribeConfigurationRecorders", "ConfigurationRecorders"),
        "status": rows("DescribeConfigurationRecorderStatus", "ConfigurationRecordersStatus"),
        "channels": rows("DescribeDeliveryChannels", "DeliveryChannels"),
    }


def _records_all(recorder: Mapping[str, Any]) -> bool:
    group = recorder.get("recordingGroup") or {}
    strategy = (group.get("recordingStrategy") or {}).get("useOnly")
    return bool(group.get("allSupported") or strategy == "ALL_SUPPORTED_RESOURCE_TYPES")


def regional_config(region_state: Mapping[str, Any]) -> tuple[str | None, str]:
    """(problem or None, detail) for AWS Config in one region; problem is 'unknown' when unreadable."""
    config = region_state["config"]
    for value in config.values():
        if is_unreadable(value):
            return "unknown", reason_of(value)
    if not config["recorders"]:
        return "no recorder", "There is no configuration recorder."
    recorder = config["recorders"][0]
    problems = []
    if not _records_all(recorder):
        problems.append("it records only some resource types")
    if not config["channels"]:
        problems.append("it has no delivery channel")
    status = next((s for s in config["status"] if s.get("name") == recorder.get("name")), {})
    if not status.get("recording"):
        problems.append("it is stopped")
    if problems:
        return "partial", f"Recorder '{recorder.get('name')}': " + "; ".join(problems) + "."
    return None, f"Recorder '{recorder.get('name')}' records all supported resources."


def config_finding(data: Mapping[str, Any], region: str) -> Finding:
    problem, detail = regional_config(data)
    if problem == "unknown":
        return CONFIG.unknown(detail, region=region)
    return CONFIG.failed(detail, region=region) if problem else CONFIG.passed(detail, region=region)


def regions_to_fix(state: Mapping[str, Any]) -> dict[str, Any]:
    """``{region: config state}`` for the readable regions whose recorder is missing or partial."""
    out = {}
    for region in state["regions"]:
        data = state["regional"].get(region)
        if data is None or is_unreadable(data):
            continue
        problem, _ = regional_config(data)
        if problem in ("no recorder", "partial"):
            out[region] = data["config"]
    return out


def config_changes(state: Mapping[str, Any], config_regions: Mapping[str, Any], bucket: str) -> list[Change]:
    account_id, home = state["account_id"], state["home_region"]
    out: list[Change] = []
    if not config_regions:
        return out
    if any(not c["recorders"] for c in config_regions.values()) and state.get("config_role") is False:
        out.append(Change(
            "Create AWS Config's service-linked role, which lets Config read resource settings.",
            Call("iam", "CreateServiceLinkedRole", {"AWSServiceName": "config.amazonaws.com"}),
            undo=Call("iam", "DeleteServiceLinkedRole", {"RoleName": CONFIG_ROLE}), fixes=PREPARATION))
    for region in sorted(config_regions):
        config = config_regions[region]
        recorder = config["recorders"][0] if config["recorders"] else None
        rec_name = recorder["name"] if recorder else RECORDER_NAME
        if recorder is None or not _records_all(recorder):
            new = {"name": rec_name, "roleARN": (recorder or {}).get("roleARN") or config_role_arn(account_id),
                   "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": region == home}}
            global_note = ("this region also records global resources (IAM)" if region == home
                           else f"global resources (IAM) are recorded in {home} only, to avoid paying twice")
            out.append(Change(
                f"Record every supported resource type in {region}; {global_note}.",
                Call("config", "PutConfigurationRecorder", {"ConfigurationRecorder": new}, region),
                before=recorder, after=new, cost_note=COST_CONFIG,
                undo=Call("config", "PutConfigurationRecorder", {"ConfigurationRecorder": recorder}, region)
                if recorder else Call("config", "DeleteConfigurationRecorder",
                                      {"ConfigurationRecorderName": rec_name}, region), fixes=(CONFIG.id,)))
        if not config["channels"]:
            channel = {"name": CHANNEL_NAME, "s3BucketName": bucket}
            out.append(Change(
                f"Deliver {region}'s configuration history to bucket {bucket}.",
                Call("config", "PutDeliveryChannel", {"DeliveryChannel": channel}, region), after=channel,
                undo=Call("config", "DeleteDeliveryChannel", {"DeliveryChannelName": CHANNEL_NAME}, region),
                fixes=(CONFIG.id,)))  # a recorder starts only with a delivery channel
        status = next((s for s in config["status"] if s.get("name") == rec_name), {})
        if not status.get("recording"):
            out.append(Change(
                f"Start the configuration recorder in {region}.",
                Call("config", "StartConfigurationRecorder", {"ConfigurationRecorderName": rec_name}, region),
                before={"recording": False}, after={"recording": True}, cost_note=COST_CONFIG,
                undo=Call("config", "StopConfigurationRecorder", {"ConfigurationRecorderName": rec_name}, region),
                fixes=(CONFIG.id,)))
    return out
