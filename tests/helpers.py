"""Helpers shared by the sandbox-backed tests: run a step the way the wizard does."""

from __future__ import annotations

from types import ModuleType
from typing import Any, Mapping

from steps.base import Plan
from wizard.apply import apply_plan, fresh_collect
from wizard.aws import AWS, Target
from wizard.journal import Journal

# Answers a user would give for every declared input of the catalogue (valid values).
DEMO_ANSWERS: dict[str, dict[str, str]] = {
    "contacts": {"name": "Security Team", "title": "Security Lead", "email": "security@example.com",
                 "phone": "+1 206 555 0100"},
    "regions": {"keep_regions": "us-east-1, eu-west-1", "scp_target": "root", "break_glass_role_arn": "",
                "iam_policy_groups": "", "create_organization": "no"},
    "sso": {"cli_profile": "admin", "user_name": "jane.doe", "email": "jane.doe@example.com",
            "given_name": "Jane", "family_name": "Doe"},
    "groups": {"group_names": "", "remove_console_passwords": "no"},
    "keys": {"delete_replaced_keys": "no"},
    "vpc": {"flow_log_destination": "cloudwatch", "flow_log_traffic": "REJECT", "flow_log_bucket": "",
            "admin_cidr": "203.0.113.0/24"},
    "audit_logging": {"alarm_email": "security@example.com"},
}


def open_aws(sandbox: Any, **kw: Any) -> AWS:
    """An AWS object on the sandbox's main account (credentials come from the env the fixture set)."""
    return AWS(Target(endpoint_url=sandbox.endpoint_url), **kw)


def plan_for(aws: AWS, step: ModuleType, answers: Mapping[str, str] | None = None) -> Plan:
    return step.plan(fresh_collect(aws, step), answers if answers is not None else DEMO_ANSWERS.get(step.INFO.id, {}))


def fix(aws: AWS, step: ModuleType, answers: Mapping[str, str] | None = None, journal: Journal | None = None):
    """Plan and apply every automatic change of ``step``; return (plan, result)."""
    answers = answers if answers is not None else DEMO_ANSWERS.get(step.INFO.id, {})
    plan = plan_for(aws, step, answers)
    result = apply_plan(aws, step, plan, answers, journal=journal)
    return plan, result


def undeclared_fixes(step: ModuleType, state: Any) -> list[str]:
    """The changes of the step's plans (with no answers, and with DEMO_ANSWERS) that do not declare which
    of the step's own checks they fix (``Change.fixes``: None, or an id the step does not declare)."""
    ids = {check.id for check in step.INFO.checks}
    return [f"{change.title}: {change.fixes}"
            for answers in ({}, DEMO_ANSWERS.get(step.INFO.id, {}))
            for change in step.plan(state, answers).changes
            if change.fixes is None or not set(change.fixes) <= ids]


def unpaired_failures(step: ModuleType, state: Any, findings: list) -> list[str]:
    """The fixable FAILs the report cannot pair with a change declaring their check: with DEMO_ANSWERS,
    every one; with no answers (the report's plans), those whose plan does not say it needs answers."""
    from wizard.report import fix_change, fix_for_finding

    items = [{"step": step.INFO.id, **f.to_dict()} for f in findings]
    out = []
    for answers in ({}, DEMO_ANSWERS.get(step.INFO.id, {})):
        plan = step.plan(state, answers)
        planned = {"changes": [fix_change(c) for c in plan.changes], "needs": list(plan.needs), "notes": []}
        out += [f"{f['check']} {f['region']} {f['resource']} (answers: {bool(answers)})" for f in items
                if f["status"] == "FAIL" and f["fixable"] and not fix_for_finding(f, planned, items)
                and not (plan.needs and not answers)]
    return out


def keep(sandbox: Any) -> Any:
    """The sandbox's account as it is now (a snapshot, wizard/sandbox/snapshot.py), for tests that
    each start from the same account after the same expensive fix: made once, restored per test."""
    from wizard.sandbox import snapshot

    return snapshot.take(sandbox)


def back_to(sandbox: Any, kept: Any) -> Any:
    """Put back an account :func:`keep` took (a deep copy, ~10 ms); the next ``account(...)`` resets."""
    from wizard.sandbox import snapshot

    snapshot.restore(sandbox, kept)
    sandbox.dirty = True
    return sandbox


def record_signing(monkeypatch: Any) -> list:
    """Keep each request the direct SigV4 signer (wizard/botocore_sigv4.py) signs, as it was before
    and after; :func:`unlike_botocore` signs them again with botocore's own signers."""
    from botocore.awsrequest import AWSRequest
    from botocore.compat import HTTPHeaders

    from wizard.botocore_sigv4 import _DirectSigV4

    records: list = []
    add_auth = _DirectSigV4.add_auth

    def recorded(signer: Any, request: Any) -> None:
        before = AWSRequest(method=request.method, url=request.url, params=dict(request.params),
                            data=dict(request.data) if isinstance(request.data, dict) else request.data)
        before.headers = HTTPHeaders()
        before.headers._headers = list(request.headers._headers)
        before.context.update(request.context)
        add_auth(signer, request)
        records.append((signer, before, request.headers.items(), request.context["timestamp"]))

    monkeypatch.setattr(_DirectSigV4, "add_auth", recorded)
    return records


def unlike_botocore(records: list, monkeypatch: Any) -> list[str]:
    """The recorded requests whose headers botocore's own signer, at the same instant, sets otherwise."""
    import datetime

    import botocore.auth

    unlike = []
    for signer, request, headers, timestamp in records:
        instant = datetime.datetime.strptime(timestamp, botocore.auth.SIGV4_TIMESTAMP)
        monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda instant=instant: instant)
        botocores = botocore.auth.S3SigV4Auth if isinstance(signer, botocore.auth.S3SigV4Auth) else botocore.auth.SigV4Auth
        botocores(signer.credentials, signer._service_name, signer._region_name).add_auth(request)
        if request.headers.items() != headers:
            unlike.append(f"{request.method} {request.url}")
    return unlike
