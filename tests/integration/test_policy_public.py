"""Scenario-level: a bucket whose policy only LOOKS narrowed is reported public by `check` (issue 15)."""

from __future__ import annotations

import json

from tests.helpers import open_aws
from wizard.__main__ import main

ACCOUNT = "123456789012"
BUCKET = f"looks-narrowed-{ACCOUNT}"


def test_check_reports_a_wildcard_source_arn_bucket_public(account, capsys):
    aws = open_aws(account("insecure"))  # account-level Block Public Access is off there
    client = aws.client("s3", "us-east-1")
    client.create_bucket(Bucket=BUCKET)
    client.delete_public_access_block(Bucket=BUCKET)
    # aws:SourceArn is a narrowing key, but "*" is not a fixed value: S3 calls this public
    # (S3 User Guide, "The meaning of 'public'"); the old check passed it because the key was present.
    client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "LooksNarrowed", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Resource": f"arn:aws:s3:::{BUCKET}/*", "Condition": {"StringLike": {"aws:SourceArn": "*"}}}]}))
    main(["check", "--steps", "s3", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    (row,) = [f for f in report["findings"]
              if f["check"] == "public-bucket" and f.get("resource") == f"arn:aws:s3:::{BUCKET}"]
    assert row["status"] == "FAIL"
    assert "LooksNarrowed" in row["message"] and "aws:SourceArn" in row["message"]
