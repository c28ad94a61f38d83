"""Transit gateways: a VPC attachment's associated route table decides, peering attachments chain gateways.

Transit Gateway guide ("How transit gateways work"): traffic from a VPC attachment is routed by the transit
gateway route table *associated* with that attachment; a route's target is an attachment (VPC, peering,
VPN); across a peering attachment the peer gateway routes it again with the table associated with its side
of the peering. Static routes beat propagated ones on a tie.

Availability Zones ("Amazon VPC attachments in AWS Transit Gateway", Limits): a subnet's traffic reaches the
gateway only if the attachment has a subnet in the *same* Availability Zone; the gateway's interface in that
subnet is where the packet enters. Leaving, the gateway keeps to the zone the flow entered in when the far
attachment has a subnet there ("How transit gateways work", Availability Zones), otherwise any of its zones;
with appliance mode it picks one zone per flow, any of them.

Network ACLs ("Network ACLs for transit gateways"): at the attachment subnet, inbound rules judge traffic from
the VPC to the gateway (by source address) and outbound rules judge traffic from the gateway into the VPC (by
destination); when the instance and the attachment share a subnet, the inbound rules still judge what enters
the gateway, and what the gateway hands to the instance is not judged at all.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address
from typing import TYPE_CHECKING

from engine import model as m
from engine.codes import Code, Reason
from engine.dns import Address
from engine.filters import acl_allows
from engine.routing import lookup, prefix_list_known
from engine.topology import Network, Topology, parse_ip, parse_net
from engine.walk.record import RouteUsed, TgwLanding

if TYPE_CHECKING:
    from engine.walk.walker import Walk

MAX_GATEWAYS = 4


def follow_transit_gateway(walk: Walk, vpc: str, tgw_id: str, addr: Address,
                           back: bool) -> tuple[str, str | None] | None:
    """Returns (VPC the traffic lands in, route table of the attachment subnet there, or None to deliver).

    ``walk.crossing`` holds the subnet that sends into the gateway and the packet's source and ports; when the
    packet lands in a VPC that does not hold ``addr`` (an egress or inspection VPC), ``walk.crossing.subnet``
    becomes the attachment subnet it lands in, whose route table decides next.
    """
    topo, t = walk.topo, walk.t
    code = Code.NO_RETURN_ROUTE if back else Code.NO_ROUTE
    att = next((a for a in topo.tgw_attachment_by_vpc.get(vpc, []) if a.transit_gateway_id == tgw_id), None)
    if att is None:
        t.refuse(code, tgw_id, rtb=tgw_id, destination=addr, why=Reason.VPC_NOT_ATTACHED, vpc=vpc, tgw=tgw_id)
        return None
    entry = _enter(walk, att, back)
    if entry is None:
        return None
    for _ in range(MAX_GATEWAYS):
        target_id = _route(walk, att, addr, back)
        if target_id is None:
            return None
        nxt = topo.tgw_attachments.get(target_id)
        if nxt is None:
            t.cannot_tell(Code.RESOURCE_NOT_IN_SNAPSHOT, resource=target_id, kind="tgw-attachment")
            return None
        if nxt.resource_type == "vpc" and nxt.resource_id:
            return _land(walk, nxt, entry, addr, back)
        if not _available(walk, nxt):  # a peering attachment not yet accepted carries nothing either
            return None
        peer = _peer_side(topo, nxt)
        if peer is None:
            t.cannot_tell(Code.RESOURCE_NOT_IN_SNAPSHOT, resource=nxt.resource_id or target_id,
                          kind=nxt.resource_type, via=target_id)
            return None
        att = peer
    t.cannot_tell(Code.TGW_CHAIN_TOO_LONG, count=MAX_GATEWAYS, destination=addr)
    return None


def _route(walk: Walk, att: m.TransitGatewayAttachment, addr: Address, back: bool) -> str | None:
    """The attachment the associated route table sends ``addr`` to; None when the walk stops here."""
    topo, t = walk.topo, walk.t
    code = Code.NO_RETURN_ROUTE if back else Code.NO_ROUTE
    table_id = att.association.transit_gateway_route_table_id if att.association else None
    table = topo.tgw_route_tables.get(table_id or "")
    if table is None or (att.association and att.association.state not in ("associated", "associating")):
        t.refuse(code, att.transit_gateway_attachment_id, rtb=att.transit_gateway_attachment_id,
                 destination=addr, why=Reason.ATTACHMENT_NOT_ASSOCIATED)
        return None
    for pl_id in unresolved_tgw_prefix_lists(topo, table):
        t.cannot_tell(Code.PREFIX_LIST_NOT_COLLECTED, resource=table.transit_gateway_route_table_id, prefix_list=pl_id)
    route = _lookup(topo, table, addr)
    if route is None or route.state == "blackhole":
        which = Code.BLACKHOLE_ROUTE if route else code
        t.refuse(which, table.transit_gateway_route_table_id, rtb=table.transit_gateway_route_table_id,
                 destination=addr, target="(blackhole)", why=Reason.NONE)
        return None
    target_id = route.transit_gateway_attachments[0].transit_gateway_attachment_id \
        if route.transit_gateway_attachments else None
    if not target_id:  # moto returns static routes without their attachment; AWS never does
        t.cannot_tell(Code.TGW_ROUTE_WITHOUT_ATTACHMENT, tgw_rtb=table.transit_gateway_route_table_id,
                      route=route.destination_cidr_block)
        return None
    if not back:  # the way back crosses the same gateway: one hop is enough
        t.routed("transit-gateway", table.transit_gateway_id, table.region,
                 RouteUsed(table.transit_gateway_route_table_id, route), tgw=table.transit_gateway_id,
                 tgw_rtb=table.transit_gateway_route_table_id, destination=route.destination_cidr_block,
                 attachment=target_id)
    return target_id


# --- the attachment's subnets: Availability Zones and network ACLs -------------------------------------------


def _available(walk: Walk, att: m.TransitGatewayAttachment) -> bool:
    """Only an ``available`` attachment carries traffic (pendingAcceptance waits for the owner to accept a
    cross-account attachment; rejected, failed and deleting ones carry nothing): Transit Gateway guide,
    "Transit gateway attachment lifecycle"."""
    if att.state in ("available", "modifying"):
        return True
    walk.t.refuse(Code.TGW_ATTACHMENT_NOT_AVAILABLE, att.transit_gateway_attachment_id,
                  attachment=att.transit_gateway_attachment_id, vpc=att.resource_id, state=att.state)
    return False


def _subnets(walk: Walk, att: m.TransitGatewayAttachment) -> list[m.Subnet] | None:
    found = [walk.topo.subnets[s] for s in att.subnet_ids if s in walk.topo.subnets]
    if not found or len(found) < len(att.subnet_ids):
        missing = next((s for s in att.subnet_ids if s not in walk.topo.subnets), att.transit_gateway_attachment_id)
        walk.t.cannot_tell(Code.RESOURCE_NOT_IN_SNAPSHOT, resource=missing, kind="subnet",
                           via=att.transit_gateway_attachment_id)
        return None
    return found


def _enter(walk: Walk, att: m.TransitGatewayAttachment, back: bool) -> m.Subnet | None:
    """The attachment subnet in the sender's zone, where the packet enters the gateway (its inbound ACL)."""
    sender, flow = walk.crossing.subnet, walk.crossing
    if not _available(walk, att):
        return None
    subnets = _subnets(walk, att)
    if subnets is None:
        return None
    entry = next((s for s in subnets if s.availability_zone == sender.availability_zone), None)
    if entry is None or sender.availability_zone is None:
        walk.t.refuse(Code.TGW_NO_ATTACHMENT_IN_AZ, att.transit_gateway_attachment_id,
                      attachment=att.transit_gateway_attachment_id, az=sender.availability_zone or "(unknown)",
                      subnet=sender.subnet_id, vpc=sender.vpc_id, tgw=att.transit_gateway_id,
                      attachment_azs=sorted({s.availability_zone or "?" for s in subnets}))
        return None
    if not back:
        walk.t.hop("tgw-attachment", att.transit_gateway_attachment_id, entry.region, "tgw-attachment-in",
                   attachment=att.transit_gateway_attachment_id, subnet=entry.subnet_id, az=entry.availability_zone,
                   vpc=entry.vpc_id, tgw=att.transit_gateway_id)
    # Inbound rules judge what enters the gateway even when the sender shares the attachment subnet.
    if not walk.acl(entry, False, flow.source, flow.ports):
        return None
    return entry


