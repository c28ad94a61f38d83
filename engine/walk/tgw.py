"""Transit gateways: a VPC attachment's associated route table decides, peering attachments chain gateways.

Transit Gateway guide ("How transit gateways work"): traffic from a VPC attachment is routed by the transit
gateway route table *associated* with that attachment; a route's target is an attachment (VPC, peering,
VPN); across a peering attachment the peer gateway routes it again with the table associated with its side
of the peering. Static routes beat propagated ones on a tie.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine import model as m
from engine.codes import Code, Reason
from engine.dns import Address
from engine.topology import Topology, parse_ip, parse_net

if TYPE_CHECKING:
    from engine.walk.walker import Walk

MAX_GATEWAYS = 4


def follow_transit_gateway(walk: Walk, vpc: str, tgw_id: str, addr: Address,
                           back: bool) -> tuple[str, str | None] | None:
    """Returns (VPC the traffic lands in, route table of the attachment subnet there, or None to deliver)."""
    topo, t = walk.topo, walk.t
    code = Code.NO_RETURN_ROUTE if back else Code.NO_ROUTE
    att = next((a for a in topo.tgw_attachment_by_vpc.get(vpc, []) if a.transit_gateway_id == tgw_id), None)
    if att is None:
        t.refuse(code, tgw_id, rtb=tgw_id, destination=addr, why=Reason.VPC_NOT_ATTACHED, vpc=vpc, tgw=tgw_id)
        return None
    for _ in range(MAX_GATEWAYS):
        table_id = att.association.transit_gateway_route_table_id if att.association else None
        table = topo.tgw_route_tables.get(table_id or "")
        if table is None:
            t.refuse(code, att.transit_gateway_attachment_id, rtb=att.transit_gateway_attachment_id,
                     destination=addr, why=Reason.ATTACHMENT_NOT_ASSOCIATED)
            return None
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
            t.hop("transit-gateway", table.transit_gateway_id, table.region, tgw=table.transit_gateway_id,
                  tgw_rtb=table.transit_gateway_route_table_id, destination=route.destination_cidr_block,
                  attachment=target_id)
        nxt = topo.tgw_attachments.get(target_id)
        if nxt is None:
            t.cannot_tell(Code.RESOURCE_NOT_IN_SNAPSHOT, resource=target_id, kind="tgw-attachment")
            return None
        if nxt.resource_type == "vpc" and nxt.resource_id:
            return _land(topo, nxt, addr)
        peer = _peer_side(topo, nxt)
        if peer is None:
            t.cannot_tell(Code.RESOURCE_NOT_IN_SNAPSHOT, resource=nxt.resource_id or target_id,
                          kind=nxt.resource_type, via=target_id)
            return None
        att = peer
    t.cannot_tell(Code.TGW_CHAIN_TOO_LONG, count=MAX_GATEWAYS, destination=addr)
    return None


def _land(topo: Topology, att: m.TransitGatewayAttachment, addr: Address) -> tuple[str, str | None]:
    vpc = att.resource_id or ""
    if addr.ip is not None and topo.vpc_contains(vpc, addr.ip):
        return vpc, None
    # Not for this VPC itself (an egress or inspection VPC): its attachment subnet's route table decides next.
    subnet = att.subnet_ids[0] if att.subnet_ids else ""
    return vpc, topo.route_table_of(subnet)


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
    best: tuple[int, int, m.TransitGatewayRoute] | None = None
    for route in table.routes:
        if not route.destination_cidr_block:
            continue
        # Cached parses (issue #7): a hub table has a route per attached VPC, and parsing each of them again
        # for every lookup made transit-gateway legs the slowest part of an answer on a large estate.
        net = parse_net(route.destination_cidr_block)
        if addr.ip is not None:
            ip = parse_ip(addr.ip)
            if ip.version != net.version or ip not in net:
                continue
        elif net.prefixlen != 0:
            continue
        key = (net.prefixlen, 1 if route.type == "static" else 0, route)
        if best is None or key[:2] > best[:2]:
            best = key
    return best[2] if best else None
