"""Compute and data: EBS encryption, IMDSv2, snapshot/AMI public sharing, RDS exposure and encryption, Lambda."""

from __future__ import annotations

from typing import Any, Mapping

from steps.base import (
    Call, Change, Finding, Plan, Severity, StepInfo, is_unreadable, manual, reason_of, unreadable,
)
from steps.checks import AUTOMATIC, NO_FIX, REGION, Check
from steps import rds
from steps.compute_collect import State, collect  # noqa: F401  (the step's read and its state)
from steps.efs import EFS_ENCRYPTED, efs_changes, efs_findings
from steps.policy import public_reasons

EC2_CONSOLE = "https://console.aws.amazon.com/ec2/home?region={region}#Settings:"
RDS_CONSOLE = "https://console.aws.amazon.com/rds/home?region={region}#database:id={db}"

_EC2, _DATABASES = "EC2 Security", "Database Security"  # the guide sections (the step spans three)
EBS_DEFAULT = Check("ebs-encryption-default", "EBS encryption by default is on", Severity.MEDIUM, ("5.1.1",),
                    ("EC2.7",), AUTOMATIC, _EC2, scope=REGION)
IMDS_DEFAULT = Check("imds-default", "New instances require IMDSv2 (account default)", Severity.MEDIUM, ("5.7",), (),
                     AUTOMATIC, _EC2, scope=REGION)
NO_INSTANCES = "No EC2 instances in this region."
IMDS_INSTANCE = Check("imds-instance", "Running instances require IMDSv2", Severity.HIGH, ("5.7",), ("EC2.8",),
                      AUTOMATIC, _EC2)
SNAPSHOT_BPA = Check("snapshot-block-public", "EBS snapshots cannot be shared publicly", Severity.MEDIUM, (),
                     ("EC2.182",), AUTOMATIC, _EC2, scope=REGION)
IMAGE_BPA = Check("image-block-public", "AMIs cannot be shared publicly", Severity.MEDIUM, fix=AUTOMATIC,
                  guide_section=_EC2, scope=REGION)
RDS_PUBLIC = Check("rds-public", "RDS instances are not publicly accessible", Severity.CRITICAL, ("2.2.3",),
                   ("RDS.2",), AUTOMATIC, _DATABASES)
# encryption cannot be switched on in place: the plan only writes out the migration (no fix of its own)
RDS_ENCRYPTED = Check("rds-encrypted", "RDS instances are encrypted", Severity.HIGH, ("2.2.1",), ("RDS.3",), NO_FIX,
                      _DATABASES)
INSTANCE_PROFILE = Check("instance-profile", "Instances use an IAM role", Severity.LOW, ("1.17",), guide_section=_EC2)
LAMBDA_PUBLIC = Check("lambda-public", "Lambda functions are not public", Severity.MEDIUM, (), ("Lambda.1",),
                      guide_section="Serverless Security")
CHECKS = (EBS_DEFAULT, IMDS_DEFAULT, IMDS_INSTANCE, SNAPSHOT_BPA, IMAGE_BPA, RDS_PUBLIC, RDS_ENCRYPTED,
          INSTANCE_PROFILE, LAMBDA_PUBLIC, *rds.CHECKS, EFS_ENCRYPTED)


