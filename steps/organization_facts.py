"""What AWS Organizations means for a day-one account, shared by the sso and regions steps.

- "Enable with AWS Organizations" (Identity Center) and ``CreateOrganization`` make this account the
  management account of a new organization with all features; "service control policies [are]
  automatically enabled in the root" (Organizations API reference, CreateOrganization). The
  management account pays for every member and no SCP ever restricts it (Organizations User
  Guide, "Service control policies (SCPs)": "SCPs don't affect users or roles in the management
  account").
- An organization whose only active account is the management account has nobody an SCP could
  restrict, so for region control it is still a standalone account.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

WHAT_AN_ORGANIZATION_CHANGES = (
    "What that changes: this account becomes the management account of a new organization (free) with all "
    "features; its resources, IAM users and bill stay as they are; it will pay for any member account added "
    "later; service control policies become available but never restrict this account itself, only members; "
    "AWS creates the service-linked role AWSServiceRoleForOrganizations; undoing it means deleting the "
    "organization, which needs every member account removed first."
)


def active_members(accounts: Iterable[Mapping[str, Any]], management_id: str | None) -> list[str]:
    """The ids of the organization's ACTIVE accounts other than the management account."""
    return sorted(a["Id"] for a in accounts
                  if a.get("Id") != management_id and a.get("Status", "ACTIVE") == "ACTIVE")
