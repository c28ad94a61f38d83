"""Seed the article's estate into an AWS emulator that is already running (moto server), through boto3.

    python -m engine.collect.seed_demo --endpoint-url http://127.0.0.1:5000            # one account
    python -m engine.collect.seed_demo --endpoint-url http://127.0.0.1:5000 --layout two-accounts

Starts nothing, and refuses to run without ``--endpoint-url`` (it creates resources; never point it at AWS).
The estate is ``engine.estates.article_estate`` built the way an operator would build it: a shared Squid proxy
VPC in Osaka whose public subnet's route table also has a restrictive S3 gateway endpoint; Osaka and Tokyo
client VPCs with private subnets and their own endpoints, peered to the proxy VPC with routes both ways;
``proxy.corp.internal`` in a private hosted zone. Proxy settings are spread over the places collect reads:
``web-osaka-a`` in shell user data (with a proxy password, which collect must mask), ``batch-osaka-b`` in a
gzipped cloud-config, ``web-tokyo-a`` in tags, ``batch-tokyo-b`` in user data overridden by SSM parameters.

``--layout two-accounts`` puts the proxy VPC, its zone and role in account 111122223333 and the clients in
444455556666 (reached by assuming roles, as moto maps assumed-role credentials to the role's account); then
collect with ``--role-arn arn:aws:iam::111122223333:role/reachbot-collector --role-arn
arn:aws:iam::444455556666:role/reachbot-collector``. The default layout puts everything in the caller's
account, so a plain ``reachbot collect --endpoint-url URL --region ap-northeast-3 --region ap-northeast-1``
sees it all. Extras not in the article (a NAT gateway, a transit gateway, a customer-managed prefix list, an
SSM interface endpoint) exercise the collector and do not change the ten answers.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from dataclasses import dataclass, field
from typing import Any

import boto3

from engine.estates import APP_ACCOUNT, BASE_NO_PROXY, NETWORK_ACCOUNT, OSAKA, PROXY_URL, TOKYO, WITH_S3_EXCLUSION

AMI = "ami-0123456789abcdef0"  # moto accepts any image id
COLLECTOR_ROLE = "reachbot-collector"
SSM_PREFIX = "/reachbot/proxy"
PROXY_PASSWORD = "Zq8-s3cr3t"  # in web-osaka-a's user data: must never appear in a snapshot or on a terminal
TRUST_EC2 = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}


@dataclass
class Seeded:
    """What was created: accounts, ids by the article's names, and the flags collect needs."""

    layout: str
    network_account: str
    app_account: str
    ids: dict[str, str] = field(default_factory=dict)
    bucket_names: dict[str, str] = field(default_factory=dict)  # article name → name created

    @property
    def role_arns(self) -> list[str]:
        if self.layout != "two-accounts":
            return []
        return [f"arn:aws:iam::{a}:role/{COLLECTOR_ROLE}" for a in (self.network_account, self.app_account)]

    def bucket(self, article_name: str) -> str:
        return self.bucket_names.get(article_name, article_name)


class _Account:
    def __init__(self, session: boto3.Session, endpoint_url: str) -> None:
        self.session, self.url = session, endpoint_url
        self._clients: dict[tuple[str, str], Any] = {}

    def __call__(self, service: str, region: str = OSAKA) -> Any:
        if (service, region) not in self._clients:
            self._clients[(service, region)] = self.session.client(service, region_name=region,
                                                                   endpoint_url=self.url)
        return self._clients[(service, region)]


def _tags(kind: str, name: str, **extra: str) -> list[dict[str, Any]]:
    items = [{"Key": "Name", "Value": name}, *({"Key": k, "Value": v} for k, v in extra.items())]
    return [{"ResourceType": kind, "Tags": items}]


def _assumed(base: boto3.Session, url: str, account: str) -> boto3.Session:
    sts = base.client("sts", region_name=OSAKA, endpoint_url=url)
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/reachbot-seed", RoleSessionName="reachbot-seed")
    c = creds["Credentials"]
    return boto3.Session(aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
                         aws_session_token=c["SessionToken"])


