"""org: an organization (all features) with the main account as management, 5 member accounts made
with CreateAccount (stable ids: moto's random is seeded first), an OU "Workloads" holding them,
and each member's OrganizationAccountAccessRole trusting the management account (moto creates it;
AdministratorAccess is attached like AWS does). secure: Identity Center was enabled "with AWS
Organizations", so the account manages an organization of its own with no member. insecure/empty: no
organization."""

from __future__ import annotations

MEMBER_NAMES = ("workload-prod", "workload-dev", "log-archive", "audit", "sandbox")
ORG_SEED = 20240101


def seed(ctx, scenario: str) -> None:
    if scenario == "secure":
        ctx.client("organizations").create_organization(FeatureSet="ALL")
    if scenario != "org":
        return
    from moto.moto_api._internal import mock_random

    mock_random.seed(ORG_SEED + ctx.sandbox.seed)
    org = ctx.client("organizations")
    desc = org.create_organization(FeatureSet="ALL")["Organization"]
    ctx.sandbox.organization_id = desc["Id"]
    root_id = org.list_roots()["Roots"][0]["Id"]
    ou = org.create_organizational_unit(ParentId=root_id, Name="Workloads")["OrganizationalUnit"]
    members = []
    for name in MEMBER_NAMES:
        status = org.create_account(AccountName=name, Email=f"aws+{name}@example.com")["CreateAccountStatus"]
        account_id = status["AccountId"]
        org.move_account(AccountId=account_id, SourceParentId=root_id, DestinationParentId=ou["Id"])
        members.append(account_id)
    ctx.sandbox.member_account_ids = members
    from moto.iam.models import iam_backends

    for account_id in members:  # direct: no HTTP round trip needed for a moto-made role
        iam_backends[account_id]["global"].attach_role_policy(
            "arn:aws:iam::aws:policy/AdministratorAccess", "OrganizationAccountAccessRole")
