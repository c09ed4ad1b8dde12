"""Root MFA is not asked of a member account whose root credentials the organization removed."""

from __future__ import annotations

from steps import root
from steps.base import Status, unreadable
from tests.steps.test_root import by_check, state

NO_ROOT = {"AccountMFAEnabled": 0, "AccountAccessKeysPresent": 0, "AccountPasswordPresent": 0}
CENTRAL = {"OrganizationId": "o-abc", "EnabledFeatures": ["RootCredentialsManagement", "RootSessions"]}


def mfa_checks(s):
    found = by_check(root.evaluate(s))
    return found["root-mfa"].status, found["root-hardware-mfa"].status


def test_centrally_removed_root_credentials_are_not_asked_for_mfa():
    s = state(summary=NO_ROOT, central_root=CENTRAL)
    assert mfa_checks(s) == (Status.PASS, Status.PASS)
    assert "centrally" in by_check(root.evaluate(s))["root-mfa"].message
    assert not [c for c in root.plan(s, {}).changes if c.key in ("root-mfa", "root-hardware-mfa")]


def test_a_root_password_still_there_still_needs_mfa():
    s = state(summary={**NO_ROOT, "AccountPasswordPresent": 1}, central_root=CENTRAL)
    assert mfa_checks(s) == (Status.FAIL, Status.FAIL)


def test_without_central_management_or_when_it_cannot_be_read_mfa_is_asked():
    for central in (None, {"OrganizationId": "o-abc", "EnabledFeatures": []}, unreadable("AccessDenied")):
        assert mfa_checks(state(summary=NO_ROOT, central_root=central)) == (Status.FAIL, Status.FAIL), central


class Reads:
    """Just enough of wizard.aws.AWS for root.collect: canned answers per (operation, region)."""

    def __init__(self, instances_by_region, parent=None):
        self.instances, self.parent, self.asked = instances_by_region, parent, []

    def per_region(self, fn, regions=None, *, spread=False):
        return {r: fn(r) for r in self.instances}

    def read(self, service, operation, region=None, **params):
        self.asked.append((operation, region))
        if operation == "ListInstances":
            return {"Instances": self.instances[region]}
        if operation == "ListPermissionSets":
            return {"PermissionSets": ["ps-admin"]}
        if operation == "ListManagedPoliciesInPermissionSet":
            return {"AttachedManagedPolicies": [{"Arn": root.ADMIN_POLICY_ARN}]}
        raise AssertionError(operation)

    def try_read(self, service, operation, region=None, **kw):
        kw.pop("missing", None)
        return self.read(service, operation, region, **kw)


def test_identity_center_admins_are_found_in_whichever_region_the_instance_lives():
    aws = Reads({"us-east-1": [], "eu-central-1": [{"InstanceArn": "arn:aws:sso:::instance/ssoins-1"}]})
    assert root._admin_permission_sets(aws) == ["ps-admin"]
    assert ("ListPermissionSets", "eu-central-1") in aws.asked