def seed(endpoint_url: str, layout: str = "single", bucket_suffix: str = "",
         session: boto3.Session | None = None) -> Seeded:
    if not endpoint_url:
        raise ValueError("seed_demo creates resources: give the emulator's --endpoint-url")
    base = session or boto3.Session()
    if layout == "two-accounts":
        net, app = _Account(_assumed(base, endpoint_url, NETWORK_ACCOUNT), endpoint_url), \
            _Account(_assumed(base, endpoint_url, APP_ACCOUNT), endpoint_url)
        out = Seeded(layout, NETWORK_ACCOUNT, APP_ACCOUNT)
    elif layout == "single":
        net = app = _Account(base, endpoint_url)
        caller = base.client("sts", region_name=OSAKA, endpoint_url=endpoint_url).get_caller_identity()["Account"]
        out = Seeded(layout, caller, caller)
    else:
        raise ValueError(f"layout must be 'single' or 'two-accounts', not {layout!r}")
    out.bucket_names = {b: b + bucket_suffix for b in ("app-data", "app-data-tokyo", "network-shared-proxy-config")}
    _network(net, app, out)
    _endpoints(net, app, out)
    _instances(net, app, out)
    _dns_and_buckets(net, app, out)
    _extras(net, app, out)
    _key_and_secret(app, out)
    return out


def _key_and_secret(app: _Account, out: Seeded) -> None:
    """Not in the article: a KMS key (key policy enabling IAM policies, an alias) and a secret whose resource
    policy denies one role, in the app account's Tokyo region, for the collection of resource policies."""
    root = f"arn:aws:iam::{out.app_account}:root"
    kms, sm = app("kms", TOKYO), app("secretsmanager", TOKYO)
    key = kms.create_key(Description="app-tokyo-key", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "EnableIAM", "Effect": "Allow", "Principal": {"AWS": root}, "Action": "kms:*", "Resource": "*"}]}))
    out.ids["app-tokyo-key"] = key["KeyMetadata"]["Arn"]
    kms.create_alias(AliasName="alias/app-tokyo", TargetKeyId=key["KeyMetadata"]["KeyId"])
    secret = sm.create_secret(Name="app-tokyo/db-pass", SecretString="not-a-real-password")["ARN"]
    out.ids["app-tokyo-secret"] = secret
    sm.put_resource_policy(SecretId=secret, ResourcePolicy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Principal": {"AWS": f"arn:aws:iam::{out.app_account}:role/app-web-role"},
         "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}))


def _vpc(ec2: Any, name: str, cidr: str) -> str:
    vpc_id = str(ec2.create_vpc(CidrBlock=cidr, TagSpecifications=_tags("vpc", name))["Vpc"]["VpcId"])
    # A VPC made by CreateVpc starts with enableDnsHostnames false (VPC user guide, "DNS attributes for your
    # VPC"); the article's private zone and endpoint private DNS need it true.
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
    return vpc_id


def _subnet(ec2: Any, vpc: str, name: str, cidr: str, az: str, public: bool = False) -> str:
    sid = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=az,
                            TagSpecifications=_tags("subnet", name))["Subnet"]["SubnetId"]
    if public:
        ec2.modify_subnet_attribute(SubnetId=sid, MapPublicIpOnLaunch={"Value": True})
    return str(sid)


