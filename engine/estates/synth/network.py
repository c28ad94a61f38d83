"""The network half of a synthetic estate: per-region proxy hubs and the client VPCs that reach them.

Shape (the article's, repeated across an organisation): the network account runs, in every region, an
egress VPC with a forward proxy in a public subnet, an internet gateway, a transit gateway hub and, in some
regions, a proxy-side S3 gateway endpoint with a restrictive policy. Application VPCs reach their regional
proxy over the transit gateway or over VPC peering; some VPCs outside the first region also peer with the
first region's proxy VPC (inter-region, like the article's Tokyo clients). Private subnets have no internet
route unless the VPC has a NAT gateway; S3 goes through the VPC's own gateway endpoint when there is one.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from ipaddress import IPv4Network

from engine.estates.builder import EstateBuilder, allow_all, tcp
from engine.estates.synth.profiles import AZ_SUFFIXES, Profile
from engine.model import NetworkAclEntry, PortRange

ORG_CIDR = "10.0.0.0/8"
PROXY_PORT = 3128
TIERS = ("web", "app", "batch", "data", "ops")  # private subnet tiers, one subnet each per AZ
INTERFACE_SERVICES = ("ssm", "ssmmessages", "ec2messages", "sts", "logs")


@dataclass
class Addresses:
    """Hands out VPC CIDRs (/19 each, 2,048 of them in 10/8) and host addresses per subnet."""

    next_vpc: int = 0
    next_host: dict[str, int] = field(default_factory=dict)
    subnet_cidr: dict[str, IPv4Network] = field(default_factory=dict)

    def vpc_cidr(self) -> IPv4Network:
        if self.next_vpc >= 2048:
            raise ValueError("the estate needs more than 2,048 VPCs; 10.0.0.0/8 holds 2,048 /19 blocks")
        i, self.next_vpc = self.next_vpc, self.next_vpc + 1
        return IPv4Network((10 << 24) + i * 8192).supernet(new_prefix=19)

    def host(self, subnet_id: str) -> str:
        # AWS reserves the first four addresses and the last one of every subnet.
        n = self.next_host.get(subnet_id, 10)
        net = self.subnet_cidr[subnet_id]
        if n >= net.num_addresses - 1:
            raise ValueError(f"subnet {subnet_id} ({net}) is full")
        self.next_host[subnet_id] = n + 1
        return str(net.network_address + n)


@dataclass
class Hub:
    """One region's proxy VPC in the network account."""

    region: str
    vpc: str
    cidr: str
    proxy_rtb: str
    proxy_ip: str
    proxy_host: str
    proxy_sg: str
    tgw: str
    tgw_rtb: str
    s3_endpoint: str | None
    public_subnets: list[str] = field(default_factory=list)
    tgw_subnets: list[str] = field(default_factory=list)
    attachment: str = ""
    igw: str = ""


@dataclass
class ClientVpc:
    account: str
    account_name: str
    region: str
    vpc: str
    cidr: str
    index: int
    subnets: dict[str, list[str]]  # tier ("public", "web", …, "tgw") → subnet per AZ
    groups: dict[str, str]  # role ("web", "app", "batch", "db", "locked", "bastion") → sg id
    s3_endpoint: str | None = None
    interface_endpoints: bool = False
    nat: bool = False
    via_tgw: bool = True
    central_peer: bool = False  # also peered with the first region's proxy VPC
    central_egress: bool = False  # default route to the transit gateway, out through the hub's NAT (central.py)
    private_rtbs: list[str] = field(default_factory=list)
    data_cidrs: list[str] = field(default_factory=list)


def subnet(b: EstateBuilder, addrs: Addresses, vpc: str, name: str, cidr: IPv4Network, az: str,
           public: bool = False) -> str:
    sid = b.subnet(vpc, name, str(cidr), az_suffix=az, public=public)
    addrs.subnet_cidr[sid] = cidr
    return sid


