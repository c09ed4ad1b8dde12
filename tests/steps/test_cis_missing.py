"""CIS v5.0 1.18, 1.21, 2.1.3, 2.2.2, 2.2.4, 2.3.1 and 5.6: pure evaluate/plan tests on hand-built state."""

from __future__ import annotations

from steps import cloudshell_access, efs, iam_certificates, macie, rds, vpc_peering
from steps.base import Status, unreadable

NOW = "2026-06-01T00:00:00+00:00"


def _statuses(findings):
    return [(f.status, f.resource) for f in findings]


# --- 1.18 expired server certificates ------------------------------------------------------------


def test_expired_certificate_fails_by_name_and_its_delete_is_risky_without_undo():
    state = {"read_at": NOW, "certificates": [
        {"name": "old-shop", "expiration": "2025-01-01T00:00:00+00:00"},
        {"name": "current", "expiration": "2027-01-01T00:00:00Z"}]}
    findings = iam_certificates.certificate_findings(state)
    assert _statuses(findings) == [(Status.FAIL, "old-shop")]
    assert findings[0].cis == ("1.18",) and "old-shop" in findings[0].message
    [change] = iam_certificates.certificate_changes(state)
    assert change.call.operation == "DeleteServerCertificate"
    assert change.call.params == {"ServerCertificateName": "old-shop"}
    assert change.risky and change.undo is None and "private key" in change.undo_note
    assert "load balancer" in change.warning


def test_certificates_pass_when_none_expired_and_unknown_when_unreadable():
    state = {"read_at": NOW, "certificates": [{"name": "current", "expiration": "2027-01-01T00:00:00Z"}]}
    assert [f.status for f in iam_certificates.certificate_findings(state)] == [Status.PASS]
    assert iam_certificates.certificate_changes(state) == []
    denied = {"read_at": NOW, "certificates": unreadable("access denied")}
    assert [f.status for f in iam_certificates.certificate_findings(denied)] == [Status.UNKNOWN]
    assert iam_certificates.certificate_changes(denied) == []


# --- 1.21 AWSCloudShellFullAccess ------------------------------------------------------------------


def test_cloudshell_holders_fail_one_each_and_detach_undoes_by_attaching():
    holders = {"User": ["alice"], "Group": [], "Role": ["ops"]}
    findings = cloudshell_access.cloudshell_findings(holders)
    assert _statuses(findings) == [(Status.FAIL, "user/alice"), (Status.FAIL, "role/ops")]
    assert all(f.cis == ("1.21",) and f.fixable for f in findings)
    changes = cloudshell_access.cloudshell_changes(holders)
    assert [(c.call.operation, c.undo.operation) for c in changes] == [
        ("DetachUserPolicy", "AttachUserPolicy"), ("DetachRolePolicy", "AttachRolePolicy")]
    assert changes[1].call.params == {"RoleName": "ops", "PolicyArn": cloudshell_access.CLOUDSHELL_POLICY}
    assert not any(c.risky for c in changes)


def test_cloudshell_passes_without_holders_and_is_unknown_when_unreadable():
    assert [f.status for f in cloudshell_access.cloudshell_findings({"User": [], "Group": [], "Role": []})] == [
        Status.PASS]
    assert [f.status for f in cloudshell_access.cloudshell_findings(unreadable("denied"))] == [Status.UNKNOWN]
    assert cloudshell_access.cloudshell_changes(unreadable("denied")) == []


# --- 2.1.3 Macie (manual) ------------------------------------------------------------------------------


def test_macie_is_manual_and_says_where_it_runs():
    [finding] = [macie.macie_finding({"us-east-1": "ENABLED", "eu-west-1": "OFF", "ap-south-1": unreadable("denied")})]
    assert finding.status == Status.MANUAL and finding.cis == ("2.1.3",)
    assert "Macie enabled in: us-east-1" in finding.message
    assert "Macie not enabled in: eu-west-1" in finding.message
    assert "unreadable in: ap-south-1" in finding.message and "console.aws.amazon.com/macie" in finding.message


class _Reader:
    def __init__(self, answer):
        self.answer, self.asked = answer, {}

    def try_read(self, *args, **kw):
        self.asked = kw
        return self.answer


def test_macie_not_enabled_answer_is_off_not_unreadable():
    # AWS answers AccessDeniedException "Macie is not enabled." when there is no session: read as none
    reader = _Reader(None)
    assert macie.read_macie(reader, "us-east-1") == "OFF"
    assert "AccessDeniedException: Macie is not enabled" in reader.asked["missing"]
    assert macie.read_macie(_Reader({"status": "PAUSED"}), "us-east-1") == "PAUSED"
    denied = unreadable("access denied: the caller lacks macie2:GetMacieSession")
    assert macie.read_macie(_Reader(denied), "us-east-1") == denied


# --- 2.2.2 / 2.2.4 RDS ---------------------------------------------------------------------------------


def _db(name, auto, multi_az=False, cluster=None, status="available"):
    return {"DBInstanceIdentifier": name, "Engine": "mysql", "PubliclyAccessible": False, "StorageEncrypted": True,
            "DBClusterIdentifier": cluster, "DBInstanceStatus": status, "AutoMinorVersionUpgrade": auto,
            "MultiAZ": multi_az}


