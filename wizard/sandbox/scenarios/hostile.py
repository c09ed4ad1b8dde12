"""Hostile names: text an account's owner (or an intruder) may choose, seeded on top of a scenario.

Every value is one AWS accepts where it is put (the sandbox does not check, AWS does):
- security group names and descriptions allow ``a-z A-Z 0-9 space ._-:/()#,@[]+=&;{}!$*`` (EC2
  CreateSecurityGroup): markup like ``[/]`` and ``[bold]``, but no ``<``;
- EC2 tag values allow any Unicode up to 256 characters: the HTML goes there;
- an alternate contact's Name (1-64) and Title (1-50) have no pattern (Account API AlternateContact):
  an OSC title sequence, a C1 CSI and ``<script>`` go there;
- an organization account's name is printable ASCII up to 50 (Organizations CreateAccount
  AccountName pattern ``[\\u0020-\\u007E]+``): markup and HTML, no control codes;
- a bucket policy's Sid: IAM allows only ``A-Za-z0-9``, but S3 bucket policies take free text (the
  S3 user guide's examples have spaces and dots), so the insecure trail bucket's public statement
  gets markup and HTML.
Bucket and trail names cannot hold any of this (lowercase, digits, ``.-`` / ``._-``), and S3 tags
allow only letters, digits, spaces and ``+-=._:/@``, so they keep their scenario names.
"""

from __future__ import annotations

import json

from . import Sandbox, SeedContext
from .seeds.contacts import CONTACT_INFORMATION
from .seeds.vpc import APP_CIDR

SCRIPT = "<script>alert(1)</script>"
SID = "Public [/] [bold] <img src=x onerror=alert(1)>"
IMG = "<img src=x onerror=alert(1)>"
OSC_TITLE = "\x1b]2;pwned\x07"
GROUP_NAME = "nfs [/export]"
GROUP_DESCRIPTION = "nfs [bold]share[/] for [/]{all}"
GROUP_TAG = f"{IMG} [/] [bold] {SCRIPT}"
CONTACT_NAME = f"Eve {OSC_TITLE}{SCRIPT}"
CONTACT_TITLE = "Lead \x9b31m[/] [bold]"
FULL_NAME = f"Mallory [/] {IMG}"[:50]
ACCOUNT_NAME = f"prod [/] [bold] {IMG}"[:50]


def seed_hostile(sandbox: "Sandbox") -> None:
    """Add the hostile names to the account ``sandbox`` was reset to (any scenario).

    A security group ``nfs [/export]`` open to the world on TCP 22 in the home region, the security
    alternate contact, the primary contact's full name, the public trail bucket's policy Sid (insecure
    scenario) and every member account's name (org scenario).
    """
    ctx = SeedContext(sandbox)  # touching the gap state marks the sandbox dirty: the next reset re-seeds
    ec2 = ctx.client("ec2")
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "cidr", "Values": [APP_CIDR]}])["Vpcs"]
    vpc_id = (vpcs or ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"])[0]["VpcId"]
    group_id = ec2.create_security_group(GroupName=GROUP_NAME, Description=GROUP_DESCRIPTION, VpcId=vpc_id,
                                         TagSpecifications=[{"ResourceType": "security-group", "Tags": [
                                             {"Key": "Name", "Value": GROUP_TAG}]}])["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
         "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "ssh [/] [bold]"}]}])
    ctx.client("account").put_alternate_contact(
        AlternateContactType="SECURITY", Name=CONTACT_NAME, Title=CONTACT_TITLE,
        EmailAddress="security@example.com", PhoneNumber="+1-555-0100")
    ctx.gaps.account(ctx.account_id).contact_information = {**CONTACT_INFORMATION, "FullName": FULL_NAME}
    s3 = ctx.client("s3")
    bucket = f"legacy-cloudtrail-logs-{ctx.account_id}"  # the insecure scenario's public trail bucket
    if any(b["Name"] == bucket for b in s3.list_buckets()["Buckets"]):
        s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Sid": SID, "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
             "Resource": f"arn:aws:s3:::{bucket}/*"}]}))
    if ctx.member_account_ids:
        from moto.organizations.models import organizations_backends

        # Organizations has no rename call the sandbox serves; the names are set in moto directly.
        backend = organizations_backends[ctx.account_id]["aws"]
        for account in backend.accounts:
            if account.id in ctx.member_account_ids:
                account.name = ACCOUNT_NAME