def _route_table(ec2: Any, vpc: str, name: str, subnet: str) -> str:
    rtb = ec2.create_route_table(VpcId=vpc, TagSpecifications=_tags("route-table", name))["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=rtb, SubnetId=subnet)
    return str(rtb)


def _network(net: _Account, app: _Account, out: Seeded) -> None:
    ids, n_osaka, a_osaka, a_tokyo = out.ids, net("ec2"), app("ec2"), app("ec2", TOKYO)
    ids["shared-egress-osaka"] = shared = _vpc(n_osaka, "shared-egress-osaka", "10.10.0.0/16")
    ids["shared-proxy-public-a"] = proxy_subnet = _subnet(n_osaka, shared, "shared-proxy-public-a", "10.10.0.0/24",
                                                          f"{OSAKA}a", public=True)
    ids["shared-proxy-public-rt"] = proxy_rtb = _route_table(n_osaka, shared, "shared-proxy-public-rt", proxy_subnet)
    igw = n_osaka.create_internet_gateway(TagSpecifications=_tags("internet-gateway", "shared-egress-igw"))
    ids["shared-egress-igw"] = igw_id = igw["InternetGateway"]["InternetGatewayId"]
    n_osaka.attach_internet_gateway(InternetGatewayId=igw_id, VpcId=shared)
    n_osaka.create_route(RouteTableId=proxy_rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw_id)

    ids["app-osaka"] = osaka = _vpc(a_osaka, "app-osaka", "10.20.0.0/16")
    ids["app-osaka-private-a"] = osaka_subnet = _subnet(a_osaka, osaka, "app-osaka-private-a", "10.20.1.0/24",
                                                        f"{OSAKA}a")
    ids["app-osaka-private-rt"] = osaka_rtb = _route_table(a_osaka, osaka, "app-osaka-private-rt", osaka_subnet)
    ids["app-tokyo"] = tokyo = _vpc(a_tokyo, "app-tokyo", "10.30.0.0/16")
    ids["app-tokyo-private-a"] = tokyo_subnet = _subnet(a_tokyo, tokyo, "app-tokyo-private-a", "10.30.1.0/24",
                                                        f"{TOKYO}a")
    ids["app-tokyo-private-rt"] = tokyo_rtb = _route_table(a_tokyo, tokyo, "app-tokyo-private-rt", tokyo_subnet)

    # Peering requested by the app account, accepted by the network account (in the accepter's region).
    pcx_osaka = a_osaka.create_vpc_peering_connection(
        VpcId=osaka, PeerVpcId=shared, PeerOwnerId=out.network_account,
        TagSpecifications=_tags("vpc-peering-connection", "app-osaka-to-shared-egress"),
    )["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    pcx_tokyo = a_tokyo.create_vpc_peering_connection(
        VpcId=tokyo, PeerVpcId=shared, PeerOwnerId=out.network_account, PeerRegion=OSAKA,
        TagSpecifications=_tags("vpc-peering-connection", "app-tokyo-to-shared-egress"),
    )["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    for pcx in (pcx_osaka, pcx_tokyo):
        n_osaka.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    ids["pcx-osaka"], ids["pcx-tokyo"] = pcx_osaka, pcx_tokyo
    a_osaka.create_route(RouteTableId=osaka_rtb, DestinationCidrBlock="10.10.0.0/16", VpcPeeringConnectionId=pcx_osaka)
    a_tokyo.create_route(RouteTableId=tokyo_rtb, DestinationCidrBlock="10.10.0.0/16", VpcPeeringConnectionId=pcx_tokyo)
    n_osaka.create_route(RouteTableId=proxy_rtb, DestinationCidrBlock="10.20.0.0/16", VpcPeeringConnectionId=pcx_osaka)
    n_osaka.create_route(RouteTableId=proxy_rtb, DestinationCidrBlock="10.30.0.0/16", VpcPeeringConnectionId=pcx_tokyo)


def _endpoints(net: _Account, app: _Account, out: Seeded) -> None:
    """S3 gateway endpoints: the proxy-side one restrictive, the client-side ones with the default policy.
    moto adds the prefix-list route to each listed route table at creation (it does not on a later
    ModifyVpcEndpoint, so route tables are given here, never added afterwards)."""
    ids = out.ids
    restrictive = {"Version": "2012-10-17", "Statement": [{
        "Sid": "AllowOnlySharedServicesBuckets", "Effect": "Allow", "Principal": "*",
        "Action": ["s3:GetObject", "s3:ListBucket"],
        "Resource": [f"arn:aws:s3:::{out.bucket('network-shared-proxy-config')}",
                     f"arn:aws:s3:::{out.bucket('network-shared-proxy-config')}/*",
                     "arn:aws:s3:::al2023-repos-ap-northeast-3-de612dc2/*"],
    }]}
    specs = [
        (net("ec2"), "shared-egress-s3", ids["shared-egress-osaka"], OSAKA, ids["shared-proxy-public-rt"], restrictive),
        (app("ec2"), "app-osaka-s3", ids["app-osaka"], OSAKA, ids["app-osaka-private-rt"], None),
        (app("ec2", TOKYO), "app-tokyo-s3", ids["app-tokyo"], TOKYO, ids["app-tokyo-private-rt"], None),
    ]
    for ec2, name, vpc, region, rtb, policy in specs:
        extra = {"PolicyDocument": json.dumps(policy)} if policy else {}
        ids[name] = ec2.create_vpc_endpoint(
            VpcId=vpc, ServiceName=f"com.amazonaws.{region}.s3", VpcEndpointType="Gateway", RouteTableIds=[rtb],
            TagSpecifications=_tags("vpc-endpoint", name), **extra)["VpcEndpoint"]["VpcEndpointId"]
    tokyo = app("ec2", TOKYO)
    ids["app-tokyo-endpoints"] = sg = _security_group(tokyo, ids["app-tokyo"], "app-tokyo-endpoints", [
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.30.0.0/16"}]}])
    ids["app-tokyo-ssm"] = tokyo.create_vpc_endpoint(
        VpcId=ids["app-tokyo"], ServiceName=f"com.amazonaws.{TOKYO}.ssm", VpcEndpointType="Interface",
        SubnetIds=[ids["app-tokyo-private-a"]], SecurityGroupIds=[sg], PrivateDnsEnabled=True,
        TagSpecifications=_tags("vpc-endpoint", "app-tokyo-ssm"))["VpcEndpoint"]["VpcEndpointId"]


def _security_group(ec2: Any, vpc: str, name: str, ingress: list[dict[str, Any]]) -> str:
    sg = str(ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc,
                                       TagSpecifications=_tags("security-group", name))["GroupId"])
    if ingress:
        ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=ingress)
    return sg


def _role(iam: Any, name: str, inline: dict[str, Any], managed: tuple[str, ...] = ()) -> str:
    arn = str(iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST_EC2))["Role"]["Arn"])
    for policy_name, doc in inline.items():
        iam.put_role_policy(RoleName=name, PolicyName=policy_name, PolicyDocument=json.dumps(doc))
    for policy_arn in managed:
        iam.attach_role_policy(RoleName=name, PolicyArn=policy_arn)
    iam.create_instance_profile(InstanceProfileName=name)
    iam.add_role_to_instance_profile(InstanceProfileName=name, RoleName=name)
    return arn


