"""A read that failed has one spelling in every step's state, read through steps.base.is_unreadable/reason_of.

Records of which only part is known (a bucket whose region could not be read, a KMS key DescribeKey
refused, a CLI config file that cannot be decoded) carry the same marker as a whole unreadable value,
so every check that asks is_unreadable sees them; none of them may look like a readable record.
"""

from __future__ import annotations

from steps import cli_config, s3, sso
from steps.base import Status, is_unreadable, reason_of, unreadable
from steps.kms_rotation import read_keys
from steps.shared_reads import bucket_exposure


class DeniedAWS:
    """Answers ListKeys with one key and refuses ``denied`` operations, the way AWS.try_read reports them."""

    def __init__(self, *denied: str) -> None:
        self.denied = denied

    def try_read(self, service, operation, region=None, **kw):
        if operation in self.denied:
            return unreadable(f"{operation}: AccessDenied")
        if operation == "ListKeys":
            return {"Keys": [{"KeyId": "k-1", "KeyArn": "arn:aws:kms:us-east-1:111122223333:key/k-1"}]}
        raise AssertionError(f"unexpected read {operation}")


def test_a_bucket_whose_region_is_unknown_is_unreadable_by_the_one_helper():
    bucket = bucket_exposure(DeniedAWS("ListBuckets", "GetBucketLocation"), "lost-bucket")
    assert is_unreadable(bucket) and "GetBucketLocation" in reason_of(bucket)
    assert bucket["name"] == "lost-bucket" and bucket["region"] is None  # what is known stays


def test_a_key_describekey_refused_is_unreadable_and_its_finding_unknown():
    keys = read_keys(DeniedAWS("DescribeKey"), "us-east-1")
    assert len(keys) == 1 and is_unreadable(keys[0]) and "DescribeKey" in reason_of(keys[0])
    state = {"account_id": "111122223333", "account_bpa": None, "buckets": [],
             "regions": {"us-east-1": {"keys": keys, "connectivity": {"vpn": 0, "client_vpn": 0, "endpoints": 0}}}}
    kms = [f for f in s3.evaluate(state) if f.check == "kms-rotation"]
    assert [f.status for f in kms] == [Status.UNKNOWN] and "DescribeKey" in kms[0].message
    assert not [c for c in s3.plan(state, {}).changes if c.call and c.call.service == "kms"]


def test_a_cli_config_that_cannot_be_decoded_is_unreadable_and_planned_around(tmp_path):
    path = tmp_path / "config"
    path.write_bytes(b"\xff\xfe[profile x]\n")
    cli = cli_config.read_config(path)
    assert is_unreadable(cli) and reason_of(cli)
    assert cli["path"] == str(path) and cli["text"] == ""
    from tests.steps.test_sso import configured

    state = configured(cli=cli)
    finding = sso.evaluate(state)[-1]
    assert finding.check == "cli-profile" and finding.status is Status.MANUAL and "Could not read" in finding.message
    assert not [c for c in sso.plan(state, {}).changes if c.call and c.call.service == "local"]  # no blind write
    assert [c for c in sso.plan(configured(), {}).changes if c.call and c.call.service == "local"]  # as when read
