"""Who a writing command runs as, said before it writes, and a warning when the endpoint and the
credentials do not belong together.

Two mix-ups put the wrong account at risk: an ``AWS_ENDPOINT_URL`` left pointing at a local sandbox
while a real profile is selected (the real credentials sign requests sent to whatever listens on
that port), and the real AWS endpoint used with the sandbox's dummy credentials (the user believes
they are in the sandbox). Both are told in one line before anything is written.
"""

from __future__ import annotations

import ipaddress
import os
import sys
from typing import Any
from urllib.parse import urlsplit

from steps.base import one_line

# The sandbox signs with moto's dummy keys (wizard/sandbox/server.py: Sandbox.env); "test" is LocalStack's.
SANDBOX_KEY_IDS = frozenset({"testing", "test"})
# botocore's credential methods that come from a named profile (botocore/credentials.py providers).
PROFILE_METHODS = frozenset({"shared-credentials-file", "config-file", "sso", "login", "assume-role",
                             "custom-process", "assume-role-with-web-identity"})


def is_local(endpoint: str | None) -> bool:
    """The endpoint is this machine: localhost, 127.0.0.0/8 or ::1."""
    host = (urlsplit(endpoint).hostname or "") if endpoint else ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_aws(endpoint: str | None) -> bool:
    """No override (botocore picks AWS's own endpoint), or an override that is one of AWS's hosts."""
    if not endpoint:
        return True
    host = urlsplit(endpoint).hostname or ""
    return any(host == d or host.endswith("." + d) for d in ("amazonaws.com", "amazonaws.com.cn", "api.aws"))


def profile_of(aws: Any) -> str:
    """The profile the credentials come from ("" when they do not come from one)."""
    named = aws.target.profile or os.environ.get("AWS_PROFILE") or os.environ.get("AWS_DEFAULT_PROFILE")
    if named:
        return named
    return "default" if aws.credential_method in PROFILE_METHODS else ""


def mismatch(endpoint: str | None, method: str, profile: str, key_id: str | None) -> str:
    """One line saying why the endpoint and the credentials do not belong together, or ""."""
    sandbox_keys = (key_id or "") in SANDBOX_KEY_IDS
    if is_local(endpoint) and not sandbox_keys and (profile or method in PROFILE_METHODS):
        return (f"the endpoint {endpoint} (AWS_ENDPOINT_URL) is on this machine, but the credentials come from the "
                f"profile '{profile or 'default'}', which is not the sandbox's: unset AWS_ENDPOINT_URL to work on that "
                "account, or select the sandbox's credentials")
    if is_aws(endpoint) and sandbox_keys:
        return ("the credentials are the sandbox's dummy keys, but the endpoint is AWS itself: set AWS_ENDPOINT_URL "
                "to the sandbox, or select your real credentials")
    return ""


def warn_if_mismatched(aws: Any) -> None:
    """Before the first call (the caller's identity): warn when endpoint and credentials do not match."""
    try:
        warning = mismatch(aws.target.endpoint, aws.credential_method, profile_of(aws), aws.access_key_id)
    except Exception:  # noqa: BLE001 - no usable credentials: the identity call right after says so in one line
        return
    if warning:
        print(f"aws-essentials: warning: {warning}", file=sys.stderr)


def who(aws: Any) -> str:
    """The line saying who this run is: caller ARN, account, how the credentials were found, endpoint."""
    method = aws.credential_method or "unknown"
    profile = profile_of(aws)
    source = f"{method}, profile {profile}" if profile else method
    return one_line(f"Running as {aws.caller_arn} in account {aws.account_id} (credentials: {source}; "
                    f"endpoint: {aws.target.endpoint or 'AWS'})")