def _roles(net: _Account, app: _Account, out: Seeded) -> None:
    buckets = [out.bucket("app-data"), out.bucket("app-data-tokyo")]
    resources = [f"arn:aws:s3:::{b}" for b in buckets] + [f"arn:aws:s3:::{b}/*" for b in buckets]
    config = out.bucket("network-shared-proxy-config")
    _role(net("iam"), "squid-proxy-role", {"proxy-config-read": {"Version": "2012-10-17", "Statement": [{
        "Sid": "ReadConfigAndSync", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
        "Resource": [f"arn:aws:s3:::{config}*", f"arn:aws:s3:::{out.bucket('app-data-tokyo')}",
                     f"arn:aws:s3:::{out.bucket('app-data-tokyo')}/*"]}]}})
    # The clients' identity policy split the way teams do: app access inline, Session Manager as a managed policy.
    session_manager = app("iam").create_policy(PolicyName="session-manager", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Sid": "SessionManager", "Effect": "Allow",
                                                "Action": ["ssm:UpdateInstanceInformation", "ssmmessages:*",
                                                           "ec2messages:*"], "Resource": "*"}]}))["Policy"]["Arn"]
    app_access = {"app-data-access": {"Version": "2012-10-17", "Statement": [{
        "Sid": "AppBuckets", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
        "Resource": resources}]}}
    for role in ("app-web-role", "app-batch-role"):
        _role(app("iam"), role, app_access, (session_manager,))