INFO = StepInfo(
    id="compute",
    title="Servers and databases",
    short="Servers & DBs",
    why=(
        "Servers, disks and databases hold the data an attacker wants. Unencrypted disks and snapshots can "
        "leak when shared or copied; the old instance metadata service (IMDSv1) lets a single web bug hand "
        "out an instance's credentials; a database reachable from the internet is one weak password away "
        "from a breach. These settings are cheap to get right before workloads pile up."
    ),
    guide_section="EC2 Security; Database Security; Serverless Security",
    severity=Severity.HIGH,
    reads=(
        "sts:GetCallerIdentity", "ec2:DescribeRegions", "ec2:GetEbsEncryptionByDefault",
        "ec2:GetInstanceMetadataDefaults", "ec2:DescribeInstances",
        "ec2:GetSnapshotBlockPublicAccessState", "ec2:GetImageBlockPublicAccessState",
        "rds:DescribeDBInstances", "lambda:ListFunctions", "lambda:GetPolicy",
        "elasticfilesystem:DescribeFileSystems",
    ),
    writes=(
        "ec2:EnableEbsEncryptionByDefault", "ec2:DisableEbsEncryptionByDefault",
        "ec2:ModifyInstanceMetadataDefaults", "ec2:ModifyInstanceMetadataOptions",
        "ec2:EnableSnapshotBlockPublicAccess", "ec2:DisableSnapshotBlockPublicAccess",
        "ec2:EnableImageBlockPublicAccess", "ec2:DisableImageBlockPublicAccess", "rds:ModifyDBInstance",
    ),
    checks=CHECKS,
)

REGIONAL = tuple(c.id for c in CHECKS)  # every check is made in every region


# --- evaluate (pure) ---------------------------------------------------------------------------------




def evaluate(state: Mapping[str, Any]) -> list[Finding]:
    findings: list[Finding] = []
    for region, data in sorted(state["regions"].items()):
        if is_unreadable(data):
            findings += [check.unknown(reason_of(data), region=region) for check in CHECKS]
            continue
        findings += _defaults(region, data)
        findings += _instances(region, data)
        findings += _databases(region, data)
        findings += _functions(region, data)
        findings += efs_findings(region, data.get("file_systems", unreadable("not read")))
    return findings


def _defaults(region: str, data: Mapping[str, Any]) -> list[Finding]:
    out = []
    ebs = data["ebs_default"]
    if is_unreadable(ebs):
        out.append(EBS_DEFAULT.unknown(reason_of(ebs), region=region))
    elif ebs:
        out.append(EBS_DEFAULT.passed("New EBS volumes are encrypted by default.", region=region))
    else:
        out.append(EBS_DEFAULT.failed(
            "New EBS volumes and snapshot copies are not encrypted unless someone remembers to ask.", region=region))
    imds = data["imds_default"]
    if is_unreadable(imds):
        out.append(IMDS_DEFAULT.unknown(reason_of(imds), region=region))
    elif imds.get("HttpTokens") == "required":
        out.append(IMDS_DEFAULT.passed("New instances default to IMDSv2 only.", region=region))
    else:
        out.append(IMDS_DEFAULT.failed(
            "New instances still accept IMDSv1 unless each launch asks for IMDSv2 "
            f"(account default: {imds.get('HttpTokens') or 'no preference'}).", region=region))
    snap = data["snapshot_bpa"]
    if is_unreadable(snap):
        out.append(SNAPSHOT_BPA.unknown(reason_of(snap), region=region))
    elif snap == "block-all-sharing":
        out.append(SNAPSHOT_BPA.passed("Public sharing of EBS snapshots is blocked.", region=region))
    else:
        out.append(SNAPSHOT_BPA.failed(
            f"EBS snapshot block public access is '{snap}': a snapshot can be made public by one call, "
            "exposing the disk's data to every AWS account.", region=region))
    image = data["image_bpa"]
    if is_unreadable(image):
        out.append(IMAGE_BPA.unknown(reason_of(image), region=region))
    elif image == "block-new-sharing":
        out.append(IMAGE_BPA.passed("New public sharing of AMIs is blocked.", region=region))
    else:
        out.append(IMAGE_BPA.failed(
            f"AMI block public access is '{image}': an image (and the data baked into it) can be made public.",
            region=region))
    return out


