"""Security Hub standards (moto 5.2.5 has the hub itself, not the standards), per account, per region."""

from __future__ import annotations

from ..protocol import GapError, Response, json_response
from .registry import handles

# (arn template, name, description, enabled by default)
STANDARDS = (
    ("arn:aws:securityhub:{region}::standards/aws-foundational-security-best-practices/v/1.0.0",
     "AWS Foundational Security Best Practices v1.0.0",
     "The AWS Foundational Security Best Practices standard is a set of controls that detect when your "
     "deployed accounts and resources deviate from security best practices.", True),
    ("arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0",
     "CIS AWS Foundations Benchmark v1.2.0",
     "The Center for Internet Security (CIS) AWS Foundations Benchmark v1.2.0.", True),
    ("arn:aws:securityhub:{region}::standards/cis-aws-foundations-benchmark/v/1.4.0",
     "CIS AWS Foundations Benchmark v1.4.0",
     "The Center for Internet Security (CIS) AWS Foundations Benchmark v1.4.0.", False),
    ("arn:aws:securityhub:{region}::standards/cis-aws-foundations-benchmark/v/5.0.0",
     "CIS AWS Foundations Benchmark v5.0.0",
     "The Center for Internet Security (CIS) AWS Foundations Benchmark v5.0.0.", False),
)


def standards(region: str) -> list[dict]:
    return [{"StandardsArn": arn.format(region=region), "Name": name, "Description": desc,
             "EnabledByDefault": default, "StandardsManagedBy": {"Company": "AWS", "Product": "Security Hub"}}
            for arn, name, desc, default in STANDARDS]


def subscription_arn(standards_arn: str, region: str, account_id: str) -> str:
    tail = standards_arn.split(":", 5)[5].split("/", 1)[1]  # "aws-foundational-.../v/1.0.0"
    return f"arn:aws:securityhub:{region}:{account_id}:subscription/{tail}"


def hub_enabled(account_id: str, region: str) -> bool:
    from moto.securityhub.models import securityhub_backends

    return bool(getattr(securityhub_backends[account_id][region], "enabled", False))


def _require_hub(call) -> None:
    if not hub_enabled(call.info.account_id, call.region):
        raise GapError("InvalidAccessException",
                       f"Account {call.info.account_id} is not subscribed to AWS Security Hub", 401)


def _subs(call) -> dict:
    return call.account.standards.setdefault(call.region, {})


def _enable(call, arn: str, inputs: dict | None = None) -> dict:
    sub = {
        "StandardsSubscriptionArn": subscription_arn(arn, call.region, call.info.account_id),
        "StandardsArn": arn,
        "StandardsInput": inputs or {},
        "StandardsStatus": "READY",
        "StandardsControlsUpdatable": "READY_FOR_UPDATES",
    }
    _subs(call)[arn] = sub
    return sub


@handles("securityhub", "DescribeStandards")
def describe_standards(call) -> Response:
    return json_response({"Standards": standards(call.region)})


@handles("securityhub", "GetEnabledStandards")
def get_enabled_standards(call) -> Response:
    _require_hub(call)
    wanted = call.json().get("StandardsSubscriptionArns")
    rows = list(_subs(call).values())
    if wanted:
        rows = [s for s in rows if s["StandardsSubscriptionArn"] in wanted]
    return json_response({"StandardsSubscriptions": rows})


@handles("securityhub", "BatchEnableStandards")
def batch_enable_standards(call) -> Response:
    _require_hub(call)
    known = {s["StandardsArn"] for s in standards(call.region)}
    requests = call.json().get("StandardsSubscriptionRequests") or []
    if not requests:
        raise GapError("InvalidInputException", "StandardsSubscriptionRequests must not be empty")
    for r in requests:
        if r.get("StandardsArn") not in known:
            raise GapError("InvalidInputException", f"Invalid StandardsArn: {r.get('StandardsArn')}")
    out = []
    for r in requests:
        sub = _enable(call, r["StandardsArn"], r.get("StandardsInput"))
        out.append(dict(sub, StandardsStatus="PENDING"))
    return json_response({"StandardsSubscriptions": out})


@handles("securityhub", "BatchDisableStandards")
def batch_disable_standards(call) -> Response:
    _require_hub(call)
    arns = call.json().get("StandardsSubscriptionArns") or []
    subs = _subs(call)
    by_sub = {s["StandardsSubscriptionArn"]: k for k, s in subs.items()}
    missing = [a for a in arns if a not in by_sub]
    if missing:
        raise GapError("ResourceNotFoundException", f"Standards subscription not found: {missing[0]}", 404)
    out = []
    for a in arns:
        sub = subs.pop(by_sub[a])
        out.append(dict(sub, StandardsStatus="DELETING"))
    return json_response({"StandardsSubscriptions": out})


@handles("securityhub", "EnableSecurityHub")
def enable_security_hub(call) -> Response:
    was_enabled = hub_enabled(call.info.account_id, call.region)
    resp = call.forward()
    if resp.status == 200 and not was_enabled:
        if call.json().get("EnableDefaultStandards", True):
            for s in standards(call.region):
                if s["EnabledByDefault"]:
                    _enable(call, s["StandardsArn"])
    return resp


@handles("securityhub", "DisableSecurityHub")
def disable_security_hub(call) -> Response:
    resp = call.forward()
    if resp.status == 200:
        call.account.standards.pop(call.region, None)
    return resp