def _instances(net: _Account, app: _Account, out: Seeded) -> None:
    ids = out.ids
    proxy_sg = _security_group(net("ec2"), ids["shared-egress-osaka"], "squid-proxy", [
        {"IpProtocol": "tcp", "FromPort": 3128, "ToPort": 3128,
         "IpRanges": [{"CidrIp": "10.20.0.0/16"}, {"CidrIp": "10.30.0.0/16"}]}])
    osaka_sg = _security_group(app("ec2"), ids["app-osaka"], "app-osaka-servers", [])
    tokyo_sg = _security_group(app("ec2", TOKYO), ids["app-tokyo"], "app-tokyo-servers", [])
    _roles(net, app, out)

    def run(acct: _Account, region: str, subnet: str, name: str, ip: str, sg: str, role: str, user_data: Any = None,
            **tags: str) -> str:
        extra = {"UserData": user_data} if user_data is not None else {}
        inst = acct("ec2", region).run_instances(
            ImageId=AMI, InstanceType="t3.micro", MinCount=1, MaxCount=1, SubnetId=subnet, PrivateIpAddress=ip,
            SecurityGroupIds=[sg], IamInstanceProfile={"Name": role}, TagSpecifications=_tags("instance", name, **tags),
            **extra)["Instances"][0]
        ids[name] = str(inst["InstanceId"])
        return ids[name]

    run(net, OSAKA, ids["shared-proxy-public-a"], "squid-proxy-osaka", "10.10.0.10", proxy_sg, "squid-proxy-role",
        SQUID_USER_DATA, Role="forward-proxy")
    run(app, OSAKA, ids["app-osaka-private-a"], "web-osaka-a", "10.20.1.11", osaka_sg, "app-web-role",
        WEB_OSAKA_USER_DATA)
    run(app, OSAKA, ids["app-osaka-private-a"], "batch-osaka-b", "10.20.1.12", osaka_sg, "app-batch-role",
        gzip.compress(BATCH_OSAKA_CLOUD_CONFIG.encode(), mtime=0))
    run(app, TOKYO, ids["app-tokyo-private-a"], "web-tokyo-a", "10.30.1.31", tokyo_sg, "app-web-role", None,
        HTTPS_PROXY=PROXY_URL, HTTP_PROXY=PROXY_URL, NO_PROXY=BASE_NO_PROXY)
    batch = run(app, TOKYO, ids["app-tokyo-private-a"], "batch-tokyo-b", "10.30.1.32", tokyo_sg, "app-batch-role",
                BATCH_TOKYO_USER_DATA)
    ssm = app("ssm", TOKYO)
    for var, value in (("HTTPS_PROXY", PROXY_URL), ("HTTP_PROXY", PROXY_URL), ("NO_PROXY", WITH_S3_EXCLUSION)):
        ssm.put_parameter(Name=f"{SSM_PREFIX}/{batch}/{var}", Value=value, Type="String", Overwrite=True)


