"""Before `undo` replays a before-state: is the resource still as the wizard left it?

An undo call overwrites or deletes. Sent after someone else changed the same thing, it would throw
their change away (a contact edited since, a rule re-added by hand, a bucket or role that is now
someone else's with the same name). So each journalled change is compared with what a fresh read of
the account says now:

- settings the change *put* (alternate contacts, the password policy, Block Public Access, the
  security-group rules it revoked or authorized) must read back as the journalled after-state;
- resources the change *created* (the undo deletes them) must still exist.

A change whose current state cannot be read, or whose kind has no reader here, is not undone: an
unreadable read never counts as "unchanged". :func:`check_current` raises :class:`Drifted` with one
line saying which.

Reads go through ``AWS.read`` with the error codes AWS documents for "there is none" (e.g.
s3control ``NoSuchPublicAccessBlockConfiguration``, account ``ResourceNotFoundException``, IAM
``NoSuchEntity``): those mean the resource is gone, which is drift too. IAM, S3 and EC2 reads are
eventually consistent for a few seconds after a write; an undo runs long after the apply, so no wait.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Mapping

from steps.base import StepError
from wizard.aws import ReadFailed


class Drifted(StepError):
    """The resource is no longer in the journalled after-state (or that could not be confirmed)."""


Reader = Callable[[Any, Mapping[str, Any], "str | None"], "str | None"]  # (aws, entry, region) -> drift or None


def checkable(entry: Any) -> Reader:
    """The reader for ``entry``'s current state; :class:`Drifted` when there is none (so ``undo --last``
    can leave such a call out before it writes anything, rather than stop half-way)."""
    undo = entry.change.get("undo") or {}
    reader = SETTINGS.get(entry.call) or EXISTS.get(f"{undo.get('service')}.{undo.get('operation')}")
    if reader is None:
        raise Drifted(f"change {entry.id} ({entry.call}) was not undone: the wizard cannot read back its current "
                      "state to check nobody changed it since", "reverse it in the console if you still want to")
    return reader


def check_current(aws: Any, entry: Any) -> None:
    """Raise :class:`Drifted` unless ``entry``'s resource is still as the change left it."""
    reader = checkable(entry)
    try:
        drift = reader(aws, entry, (entry.change.get("call") or {}).get("region"))
    except ReadFailed as failed:
        raise Drifted(f"change {entry.id} ({entry.call}) was not undone: its current state could not be read "
                      f"({failed.reason})", "fix the access or the network and run undo again") from None
    if drift:
        raise Drifted(f"change {entry.id} ({entry.call}) was not undone: {drift} since the wizard made it",
                      "see it with `aws-essentials check`; change it by hand if it still needs reversing")


def _same(now: Any, then: Any) -> bool:
    """``now`` holds every field of ``then`` with the same value (a read adds fields of its own),
    counting a missing field and its empty/false/zero value as the same (AWS omits them)."""
    if isinstance(then, Mapping) and isinstance(now, Mapping):
        return all(_same(now.get(k), v) for k, v in then.items())
    if isinstance(then, (list, tuple)) and isinstance(now, (list, tuple)):
        return len(now) == len(then) and all(_same(n, t) for n, t in zip(now, then))
    return now == then or (not now and not then)


# --- settings: the current value must equal the params the change sent -------------------------------


def _alternate_contact(aws: Any, entry: Any, region: str | None) -> str | None:
    params = entry.params
    kind = params["AlternateContactType"]
    found = aws.read("account", "GetAlternateContact", missing=("ResourceNotFoundException",),
                     AlternateContactType=kind)
    if found is None:
        return f"the {kind.lower()} contact was deleted"
    fields = {k: v for k, v in params.items() if k in ("Name", "Title", "EmailAddress", "PhoneNumber")}
    return None if _same(found.get("AlternateContact") or {}, fields) else f"the {kind.lower()} contact was edited"


def _password_policy(aws: Any, entry: Any, region: str | None) -> str | None:
    found = aws.read("iam", "GetAccountPasswordPolicy", missing=("NoSuchEntity",))
    if found is None:
        return "the password policy was deleted"
    return None if _same(found.get("PasswordPolicy") or {}, entry.params) else "the password policy was changed"


