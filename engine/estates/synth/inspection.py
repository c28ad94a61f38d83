"""Issue #10's inspection and DNS features in a synthetic estate.

Per region, in the network account's egress VPC: an AWS Network Firewall (``add_firewall``: its own subnet,
between the transit gateway attachment subnets and the NAT gateway, see ``central``) with a domain allow list
of AWS service names and the organisation's private domain; an outbound Resolver endpoint with a rule
forwarding the on-premises domain to resolvers behind the transit gateway; and a DNS Firewall rule group that
blocks a deny list, associated with every VPC of the region (``add_inspection``).
"""

from __future__ import annotations

from ipaddress import IPv4Network

from engine.estates.builder import EstateBuilder
from engine.estates.synth.network import ORG_CIDR, Addresses, ClientVpc, Hub, subnet
from engine.estates.synth.profiles import AZ_SUFFIXES

ONPREM_DOMAIN = "onprem.example.internal"
ONPREM_RESOLVERS = ["172.16.0.10", "172.16.0.11"]
ONPREM_CIDR = "172.16.0.0/12"
DENIED_DOMAINS = ["*.malware-c2.example", "*.exfil.example"]
ALLOWED_DOMAINS = [".amazonaws.com", ".corp.internal"]


def add_firewall(b: EstateBuilder, addrs: Addresses, hub: Hub, account: str, nat: str) -> str:
    """The region's Network Firewall in its own subnet of the hub (first zone), with the domain allow list
    (strict rule order, ``aws:drop_established``: a name outside the list is dropped); its subnet's table
    sends the internet to ``nat`` and the organisation back to the transit gateway. Returns its endpoint."""
    region, az = hub.region, AZ_SUFFIXES[0]
    blocks = list(IPv4Network(hub.cidr).subnets(new_prefix=24))
    fw_subnet = subnet(b, addrs, hub.vpc, f"egress-firewall-{region}-{az}", blocks[16], az)
    fw_rtb = b.route_table(hub.vpc, f"egress-firewall-rt-{region}", [fw_subnet])
    b.route(fw_rtb, "0.0.0.0/0", nat)
    b.route(fw_rtb, ORG_CIDR, hub.tgw)
    allow = b.firewall_rule_group(f"egress-allow-{region}", region, account, domains=ALLOWED_DOMAINS,
                                  home_net=[ORG_CIDR])
    policy = b.firewall_policy(f"egress-{region}", region, account, stateful=[allow], strict=True,
                               stateful_default=["aws:drop_established"])
    return b.network_firewall(hub.vpc, f"egress-fw-{region}", policy, {fw_subnet: addrs.host(fw_subnet)})[
        f"{region}{az}"]


def add_inspection(b: EstateBuilder, addrs: Addresses, hubs: dict[str, Hub], vpcs: list[ClientVpc]) -> None:
    """Add the Resolver forwarding rule and the DNS Firewall of every region (its firewall is on the central
    egress path already: ``central.central_egress_hub``)."""
    for region, hub in hubs.items():
        blocks = list(IPv4Network(hub.cidr).subnets(new_prefix=24))
        az = AZ_SUFFIXES[0]
        regional = [hub.vpc, *(c.vpc for c in vpcs if c.region == region)]
        dns_subnet = subnet(b, addrs, hub.vpc, f"egress-resolver-{region}-{az}", blocks[17], az)
        dns_rtb = b.route_table(hub.vpc, f"egress-resolver-rt-{region}", [dns_subnet])
        b.route(dns_rtb, ONPREM_CIDR, hub.tgw)  # on-premises, behind the hub's transit gateway
        outbound = b.resolver_endpoint(hub.vpc, f"outbound-{region}", {dns_subnet: addrs.host(dns_subnet)})
        b.resolver_rule(f"onprem-{region}", ONPREM_DOMAIN, regional, ONPREM_RESOLVERS, outbound)
        b.dns_firewall(f"egress-dns-{region}", {v: 101 for v in regional},
                       [(10, "BLOCK", DENIED_DOMAINS, "NXDOMAIN")])
