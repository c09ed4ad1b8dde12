"""Root-account facts in IAM: account summary, the credential report's <root_account> row, the
root's virtual MFA device. moto 5.2.5 models no root user at all."""

from __future__ import annotations

import base64
import datetime
import re
from xml.sax.saxutils import escape

from ..protocol import Response
from ..state import RootFacts
from .registry import handles

_COLUMNS = ("user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
            "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
            "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
            "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
            "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,"
            "cert_2_active,cert_2_last_rotated").split(",")


def _iso(value: str | None) -> str:
    """Credential-report date format: 2024-01-02T03:04:05+00:00 (UTC), or N/A."""
    if not value:
        return "N/A"
    dt = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=datetime.timezone.utc)
    return dt.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def root_row(account_id: str, root: RootFacts) -> str:
    keys = root.root_access_keys
    def key(i: int) -> list[str]:
        if keys < i:
            return ["false", "N/A", "N/A", "N/A", "N/A"]
        used = root.root_key_last_used
        return ["true", _iso(root.created), _iso(used), "us-east-1" if used else "N/A", "iam" if used else "N/A"]
    row = ["<root_account>", f"arn:aws:iam::{account_id}:root", _iso(root.created), "not_supported",
           _iso(root.root_password_last_used) if root.root_password_last_used else "no_information",
           "not_supported", "not_supported", "true" if root.mfa_enabled else "false",
           *key(1), *key(2), "false", "N/A", "false", "N/A"]
    return ",".join(row)


def _fix_user_row(line: str) -> str:
    cells = line.split(",")
    if len(cells) != len(_COLUMNS):
        return line
    col = {name: i for i, name in enumerate(_COLUMNS)}
    if cells[col["password_enabled"]] == "false":  # AWS: N/A when the user has no password
        cells[col["password_last_used"]] = "N/A"
        cells[col["password_last_changed"]] = "N/A"
        cells[col["password_next_rotation"]] = "N/A"
    for n in ("1", "2"):
        if cells[col[f"access_key_{n}_last_used_date"]] == "N/A":
            cells[col[f"access_key_{n}_last_used_region"]] = "N/A"
            cells[col[f"access_key_{n}_last_used_service"]] = "N/A"
    return ",".join(cells)


@handles("iam", "GetCredentialReport")
def get_credential_report(call) -> Response:
    resp = call.forward()
    if resp.status != 200:
        return resp
    text = resp.body.decode()
    m = re.search(r"<Content>([^<]*)</Content>", text)
    if not m:
        return resp
    csv = base64.b64decode(m.group(1)).decode()
    lines = [ln for ln in csv.splitlines() if ln]
    header, users = lines[0], [_fix_user_row(ln) for ln in lines[1:]]
    acct = call.account
    content = "\n".join([header, root_row(call.info.account_id, acct.root), *users]) + "\n"
    encoded = base64.b64encode(content.encode()).decode()
    text = text[:m.start(1)] + encoded + text[m.end(1):]
    # moto answers a fixed 2015 date; AWS the time this report was generated (here: now)
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    resp.body = re.sub(r"<GeneratedTime>[^<]*</GeneratedTime>", f"<GeneratedTime>{now}</GeneratedTime>", text).encode()
    return resp


def _set_entry(xml: str, key: str, value: int) -> str:
    pattern = re.compile(rf"(<key>{key}</key>\s*<value>)(\d+)(</value>)")
    if pattern.search(xml):
        return pattern.sub(rf"\g<1>{value}\g<3>", xml)
    return xml.replace("</SummaryMap>", f"<entry><key>{key}</key><value>{value}</value></entry></SummaryMap>")


@handles("iam", "GetAccountSummary")
def get_account_summary(call) -> Response:
    resp = call.forward()
    if resp.status != 200:
        return resp
    root = call.account.root
    xml = resp.body.decode()
    xml = _set_entry(xml, "AccountMFAEnabled", 1 if root.mfa_enabled else 0)
    xml = _set_entry(xml, "AccountAccessKeysPresent", 1 if root.root_access_keys else 0)
    xml = _set_entry(xml, "AccountPasswordPresent", 1 if root.password else 0)
    resp.body = xml.encode()
    return resp


@handles("iam", "ListVirtualMFADevices")
def list_virtual_mfa_devices(call) -> Response:
    resp = call.forward()
    root = call.account.root
    status = call.params.get("AssignmentStatus", "Any")
    if resp.status != 200 or not root.mfa_enabled or root.hardware_mfa or status == "Unassigned":
        return resp
    if call.params.get("Marker"):
        return resp  # the root device is on the first page
    acct = call.info.account_id
    enable_date = _iso(root.created)
    device = (f"<member><SerialNumber>arn:aws:iam::{acct}:mfa/root-account-mfa-device</SerialNumber>"
              f"<User><UserId>{acct}</UserId><Arn>arn:aws:iam::{acct}:root</Arn>"
              f"<CreateDate>{escape(enable_date)}</CreateDate></User>"
              f"<EnableDate>{escape(enable_date)}</EnableDate></member>")
    xml = resp.body.decode()
    if "<VirtualMFADevices/>" in xml:
        xml = xml.replace("<VirtualMFADevices/>", f"<VirtualMFADevices>{device}</VirtualMFADevices>")
    else:
        xml = xml.replace("<VirtualMFADevices>", f"<VirtualMFADevices>{device}", 1)
    resp.body = xml.encode()
    return resp
