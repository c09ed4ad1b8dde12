"""Identity Center contents (the "enabled" flag itself is set by the regions seed).

secure/org: in the main account's Identity Center, permission sets AdministratorAccess and
ReadOnlyAccess, group AccountAdmins (not AWSAdministrators: Identity Center reserves it) with one user, and the group assigned the admin set on
the main account. insecure/empty: Identity Center is off, nothing to seed.
"""

from __future__ import annotations


def seed(ctx, scenario: str) -> None:
    if scenario not in ("secure", "org"):
        return
    acct = ctx.gaps.account(ctx.account_id)
    if not acct.identity_center_enabled:
        return
    region = acct.identity_center_region
    sso = ctx.client("sso-admin", region)
    store = ctx.client("identitystore", region)
    instance = sso.list_instances()["Instances"][0]
    arn, store_id = instance["InstanceArn"], instance["IdentityStoreId"]
    sets = {}
    for name, policy, duration in (("AdministratorAccess", "AdministratorAccess", "PT1H"),
                                   ("ReadOnlyAccess", "ReadOnlyAccess", "PT4H")):
        ps = sso.create_permission_set(InstanceArn=arn, Name=name, SessionDuration=duration)["PermissionSet"]
        sso.attach_managed_policy_to_permission_set(InstanceArn=arn, PermissionSetArn=ps["PermissionSetArn"],
                                                    ManagedPolicyArn=f"arn:aws:iam::aws:policy/{policy}")
        sets[name] = ps["PermissionSetArn"]
    group = store.create_group(IdentityStoreId=store_id, DisplayName="AccountAdmins")["GroupId"]
    user = store.create_user(IdentityStoreId=store_id, UserName="jane.admin", DisplayName="Jane Admin",
                             Name={"GivenName": "Jane", "FamilyName": "Admin"},
                             Emails=[{"Value": "jane.admin@example.com", "Type": "work", "Primary": True}])["UserId"]
    store.create_group_membership(IdentityStoreId=store_id, GroupId=group, MemberId={"UserId": user})
    sso.create_account_assignment(InstanceArn=arn, TargetId=ctx.account_id, TargetType="AWS_ACCOUNT",
                                  PermissionSetArn=sets["AdministratorAccess"], PrincipalType="GROUP",
                                  PrincipalId=group)