def _instances(region: str, data: Mapping[str, Any]) -> list[Finding]:
    instances = data["instances"]
    if is_unreadable(instances):
        return [check.unknown(reason_of(instances), region=region) for check in (IMDS_INSTANCE, INSTANCE_PROFILE)]
    out = []
    for inst in instances:
        if inst.get("HttpTokens") != "required" and inst.get("HttpEndpoint") != "disabled":
            out.append(IMDS_INSTANCE.failed(
                f"Instance {_label(inst)} accepts IMDSv1: a request-forgery bug in anything it runs can read its "
                "role credentials.", region=region, resource=inst.get("Arn") or inst["InstanceId"]))
    if not instances:  # a check of instances where there are none is not applicable (AWS Config: NOT_APPLICABLE)
        return [check.not_applicable(NO_INSTANCES, region=region) for check in (IMDS_INSTANCE, INSTANCE_PROFILE)]
    if not out:
        out.append(IMDS_INSTANCE.passed(f"All {len(instances)} instances require IMDSv2.", region=region))
    without = [i for i in instances if not i.get("Profile")]
    for inst in without:
        out.append(INSTANCE_PROFILE.manual(
            f"Instance {_label(inst)} has no IAM role. If software on it calls AWS, it must be using stored access "
            "keys; give it an instance profile instead and remove the keys.", region=region,
            resource=inst.get("Arn") or inst["InstanceId"]))
    if not without:
        out.append(INSTANCE_PROFILE.passed("Every instance has an IAM role.", region=region))
    return out


def _label(inst: Mapping[str, Any]) -> str:
    return f"{inst['InstanceId']} ({inst['Name']})" if inst.get("Name") else inst["InstanceId"]


def _databases(region: str, data: Mapping[str, Any]) -> list[Finding]:
    dbs = data["databases"]
    if is_unreadable(dbs):
        return [check.unknown(reason_of(dbs), region=region) for check in (RDS_PUBLIC, RDS_ENCRYPTED, *rds.CHECKS)]
    if not dbs:
        return [check.not_applicable(rds.NO_DATABASES, region=region) for check in (RDS_PUBLIC, RDS_ENCRYPTED)] + \
            rds.rds_findings(region, dbs)
    out = []
    public = [d for d in dbs if d["PubliclyAccessible"]]
    plain = [d for d in dbs if not d["StorageEncrypted"]]
    for db in public:
        out.append(RDS_PUBLIC.failed(
            f"Database {db['DBInstanceIdentifier']} ({db.get('Engine')}) is publicly accessible: it has a public "
            "address, and only its security group stands between it and the internet.", region=region,
            resource=db.get("DBInstanceArn") or db["DBInstanceIdentifier"]))
    if not public:
        out.append(RDS_PUBLIC.passed(f"None of the {len(dbs)} databases is public.", region=region))
    for db in plain:
        out.append(RDS_ENCRYPTED.failed(
            f"Database {db['DBInstanceIdentifier']} stores its data, backups and snapshots unencrypted. Encryption "
            "cannot be switched on in place; the plan writes out the migration steps.", region=region,
            resource=db.get("DBInstanceArn") or db["DBInstanceIdentifier"]))
    if not plain:
        out.append(RDS_ENCRYPTED.passed(f"All {len(dbs)} databases are encrypted.", region=region))
    return out + rds.rds_findings(region, dbs)


def _functions(region: str, data: Mapping[str, Any]) -> list[Finding]:
    functions = data["functions"]
    if is_unreadable(functions):
        return [LAMBDA_PUBLIC.unknown(reason_of(functions), region=region)]
    if not functions:
        return [LAMBDA_PUBLIC.not_applicable("No Lambda functions in this region.", region=region)]
    out = []
    for fn in functions:
        policy = fn["Policy"]
        if is_unreadable(policy):
            out.append(LAMBDA_PUBLIC.unknown(reason_of(policy), region=region))
            continue
        open_to_all = public_reasons(policy)
        if open_to_all:
            out.append(LAMBDA_PUBLIC.manual(
                f"Function {fn['FunctionName']} has a resource policy that lets anyone invoke it "
                f"({'; '.join(map(str, open_to_all))}). That is right only for a deliberately public endpoint; "
                "otherwise limit it with aws:SourceArn or aws:SourceAccount, or remove the statement.",
                region=region, resource=fn.get("FunctionArn") or fn["FunctionName"]))
    if not out:
        out.append(LAMBDA_PUBLIC.passed(f"None of the {len(functions)} functions is public.", region=region))
    return out


