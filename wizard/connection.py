"""What a wizard run works on: the AWS access, whether that is the local sandbox, and who it runs as.

Whether the account is the sandbox is a property of the connection, set by whoever opened it (the
`demo` command); it is never read from the environment, so a variable left in a shell cannot put
sandbox-only actions on a real account's screens.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from steps.base import StepError


@dataclass(frozen=True)
class Connection:
    """The AWS access object; the sandbox to stop at exit (demo only); the sandbox's endpoint when
    ``aws`` talks to the local sandbox (its console-only actions can then be simulated)."""

    aws: Any
    sandbox: Any = None
    label: str = ""
    sandbox_endpoint: str = ""

    @property
    def is_sandbox(self) -> bool:
        return bool(self.sandbox_endpoint)

    def member(self, account_id: str) -> "Connection":
        """The connection to a member account of the organization (through its admin role). The
        sandbox, if any, is the home connection's to stop."""
        return Connection(self.aws.member(account_id), label=f"organization member {account_id}",
                          sandbox_endpoint=self.sandbox_endpoint)

    def simulate_console(self, account_id: str, action: str) -> None:
        """Ask the sandbox to do what a person would do in the console (sandbox only)."""
        import json
        import urllib.request  # here, not at the top: the first screen does not wait for http.client

        if not self.is_sandbox:
            raise StepError("console actions can be simulated only on the sandbox",
                            "do this in the AWS console, then re-check")
        body = json.dumps({"account_id": account_id, "action": action}).encode()
        request = urllib.request.Request(f"{self.sandbox_endpoint.rstrip('/')}/_sandbox/console", data=body,
                                         method="POST", headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - the local sandbox
                answer.read()
        except Exception as error:  # noqa: BLE001 - any failure of the local control call, in one line
            raise StepError(str(error) or type(error).__name__,
                            "re-check the step; if it still fails, restart the demo") from None


@dataclass
class Identity:
    """Who the wizard runs as, shown on the welcome screen."""

    account_id: str = ""
    alias: str = ""
    arn: str = ""
    auth: str = ""
    is_root: bool = False
    regions: list[str] = field(default_factory=list)
    label: str = ""
    org_accounts: list[tuple[str, str]] = field(default_factory=list)  # (id, name), management account only


def describe_auth(aws: Any, arn: str) -> str:
    """How the caller authenticated, in words (profile, SSO, keys, role, root)."""
    target = aws.target
    if arn.endswith(":root"):
        return "the root user's access keys"
    if target.role_arn:
        return f"an assumed role ({target.role_arn})"
    if target.credentials:
        return "stored access keys (from the keyring)"
    method = aws.credential_method
    profile = target.profile or os.environ.get("AWS_PROFILE")
    if method == "sso" or ":assumed-role/AWSReservedSSO_" in arn:
        return f"IAM Identity Center (SSO){f', profile {profile}' if profile else ''}"
    words = {
        "env": "access keys from environment variables",
        "shared-credentials-file": f"access keys from the profile {profile or 'default'}",
        "config-file": f"access keys from the profile {profile or 'default'} (config file)",
        "assume-role": f"a role assumed by the profile {profile or 'default'}",
        "assume-role-with-web-identity": "a web identity role",
        "iam-role": "the instance's role",
        "container-role": "the container's role",
        "custom-process": f"a credential process (profile {profile or 'default'})",
    }
    return words.get(method, method or "the default credential chain")
