"""Servers and databases: EBS default encryption, IMDS defaults, snapshot/AMI block public access,
instances and RDS.

insecure: in each workload region an instance "legacy-app" that accepts IMDSv1 and has no IAM role
(in the default VPC and default security group), a public, unencrypted MySQL database
"legacy-db" without automatic minor version upgrades, and an unencrypted EFS file system "legacy-files". Account defaults stay as moto/AWS start them: EBS encryption off, no IMDS default,
snapshot and AMI sharing unblocked, in every region.

secure/org (main account): in every enabled region EBS encryption by default on (one call each),
IMDSv2 required by default and snapshot/AMI public sharing blocked (gap state, no HTTP); in
us-east-1 an instance "app" with IMDSv2 and a role, behind a group "web" open on 443 only, and a
private, encrypted, Multi-AZ database "app-db" taking minor upgrades automatically, and an encrypted EFS
file system "app-files".

empty: nothing.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from ...gaps.ec2_block_public import set_block_public

AMI = "ami-12c6146b"
ROLE = "app-instance-role"


def seed(ctx, scenario: str) -> None:
    if scenario == "insecure":
        for region in ctx.workload_regions:
            _insecure_region(ctx, region)
    elif scenario in ("secure", "org"):
        regions = ctx.gaps.account(ctx.account_id).enabled_regions()
        acct = ctx.gaps.account(ctx.account_id)
        with ctx.gaps.lock:
            for region in regions:
                acct.imds_defaults[region] = {"HttpTokens": "required"}
        for region in regions:
            set_block_public(ctx.gaps, ctx.account_id, region, snapshot="block-all-sharing", image="block-new-sharing")
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda r: ctx.client("ec2", region=r).enable_ebs_encryption_by_default(), regions))
        _secure_workload(ctx, ctx.home_region)


def _insecure_region(ctx, region: str) -> None:
    ec2 = ctx.client("ec2", region=region)
    ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="t3.micro",
                      MetadataOptions={"HttpTokens": "optional", "HttpEndpoint": "enabled"},
                      TagSpecifications=[{"ResourceType": "instance",
                                          "Tags": [{"Key": "Name", "Value": "legacy-app"}]}])
    ctx.client("rds", region=region).create_db_instance(
        DBInstanceIdentifier="legacy-db", Engine="mysql", DBInstanceClass="db.t3.micro", AllocatedStorage=20,
        MasterUsername="admin", MasterUserPassword="not-a-real-password-1", PubliclyAccessible=True,
        StorageEncrypted=False, AutoMinorVersionUpgrade=False)
    ctx.client("efs", region=region).create_file_system(
        CreationToken="legacy-files", Encrypted=False, Tags=[{"Key": "Name", "Value": "legacy-files"}])


def _secure_workload(ctx, region: str) -> None:
    iam = ctx.client("iam")
    iam.create_role(RoleName=ROLE, AssumeRolePolicyDocument=(
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},'
        '"Action":"sts:AssumeRole"}]}'))
    iam.create_instance_profile(InstanceProfileName=ROLE)
    iam.add_role_to_instance_profile(InstanceProfileName=ROLE, RoleName=ROLE)
    ec2 = ctx.client("ec2", region=region)
    web = ec2.create_security_group(GroupName="web", Description="HTTPS from anywhere")["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
    ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="t3.micro", SecurityGroupIds=[web],
                      IamInstanceProfile={"Name": ROLE},
                      MetadataOptions={"HttpTokens": "required", "HttpEndpoint": "enabled"},
                      TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "app"}]}])
    ctx.client("rds", region=region).create_db_instance(
        DBInstanceIdentifier="app-db", Engine="postgres", DBInstanceClass="db.t3.micro", AllocatedStorage=20,
        MasterUsername="app", MasterUserPassword="not-a-real-password-2", PubliclyAccessible=False,
        StorageEncrypted=True, MultiAZ=True, AutoMinorVersionUpgrade=True)
    ctx.client("efs", region=region).create_file_system(
        CreationToken="app-files", Encrypted=True, Tags=[{"Key": "Name", "Value": "app-files"}])