def _dns_and_buckets(net: _Account, app: _Account, out: Seeded) -> None:
    ids = out.ids
    r53 = net("route53")
    zone = r53.create_hosted_zone(
        Name="corp.internal", CallerReference=f"reachbot-seed-{ids['shared-egress-osaka']}",
        HostedZoneConfig={"Comment": "corporate names, shared with every VPC", "PrivateZone": True},
        VPC={"VPCRegion": OSAKA, "VPCId": ids["shared-egress-osaka"]})["HostedZone"]["Id"]
    for region, vpc in ((OSAKA, ids["app-osaka"]), (TOKYO, ids["app-tokyo"])):
        # Cross-account association needs CreateVPCAssociationAuthorization on AWS; moto does not check it.
        r53.associate_vpc_with_hosted_zone(HostedZoneId=zone, VPC={"VPCRegion": region, "VPCId": vpc})
    r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [{"Action": "CREATE",
        "ResourceRecordSet": {"Name": "proxy.corp.internal", "Type": "A", "TTL": 300,
                              "ResourceRecords": [{"Value": "10.10.0.10"}]}}]})
    ids["corp.internal"] = zone

    def bucket(acct: _Account, name: str, region: str, policy: dict[str, Any] | None) -> None:
        s3 = acct("s3", region)
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
        if policy:
            s3.put_bucket_policy(Bucket=name, Policy=json.dumps(policy))

    data, tokyo = out.bucket("app-data"), out.bucket("app-data-tokyo")
    bucket(app, data, OSAKA, {"Version": "2012-10-17", "Statement": [{
        "Sid": "DenyUnlessFromAppOsakaEndpoint", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{data}", f"arn:aws:s3:::{data}/*"],
        "Condition": {"StringNotEquals": {"aws:sourceVpce": ids["app-osaka-s3"]}}}]})
    bucket(app, tokyo, TOKYO, {"Version": "2012-10-17", "Statement": [{
        "Sid": "AllowSharedProxySync", "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{out.network_account}:role/squid-proxy-role"},
        "Action": ["s3:GetObject", "s3:ListBucket"],
        "Resource": [f"arn:aws:s3:::{tokyo}", f"arn:aws:s3:::{tokyo}/*"]}]})
    bucket(net, out.bucket("network-shared-proxy-config"), OSAKA, None)


def _extras(net: _Account, app: _Account, out: Seeded) -> None:
    """Not in the article, not on any of its routes: a NAT gateway, a customer-managed prefix list, a transit
    gateway with a static and a blackhole route."""
    ids, n_osaka, a_tokyo = out.ids, net("ec2"), app("ec2", TOKYO)
    eip = n_osaka.allocate_address(Domain="vpc")["AllocationId"]
    ids["shared-egress-nat"] = n_osaka.create_nat_gateway(
        SubnetId=ids["shared-proxy-public-a"], AllocationId=eip,
        TagSpecifications=_tags("natgateway", "shared-egress-nat"))["NatGateway"]["NatGatewayId"]
    ids["corp-onprem"] = n_osaka.create_managed_prefix_list(
        PrefixListName="corp-onprem", MaxEntries=5, AddressFamily="IPv4",
        Entries=[{"Cidr": "192.168.0.0/16", "Description": "head office"}])["PrefixList"]["PrefixListId"]
    # The gateway's default route table, associated automatically: moto 5.2 always reports an attachment as
    # associated with the default table (AssociateTransitGatewayRouteTable does not change what it describes).
    tgw = a_tokyo.create_transit_gateway(Description="app-tokyo-tgw",
                                         TagSpecifications=_tags("transit-gateway", "app-tokyo-tgw"))["TransitGateway"]
    table = tgw["Options"]["AssociationDefaultRouteTableId"]
    tgw = tgw["TransitGatewayId"]
    att = a_tokyo.create_transit_gateway_vpc_attachment(
        TransitGatewayId=tgw, VpcId=ids["app-tokyo"], SubnetIds=[ids["app-tokyo-private-a"]],
        Options={"ApplianceModeSupport": "enable"},
    )["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    a_tokyo.create_transit_gateway_route(TransitGatewayRouteTableId=table, DestinationCidrBlock="10.99.0.0/16",
                                         TransitGatewayAttachmentId=att)
    a_tokyo.create_transit_gateway_route(TransitGatewayRouteTableId=table, DestinationCidrBlock="10.98.0.0/16",
                                         Blackhole=True)
    ids.update({"app-tokyo-tgw": tgw, "app-tokyo-tgw-attachment": att, "app-tokyo-tgw-rtb": table})


SQUID_USER_DATA = """#!/bin/bash
dnf install -y squid
cat > /etc/squid/squid.conf <<'EOF'
http_port 3128
acl clients src 10.20.0.0/16 10.30.0.0/16
http_access allow clients
http_access deny all
EOF
systemctl enable --now squid
"""

WEB_OSAKA_USER_DATA = f"""#!/bin/bash
set -euo pipefail
# The proxy account's password lives here, as it too often does; reachbot must mask it.
PROXY_URL="http://svc-web:{PROXY_PASSWORD}@proxy.corp.internal:3128"
export HTTPS_PROXY="$PROXY_URL"
echo "HTTPS_PROXY=${{PROXY_URL}}" >> /etc/environment
echo "HTTP_PROXY=${{PROXY_URL}}" >> /etc/environment
echo 'NO_PROXY={BASE_NO_PROXY}' >> /etc/environment
"""

BATCH_OSAKA_CLOUD_CONFIG = f"""#cloud-config
package_update: true
write_files:
  - path: /etc/environment
    append: true
    content: |
      HTTPS_PROXY={PROXY_URL}
      HTTP_PROXY={PROXY_URL}
      NO_PROXY={WITH_S3_EXCLUSION}
  - path: /opt/batch/settings.ini
    content: |
      http_proxy_for_reports=http://reports.example.com:8080
runcmd:
  - [systemctl, restart, batch-worker]
"""

BATCH_TOKYO_USER_DATA = f"""#!/bin/bash
cat > /etc/profile.d/proxy.sh <<'EOF'
export HTTPS_PROXY={PROXY_URL}
export HTTP_PROXY={PROXY_URL}
export NO_PROXY={BASE_NO_PROXY}
EOF
# Exceptions are managed in SSM Parameter Store ({SSM_PREFIX}/<instance-id>/NO_PROXY) and win over this file.
"""


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m engine.collect.seed_demo", description=__doc__.split("\n\n")[0])
    p.add_argument("--endpoint-url", required=True, help="the running emulator, e.g. http://127.0.0.1:5000")
    p.add_argument("--layout", choices=["single", "two-accounts"], default="single")
    p.add_argument("--bucket-suffix", default="", help="appended to bucket names (S3 names are global)")
    args = p.parse_args(argv)
    seeded = seed(args.endpoint_url, args.layout, args.bucket_suffix)
    flags = " ".join(f"--role-arn {a}" for a in seeded.role_arns)
    print(f"seeded the article estate ({seeded.layout}) at {args.endpoint_url}. Now run:\n"
          f"  reachbot collect --endpoint-url {args.endpoint_url} --region {OSAKA} --region {TOKYO} "
          f"{flags + ' ' if flags else ''}--out snap.json", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
