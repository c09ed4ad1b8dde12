"""Hand-built findings/v1 documents for the report tests: no sandbox, no AWS."""

from __future__ import annotations

from typing import Any

REGIONS = ["ap-northeast-1", "ap-south-1", "ca-central-1", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2",
           "eu-west-3", "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2"]
MANAGEMENT = "111111111111"


def finding(account: str, step: str, check: str, title: str, status: str = "FAIL", severity: str = "medium",
            region: str | None = None, resource: str | None = None, message: str = "", cis: tuple = (),
            fixable: bool = True) -> dict[str, Any]:
    return {"account_id": account, "step": step, "check": check, "title": title, "status": status,
            "severity": severity, "region": region, "resource": resource, "message": message or f"seen as {status.lower()}",
            "cis": list(cis), "securityhub": [], "fixable": fixable}


def _summary(findings: list[dict[str, Any]]) -> dict[str, int]:
    return {s: sum(f["status"] == s for f in findings) for s in ("PASS", "FAIL", "MANUAL", "UNKNOWN")}


def organization(accounts: int = 20, not_reached: int = 0) -> dict[str, Any]:
    """An organization of ``accounts`` accounts (the management first) as a bad day looks: Access
    Analyzer off in every region of every member, public buckets with long ARNs, a root key here and
    there, and ``not_reached`` members whose role could not be assumed."""
    ids = [MANAGEMENT] + [f"{200000000000 + n * 7919:012d}" for n in range(1, accounts)]
    findings: list[dict[str, Any]] = []
    rows = []
    not_assessed = []
    for n, account in enumerate(ids):
        mine: list[dict[str, Any]] = []
        if n and n > accounts - 1 - not_reached:
            reason = f"could not assume OrganizationAccountAccessRole in {account}: AccessDenied"
            mine.append(finding(account, "organization", "assume-role", "Account reachable from the management "
                                "account", "UNKNOWN", "high", resource=account, message=reason, fixable=False))
            not_assessed.append({"account_id": account, "step": "", "reason": reason})
        else:
            mine.append(finding(account, "root", "root-keys", "The root user has no access keys",
                                "FAIL" if n % 4 == 1 else "PASS", "critical", cis=("1.3",)))
            mine.append(finding(account, "contacts", "security-contact", "Security alternate contact is set",
                                "MANUAL", "medium", cis=("1.2",), fixable=False))
            for region in REGIONS:
                mine.append(finding(account, "groups", "access-analyzer", "IAM Access Analyzer is active",
                                    "FAIL" if n else "PASS", "medium", region, cis=("1.19",)))
                mine.append(finding(account, "compute", "ebs-encryption-default", "EBS encryption by default is on",
                                    "FAIL", "medium", region, cis=("5.1.1",)))
            for b in range(3):
                bucket = f"arn:aws:s3:::{account}-application-logs-{b}-with-a-very-long-name-that-goes-on-and-on"
                mine.append(finding(account, "s3", "public-bucket", f"Bucket {bucket[13:]} is not public",
                                    "FAIL" if b == 0 else "PASS", "high", "eu-west-1", bucket, cis=("2.1.4",)))
        findings += mine
        rows.append({"account_id": account, "name": "management" if not n else f"workload-{n}",
                     "error": not_assessed[-1]["reason"] if mine[0]["status"] == "UNKNOWN" else "",
                     "summary": _summary(mine)})
    return {"schema": "aws-essentials/findings/v1", "account_id": MANAGEMENT, "caller_arn": "arn:aws:iam::x:user/a",
            "generated_at": "2026-11-30T09:15:00+00:00", "regions": REGIONS, "summary": _summary(findings),
            "findings": findings, "accounts": rows, "not_assessed": not_assessed}
