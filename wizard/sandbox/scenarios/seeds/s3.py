"""S3 buckets, account Block Public Access and KMS keys, for the `s3` step.

insecure: account BPA off; in us-east-1 a public static-website bucket (public-read policy, no
BPA) and a bucket without encryption or versioning; in eu-west-1 a bucket whose policy has one
unrelated statement but no TLS-only statement; a customer-managed key without rotation in each
workload region.
secure/org (main account): account BPA on; buckets with BPA, a TLS-only policy (next to an
unrelated statement), default encryption (SSE-S3 and SSE-KMS), versioning with MFA delete; the
customer-managed key rotates; Amazon Macie is enabled in the home region (CIS 2.1.3 stays a manual
review, which then names it).
Every scenario but empty also has AWS-managed keys (alias/aws/s3, alias/aws/ebs) in the workload
regions: they must never become findings. In secure/org, buckets that earlier seeds made are
hardened too (see `harden_bucket`, which later seeds can call for theirs).
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

FULL_BPA = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True}
MFA = "arn:aws:iam::{account}:mfa/root-account-mfa-device 123456"


def _create(s3, name: str, region: str) -> None:
    extra = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    s3.create_bucket(Bucket=name, **extra)


def _reader_statement(account: str, name: str) -> dict:
    return {"Sid": "AllowAccountRead", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
            "Action": ["s3:GetObject", "s3:ListBucket"],
            "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"]}


def _tls_statement(name: str) -> dict:
    return {"Sid": "DenyPlainHttp", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}


def _policy(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def seed(ctx, scenario: str) -> None:
    if scenario == "empty":
        return
    east, west = ctx.workload_regions[0], ctx.workload_regions[-1]
    s3 = {r: ctx.client("s3", r) for r in (east, west)}
    kms = {r: ctx.client("kms", r) for r in (east, west)}
    # KMS work runs beside the bucket work (moto's key creation is the slow part of this seed).
    with ThreadPoolExecutor(2) as pool:
        keys = [pool.submit(_kms, kms[r], scenario, r == east) for r in (east, west)]
        _buckets(ctx, scenario, s3, keys[0])
        for future in keys:
            future.result()
    if scenario in ("secure", "org"):
        ctx.client("macie2", east).enable_macie(status="ENABLED")


def _kms(kms, scenario: str, home: bool) -> dict | None:
    for alias in ("alias/aws/s3", "alias/aws/ebs"):
        kms.describe_key(KeyId=alias)  # makes the AWS-managed default key, as first use does on AWS
    if scenario == "insecure":
        kms.create_key(Description="application data key")
    elif home:
        key = kms.create_key(Description="application data key")["KeyMetadata"]
        kms.enable_key_rotation(KeyId=key["KeyId"])
        return key
    return None


def _buckets(ctx, scenario: str, s3: dict, home_key) -> None:
    account = ctx.account_id
    east, west = ctx.workload_regions[0], ctx.workload_regions[-1]
    if scenario == "insecure":
        website = f"website-{account}"
        _create(s3[east], website, east)
        s3[east].put_bucket_website(Bucket=website, WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"}})
        s3[east].put_bucket_policy(Bucket=website, Policy=_policy(
            {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
             "Resource": f"arn:aws:s3:::{website}/*"}))
        raw = f"raw-uploads-{account}"
        _create(s3[east], raw, east)
        shared = f"shared-data-{account}"
        _create(s3[west], shared, west)
        s3[west].put_bucket_policy(Bucket=shared, Policy=_policy(_reader_statement(account, shared)))
        s3[west].put_bucket_encryption(Bucket=shared, ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
        s3[west].put_bucket_versioning(Bucket=shared, VersioningConfiguration={"Status": "Enabled"})
        return

    if scenario in ("secure", "org"):
        ctx.client("s3control").put_public_access_block(AccountId=account, PublicAccessBlockConfiguration=FULL_BPA)
        buckets = (
            (f"backups-{account}", west, {"SSEAlgorithm": "AES256"}),
            (f"app-data-{account}", east, None),  # SSE-KMS with the rotating key, once it exists
        )
        for name, region, encryption in buckets:
            _create(s3[region], name, region)
            s3[region].put_bucket_policy(Bucket=name, Policy=_policy(_reader_statement(account, name)))
            if encryption is None:
                encryption = {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": home_key.result()["Arn"]}
            harden_bucket(ctx, name, region, encryption)
        # Buckets other seeds made before this one (flow logs, ...) must pass these checks too.
        mine = {name for name, _, _ in buckets}
        for entry in s3[east].list_buckets().get("Buckets", []):
            if entry["Name"] not in mine:
                located = s3[east].get_bucket_location(Bucket=entry["Name"]).get("LocationConstraint")
                harden_bucket(ctx, entry["Name"], located or "us-east-1")


def harden_bucket(ctx, name: str, region: str, encryption: dict | None = None) -> None:
    """Make an existing bucket pass every bucket check of the `s3` step: Block Public Access, a
    TLS-only statement merged into its policy, default encryption, versioning with MFA delete.
    Seeds that make buckets in the secure scenario after this module runs can call it."""
    client = ctx.client("s3", region)
    client.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=FULL_BPA)
    try:
        doc = json.loads(client.get_bucket_policy(Bucket=name)["Policy"])
    except client.exceptions.ClientError as error:
        if error.response.get("Error", {}).get("Code") != "NoSuchBucketPolicy":
            raise
        doc = {"Version": "2012-10-17", "Statement": []}
    statements = doc.get("Statement", [])
    statements = [statements] if isinstance(statements, dict) else list(statements)
    if not any(s.get("Sid") == "DenyPlainHttp" for s in statements):
        doc["Statement"] = statements + [_tls_statement(name)]
        client.put_bucket_policy(Bucket=name, Policy=json.dumps(doc))
    client.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": encryption or {"SSEAlgorithm": "AES256"},
                   "BucketKeyEnabled": True}]})
    client.put_bucket_versioning(Bucket=name, MFA=MFA.format(account=ctx.account_id),
                                 VersioningConfiguration={"Status": "Enabled", "MFADelete": "Enabled"})
