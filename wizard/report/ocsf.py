"""The findings as OCSF 1.3 Detection Findings (class 2004), for security data lakes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from wizard.report.json_text import dumps_indented

OCSF_VERSION = "1.3.0"
_OCSF_SEVERITY = {"info": (1, "Informational"), "low": (2, "Low"), "medium": (3, "Medium"), "high": (4, "High"),
                  "critical": (5, "Critical")}
# compliance.status_id: 0 Unknown, 1 Pass, 2 Warning, 3 Fail, 99 Other (the status then says which): OCSF has
# no "not applicable", so N/A is Other with the caption "Not Applicable" (AWS Config's NOT_APPLICABLE)
_OCSF_COMPLIANCE = {"PASS": (1, "Pass"), "FAIL": (3, "Fail"), "MANUAL": (2, "Warning"), "UNKNOWN": (0, "Unknown"),
                    "N/A": (99, "Not Applicable")}
CIS_STANDARD = "CIS AWS Foundations Benchmark v5.0.0"
FSBP_STANDARD = "AWS Foundational Security Best Practices"


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("aws-essentials")
    except Exception:  # noqa: BLE001 - running from a checkout without metadata
        return "0.0.0"


def ocsf_findings(document: dict[str, Any]) -> list[dict[str, Any]]:
    """One OCSF 1.3 Detection Finding (class 2004, activity Create) per finding of ``document``."""
    generated = datetime.fromisoformat(document["generated_at"])
    time_ms = int(generated.timestamp() * 1000)
    home = (document.get("regions") or [None])[0]
    product = {"name": "aws-essentials", "vendor_name": "aws-essentials", "version": _version()}
    out = []
    for f in document["findings"]:
        severity_id, severity = _OCSF_SEVERITY.get(f["severity"], (0, "Unknown"))
        compliance_id, compliance = _OCSF_COMPLIANCE[f["status"]]
        account = f.get("account_id") or document["account_id"]  # organization runs: the finding's own
        uid = ":".join(["aws-essentials", account, f["step"], f["check"], f["region"] or "global",
                        f["resource"] or "account"])
        requirements = [f"CIS {c}" for c in f["cis"]] + list(f["securityhub"])
        standards = ([CIS_STANDARD] if f["cis"] else []) + ([FSBP_STANDARD] if f["securityhub"] else [])
        resource = f["resource"] or account
        out.append({
            "class_uid": 2004,
            "class_name": "Detection Finding",
            "category_uid": 2,
            "category_name": "Findings",
            "activity_id": 1,
            "activity_name": "Create",
            "type_uid": 200401,
            "type_name": "Detection Finding: Create",
            "severity_id": severity_id,
            "severity": severity,
            "status_id": 1,
            "status": "New",
            "status_code": f["status"],
            "status_detail": f["message"],
            "message": f["message"],
            "time": time_ms,
            "time_dt": document["generated_at"],
            "metadata": {"version": OCSF_VERSION, "product": product, "event_code": f"{f['step']}.{f['check']}",
                         "profiles": ["cloud"]},
            "finding_info": {"uid": uid, "title": f["title"], "desc": f["message"], "types": [f["step"]],
                             "created_time": time_ms},
            "cloud": {"provider": "AWS", "region": f["region"] or home,
                      "account": {"uid": account, "type": "AWS Account", "type_id": 10}},
            "resources": [{"uid": resource, "name": resource, "type": f["step"], "region": f["region"] or home,
                           "cloud_partition": "aws"}],
            "compliance": {"status_id": compliance_id, "status": compliance, "control": f["check"],
                           "requirements": requirements, "standards": standards or ["aws-essentials"]},
            "unmapped": {"cis": list(f["cis"]), "securityhub": list(f["securityhub"]), "fixable": f["fixable"],
                         "caller_arn": document.get("caller_arn", "")},
        })
    return out


def render_ocsf(document: dict[str, Any]) -> str:
    return dumps_indented(ocsf_findings(document)) + "\n"
