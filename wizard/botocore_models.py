"""Service models trimmed to the operations the wizard calls, with the whole model as a fallback.

botocore reads a service's whole model file and keeps it for the process: about 34 MB of decoded
JSON for the ~25 services a check reaches (EC2's alone 9.5 MB, for its 830 operations and 4,400
shapes), of which the wizard calls ~235 operations. :func:`keep_called_operations` makes one
loader keep, per service, only the shapes those operations (and every modelled error) reach,
without the documentation; the full document is decoded, trimmed and let go.

Every operation stays in the model (a client has the same methods); a shape that was left out is
loaded from the full model the first time anything asks for it (``_Shapes.__missing__``), so an
operation outside the list still works, only slower, and is counted in :data:`FALLBACKS`. The list
is derived from the steps' IAM actions (wizard/permissions.py, through wizard/aws_errors.py's
``iam_action``); tests/wizard/test_botocore_models.py checks it against them, and
tests/integration/test_call_budget.py that a full check never falls back.

Only the wizard's shared loader is trimmed (wizard/aws_session.py), and not with
``AWS_ESSENTIALS_BOTOCORE_SHARING=off``. A trimmed model is kept on disk for the next process
(wizard/botocore_model_cache.py), which then reads no whole model.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any, Callable

from wizard import botocore_model_cache as model_cache

# {botocore service name: operations the wizard calls}: read mode, fix mode, undo and the plumbing.
OPERATIONS: dict[str, frozenset[str]] = {service: frozenset(names.split()) for service, names in {
    "accessanalyzer": "CreateAnalyzer DeleteAnalyzer GetAnalyzer ListAnalyzers",
    "account": "DeleteAlternateContact DisableRegion EnableRegion GetAlternateContact GetContactInformation "
               "ListRegions PutAlternateContact",
    "cloudtrail": "CreateTrail DeleteTrail DescribeTrails GetEventSelectors GetTrail GetTrailStatus "
                  "PutEventSelectors StartLogging StopLogging UpdateTrail",
    "cloudwatch": "DeleteAlarms DescribeAlarms PutMetricAlarm",
    "config": "DeleteConfigurationRecorder DeleteDeliveryChannel DescribeConfigurationRecorderStatus "
              "DescribeConfigurationRecorders DescribeDeliveryChannels PutConfigurationRecorder PutDeliveryChannel "
              "StartConfigurationRecorder StopConfigurationRecorder",
    "ec2": "AuthorizeSecurityGroupEgress AuthorizeSecurityGroupIngress CreateFlowLogs CreateNetworkAclEntry "
           "DeleteNetworkAclEntry DescribeClientVpnEndpoints DescribeFlowLogs DescribeInstances DescribeNetworkAcls "
           "DescribeNetworkInterfaces DescribeRegions DescribeRouteTables DescribeSecurityGroupRules "
           "DescribeSecurityGroups DescribeVpcEndpoints DescribeVpcPeeringConnections DescribeVpcs "
           "DescribeVpnConnections DisableEbsEncryptionByDefault DisableImageBlockPublicAccess "
           "DisableSnapshotBlockPublicAccess EnableEbsEncryptionByDefault EnableImageBlockPublicAccess "
           "EnableSnapshotBlockPublicAccess GetEbsEncryptionByDefault GetImageBlockPublicAccessState "
           "GetInstanceMetadataDefaults GetSnapshotBlockPublicAccessState ModifyInstanceMetadataDefaults "
           "ModifyInstanceMetadataOptions RevokeSecurityGroupEgress RevokeSecurityGroupIngress",
    "efs": "DescribeFileSystems",
    "guardduty": "CreateDetector DeleteDetector GetDetector ListDetectors UpdateDetector",
    "iam": "AddUserToGroup AttachGroupPolicy AttachRolePolicy AttachUserPolicy CreateAccessKey CreateGroup "
           "CreatePolicy CreatePolicyVersion CreateRole CreateServiceLinkedRole DeleteAccessKey "
           "DeleteAccountPasswordPolicy DeleteGroup DeleteGroupPolicy DeleteLoginProfile DeletePolicy DeleteRole "
           "DeleteRolePolicy DeleteServerCertificate DeleteServiceLinkedRole DeleteUserPolicy DetachGroupPolicy "
           "DetachRolePolicy DetachUserPolicy GenerateCredentialReport GetAccessKeyLastUsed "
           "GetAccountAuthorizationDetails GetAccountPasswordPolicy GetAccountSummary GetCredentialReport GetGroup "
           "GetGroupPolicy GetLoginProfile GetPolicy GetPolicyVersion GetRole GetRolePolicy ListAccessKeys "
           "ListAccountAliases ListAttachedGroupPolicies ListAttachedRolePolicies ListEntitiesForPolicy "
           "ListGroupsForUser ListMFADevices ListOrganizationsFeatures ListPolicies ListServerCertificates "
           "ListVirtualMFADevices PutGroupPolicy PutRolePolicy PutUserPolicy RemoveUserFromGroup "
           "SetDefaultPolicyVersion UpdateAccessKey UpdateAccountPasswordPolicy",
    "identitystore": "CreateGroup CreateGroupMembership CreateUser DeleteGroup DeleteGroupMembership DeleteUser "
                     "DescribeGroup DescribeGroupMembership DescribeUser ListGroupMemberships ListGroups ListUsers",
    "kms": "CreateAlias CreateKey DeleteAlias DescribeKey DisableKeyRotation EnableKeyRotation GetKeyRotationStatus "
           "ListAliases ListKeys TagResource",
    "lambda": "GetPolicy ListFunctions",
    "logs": "CreateLogGroup DeleteLogGroup DeleteMetricFilter DescribeLogGroups DescribeMetricFilters "
            "PutMetricFilter PutRetentionPolicy",
    "macie2": "GetMacieSession",
    "network-firewall": "ListFirewalls",
    "organizations": "AttachPolicy CreateOrganization CreatePolicy DeleteOrganization DescribeOrganization "
                     "DescribePolicy DetachPolicy DisablePolicyType EnablePolicyType ListAccounts "
                     "ListAccountsForParent ListOrganizationalUnitsForParent ListPolicies ListRoots "
                     "ListTargetsForPolicy UpdatePolicy",
    "rds": "DescribeDBInstances ModifyDBInstance",
    "s3": "CreateBucket DeleteBucket DeleteBucketEncryption DeleteBucketPolicy DeletePublicAccessBlock GetBucketAcl "
          "GetBucketEncryption GetBucketLocation GetBucketLogging GetBucketPolicy GetBucketVersioning "
          "GetBucketWebsite GetPublicAccessBlock HeadBucket ListBuckets ListObjects ListObjectsV2 "
          "PutBucketEncryption PutBucketLogging PutBucketPolicy PutBucketVersioning PutPublicAccessBlock",
    "s3control": "CreateBucket DeleteBucket DeleteBucketPolicy DeletePublicAccessBlock GetBucketPolicy "
                 "GetBucketVersioning GetPublicAccessBlock PutBucketPolicy PutBucketVersioning PutPublicAccessBlock",
    "securityhub": "BatchDisableStandards BatchEnableStandards DescribeHub DisableSecurityHub EnableSecurityHub "
                   "GetEnabledStandards",
    "shield": "DescribeSubscription",
    "sns": "CreateTopic DeleteTopic GetTopicAttributes ListSubscriptionsByTopic Subscribe",
    "sso-admin": "AttachManagedPolicyToPermissionSet CreateAccountAssignment CreatePermissionSet "
                 "DeleteAccountAssignment DeletePermissionSet DescribeAccountAssignmentCreationStatus "
                 "DescribePermissionSet DetachManagedPolicyFromPermissionSet ListAccountAssignments ListInstances "
                 "ListManagedPoliciesInPermissionSet ListPermissionSets",
    # GetSessionToken: a profile with an MFA device (wizard/profiles.py)
    "sts": "AssumeRole GetCallerIdentity GetSessionToken",
}.items()}

FALLBACKS: Counter[str] = Counter()  # service -> times a left-out shape was asked for (the full model loaded)


class _Shapes(dict):
    """A trimmed model's shapes; one that was left out is loaded from the full model when asked for.

    botocore's ShapeResolver looks shapes up with ``[]``, which calls ``__missing__`` on a miss.
    """

    def __init__(self, kept: dict[str, Any], service: str, load_full: Callable[[], dict]) -> None:
        super().__init__(kept)
        self._service = service
        self._load_full = load_full

    def __missing__(self, name: str) -> Any:
        FALLBACKS[self._service] += 1
        for key, shape in self._load_full().get("shapes", {}).items():
            self.setdefault(key, shape)
        if name not in self:  # not in the whole model either: botocore's ShapeResolver expects KeyError
            raise KeyError(name)
        return self.get(name)


def trim(document: dict[str, Any], operations: frozenset[str], service: str,
         load_full: Callable[[], dict]) -> dict[str, Any]:
    """``document`` with the shapes ``operations`` and the modelled errors reach; no documentation."""
    shapes = document.get("shapes", {})
    wanted = [name for name, shape in shapes.items() if shape.get("exception")]
    for name in operations & document.get("operations", {}).keys():
        operation = document["operations"][name]
        wanted += [ref["shape"] for ref in (operation.get("input"), operation.get("output"), *operation.get("errors", ()))
                   if ref]
    kept: dict[str, Any] = {}
    while wanted:
        name = wanted.pop()
        if name in kept or name not in shapes:
            continue
        shape = kept[name] = _undocumented(shapes[name])
        if "members" in shape:
            shape["members"] = {member: _undocumented(ref) for member, ref in shape["members"].items()}
        wanted += [shape[ref]["shape"] for ref in ("member", "key", "value") if ref in shape]
        wanted += [ref["shape"] for ref in shape.get("members", {}).values()]
    trimmed = _undocumented(document)
    trimmed["operations"] = {name: _undocumented(op) for name, op in document.get("operations", {}).items()}
    # in the model's order, as botocore would list them
    trimmed["shapes"] = _Shapes({name: kept[name] for name in shapes if name in kept}, service, load_full)
    return trimmed


def _undocumented(node: dict[str, Any]) -> dict[str, Any]:
    """A shallow copy without the documentation (the nested references of a shape have none worth keeping)."""
    return {key: value for key, value in node.items() if key != "documentation"}


def keep_called_operations(loader: Any) -> None:
    """Make ``loader`` (a botocore Loader) keep trimmed service models (see the module docstring)."""
    full_load = loader.load_service_model  # botocore's, cached on the loader
    lock = threading.Lock()
    trimmed: dict[tuple[str, str], dict] = {}

    def load_full(service_name: str, api_version: str) -> dict:
        document = full_load(service_name, "service-2", api_version=api_version)
        _forget(loader, document)
        return document

    def load_service_model(service_name: str, type_name: str, api_version: str | None = None) -> Any:
        operations = OPERATIONS.get(service_name)
        if type_name != "service-2" or operations is None:
            return full_load(service_name, type_name, api_version=api_version)
        version = api_version or loader.determine_latest_version(service_name, type_name)
        with lock:
            document = trimmed.get((service_name, version))
            if document is None:
                document = trimmed[(service_name, version)] = _trimmed(service_name, version, operations,
                                                                        lambda: load_full(service_name, version))
        return document

    def _trimmed(service_name: str, version: str, operations: frozenset[str], whole: Callable[[], dict]) -> dict:
        """From the disk cache (wizard/botocore_model_cache.py) when it holds this very model, else trimmed."""
        made_from = model_cache.inputs(loader, service_name, version, __file__)
        kept = model_cache.read(service_name, version, made_from) if made_from else None
        if kept is not None and isinstance(kept.get("shapes"), dict):
            return {**kept, "shapes": _Shapes(kept["shapes"], service_name, whole)}
        document = trim(whole(), operations, service_name, whole)
        if made_from:
            model_cache.write(service_name, version, made_from, {**document, "shapes": dict(document["shapes"])})
        return document

    loader.load_service_model = load_service_model


def _forget(loader: Any, document: dict) -> None:
    """Drop ``document`` from the loader's cache (botocore keeps it under two keys)."""
    cache = getattr(loader, "_cache", {})
    for key, value in list(cache.items()):
        if value is document or (isinstance(value, tuple) and value and value[0] is document):
            cache.pop(key, None)
