"""Centralised egress in a synthetic estate: the landing-zone shape of issue #10 (rules 1, 2 and 4).

Each regional hub VPC (``network.build_hub``) also serves as the inspection and egress VPC, AWS's centralised
inspection design (Network Firewall developer guide, "Architectures": centralized deployment model; Transit
Gateway guide, "Example: Centralized egress to the internet"): the hub's transit gateway table sends
``0.0.0.0/0`` to the hub attachment; the attachment subnets' table sends ``0.0.0.0/0`` to the Network Firewall
endpoint (``inspection.add_firewall``); the firewall subnet's table sends ``0.0.0.0/0`` to the NAT gateway and
the organisation's CIDR back to the transit gateway; the NAT gateway's own public subnet routes ``0.0.0.0/0``
to the internet gateway and the organisation's CIDR to the firewall endpoint, so the reply crosses the firewall
as well (a stateful firewall must see both directions). The proxy's public subnets keep their direct routes.
Client VPCs without a NAT gateway of their own send their default route to the transit gateway.

Deliberate faults, so that questions meet them: some attachments lack a subnet in the last zone
(``TGW_NO_ATTACHMENT_IN_AZ`` for clients there), and some VPCs put a network ACL on their attachment subnets
that refuses HTTPS from the data tier (``NACL_DENY`` at the attachment subnet).
"""

from __future__ import annotations

import random
from ipaddress import IPv4Network

from engine.estates.builder import EstateBuilder
from engine.estates.synth.inspection import add_firewall
from engine.estates.synth.network import ORG_CIDR, Addresses, ClientVpc, Hub, subnet
from engine.estates.synth.profiles import AZ_SUFFIXES, Profile
from engine.model import NetworkAclEntry, PortRange


def central_egress_hub(b: EstateBuilder, addrs: Addresses, hub: Hub, account: str) -> str:
    """The hub VPC's NAT gateway (its own public subnet), the Network Firewall between the attachment subnets
    and the NAT, the route tables that make both directions cross the firewall, and the hub table's default
    route; returns the firewall endpoint the hub's traffic to the internet crosses."""
    blocks = list(IPv4Network(hub.cidr).subnets(new_prefix=24))
    az = AZ_SUFFIXES[0]
    nat_subnet = subnet(b, addrs, hub.vpc, f"egress-nat-{hub.region}-{az}", blocks[18], az, public=True)
    nat = b.nat_gateway(nat_subnet, f"15.153.{addrs.next_vpc % 250}.{len(hub.region) % 250}",
                        addrs.host(nat_subnet), f"egress-nat-{hub.region}")
    endpoint = add_firewall(b, addrs, hub, account, nat)
    nat_rtb = b.route_table(hub.vpc, f"egress-nat-rt-{hub.region}", [nat_subnet])
    b.route(nat_rtb, "0.0.0.0/0", hub.igw)
    b.route(nat_rtb, ORG_CIDR, endpoint)  # the reply crosses the firewall too (symmetric routing)
    rtb = b.route_table(hub.vpc, f"egress-tgw-rt-{hub.region}", hub.tgw_subnets)
    b.route(rtb, "0.0.0.0/0", endpoint)
    b.tgw_route(hub.tgw_rtb, "0.0.0.0/0", hub.attachment)
    return endpoint


def central_egress_clients(b: EstateBuilder, rng: random.Random, p: Profile, hubs: dict[str, Hub],
                           vpcs: list[ClientVpc]) -> None:
    """A share of the VPCs reaching their hub over the transit gateway without a NAT of their own send their
    default route there; a few of them get the deliberate faults (each at least once when there is a
    central-egress VPC to give it to, so every estate size shows them)."""
    central = [c for c in vpcs if c.via_tgw and not c.nat and rng.random() < p.central_egress_share]
    for c in central:
        c.central_egress = True
        for rtb in c.private_rtbs:
            b.route(rtb, "0.0.0.0/0", hubs[c.region].tgw)
    missing = [c for c in central if rng.random() < p.missing_attachment_az_share] or central[:1]
    fenced = [c for c in central if rng.random() < p.tgw_acl_share] or central[1:2]
    if p.azs > 1:
        for c in missing:
            _drop_last_zone(b, c)
    for c in fenced:
        _attachment_subnet_acl(b, c)


def _drop_last_zone(b: EstateBuilder, c: ClientVpc) -> None:
    """The attachment forgot the last zone: clients there cannot reach the transit gateway ("Amazon VPC
    attachments in AWS Transit Gateway", Limits)."""
    atts = b.items["transit_gateway_attachments"]
    i = next(i for i, a in enumerate(atts) if a.resource_id == c.vpc)
    atts[i] = atts[i].model_copy(update={"subnet_ids": [s for s in atts[i].subnet_ids if s != c.subnets["tgw"][-1]]})


def _attachment_subnet_acl(b: EstateBuilder, c: ClientVpc) -> None:
    """Rule 50 refuses HTTPS entering the attachment subnets from the data tier (whatever it is bound for: the
    hub's egress included); everything else is allowed both ways."""
    entries = [
        *(NetworkAclEntry(rule_number=50 + i, protocol="6", rule_action="deny", egress=False, cidr_block=cidr,
                          port_range=PortRange(from_=443, to=443)) for i, cidr in enumerate(c.data_cidrs)),
        *(entry for e in (False, True) for entry in (
            NetworkAclEntry(rule_number=100, rule_action="allow", egress=e, cidr_block="0.0.0.0/0"),
            NetworkAclEntry(rule_number=32767, rule_action="deny", egress=e, cidr_block="0.0.0.0/0"))),
    ]
    b.network_acl(c.vpc, f"{c.account_name}-{c.region}-{c.index}-tgw-acl", c.subnets["tgw"], entries)