# --- plan (pure) ------------------------------------------------------------------------------------------

IMDS_WARNING = ("Software that still uses IMDSv1 (old AWS SDKs and CLIs, some agents and scripts calling "
                "169.254.169.254 without a token) stops getting credentials and metadata. Check the instance's "
                "MetadataNoToken CloudWatch metric is zero before applying.")


def plan(state: Mapping[str, Any], answers: Mapping[str, str]) -> Plan:
    changes: list[Change] = []
    for region, data in sorted(state["regions"].items()):
        if is_unreadable(data):
            continue
        changes += _default_changes(region, data)
        changes += _instance_changes(region, data)
        if not is_unreadable(data["databases"]):  # first: it restarts nothing, and RDS takes one change at a time
            changes += rds.rds_changes(region, data["databases"])
        changes += _database_changes(region, data)
        changes += efs_changes(region, data.get("file_systems", unreadable("not read")))
    return Plan(INFO.id, changes=tuple(changes))


def _default_changes(region: str, data: Mapping[str, Any]) -> list[Change]:
    out = []
    if data["ebs_default"] is False:
        out.append(Change(
            reason=f"Encrypt every new EBS volume in {region} by default (with the AWS managed key unless you pick "
                   "another).",
            call=Call("ec2", "EnableEbsEncryptionByDefault", {}, region), before=False, after=True,
            undo=Call("ec2", "DisableEbsEncryptionByDefault", {}, region),
            warning="Instance types that do not support encrypted volumes (a few old generations) fail to launch.",
            fixes=(EBS_DEFAULT.id,)))
    imds = data["imds_default"]
    if not is_unreadable(imds) and imds.get("HttpTokens") != "required":
        before = imds.get("HttpTokens") or "no-preference"
        out.append(Change(
            reason=f"Make IMDSv2 the default for instances launched in {region}.",
            call=Call("ec2", "ModifyInstanceMetadataDefaults", {"HttpTokens": "required"}, region),
            before=before, after="required",
            undo=Call("ec2", "ModifyInstanceMetadataDefaults", {"HttpTokens": before}, region),
            warning="New instances whose software only speaks IMDSv1 will not get credentials; existing instances "
                    "are not touched by this default.", fixes=(IMDS_DEFAULT.id,)))
    snap = data["snapshot_bpa"]
    if not is_unreadable(snap) and snap != "block-all-sharing":
        undo = (Call("ec2", "DisableSnapshotBlockPublicAccess", {}, region) if snap == "unblocked"
                else Call("ec2", "EnableSnapshotBlockPublicAccess", {"State": snap}, region=region))
        out.append(Change(
            reason=f"Block public sharing of EBS snapshots in {region}, including snapshots already public.",
            call=Call("ec2", "EnableSnapshotBlockPublicAccess", {"State": "block-all-sharing"}, region),
            before=snap, after="block-all-sharing", undo=undo,
            warning="Snapshots that are public today stop being public; anyone using them loses access.",
            fixes=(SNAPSHOT_BPA.id,)))
    image = data["image_bpa"]
    if not is_unreadable(image) and image != "block-new-sharing":
        out.append(Change(
            reason=f"Block new public sharing of AMIs in {region}.",
            call=Call("ec2", "EnableImageBlockPublicAccess", {"ImageBlockPublicAccessState": "block-new-sharing"},
                      region),
            before=image, after="block-new-sharing",
            undo=Call("ec2", "DisableImageBlockPublicAccess", {}, region),
            warning="AMIs that are already public stay public; make them private individually if they should be.",
            fixes=(IMAGE_BPA.id,)))
    return out


# ModifyInstanceMetadataOptions applies at once on a running instance (its state goes "pending", then
# "applied"), and on a stopped one only at its next start (EC2 API reference). A state that was not read,
# or one on its way to running, counts as running: nothing proves the change stops nothing.
_NOT_RUNNING = ("stopped", "stopping")


