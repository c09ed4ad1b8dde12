"""Benchmark-only seeding over HTTP (the scenarios themselves stay as they are).

- ``insecure_everywhere``: the insecure scenario seeds its workloads in two regions; this adds the
  same kinds of exposures in every other enabled region (a VPC whose default group allows all from
  itself, a group open on 22 and 3389 to the world, an instance that accepts IMDSv1, a public
  unencrypted database), so every regional check has something to find everywhere.
- ``more_members``: grows the org scenario's organization to N member accounts with
  CreateAccount, each with AdministratorAccess on its OrganizationAccountAccessRole, as AWS does.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.parsers import ResponseParserError

from wizard.aws import keep_endpoint_host

CONFIG = Config(inject_host_prefix=False, retries={"mode": "standard", "max_attempts": 5})
AMI = "ami-12c6146b"
SEEDED_BY_SCENARIO = ("us-east-1", "eu-west-1")
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"


def _session(env: dict[str, str], credentials: dict | None = None) -> boto3.session.Session:
    if credentials:
        return boto3.session.Session(aws_access_key_id=credentials["AccessKeyId"],
                                     aws_secret_access_key=credentials["SecretAccessKey"],
                                     aws_session_token=credentials["SessionToken"], region_name="us-east-1")
    return boto3.session.Session(aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
                                 aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"], region_name="us-east-1")


def _client(session, env, service, region="us-east-1"):
    return keep_endpoint_host(session.client(service, region_name=region, endpoint_url=env["AWS_ENDPOINT_URL"],
                                             config=CONFIG))


def insecure_region(session, env: dict[str, str], region: str) -> None:
    ec2 = _client(session, env, "ec2", region)
    vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    ec2.create_subnet(VpcId=vpc, CidrBlock="10.30.1.0/24")
    default = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]},
                                                    {"Name": "group-name", "Values": ["default"]}])
    default_id = default["SecurityGroups"][0]["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=default_id, IpPermissions=[
        {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": default_id}]}])
    open_group = ec2.create_security_group(GroupName="bench-admin-open", Description="bench", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=open_group, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
        for port in (22, 3389)])
    ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="t3.micro",
                      MetadataOptions={"HttpTokens": "optional", "HttpEndpoint": "enabled"},
                      TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "bench-app"}]}])
    _client(session, env, "rds", region).create_db_instance(
        DBInstanceIdentifier="bench-db", Engine="mysql", DBInstanceClass="db.t3.micro", AllocatedStorage=20,
        MasterUsername="admin", MasterUserPassword="not-a-real-password-9", PubliclyAccessible=True,
        StorageEncrypted=False)


def insecure_everywhere(env: dict[str, str]) -> list[str]:
    """Seed every enabled region the scenario left alone; returns the regions seeded."""
    session = _session(env)
    regions = sorted(r["RegionName"] for r in _client(session, env, "ec2").describe_regions()["Regions"])
    todo = [r for r in regions if r not in SEEDED_BY_SCENARIO]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda region: insecure_region(session, env, region), todo))
    return regions


def more_members(env: dict[str, str], total: int) -> list[str]:
    """Create member accounts until the organization has ``total`` members; returns all member ids."""
    session = _session(env)
    org = _client(session, env, "organizations")
    management = _client(session, env, "sts").get_caller_identity()["Account"]
    members = [a["Id"] for a in org.list_accounts()["Accounts"] if a["Id"] != management]
    sts = _client(session, env, "sts")
    for number in range(len(members), total):
        status = org.create_account(AccountName=f"bench-{number:02d}",
                                    Email=f"aws+bench-{number:02d}@example.com")["CreateAccountStatus"]
        account_id = status["AccountId"]
        credentials = sts.assume_role(RoleArn=f"arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole",
                                      RoleSessionName="benchmark-seed")["Credentials"]
        iam = _client(_session(env, credentials), env, "iam")
        iam.attach_role_policy(RoleName="OrganizationAccountAccessRole", PolicyArn=ADMIN)
        members.append(account_id)
    return members


def large_account(env: dict[str, str], region: str = "us-east-1", users: int = 1000, buckets: int = 500,
                  groups: int = 2000) -> dict[str, int]:
    """One region of a large account: ``users`` IAM users, each with an access key and an inline
    policy, ``buckets`` buckets, each with a bucket policy, and ``groups`` security groups (in one
    new VPC). Returns what was added."""
    session = _session(env)
    iam, s3, ec2 = (_client(session, env, service, region) for service in ("iam", "s3", "ec2"))
    policy = ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", '
              '"Resource": "arn:aws:s3:::bench-large-*/*"}]}')

    def user(number: int) -> None:
        name = f"bench-user-{number:04d}"
        iam.create_user(UserName=name)
        iam.create_access_key(UserName=name)
        iam.put_user_policy(UserName=name, PolicyName="read-bench-objects", PolicyDocument=policy)

    def bucket(number: int) -> None:
        name = f"bench-large-{number:04d}"
        if region == "us-east-1":
            s3.create_bucket(Bucket=name)
        else:
            s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
        s3.put_bucket_policy(Bucket=name, Policy=(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", '
            f'"Resource": ["arn:aws:s3:::{name}", "arn:aws:s3:::{name}/*"], '
            '"Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}'))

    vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]

    def group(number: int) -> None:
        # moto iterates its groups while other threads add some ("dictionary changed size during
        # iteration", a 500): asked again, unless the first attempt got as far as adding it.
        for attempt in range(5):
            try:
                ec2.create_security_group(GroupName=f"bench-large-{number:04d}", Description="bench", VpcId=vpc)
                return
            except ResponseParserError:
                continue
            except ClientError as error:
                if error.response["Error"]["Code"] == "InvalidGroup.Duplicate" and attempt:
                    return
                raise

    with ThreadPoolExecutor(8) as pool:
        for work, count in ((user, users), (bucket, buckets), (group, groups)):
            list(pool.map(work, range(count)))
    return {"users": users, "buckets": buckets, "security_groups": groups}