def _land(walk: Walk, att: m.TransitGatewayAttachment, entry: m.Subnet, addr: Address,
          back: bool) -> tuple[str, str | None] | None:
    """Into the far VPC through the attachment subnet the gateway picks; its outbound ACL judges the packet."""
    topo = walk.topo
    vpc = att.resource_id or ""
    if not _available(walk, att):
        return None
    subnets = _subnets(walk, att)
    if subnets is None:
        return None
    same = [s for s in subnets if s.availability_zone == entry.availability_zone]
    candidates = same if same and att.appliance_mode_support != "enable" else subnets
    deliver = addr.ip is not None and topo.vpc_contains(vpc, addr.ip)
    dest = topo.subnet_for_ip(vpc, addr.ip or "") if deliver else None
    out = _one_way_out(walk, att, candidates, dest, addr)
    if out is None:
        return None
    rtb = topo.route_table_of(out.subnet_id)
    delivered = deliver and not _diverted(topo, rtb, addr)
    walk.tgw_landings.append(TgwLanding(att.transit_gateway_attachment_id, out.subnet_id, out.availability_zone,
                                        back, delivered))
    if not back:
        walk.t.hop("tgw-attachment", att.transit_gateway_attachment_id, out.region, "tgw-attachment-out",
                   attachment=att.transit_gateway_attachment_id, subnet=out.subnet_id, az=out.availability_zone,
                   vpc=vpc, tgw=att.transit_gateway_id)
    if delivered:
        return vpc, None
    # Not for this VPC itself (an egress or inspection VPC), or its attachment subnet's table sends even this
    # VPC's address elsewhere (to a firewall endpoint, say): that table decides next ("Amazon VPC attachments":
    # the attachment subnets' route tables must route the traffic to its destination within the VPC).
    walk.crossing = walk.crossing.at(out)
    return vpc, rtb