def build_hub(b: EstateBuilder, addrs: Addresses, rng: random.Random, p: Profile, region: str, account: str,
              proxy_role: str, first: bool) -> Hub:
    cidr = addrs.vpc_cidr()
    blocks = list(cidr.subnets(new_prefix=24))
    vpc = b.vpc(f"egress-{region}", region, str(cidr), account)
    public = [subnet(b, addrs, vpc, f"egress-proxy-public-{az}", blocks[i], az, public=True)
              for i, az in enumerate(AZ_SUFFIXES[: p.azs])]
    tgw_subnets = [subnet(b, addrs, vpc, f"egress-tgw-{az}", blocks[8 + i], az)
                   for i, az in enumerate(AZ_SUFFIXES[: p.azs])]
    proxy_rtb = b.route_table(vpc, f"egress-proxy-public-rt-{region}", public)
    igw = b.internet_gateway(vpc, f"egress-igw-{region}")
    b.route(proxy_rtb, "0.0.0.0/0", igw)
    tgw, tgw_rtb = b.transit_gateway(region, account, f"hub-{region}")
    attachment = b.tgw_attachment(tgw, tgw_rtb, vpc, tgw_subnets)
    b.tgw_route(tgw_rtb, str(cidr), attachment)
    b.route(proxy_rtb, ORG_CIDR, tgw)
    s3_endpoint = None
    if first or rng.random() < p.proxy_s3_endpoint_share:
        # The article's trap: the proxy's own subnet sends S3 into a restrictive endpoint of its VPC.
        restrictive = first or rng.random() < 0.3
        s3_endpoint = b.gateway_endpoint(vpc, "s3", [proxy_rtb], name=f"egress-s3-{region}",
                                         policy=_proxy_endpoint_policy(region) if restrictive else None)
    proxy_sg = b.security_group(vpc, f"forward-proxy-{region}", ingress=[tcp(PROXY_PORT, ORG_CIDR)],
                                egress=[allow_all()])
    proxy_ip = addrs.host(public[0])
    public_ip = f"15.152.{addrs.next_vpc % 250}.10"
    b.instance(public[0], f"forward-proxy-{region}", proxy_ip, [proxy_sg], role_arn=proxy_role,
               public_ip=public_ip, proxy_ports=[PROXY_PORT], extra_tags={"Role": "forward-proxy"})
    return Hub(region, vpc, str(cidr), proxy_rtb, proxy_ip, f"proxy.{region}.corp.internal", proxy_sg, tgw,
               tgw_rtb, s3_endpoint, public, tgw_subnets, attachment, igw)


def _proxy_endpoint_policy(region: str) -> dict[str, object]:
    return {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "AllowOnlySharedServicesBuckets", "Effect": "Allow", "Principal": "*",
            "Action": ["s3:GetObject", "s3:ListBucket"],
            "Resource": ["arn:aws:s3:::network-shared-*", f"arn:aws:s3:::al2023-repos-{region}-*/*"],
        }],
    }


def build_client_vpc(b: EstateBuilder, addrs: Addresses, rng: random.Random, p: Profile, hubs: dict[str, Hub],
                     cell: tuple[str, str, str], index: int) -> ClientVpc:
    account, account_name, region = cell
    cidr = addrs.vpc_cidr()
    name = f"{account_name}-{region}-{index}"
    vpc = b.vpc(name, region, str(cidr), account)
    c = ClientVpc(account, account_name, region, vpc, str(cidr), index, subnets={}, groups={})
    _client_subnets(b, addrs, p, c, list(cidr.subnets(new_prefix=24)))
    c.nat = rng.random() < p.nat_share
    c.via_tgw = rng.random() < p.tgw_share
    first_region = next(iter(hubs))
    c.central_peer = region != first_region and rng.random() < p.cross_region_share
    _client_security_groups(b, c)
    igw = b.internet_gateway(vpc, f"{name}-igw")
    transit = [_connect(b, rng, p, hubs[region], c)]
    if c.central_peer:
        transit.append((hubs[first_region].cidr, _peer(b, hubs[first_region], c)))
    _client_route_tables(b, addrs, rng, p, c, igw, transit)
    if rng.random() < p.interface_endpoint_share:
        _interface_endpoints(b, addrs, c)
    if rng.random() < p.restricted_acl_share:
        _restricted_acl(b, c)
    return c


def _client_subnets(b: EstateBuilder, addrs: Addresses, p: Profile, c: ClientVpc, blocks: list[IPv4Network]) -> None:
    kinds = ("public", *TIERS, "tgw")
    for k, kind in enumerate(kinds):
        c.subnets[kind] = [
            subnet(b, addrs, c.vpc, f"{c.account_name}-{c.region}-{c.index}-{kind}-{az}", blocks[k * 4 + i], az,
                   public=kind == "public")
            for i, az in enumerate(AZ_SUFFIXES[: p.azs])
        ]


def _client_security_groups(b: EstateBuilder, c: ClientVpc) -> None:
    g = c.groups
    g["web"] = b.security_group(c.vpc, "web", ingress=[tcp(443, ORG_CIDR), tcp(80, ORG_CIDR)])
    g["app"] = b.security_group(c.vpc, "app", ingress=[tcp(8080, groups=[g["web"]]), tcp(443, c.cidr)])
    g["db"] = b.security_group(c.vpc, "db", ingress=[tcp(5432, groups=[g["app"]])])
    # Batch hosts may only talk HTTPS out and to the proxy port inside the organisation.
    g["batch"] = b.security_group(c.vpc, "batch", egress=[tcp(443, "0.0.0.0/0"), tcp(PROXY_PORT, ORG_CIDR)])
    # A hardened group someone forgot to open to the proxy: HTTPS only (SG_EGRESS_DENY towards port 3128).
    g["locked"] = b.security_group(c.vpc, "locked-down", egress=[tcp(443, "0.0.0.0/0")])
    g["bastion"] = b.security_group(c.vpc, "bastion", ingress=[tcp(22, "198.51.100.0/24")])
    g["endpoints"] = b.security_group(c.vpc, "vpc-endpoints", ingress=[tcp(443, c.cidr)])


