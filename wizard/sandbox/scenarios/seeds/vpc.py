"""Networks: VPCs, security groups, network ACLs and flow logs.

moto gives every region a default VPC (made when the region's EC2 backend is first touched), with a
default security group that has an allow-all outbound rule and a default network ACL that allows
all traffic: exactly what a new AWS account has, and what CIS 5.2/5.5/3.7 flag.

insecure: in each workload region (us-east-1, eu-west-1) a VPC "app" without flow logs, whose
default group also allows traffic from itself (as on AWS) and whose default NACL allows all; groups
"ssh-open" (TCP 22 from 0.0.0.0/0 plus a restricted TCP 443 from 10.0.0.0/8), "rdp-open-v6"
(TCP 3389 from ::/0) and "all-open" (all traffic from 0.0.0.0/0). In the first workload region "app"
is peered with the default VPC, and its main route table sends the default VPC's whole CIDR over the
peering (CIS 5.6 asks a person to review that). Every other region keeps moto's defaults, which fail too.

secure/org (main account): every enabled region is hardened, since the checks cover them all: the
default groups lose their rules, the default NACLs get their
allow-all narrowed to the ephemeral ports 32768-65535 (return traffic), and every VPC records
REJECT flow logs to one S3 bucket. Five cheap calls per region, run concurrently.

empty: moto's defaults.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

APP_CIDR = "10.20.0.0/16"
SSH_GROUP, RDP_GROUP, ALL_GROUP = "ssh-open", "rdp-open-v6", "all-open"


def flow_log_bucket(account_id: str) -> str:
    return f"flow-logs-{account_id}"


def seed(ctx, scenario: str) -> None:
    if scenario == "insecure":
        for region in ctx.workload_regions:
            vpc_id = _insecure_region(ctx.client("ec2", region=region))
            if region == ctx.workload_regions[0]:
                _peer_with_default(ctx.client("ec2", region=region), vpc_id)
    elif scenario in ("secure", "org"):
        s3 = ctx.client("s3")
        bucket = flow_log_bucket(ctx.account_id)
        s3.create_bucket(Bucket=bucket)
        regions = ctx.gaps.account(ctx.account_id).enabled_regions()
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda r: harden_region(ctx.client("ec2", region=r), bucket), regions))


def _insecure_region(ec2) -> str:
    vpc_id = ec2.create_vpc(CidrBlock=APP_CIDR, TagSpecifications=[
        {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "app"}]}])["Vpc"]["VpcId"]
    ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.20.1.0/24")
    default_sg = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]},
                                                      {"Name": "group-name", "Values": ["default"]}])
    group_id = default_sg["SecurityGroups"][0]["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=[
        {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": group_id}]}])

    def group(name: str, perms: list) -> str:
        gid = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc_id)["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=perms)
        return gid

    group(SSH_GROUP, [
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
    group(RDP_GROUP, [{"IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}])
    group(ALL_GROUP, [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    return vpc_id


def _peer_with_default(ec2, vpc_id: str) -> None:
    default = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]
    pcx = ec2.create_vpc_peering_connection(VpcId=vpc_id, PeerVpcId=default["VpcId"])
    pcx_id = pcx["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx_id)
    table = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["RouteTables"][0]
    ec2.create_route(RouteTableId=table["RouteTableId"], DestinationCidrBlock=default["CidrBlock"],
                     VpcPeeringConnectionId=pcx_id)


def harden_region(ec2, bucket: str) -> None:
    """Make one region pass the vpc step in five calls: default groups emptied, every NACL's allow-all
    inbound entry narrowed to the ephemeral ports (so SSH/RDP are not open), flow logs on every VPC."""
    groups = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["default"]}])["SecurityGroups"]
    for group in groups:
        perms = [{k: v for k, v in p.items() if v not in ([], None)} for p in group.get("IpPermissionsEgress", [])]
        if perms:
            ec2.revoke_security_group_egress(GroupId=group["GroupId"], IpPermissions=perms)
    nacls = ec2.describe_network_acls()["NetworkAcls"]
    for nacl in nacls:
        for entry in nacl["Entries"]:
            if not entry["Egress"] and entry["RuleAction"] == "allow" and entry["Protocol"] == "-1":
                ec2.replace_network_acl_entry(NetworkAclId=nacl["NetworkAclId"], RuleNumber=entry["RuleNumber"],
                                              Protocol="6", RuleAction="allow", Egress=False,
                                              CidrBlock=entry.get("CidrBlock", "0.0.0.0/0"),
                                              PortRange={"From": 32768, "To": 65535})
    vpc_ids = sorted({n["VpcId"] for n in nacls})
    if vpc_ids:
        ec2.create_flow_logs(ResourceIds=vpc_ids, ResourceType="VPC", TrafficType="REJECT",
                             LogDestinationType="s3", LogDestination=f"arn:aws:s3:::{bucket}")