def _public_access_block(aws: Any, entry: Any, region: str | None) -> str | None:
    service = entry.change["call"]["service"]
    where = ({"AccountId": entry.params["AccountId"]} if service == "s3control"
             else {"Bucket": entry.params["Bucket"]})
    found = aws.read(service, "GetPublicAccessBlock", region, missing=("NoSuchPublicAccessBlockConfiguration",),
                     **where)
    what = "the account's" if service == "s3control" else f"bucket {where.get('Bucket')}'s"
    if found is None:
        return f"{what} Block Public Access settings were removed"
    wanted = entry.params["PublicAccessBlockConfiguration"]
    return None if _same(found.get("PublicAccessBlockConfiguration") or {}, wanted) else (
        f"{what} Block Public Access settings were changed")


def _rule_keys_of_permissions(permissions: list, egress: bool) -> set[tuple]:
    keys = set()
    for perm in permissions or []:
        proto = str(perm.get("IpProtocol", "-1"))
        ports = (None, None) if proto == "-1" else (perm.get("FromPort"), perm.get("ToPort"))
        sources = ([r.get("CidrIp") for r in perm.get("IpRanges") or []]
                   + [r.get("CidrIpv6") for r in perm.get("Ipv6Ranges") or []]
                   + [r.get("PrefixListId") for r in perm.get("PrefixListIds") or []]
                   + [r.get("GroupId") for r in perm.get("UserIdGroupPairs") or []])
        keys |= {(egress, proto, *ports, source) for source in sources}
    return keys


def _rule_key(rule: Mapping[str, Any]) -> tuple:
    proto = str(rule.get("IpProtocol", "-1"))
    ports = (None, None) if proto == "-1" else (rule.get("FromPort"), rule.get("ToPort"))
    source = (rule.get("CidrIpv4") or rule.get("CidrIpv6") or rule.get("PrefixListId")
              or (rule.get("ReferencedGroupInfo") or {}).get("GroupId"))
    return (bool(rule.get("IsEgress")), proto, *ports, source)


def _security_group_rules(aws: Any, entry: Any, region: str | None) -> str | None:
    """A revoke left the rules absent; an authorize left them present. The rules the change touched are
    those its undo call would put back or take away (IpPermissions: protocol, ports and source)."""
    operation = entry.change["call"]["operation"]
    group = entry.params["GroupId"]
    egress = operation.endswith("Egress")
    # DescribeSecurityGroups with an unknown id fails with InvalidGroup.NotFound (EC2 API reference).
    if aws.read("ec2", "DescribeSecurityGroups", region, missing=("InvalidGroup.NotFound",), GroupIds=[group]) is None:
        return f"security group {group} was deleted"
    rules = aws.read("ec2", "DescribeSecurityGroupRules", region, paginate=True,
                     Filters=[{"Name": "group-id", "Values": [group]}]).get("SecurityGroupRules") or []
    present = {_rule_key(r) for r in rules}
    touched = _rule_keys_of_permissions((entry.change.get("undo") or {}).get("params", {}).get("IpPermissions"),
                                        egress)
    if operation.startswith("Revoke"):
        back = touched & present
        return f"{len(back)} of the removed rules of {group} were added back" if back else None
    gone = touched - present
    return f"{len(gone)} of the added rules of {group} were removed" if gone else None


def _reads_back(operation: str, codes: tuple[str, ...], where: tuple[str, ...], path: str,
                wanted: Callable[[Mapping[str, Any]], Any], what: str) -> Reader:
    """A reader for a setting whose read (``operation`` with the change's ``where`` params) gives at
    ``path`` what the change sent (``wanted(params)``)."""

    def reader(aws: Any, entry: Any, region: str | None) -> str | None:
        service = entry.change["call"]["service"]
        found = aws.read(service, operation, region, missing=codes, **{k: entry.params[k] for k in where})
        name = " ".join(str(entry.params[k]) for k in where)
        if found is None:
            return f"the {what} of {name} was removed"
        return None if _same(_dig(found, path), wanted(entry.params)) else f"the {what} of {name} was changed"

    return reader


def _policy(text: Any) -> Any:
    """A bucket policy as data: S3 may return it reformatted."""
    try:
        return json.loads(text) if isinstance(text, str) else text
    except ValueError:
        return text


def _bucket_policy(aws: Any, entry: Any, region: str | None) -> str | None:
    bucket = entry.params["Bucket"]
    found = aws.read("s3", "GetBucketPolicy", region, missing=("NoSuchBucketPolicy",), Bucket=bucket)
    if found is None:
        return f"the policy of bucket {bucket} was removed"
    return None if _policy(found.get("Policy")) == _policy(entry.params["Policy"]) else (
        f"the policy of bucket {bucket} was changed")


