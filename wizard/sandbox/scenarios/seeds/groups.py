"""IAM users and groups, custom admin policies, the support role, console MFA, Access Analyzer.

insecure: dana holds AdministratorAccess directly and signs in to the console without MFA;
erin and frank hold ReadOnlyAccess plus the same inline policy directly; gil holds a custom policy
that allows *:*; no support role; no analyzer anywhere; a role "shell-ops" holds AWSCloudShellFullAccess, and
an expired server certificate "shop-2019" sits in IAM (moto reports every certificate as expired).
secure/org: (root seed: group Admins with user admin in it, no AdministratorAccess anywhere) a support role
with AWSSupportAccess, and an ACCOUNT analyzer in every enabled region (gap state: cheap).
empty: nothing.
(The keys seed adds its own users, e.g. alice and carol with console passwords and no MFA.)
"""

from __future__ import annotations

import datetime
import json

READ_REPORTS = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"}]}
FAKE_CERT = "-----BEGIN CERTIFICATE-----\nbm90LWEtY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----"
FULL_ADMIN = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def seed(ctx, scenario: str) -> None:
    if scenario == "insecure":
        _insecure(ctx)
    elif scenario in ("secure", "org"):
        _secure(ctx)


def _insecure(ctx) -> None:
    iam = ctx.client("iam")
    acct = ctx.account_id
    iam.create_user(UserName="dana")
    iam.attach_user_policy(UserName="dana", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    iam.create_login_profile(UserName="dana", Password="Insecure-Passw0rd!")
    for user in ("erin", "frank"):
        iam.create_user(UserName=user)
        iam.attach_user_policy(UserName=user, PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
        iam.put_user_policy(UserName=user, PolicyName="read-reports", PolicyDocument=json.dumps(READ_REPORTS))
    iam.create_policy(PolicyName="FullAdmin", PolicyDocument=json.dumps(FULL_ADMIN))
    iam.create_user(UserName="gil")
    iam.attach_user_policy(UserName="gil", PolicyArn=f"arn:aws:iam::{acct}:policy/FullAdmin")
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{acct}:root"}, "Action": "sts:AssumeRole"}]}
    iam.create_role(RoleName="shell-ops", AssumeRolePolicyDocument=json.dumps(trust))
    iam.attach_role_policy(RoleName="shell-ops", PolicyArn="arn:aws:iam::aws:policy/AWSCloudShellFullAccess")
    iam.upload_server_certificate(ServerCertificateName="shop-2019", CertificateBody=FAKE_CERT,
                                  PrivateKey="-----BEGIN PRIVATE KEY-----\nnot-a-key\n-----END PRIVATE KEY-----")


def _secure(ctx) -> None:
    iam = ctx.client("iam")
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ctx.account_id}:root"}, "Action": "sts:AssumeRole"}]}
    iam.create_role(RoleName="AWSSupportRole", AssumeRolePolicyDocument=json.dumps(trust))
    iam.attach_role_policy(RoleName="AWSSupportRole", PolicyArn="arn:aws:iam::aws:policy/AWSSupportAccess")
    acct = ctx.gaps.account(ctx.account_id)
    now = datetime.datetime.now(datetime.timezone.utc).isoformat()
    with ctx.gaps.lock:
        for region in acct.enabled_regions():
            acct.analyzers.setdefault(region, {})["ExternalAccess"] = {
                "arn": f"arn:aws:access-analyzer:{region}:{ctx.account_id}:analyzer/ExternalAccess",
                "name": "ExternalAccess", "type": "ACCOUNT", "createdAt": now, "status": "ACTIVE", "tags": {},
            }