def _connect(b: EstateBuilder, rng: random.Random, p: Profile, hub: Hub, c: ClientVpc) -> tuple[str, str]:
    """Attach the VPC to its regional hub; returns (destination, target) of the VPC's route towards it."""
    if not c.via_tgw:
        return hub.cidr, _peer(b, hub, c)
    attachment = b.tgw_attachment(hub.tgw, hub.tgw_rtb, c.vpc, c.subnets["tgw"])
    if rng.random() >= p.missing_tgw_route_share:
        b.tgw_route(hub.tgw_rtb, c.cidr, attachment)
    return ORG_CIDR, hub.tgw


def _peer(b: EstateBuilder, hub: Hub, c: ClientVpc) -> str:
    pcx = b.peering(c.vpc, hub.vpc, f"{c.account_name}-{c.region}-{c.index}-to-egress-{hub.region}")
    b.route(hub.proxy_rtb, c.cidr, pcx)
    return pcx


def _client_route_tables(b: EstateBuilder, addrs: Addresses, rng: random.Random, p: Profile, c: ClientVpc,
                         igw: str, transit: list[tuple[str, str]]) -> None:
    prefix = f"{c.account_name}-{c.region}-{c.index}"
    public_rt = b.route_table(c.vpc, f"{prefix}-public-rt", c.subnets["public"])
    b.route(public_rt, "0.0.0.0/0", igw)
    nat = b.nat_gateway(c.subnets["public"][0], f"52.{(addrs.next_vpc // 250) % 250}.{addrs.next_vpc % 250}.7",
                        addrs.host(c.subnets["public"][0]), f"{prefix}-nat") if c.nat else None
    private: list[str] = []
    for i, az in enumerate(AZ_SUFFIXES[: p.azs]):
        tiers = [c.subnets[t][i] for t in TIERS if t != "data"]
        rts = (b.route_table(c.vpc, f"{prefix}-private-rt-{az}", tiers),
               b.route_table(c.vpc, f"{prefix}-data-rt-{az}", [c.subnets["data"][i]]))
        for rt in (public_rt, *rts) if i == 0 else rts:
            for destination, target in transit:
                b.route(rt, destination, target)
        if nat:
            b.route(rts[0], "0.0.0.0/0", nat)
        private += rts
    c.private_rtbs = private
    c.data_cidrs = [str(addrs.subnet_cidr[s]) for s in c.subnets["data"]]
    if rng.random() < p.gateway_endpoint_share:
        policy = _own_buckets_endpoint_policy(c.account_name) if rng.random() < 0.15 else None
        c.s3_endpoint = b.gateway_endpoint(c.vpc, "s3", private, policy=policy, name=f"{prefix}-s3")


def _own_buckets_endpoint_policy(account_name: str) -> dict[str, object]:
    return {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "OnlyOurBuckets", "Effect": "Allow", "Principal": "*", "Action": "s3:*",
            "Resource": [f"arn:aws:s3:::{account_name}-*", f"arn:aws:s3:::{account_name}-*/*"],
        }],
    }


def _interface_endpoints(b: EstateBuilder, addrs: Addresses, c: ClientVpc) -> None:
    c.interface_endpoints = True
    for service in INTERFACE_SERVICES:
        enis = {sid: addrs.host(sid) for sid in c.subnets["app"]}
        b.interface_endpoint(c.vpc, service, enis, [c.groups["endpoints"]],
                             name=f"{c.account_name}-{c.region}-{c.index}-{service}")


def _restricted_acl(b: EstateBuilder, c: ClientVpc) -> None:
    """Batch subnets whose ACL refuses the proxy port outbound (rule 90), then allows the rest."""
    entries = [
        NetworkAclEntry(rule_number=90, protocol="6", rule_action="deny", egress=True, cidr_block=ORG_CIDR,
                        port_range=PortRange(from_=PROXY_PORT, to=PROXY_PORT)),
        *(entry for e in (False, True) for entry in (
            NetworkAclEntry(rule_number=100, rule_action="allow", egress=e, cidr_block="0.0.0.0/0"),
            NetworkAclEntry(rule_number=32767, rule_action="deny", egress=e, cidr_block="0.0.0.0/0"))),
    ]
    b.network_acl(c.vpc, f"{c.account_name}-{c.region}-{c.index}-batch-acl", c.subnets["batch"], entries)
