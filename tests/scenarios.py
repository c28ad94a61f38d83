"""Scenario graphs built in code, named after the AWS rule they exercise."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from engine import Engine
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

    def engine(self) -> Engine:
        return Engine(self.b.build(), "test")