def _diverted(topo: Topology, rtb: str | None, addr: Address) -> bool:
    choice = lookup(topo, rtb, addr) if rtb else None
    return choice is not None and choice.route.gateway_id != "local"


def _one_way_out(walk: Walk, att: m.TransitGatewayAttachment, candidates: list[m.Subnet], dest: m.Subnet | None,
                 addr: Address) -> m.Subnet | None:
    """The subnet the packet leaves the gateway by, once every candidate zone agrees on the outcome."""
    topo, flow = walk.topo, walk.crossing
    judged = [s for s in candidates if dest is None or s.subnet_id != dest.subnet_id]
    verdicts = {acl_allows(topo, topo.acl_of(s.subnet_id), True, addr, flow.ports).allowed for s in judged}
    tables = {topo.route_table_of(s.subnet_id) for s in candidates} if dest is None else set()
    if len(verdicts) > 1 or len(tables) > 1:
        walk.t.cannot_tell(Code.TGW_AZ_UNDETERMINED, tgw=att.transit_gateway_id,
                           attachment=att.transit_gateway_attachment_id, subnets=[s.subnet_id for s in candidates])
        return None
    if verdicts == {False}:
        walk.acl(judged[0], True, addr, flow.ports)  # records the refusal
        return None
    return candidates[0]


def _peer_side(topo: Topology, att: m.TransitGatewayAttachment) -> m.TransitGatewayAttachment | None:
    """The peer gateway's side of a peering attachment, from an index built once per topology."""
    if att.resource_type != "peering":
        return None
    index = topo.derived.get(("tgw-peerings",), ("tgw_attachments",), lambda: _peerings(topo))
    return index.get((att.resource_id or "", att.transit_gateway_id))


def _peerings(topo: Topology) -> dict[tuple[str, str], m.TransitGatewayAttachment]:
    """(gateway, peer gateway) → that gateway's side of their peering attachment."""
    return {(a.transit_gateway_id, a.resource_id or ""): a for a in topo.snap.transit_gateway_attachments
            if a.resource_type == "peering"}


def _lookup(topo: Topology, table: m.TransitGatewayRouteTable, addr: Address) -> m.TransitGatewayRoute | None:
    """Most specific first; on a tie static beats a prefix-list reference, which beats a propagated route
    (Transit Gateway guide, "How transit gateways work": route evaluation order)."""
    ip = parse_ip(addr.ip) if addr.ip is not None else None
    cidr_routes, list_routes = _indexed(topo, table)
    best: tuple[int, int, m.TransitGatewayRoute] | None = None
    for net, rank, route in cidr_routes:  # most specific first, static before propagated
        if ip is None:  # a public service address: only a default route is sure to cover it
            if net.prefixlen == 0:
                best = (0, rank, route)
                break
        elif ip.version == net.version and ip in net:
            best = (net.prefixlen, rank, route)
            break
    for route in list_routes:
        found = _prefix_list_match(topo, route.prefix_list_id or "", ip)
        if found is not None and (best is None or (found, 1) > best[:2]):
            best = (found, 1, route)
    return best[2] if best else None


def _indexed(topo: Topology, table: m.TransitGatewayRouteTable
             ) -> tuple[list[tuple[Network, int, m.TransitGatewayRoute]], list[m.TransitGatewayRoute]]:
    """A table's CIDR routes parsed and ordered once (a hub table has a route per attached VPC, and scanning
    them for every lookup was the slowest part of a transit-gateway leg), and its prefix-list routes."""
    table_id = table.transit_gateway_route_table_id

    def build() -> tuple[list[tuple[Network, int, m.TransitGatewayRoute]], list[m.TransitGatewayRoute]]:
        cidrs = [(parse_net(r.destination_cidr_block), 2 if r.type == "static" else 0, r)
                 for r in table.routes if r.destination_cidr_block]
        cidrs.sort(key=lambda entry: (-entry[0].prefixlen, -entry[1]))
        return cidrs, [r for r in table.routes if not r.destination_cidr_block and r.prefix_list_id]

    return topo.derived.get(("tgw-routes", table_id), (f"tgw_route_tables:{table_id}",), build)


def _prefix_list_match(topo: Topology, pl_id: str, ip: IPv4Address | IPv6Address | None) -> int | None:
    nets = topo.pl_networks.get(pl_id, [])
    if ip is None:
        return 0 if any(n.prefixlen == 0 for n in nets) else None
    lengths = [n.prefixlen for n in nets if ip.version == n.version and ip in n]
    return max(lengths) if lengths else None


def unresolved_tgw_prefix_lists(topo: Topology, table: m.TransitGatewayRouteTable) -> list[str]:
    return [r.prefix_list_id for r in table.routes
            if r.prefix_list_id and not prefix_list_known(topo, r.prefix_list_id)]
