"""Scenario graphs built in code, named after the AWS rule they exercise."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from engine import Engine
from engine import model as m
from engine.estates.article import WITH_S3_EXCLUSION
from engine.estates.builder import EstateBuilder, allow_all, tcp

ACCOUNT = "123456789012"
REGION, OTHER_REGION = "eu-west-1", "eu-central-1"
RW = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}


class Small:
    """One VPC with a public and a private subnet, one client, one bucket per region; tweak then build."""

    def __init__(self) -> None:
        b = self.b = EstateBuilder(source="test")
        b.account(ACCOUNT, "test")
        self.vpc = b.vpc("main", REGION, "10.0.0.0/16", ACCOUNT)
        self.public = b.subnet(self.vpc, "public-a", "10.0.0.0/24", public=True)
        self.private = b.subnet(self.vpc, "private-a", "10.0.1.0/24")
        self.public_rtb = b.route_table(self.vpc, "public-rt", [self.public])
        self.private_rtb = b.route_table(self.vpc, "private-rt", [self.private])
        self.igw = b.internet_gateway(self.vpc)
        b.route(self.public_rtb, "0.0.0.0/0", self.igw)
        self.role = b.role(ACCOUNT, "client-role", {"rw": RW})
        self.sg = b.security_group(self.vpc, "clients", ingress=[tcp(443, "10.0.0.0/16")], egress=[allow_all()])
        b.bucket("data-here", REGION, ACCOUNT)
        b.bucket("data-there", OTHER_REGION, ACCOUNT)

    def client(self, subnet: str | None = None, ip: str = "10.0.1.10", **kw: Any) -> str:
        return self.b.instance(subnet or self.private, "client", ip, [self.sg], role_arn=self.role, **kw)

    def edge_vpc(self, return_route: bool = True) -> tuple[str, str, str]:
        """A peered egress VPC (10.9.0.0/16) with a public subnet and an internet gateway: (vpc, subnet, rtb)."""
        b = self.b
        edge = b.vpc("edge", REGION, "10.9.0.0/16", ACCOUNT)
        subnet = b.subnet(edge, "edge-public", "10.9.0.0/24", public=True)
        rtb = b.route_table(edge, "edge-rt", [subnet])
        b.route(rtb, "0.0.0.0/0", b.internet_gateway(edge))
        pcx = b.peering(self.vpc, edge)
        b.route(self.private_rtb, "10.9.0.0/16", pcx)
        if return_route:
            b.route(rtb, "10.0.0.0/16", pcx)
        return edge, subnet, rtb

    def proxy(self, vpc: str, subnet: str, role_arn: str | None = None) -> str:
        """A forward proxy at 10.9.0.10:3128 that admits the main VPC."""
        sg = self.b.security_group(vpc, "proxy", ingress=[tcp(3128, "10.0.0.0/16")])
        return self.b.instance(subnet, "proxy", "10.9.0.10", [sg], role_arn=role_arn, public_ip="203.0.113.10",
                               proxy_ports=[3128])

    def firewalled(self, domains: Iterable[str] = (".amazonaws.com",), groups: Iterable[str] = (),
                   symmetric: bool = True, **policy: Any) -> tuple[str, str]:
        """Centralised inspection inside the VPC: private subnet → Network Firewall endpoint → NAT gateway →
        internet gateway. The firewall's stateful rule groups are a domain allow list (``domains``; none when
        empty) then ``groups``; with ``symmetric`` the NAT subnet sends replies to the private subnet back through
        the firewall. Returns (the firewall endpoint, the allow list's ARN or "")."""
        b = self.b
        fw_subnet = b.subnet(self.vpc, "firewall-a", "10.0.8.0/24")
        fw_rtb = b.route_table(self.vpc, "firewall-rt", [fw_subnet])
        b.route(fw_rtb, "0.0.0.0/0", b.nat_gateway(self.public, "203.0.113.20", "10.0.0.20"))
        domains = list(domains)
        allow = b.firewall_rule_group("egress-allow", REGION, ACCOUNT, domains=domains) if domains else ""
        arn = b.firewall_policy("egress", REGION, ACCOUNT, stateful=[a for a in (allow, *groups) if a], **policy)
        endpoint = b.network_firewall(self.vpc, "egress-fw", arn, {fw_subnet: "10.0.8.5"})[f"{REGION}a"]
        b.route(self.private_rtb, "0.0.0.0/0", endpoint)
        if symmetric:
            b.route(self.public_rtb, "10.0.1.0/24", endpoint)
        return endpoint, allow

    def vpc_dns(self, support: bool | None, hostnames: bool | None, vpc: str | None = None) -> None:
        """Set (or, with None, leave unrecorded as an older snapshot does) the VPC's DNS attributes."""
        vpcs = self.b.items["vpcs"]
        i = next(i for i, v in enumerate(vpcs) if v.vpc_id == (vpc or self.vpc))
        vpcs[i] = vpcs[i].model_copy(update={"enable_dns_support": support, "enable_dns_hostnames": hostnames})

    def peered_hubs(self, peering_state: str = "available") -> tuple[str, str, str]:
        """A far VPC (10.8.0.0/16, OTHER_REGION) behind a second transit gateway peered with the main VPC's
        (both peering attachments in ``peering_state``), routed both ways, with a database db at
        10.8.0.20:5432 that admits the main VPC: (near gateway, far gateway, the near side's peering)."""
        b = self.b
        far = b.vpc("far", OTHER_REGION, "10.8.0.0/16", ACCOUNT)
        far_sub = b.subnet(far, "far-a", "10.8.0.0/24")
        far_rtb = b.route_table(far, "far-rt", [far_sub])
        tgw1, rt1 = b.transit_gateway(REGION, ACCOUNT, "hub-1")
        tgw2, rt2 = b.transit_gateway(OTHER_REGION, ACCOUNT, "hub-2")
        a_near = b.tgw_attachment(tgw1, rt1, self.vpc, [self.private])
        a_far = b.tgw_attachment(tgw2, rt2, far, [far_sub])
        p1 = b.tgw_attachment(tgw1, rt1, tgw2, resource_type="peering", state=peering_state)
        p2 = b.tgw_attachment(tgw2, rt2, tgw1, resource_type="peering", state=peering_state)
        for table, cidr, att in ((rt1, "10.8.0.0/16", p1), (rt2, "10.8.0.0/16", a_far), (rt2, "10.0.0.0/16", p2),
                                 (rt1, "10.0.0.0/16", a_near)):
            b.tgw_route(table, cidr, att)
        b.route(self.private_rtb, "10.8.0.0/16", tgw1)
        b.route(far_rtb, "10.0.0.0/16", tgw2)
        b.instance(far_sub, "db", "10.8.0.20", [b.security_group(far, "db", ingress=[tcp(5432, "10.0.0.0/16")])])
        return tgw1, tgw2, p1

    def engine(self) -> Engine:
        return Engine(self.b.build(), "test")


class Hub(Small):
    """Centralised egress (Transit Gateway guide, "Example: Centralized egress to the internet"): the main VPC is
    a spoke (client subnet in zone a, its attachment subnet 10.0.9.0/24 in zone a), whose default route is the
    transit gateway; the egress VPC 10.100.0.0/16 has attachment subnets in zones a and b, a NAT gateway in a
    public subnet of zone a and an internet gateway. Spokes associate with ``spoke_rt`` (0.0.0.0/0 → egress),
    the egress VPC with ``egress_rt`` (10.0.0.0/16 → spoke)."""

    def __init__(self) -> None:
        super().__init__()
        b = self.b
        self.spoke_tgw_subnet = b.subnet(self.vpc, "tgw-a", "10.0.9.0/24")
        b.route_table(self.vpc, "tgw-rt", [self.spoke_tgw_subnet])
        self.egress = b.vpc("egress", REGION, "10.100.0.0/16", ACCOUNT)
        self.egress_tgw_a = b.subnet(self.egress, "egress-tgw-a", "10.100.0.0/28")
        self.egress_tgw_b = b.subnet(self.egress, "egress-tgw-b", "10.100.0.16/28", az_suffix="b")
        self.egress_public = b.subnet(self.egress, "egress-public-a", "10.100.1.0/24", public=True)
        self.egress_tgw_rtb = b.route_table(self.egress, "egress-tgw-rt", [self.egress_tgw_a, self.egress_tgw_b])
        self.egress_public_rtb = b.route_table(self.egress, "egress-public-rt", [self.egress_public])
        self.egress_igw = b.internet_gateway(self.egress)
        self.nat = b.nat_gateway(self.egress_public, "198.51.100.7", "10.100.1.5")
        b.route(self.egress_tgw_rtb, "0.0.0.0/0", self.nat)
        b.route(self.egress_public_rtb, "0.0.0.0/0", self.egress_igw)
        self.tgw, _ = b.transit_gateway(REGION, ACCOUNT, "hub")
        self.spoke_rt = b.tgw_route_table(self.tgw, "spokes")
        self.egress_rt = b.tgw_route_table(self.tgw, "egress")
        self.spoke_att = b.tgw_attachment(self.tgw, self.spoke_rt, self.vpc, [self.spoke_tgw_subnet])
        self.egress_att = b.tgw_attachment(self.tgw, self.egress_rt, self.egress, [self.egress_tgw_a,
                                                                                   self.egress_tgw_b])
        b.tgw_route(self.spoke_rt, "0.0.0.0/0", self.egress_att)
        b.tgw_route(self.egress_rt, "10.0.0.0/16", self.spoke_att, propagated=True)
        b.route(self.private_rtb, "0.0.0.0/0", self.tgw)
        b.route(self.egress_public_rtb, "10.0.0.0/16", self.tgw)  # the return route to the spoke
ORG_ID = "o-perimeter1"
OUTSIDE = "210987654321"  # an account outside the organisation
BOUNDARY = {"Version": "2012-10-17", "Statement": [
    {"Sid": "ListOnly", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}
FULL_ACCESS = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
GUARD_SCP = {"Version": "2012-10-17", "Statement": [
    {"Sid": "NoDeletes", "Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}]}
PERIMETER = {"Version": "2012-10-17", "Statement": [
    {"Sid": "OrgBucketsOnly", "Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*",
     "Condition": {"StringEquals": {"aws:ResourceOrgID": ORG_ID}}}]}


class Perimeter(Small):
    """The whole IAM decision in one estate: the client's role has a permissions boundary (list only), the
    account sits in an OU whose SCP denies deletes, and the S3 gateway endpoint carries a data-perimeter policy
    (only buckets of the organisation, aws:ResourceOrgID). Bucket data-here is the organisation's; bucket
    elsewhere-data belongs to an account outside it."""

    def __init__(self, *, boundary: bool = True, rcp: dict[str, Any] | None = None) -> None:
        """``rcp``: a resource control policy (id p-network) attached at the root."""
        super().__init__()
        b = self.b
        self.role = b.role(ACCOUNT, "bounded-role", {"rw": RW}, boundary=("list-only", BOUNDARY) if boundary else None)
        self.boundary_arn = f"arn:aws:iam::{ACCOUNT}:policy/list-only"
        self.vpce = b.gateway_endpoint(self.vpc, "s3", [self.private_rtb], policy=PERIMETER)
        b.bucket("elsewhere-data", REGION, OUTSIDE)
        policies = {"p-FullAWSAccess": ("SERVICE_CONTROL_POLICY", FULL_ACCESS),
                    "p-guard": ("SERVICE_CONTROL_POLICY", GUARD_SCP)}
        attached = {"root": ["p-FullAWSAccess"], "ou-workloads": ["p-FullAWSAccess", "p-guard"],
                    ACCOUNT: ["p-FullAWSAccess"]}
        if rcp is not None:
            policies["p-network"] = ("RESOURCE_CONTROL_POLICY", rcp)
            attached["root"].append("p-network")
        b.organization(ORG_ID, "999999999999", {ACCOUNT: ["ou-workloads"]}, policies, attached)
        self.client()


def article_when_case3_worked(snap: m.Snapshot) -> m.Snapshot:
    """The article estate the day case 3 still worked: web-osaka-a's NO_PROXY excluded S3 (the history and
    diff tests' "yesterday")."""
    instances = []
    for inst in snap.instances:
        if inst.name == "web-osaka-a":
            env = dict(inst.proxy_environment)
            env["NO_PROXY"] = env["NO_PROXY"].model_copy(update={"value": WITH_S3_EXCLUSION})
            inst = inst.model_copy(update={"proxy_environment": env})
        instances.append(inst)
    return snap.model_copy(update={"instances": instances})
