"""`aws-essentials undo` restores the recorded before-state exactly, for four kinds of change."""

from __future__ import annotations

import pytest

from steps import audit_logging, keys, s3, vpc
from tests.helpers import fix, open_aws
from wizard.__main__ import main
from wizard.journal import Journal


def undo(entry_id: str) -> None:
    assert main(["undo", entry_id, "--yes"]) == 0


def entry_for(aws, operation: str, **params):
    for entry in Journal(aws.account_id).entries():
        call = entry.change.get("call") or {}
        if call.get("operation") == operation and all(entry.params.get(k) == v for k, v in params.items()):
            return entry
    raise AssertionError(f"no journalled {operation} {params}")


def open_rules(aws, group_id: str, region: str) -> list[tuple]:
    rules = aws.client("ec2", region).describe_security_group_rules(
        Filters=[{"Name": "group-id", "Values": [group_id]}])["SecurityGroupRules"]
    return sorted((r["IsEgress"], r["IpProtocol"], r.get("FromPort"), r.get("ToPort"), r.get("CidrIpv4"),
                   r.get("CidrIpv6")) for r in rules)


def revoked_open_rules(aws):
    """Apply the vpc step; return (the change revoking a group's rules open to the internet, its
    group, its region, its journal entry)."""
    plan, result = fix(aws, vpc)
    assert result.ok
    revoke = next(c for c in plan.automatic if c.call.operation == "RevokeSecurityGroupIngress"
                  and "SecurityGroupRuleIds" in c.call.params and "0.0.0.0/0" in str(c.before))
    group, region = revoke.call.params["GroupId"], revoke.call.region
    entry = entry_for(aws, "RevokeSecurityGroupIngress", GroupId=group, SecurityGroupRuleIds=revoke.call.params[
        "SecurityGroupRuleIds"])
    return revoke, group, region, entry


def test_undo_of_a_revoked_security_group_rule(account):
    sb = account("insecure")
    aws = open_aws(sb)
    revoke, group, region, entry = revoked_open_rules(aws)
    after_fix = open_rules(aws, group, region)
    undo(entry.id)
    restored = open_rules(aws, group, region)
    # Exactly the revoked rules are back (same protocol, ports and range), and nothing else changed.
    assert len(restored) == len(after_fix) + len(revoke.before)
    assert set(after_fix) <= set(restored)
    assert any(cidr in ("0.0.0.0/0", "::/0") for *_, cidr4, cidr6 in restored for cidr in (cidr4, cidr6))


def test_undo_of_a_password_policy_change(account):
    sb = account("insecure")
    aws = open_aws(sb)
    iam = aws.client("iam")
    before = iam.get_account_password_policy()["PasswordPolicy"]
    _, result = fix(aws, keys)
    assert result.ok
    assert iam.get_account_password_policy()["PasswordPolicy"] != before
    undo(entry_for(aws, "UpdateAccountPasswordPolicy").id)
    assert iam.get_account_password_policy()["PasswordPolicy"] == before


@pytest.mark.parametrize("scenario", ["insecure", "empty"])
def test_undo_of_the_account_public_access_block(account, scenario):
    sb = account(scenario)
    aws = open_aws(sb)
    control = aws.client("s3control")

    def account_block():
        try:
            return control.get_public_access_block(AccountId=sb.account_id)["PublicAccessBlockConfiguration"]
        except control.exceptions.NoSuchPublicAccessBlockConfiguration:
            return None

    before = account_block()
    plan, result = fix(aws, s3)
    assert result.ok
    assert account_block() != before
    undo(entry_for(aws, "PutPublicAccessBlock", AccountId=sb.account_id).id)
    assert account_block() == before


def test_undo_of_a_new_guardduty_detector_deletes_that_detector(account):
    """The detector's id exists only once it is made: the journal records the undo with it."""
    sb = account("insecure")
    aws = open_aws(sb)
    _, result = fix(aws, audit_logging)
    assert result.ok
    entry = entry_for(aws, "CreateDetector")
    region = entry.change["call"]["region"]
    guardduty = aws.client("guardduty", region)
    (detector_id,) = guardduty.list_detectors()["DetectorIds"]
    assert entry.change["undo"]["params"] == {"DetectorId": detector_id}
    undo(entry.id)
    assert guardduty.list_detectors()["DetectorIds"] == []