def test_minor_upgrade_off_fails_and_the_fix_waits_for_the_maintenance_window():
    dbs = [_db("legacy", False, status="modifying"), _db("app", True, multi_az=True)]
    findings = rds.rds_findings("eu-west-1", dbs)
    upgrade = [f for f in findings if f.check == rds.MINOR_UPGRADE.id]
    assert _statuses(upgrade) == [(Status.FAIL, "legacy")] and upgrade[0].cis == ("2.2.2",)
    [change] = rds.rds_changes("eu-west-1", dbs)
    assert change.call.params == {"DBInstanceIdentifier": "legacy", "AutoMinorVersionUpgrade": True,
                                  "ApplyImmediately": False}
    assert change.undo.params["AutoMinorVersionUpgrade"] is False and change.call.region == "eu-west-1"
    assert "InvalidDBInstanceState" in change.retry_on and "'modifying'" in change.warning
    assert not change.risky


def test_minor_upgrade_passes_when_on_and_multi_az_is_manual_listing_single_az():
    dbs = [_db("a", True), _db("b", True, multi_az=True), _db("c", True, cluster="aurora-1")]
    findings = rds.rds_findings("us-east-1", dbs)
    assert [f.status for f in findings] == [Status.PASS, Status.MANUAL]
    assert findings[1].cis == ("2.2.4",) and "Single-AZ: a." in findings[1].message
    assert [f.status for f in rds.rds_findings("us-east-1", dbs[1:])] == [Status.PASS, Status.PASS]
    assert rds.rds_changes("us-east-1", dbs) == []
    # no database: the RDS checks have nothing to judge (not a pass that inflates the count)
    assert [f.status for f in rds.rds_findings("us-east-1", [])] == [Status.NA, Status.NA]


def test_unreadable_databases_give_unknown_for_the_rds_checks():
    from steps import compute

    state = {"regions": {"us-east-1": {
        "ebs_default": True, "imds_default": {"HttpTokens": "required"}, "snapshot_bpa": "block-all-sharing",
        "image_bpa": "block-new-sharing", "instances": [], "functions": [], "file_systems": [],
        "databases": unreadable("denied")}}}
    by_check = {f.check: f.status for f in compute.evaluate(state)}
    assert by_check[rds.MINOR_UPGRADE.id] == by_check[rds.MULTI_AZ.id] == Status.UNKNOWN
    assert not [c for c in compute.plan(state, {}).changes if c.call and c.call.service == "rds"]


# --- 2.3.1 EFS -------------------------------------------------------------------------------------------


def test_unencrypted_file_system_fails_and_the_plan_writes_the_migration():
    systems = [{"FileSystemId": "fs-1", "Name": "shared", "Encrypted": False, "LifeCycleState": "available"},
               {"FileSystemId": "fs-2", "Name": "", "Encrypted": True, "LifeCycleState": "available"}]
    findings = efs.efs_findings("us-east-1", systems)
    assert _statuses(findings) == [(Status.FAIL, "fs-1")] and findings[0].cis == ("2.3.1",)
    [change] = efs.efs_changes("us-east-1", systems)
    assert change.manual and change.call is None and "--encrypted" in " ".join(change.instructions)


def test_efs_passes_when_encrypted_and_is_unknown_when_unreadable():
    ok = [{"FileSystemId": "fs-2", "Name": "", "Encrypted": True, "LifeCycleState": "available"}]
    assert [f.status for f in efs.efs_findings("us-east-1", ok)] == [Status.PASS]
    assert [f.status for f in efs.efs_findings("us-east-1", unreadable("denied"))] == [Status.UNKNOWN]
    assert efs.efs_changes("us-east-1", unreadable("denied")) == []


# --- 5.6 VPC peering routes (manual) -------------------------------------------------------------------


def test_peering_is_manual_and_lists_connections_and_routes():
    data = {"connections": [{"id": "pcx-1", "status": "active", "requester": "vpc-a (10.0.0.0/16, account 1)",
                             "accepter": "vpc-b (10.1.0.0/16, account 2)"}],
            "routes": [{"table": "rtb-1", "vpc": "vpc-a", "destination": "10.1.0.0/16", "peering": "pcx-1"}]}
    finding = vpc_peering.peering_finding("us-east-1", data)
    assert finding.status == Status.MANUAL and finding.cis == ("5.6",)
    assert "pcx-1 (active)" in finding.message and "rtb-1 (vpc-a): 10.1.0.0/16 -> pcx-1" in finding.message


def test_peering_is_not_applicable_without_connections_and_is_unknown_when_unreadable():
    assert vpc_peering.peering_finding("us-east-1", {"connections": [], "routes": []}).status == Status.NA
    denied = {"connections": unreadable("denied"), "routes": []}
    assert vpc_peering.peering_finding("us-east-1", denied).status == Status.UNKNOWN


def test_a_user_losing_cloudshell_is_detached_once_and_not_moved_into_a_group():
    from steps import groups

    shell = cloudshell_access.CLOUDSHELL_POLICY
    read_only = "arn:aws:iam::aws:policy/ReadOnlyAccess"
    state = {
        "caller": {"Account": "111122223333", "Arn": "arn:aws:iam::111122223333:user/admin"},
        "users": {"hal": {"attached": [read_only, shell], "inline": {}, "groups": [], "mfa_devices": 1,
                          "console": False}},
        "groups": {}, "custom_policies": {}, "support_roles": ["AWSSupportRole"], "admin_roles": [],
        "support_role_exists": True, "analyzers": {},
        "server_certificates": {"read_at": NOW, "certificates": []},
        "cloudshell": {"User": ["hal"], "Group": [], "Role": []},
    }
    calls = [c.call for c in groups.plan(state, {}).changes if c.call]
    touching_shell = [(c.operation, c.params.get("UserName") or c.params.get("GroupName"))
                      for c in calls if c.params.get("PolicyArn") == shell]
    assert touching_shell == [("DetachUserPolicy", "hal")]
    assert any(c.operation == "AttachGroupPolicy" and c.params["PolicyArn"] == read_only for c in calls)
