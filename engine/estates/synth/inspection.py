"""Issue #10's inspection and DNS features in a synthetic estate, added by one call (``add_inspection``).

Per region, in the network account's egress VPC: an AWS Network Firewall (its own subnet, whose table leads to
the internet gateway) with a domain allow list of AWS service names; an outbound Resolver endpoint with a rule
forwarding the on-premises domain to resolvers behind the transit gateway; and a DNS Firewall rule group that
blocks a deny list, associated with every VPC of the region. Which egress routes cross the firewall is the
hub-and-spoke design's choice: ``add_inspection`` returns each region's firewall endpoint to route to.
"""

from __future__ import annotations

from ipaddress import IPv4Network

from engine.estates.builder import EstateBuilder
from engine.estates.synth.network import Addresses, ClientVpc, Hub, subnet
from engine.estates.synth.profiles import AZ_SUFFIXES

ONPREM_DOMAIN = "onprem.example.internal"
ONPREM_RESOLVERS = ["172.16.0.10", "172.16.0.11"]
ONPREM_CIDR = "172.16.0.0/12"
DENIED_DOMAINS = ["*.malware-c2.example", "*.exfil.example"]
ALLOWED_DOMAINS = [".amazonaws.com", ".corp.internal"]


def add_inspection(b: EstateBuilder, addrs: Addresses, hubs: dict[str, Hub], vpcs: list[ClientVpc],
                   account: str) -> dict[str, str]:
    """Add the features above to every region's hub; returns region → Network Firewall endpoint id."""
    endpoints: dict[str, str] = {}
    for region, hub in hubs.items():
        blocks = list(IPv4Network(hub.cidr).subnets(new_prefix=24))
        az = AZ_SUFFIXES[0]
        fw_subnet = subnet(b, addrs, hub.vpc, f"egress-firewall-{region}-{az}", blocks[16], az)
        fw_rtb = b.route_table(hub.vpc, f"egress-firewall-rt-{region}", [fw_subnet])
        igw = next(g.internet_gateway_id for g in b.items["internet_gateways"]
                   if any(a.vpc_id == hub.vpc for a in g.attachments))
        b.route(fw_rtb, "0.0.0.0/0", igw)
        allow = b.firewall_rule_group(f"egress-allow-{region}", region, account, domains=ALLOWED_DOMAINS,
                                      home_net=["10.0.0.0/8"])
        policy = b.firewall_policy(f"egress-{region}", region, account, stateful=[allow], strict=True,
                                   stateful_default=["aws:drop_established"])
        endpoints[region] = b.network_firewall(hub.vpc, f"egress-fw-{region}", policy,
                                               {fw_subnet: addrs.host(fw_subnet)})[f"{region}{az}"]
        regional = [hub.vpc, *(c.vpc for c in vpcs if c.region == region)]
        dns_subnet = subnet(b, addrs, hub.vpc, f"egress-resolver-{region}-{az}", blocks[17], az)
        dns_rtb = b.route_table(hub.vpc, f"egress-resolver-rt-{region}", [dns_subnet])
        b.route(dns_rtb, ONPREM_CIDR, hub.tgw)  # on-premises, behind the hub's transit gateway
        outbound = b.resolver_endpoint(hub.vpc, f"outbound-{region}", {dns_subnet: addrs.host(dns_subnet)})
        b.resolver_rule(f"onprem-{region}", ONPREM_DOMAIN, regional, ONPREM_RESOLVERS, outbound)
        b.dns_firewall(f"egress-dns-{region}", {v: 101 for v in regional},
                       [(10, "BLOCK", DENIED_DOMAINS, "NXDOMAIN")])
    return endpoints
