"""Centralised egress in a synthetic estate: the landing-zone shape of issue #10 (rules 1, 2 and 4).

Each regional hub VPC (``network.build_hub``) also serves as the egress VPC: a NAT gateway in its first public
subnet, its transit-gateway attachment subnets routing ``0.0.0.0/0`` to that NAT, the hub's transit gateway
table sending ``0.0.0.0/0`` to the hub attachment, and the public subnets' table already routing the
organisation's CIDR back to the transit gateway (Transit Gateway guide, "Example: Centralized egress to the
internet"). Client VPCs without a NAT gateway of their own send their default route to the transit gateway.

Deliberate faults, so that questions meet them: some attachments lack a subnet in the last zone
(``TGW_NO_ATTACHMENT_IN_AZ`` for clients there), and some VPCs put a network ACL on their attachment subnets
that refuses HTTPS from the data tier (``NACL_DENY`` at the attachment subnet). The Network Firewall and
Resolver additions of issue #10 belong in modules of their own next to this one.
"""

from __future__ import annotations

import random

from engine.estates.builder import EstateBuilder
from engine.estates.synth.network import Addresses, ClientVpc, Hub
from engine.estates.synth.profiles import Profile
from engine.model import NetworkAclEntry, PortRange


def central_egress_hub(b: EstateBuilder, addrs: Addresses, hub: Hub) -> None:
    """The hub VPC's NAT gateway, its attachment subnets' table, and the hub table's default route."""
    nat = b.nat_gateway(hub.public_subnets[0], f"15.153.{addrs.next_vpc % 250}.{len(hub.region) % 250}",
                        addrs.host(hub.public_subnets[0]), f"egress-nat-{hub.region}")
    rtb = b.route_table(hub.vpc, f"egress-tgw-rt-{hub.region}", hub.tgw_subnets)
    b.route(rtb, "0.0.0.0/0", nat)
    b.tgw_route(hub.tgw_rtb, "0.0.0.0/0", hub.attachment)


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