def _imds_risk(inst: Mapping[str, Any]) -> str:
    """Why requiring IMDSv2 on ``inst`` could stop something now; empty when it is stopped (not risky)."""
    state = inst.get("State")
    if state in _NOT_RUNNING:
        return ""
    seen = f"is {state}" if state else "state could not be read, so it may be running"
    return f"The instance {seen}: the change takes effect at once. " + IMDS_WARNING


def _instance_changes(region: str, data: Mapping[str, Any]) -> list[Change]:
    if is_unreadable(data["instances"]):
        return []
    out = []
    for inst in data["instances"]:
        if inst.get("HttpTokens") == "required" or inst.get("HttpEndpoint") == "disabled":
            continue
        before = inst.get("HttpTokens") or "optional"
        risk = _imds_risk(inst)
        out.append(Change(
            reason=f"Require IMDSv2 on instance {_label(inst)} in {region}.",
            call=Call("ec2", "ModifyInstanceMetadataOptions",
                      {"InstanceId": inst["InstanceId"], "HttpTokens": "required", "HttpEndpoint": "enabled"}, region),
            before=before, after="required",
            undo=Call("ec2", "ModifyInstanceMetadataOptions",
                      {"InstanceId": inst["InstanceId"], "HttpTokens": before, "HttpEndpoint": "enabled"}, region),
            warning=risk or (f"The instance is {inst.get('State')}: software on it that still uses IMDSv1 fails "
                             "when it is next started. " + IMDS_WARNING),
            risky=bool(risk), fixes=(IMDS_INSTANCE.id,)))
    return out


def _database_changes(region: str, data: Mapping[str, Any]) -> list[Change]:
    if is_unreadable(data["databases"]):
        return []
    out = []
    for db in data["databases"]:
        name = db["DBInstanceIdentifier"]
        if db["PubliclyAccessible"]:
            out.append(Change(
                reason=f"Take database {name} in {region} off the internet (no public address).",
                call=Call("rds", "ModifyDBInstance",
                          {"DBInstanceIdentifier": name, "PubliclyAccessible": False, "ApplyImmediately": True},
                          region),
                before="publicly accessible", after="private",
                undo=Call("rds", "ModifyDBInstance",
                          {"DBInstanceIdentifier": name, "PubliclyAccessible": True, "ApplyImmediately": True}, region),
                # RDS applies PubliclyAccessible at once whatever ApplyImmediately says (ModifyDBInstance reference).
                warning="Clients outside the VPC (laptops, other clouds, services reaching it over the internet) can no "
                        "longer connect; they need a VPN, a bastion or Session Manager port forwarding. The change "
                        "applies at once.",
                risky=True, fixes=(RDS_PUBLIC.id,)))
        if not db["StorageEncrypted"]:
            out.append(manual(
                f"Encrypt database {name} in {region} (it cannot be encrypted in place).",
                RDS_CONSOLE.format(region=region, db=name),
                "1. Plan a maintenance window: writes made after the snapshot in step 2 are not carried over.",
                f"2. Take a manual snapshot: aws rds create-db-snapshot --db-instance-identifier {name} "
                f"--db-snapshot-identifier {name}-plain --region {region}",
                f"3. Copy it encrypted: aws rds copy-db-snapshot --source-db-snapshot-identifier {name}-plain "
                f"--target-db-snapshot-identifier {name}-encrypted --kms-key-id alias/aws/rds --region {region}",
                f"4. Restore a new instance from the copy: aws rds restore-db-instance-from-db-snapshot "
                f"--db-instance-identifier {name}-enc --db-snapshot-identifier {name}-encrypted --region {region} "
                "(same instance class, subnet group, security groups and parameter group; not publicly accessible).",
                "5. Point the application at the new endpoint (or rename: give the old instance another name, then "
                f"give {name}-enc the old name) and test.",
                f"6. When it works, delete the old instance (keep a final snapshot) and the {name}-plain snapshot.",
                fixes=(RDS_ENCRYPTED.id,),
            ))
    return out