SETTINGS: dict[str, Reader] = {
    "account.PutAlternateContact": _alternate_contact,
    "iam.UpdateAccountPasswordPolicy": _password_policy,
    "s3control.PutPublicAccessBlock": _public_access_block,
    "s3.PutPublicAccessBlock": _public_access_block,
    "ec2.RevokeSecurityGroupIngress": _security_group_rules,
    "ec2.RevokeSecurityGroupEgress": _security_group_rules,
    "ec2.AuthorizeSecurityGroupIngress": _security_group_rules,
    "ec2.AuthorizeSecurityGroupEgress": _security_group_rules,
    "s3.PutBucketVersioning": _reads_back("GetBucketVersioning", (), ("Bucket",), "Status",
                                          lambda p: p["VersioningConfiguration"].get("Status"), "versioning"),
    "s3.PutBucketEncryption": _reads_back(
        "GetBucketEncryption", ("ServerSideEncryptionConfigurationNotFoundError",), ("Bucket",),
        "ServerSideEncryptionConfiguration", lambda p: p["ServerSideEncryptionConfiguration"], "default encryption"),
    "kms.EnableKeyRotation": _reads_back("GetKeyRotationStatus", (), ("KeyId",), "KeyRotationEnabled",
                                         lambda p: True, "key rotation"),
    "s3.PutBucketPolicy": _bucket_policy,
}



# --- created resources: the undo deletes them, so they must still exist -------------------------------


def _exists(service: str, operation: str, codes: tuple[str, ...], params: Callable[[Mapping[str, Any]], dict],
            found: Callable[[Any, Mapping[str, Any]], bool] = lambda response, _p: response is not None,
            unique_id: str = "") -> Reader:
    """A reader for a created resource: the read with ``params`` (from the undo call's params) finds it.
    ``codes`` are the errors the API documents for "no such resource". ``unique_id`` is a dotted path
    present both in the create call's journalled response and in the read (an IAM RoleId): when they
    differ, the resource was deleted and made again by someone else under the same name."""

    def reader(aws: Any, entry: Any, region: str | None) -> str | None:
        undo = entry.change["undo"]
        response = aws.read(service, operation, undo.get("region") or region, missing=codes, **params(undo["params"]))
        if response is None or not found(response, undo["params"]):
            return "what it created was deleted"
        then = _dig(entry.response, unique_id) if unique_id else None
        if then and _dig(response, unique_id) != then:
            return "what it created was deleted and made again (its id differs)"
        return None

    reader.action = (service, operation)  # type: ignore[attr-defined]  (for the fix-mode policy)
    return reader


def exists_check_reads(writes: Any) -> set[str]:
    """The IAM actions the undo command reads before undoing a creation (``EXISTS``), for the
    undo calls among ``writes`` ("iam:RemoveUserFromGroup"...): the fix-mode policy grants them."""
    from wizard.aws_errors import iam_action

    out = set()
    for write in writes:
        service, _, operation = write.partition(":")
        for key, reader in EXISTS.items():
            if key.split(".", 1)[1] == operation and hasattr(reader, "action"):
                out.add(iam_action(*reader.action))
    return out


def _dig(value: Any, path: str) -> Any:
    for part in path.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def _same_keys(*names: str) -> Callable[[Mapping[str, Any]], dict]:
    return lambda p: {name: p[name] for name in names}


EXISTS: dict[str, Reader] = {
    "iam.DeleteRole": _exists("iam", "GetRole", ("NoSuchEntity",), _same_keys("RoleName"), unique_id="Role.RoleId"),
    "iam.DeleteServiceLinkedRole": _exists("iam", "GetRole", ("NoSuchEntity",), _same_keys("RoleName")),
    "iam.DeleteGroup": _exists("iam", "GetGroup", ("NoSuchEntity",), _same_keys("GroupName"),
                               unique_id="Group.GroupId"),
    "iam.DeletePolicy": _exists("iam", "GetPolicy", ("NoSuchEntity",), _same_keys("PolicyArn"),
                                unique_id="Policy.PolicyId"),
    "iam.DeleteRolePolicy": _exists("iam", "GetRolePolicy", ("NoSuchEntity",), _same_keys("RoleName", "PolicyName")),
    "iam.DeleteGroupPolicy": _exists("iam", "GetGroupPolicy", ("NoSuchEntity",),
                                     _same_keys("GroupName", "PolicyName")),
    # HeadBucket answers a bare 404 (no error body) for a missing bucket.
    "s3.DeleteBucket": _exists("s3", "HeadBucket", ("404", "NoSuchBucket", "NotFound"), _same_keys("Bucket")),
    # GuardDuty answers BadRequestException for a detector id that is not this account's.
    "guardduty.DeleteDetector": _exists("guardduty", "GetDetector", ("BadRequestException",),
                                        _same_keys("DetectorId")),
    "cloudtrail.DeleteTrail": _exists("cloudtrail", "GetTrail", ("TrailNotFoundException",), _same_keys("Name")),
    "sns.DeleteTopic": _exists("sns", "GetTopicAttributes", ("NotFound",), _same_keys("TopicArn")),
    "accessanalyzer.DeleteAnalyzer": _exists("accessanalyzer", "GetAnalyzer", ("ResourceNotFoundException",),
                                             _same_keys("analyzerName")),
    "logs.DeleteLogGroup": _exists(
        "logs", "DescribeLogGroups", (), lambda p: {"logGroupNamePrefix": p["logGroupName"]},
        lambda r, p: any(g.get("logGroupName") == p["logGroupName"] for g in r.get("logGroups") or [])),
    "logs.DeleteMetricFilter": _exists(
        "logs", "DescribeMetricFilters", ("ResourceNotFoundException",),
        lambda p: {"logGroupName": p["logGroupName"], "filterNamePrefix": p["filterName"]},
        lambda r, p: any(f.get("filterName") == p["filterName"] for f in r.get("metricFilters") or [])),
    "cloudwatch.DeleteAlarms": _exists("cloudwatch", "DescribeAlarms", (), _same_keys("AlarmNames"),
                                       lambda r, p: len(r.get("MetricAlarms") or []) == len(p["AlarmNames"])),
    "config.DeleteDeliveryChannel": _exists(
        "config", "DescribeDeliveryChannels", ("NoSuchDeliveryChannelException",),
        lambda p: {"DeliveryChannelNames": [p["DeliveryChannelName"]]}, lambda r, p: bool(r.get("DeliveryChannels"))),
    "sso-admin.DeletePermissionSet": _exists("sso-admin", "DescribePermissionSet", ("ResourceNotFoundException",),
                                             _same_keys("InstanceArn", "PermissionSetArn")),
    "identitystore.DeleteGroup": _exists("identitystore", "DescribeGroup", ("ResourceNotFoundException",),
                                         _same_keys("IdentityStoreId", "GroupId")),
    "identitystore.DeleteUser": _exists("identitystore", "DescribeUser", ("ResourceNotFoundException",),
                                        _same_keys("IdentityStoreId", "UserId")),
    "identitystore.DeleteGroupMembership": _exists(
        "identitystore", "DescribeGroupMembership", ("ResourceNotFoundException",),
        _same_keys("IdentityStoreId", "MembershipId")),
    "sso-admin.DeleteAccountAssignment": _exists(
        "sso-admin", "ListAccountAssignments", ("ResourceNotFoundException",),
        lambda p: {"InstanceArn": p["InstanceArn"], "AccountId": p["TargetId"], "PermissionSetArn": p["PermissionSetArn"]},
        lambda r, p: any(a.get("PrincipalId") == p["PrincipalId"] and a.get("PrincipalType") == p["PrincipalType"]
                         for a in r.get("AccountAssignments") or [])),
    # Attachments the change made: the undo detaches them, so they must still be attached.
    "sso-admin.DetachManagedPolicyFromPermissionSet": _exists(
        "sso-admin", "ListManagedPoliciesInPermissionSet", ("ResourceNotFoundException",),
        _same_keys("InstanceArn", "PermissionSetArn"),
        lambda r, p: any(m.get("Arn") == p["ManagedPolicyArn"] for m in r.get("AttachedManagedPolicies") or [])),
    "iam.DetachRolePolicy": _exists(
        "iam", "ListAttachedRolePolicies", ("NoSuchEntity",), _same_keys("RoleName"),
        lambda r, p: any(a.get("PolicyArn") == p["PolicyArn"] for a in r.get("AttachedPolicies") or [])),
    "iam.DetachGroupPolicy": _exists(
        "iam", "ListAttachedGroupPolicies", ("NoSuchEntity",), _same_keys("GroupName"),
        lambda r, p: any(a.get("PolicyArn") == p["PolicyArn"] for a in r.get("AttachedPolicies") or [])),
    "iam.RemoveUserFromGroup": _exists(
        "iam", "ListGroupsForUser", ("NoSuchEntity",), _same_keys("UserName"),
        lambda r, p: any(g.get("GroupName") == p["GroupName"] for g in r.get("Groups") or [])),
    "organizations.DeleteOrganization": _exists("organizations", "DescribeOrganization",
                                                ("AWSOrganizationsNotInUseException",), lambda p: {}),
}
