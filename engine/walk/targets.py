"""Where a chosen route hands the packet, by the *type* of its target as the topology knows it.

``Route.GatewayId`` holds internet gateways, gateway endpoints, Gateway Load Balancer endpoints (Network
Firewall's endpoints are those too) and virtual private gateways alike, so an id prefix says little: a
``vpce-…`` may be an S3 gateway endpoint or an inspection appliance. The handler is chosen from a table keyed
by :class:`Target`, looked up in the topology (VPC user guide, "Route tables": route targets; Gateway Load
Balancer guide, "Gateway Load Balancer endpoints": traffic goes to the appliances behind it).

Here, :data:`_TRANSIT` for routes towards a private address (an IP leg between two interfaces); the table for
routes out of the VPC towards a public service or the internet is ``engine.walk.egress``'s ``_EXIT``.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from ipaddress import ip_address, ip_network
from typing import TYPE_CHECKING

from engine import model as m
from engine.codes import Code, Reason
from engine.dns import Address
from engine.topology import Topology
from engine.walk.tgw import follow_transit_gateway

if TYPE_CHECKING:
    from engine.walk.walker import Walk

Landing = tuple[str, str | None]  # (VPC the packet is in next, route table to use there; None: deliver)


class Target(StrEnum):
    LOCAL = "local"
    INTERNET_GATEWAY = "internet-gateway"
    NAT_GATEWAY = "nat-gateway"
    GATEWAY_ENDPOINT = "gateway-endpoint"
    INTERFACE_ENDPOINT = "interface-endpoint"
    GWLB_ENDPOINT = "gwlb-endpoint"
    VPC_PEERING = "vpc-peering"
    TRANSIT_GATEWAY = "transit-gateway"
    NETWORK_INTERFACE = "network-interface"  # an appliance instance or its ENI
    NOT_IN_SNAPSHOT = "not-in-snapshot"  # a virtual private gateway, or anything the snapshot does not hold


APPLIANCES = frozenset({Target.NETWORK_INTERFACE, Target.GWLB_ENDPOINT})  # what they do is not in the snapshot
_ENDPOINT_TARGETS = {"Gateway": Target.GATEWAY_ENDPOINT, "Interface": Target.INTERFACE_ENDPOINT,
                     "GatewayLoadBalancer": Target.GWLB_ENDPOINT}


def target_of(topo: Topology, route: m.Route) -> Target:
    """The type of the route's target, from the field AWS filled and, for ``GatewayId``, the topology."""
    if route.nat_gateway_id:
        return Target.NAT_GATEWAY if route.nat_gateway_id in topo.nats else Target.NOT_IN_SNAPSHOT
    if route.transit_gateway_id:
        return Target.TRANSIT_GATEWAY
    if route.vpc_peering_connection_id:
        return Target.VPC_PEERING
    if route.network_interface_id or route.instance_id:
        return Target.NETWORK_INTERFACE
    gateway = route.gateway_id or route.egress_only_internet_gateway_id or ""
    if gateway == "local":
        return Target.LOCAL
    if gateway in topo.igws:
        return Target.INTERNET_GATEWAY
    endpoint = topo.endpoints.get(gateway)
    if endpoint is not None:
        return _ENDPOINT_TARGETS[endpoint.vpc_endpoint_type]
    if gateway in topo.firewall_endpoints:  # a Network Firewall endpoint known from DescribeFirewall only
        return Target.GWLB_ENDPOINT
    return Target.NOT_IN_SNAPSHOT


# --- towards a private address ----------------------------------------------------------------------------


def transit(walk: Walk, vpc: str, rtb: str, route: m.Route, addr: Address, back: bool) -> Landing | None:
    """Where a route to a private address hands the packet; ``None`` when the walk stops here."""
    if route.state == "blackhole":
        walk.t.refuse(Code.BLACKHOLE_ROUTE, rtb, rtb=rtb, destination=addr, target=route.target)
        return None
    return _TRANSIT.get(target_of(walk.topo, route), _leads_out)(walk, vpc, rtb, route, addr, back)


def _deliver_locally(walk: Walk, vpc: str, rtb: str, route: m.Route, addr: Address, back: bool) -> Landing:
    return vpc, None


def _peering_transit(walk: Walk, vpc: str, rtb: str, route: m.Route, addr: Address, back: bool) -> Landing | None:
    return through_peering(walk, vpc, route.target or "", addr, hop=not back)


def _tgw_transit(walk: Walk, vpc: str, rtb: str, route: m.Route, addr: Address, back: bool) -> Landing | None:
    return follow_transit_gateway(walk, vpc, route.target or "", addr, back)


def _appliance(walk: Walk, vpc: str, rtb: str, route: m.Route, addr: Address, back: bool) -> None:
    handed_to(walk, route, addr)


def _gwlb_transit(walk: Walk, vpc: str, rtb: str, route: m.Route, addr: Address, back: bool) -> Landing | None:
    """The reply crossing the Network Firewall endpoint the request already passed belongs to a flow the
    firewall admitted (stateful rules judge the flow, not each direction: Network Firewall developer guide,
    "Stateful rule groups"); it goes on from the endpoint's subnet table. Anything else through a Gateway Load
    Balancer endpoint is an appliance the snapshot cannot see."""
    found = walk.topo.firewall_endpoints.get(route.target or "")
    passed = any(h.kind == "network-firewall" and h.id == route.target for h in walk.t.hops)
    if not (back and found is not None and passed):
        _appliance(walk, vpc, rtb, route, addr, back)
        return None
    _firewall, attachment = found
    subnet = walk.topo.subnets.get(attachment.subnet_id)
    if subnet is None:
        walk.t.cannot_tell(Code.RESOURCE_NOT_IN_SNAPSHOT, resource=attachment.subnet_id, kind="subnet",
                           via=route.target)
        return None
    return subnet.vpc_id, walk.topo.route_table_of(subnet.subnet_id)


def _leads_out(walk: Walk, vpc: str, rtb: str, route: m.Route, addr: Address, back: bool) -> None:
    code = Code.NO_RETURN_ROUTE if back else Code.NO_ROUTE
    walk.t.refuse(code, rtb, rtb=rtb, destination=addr, why=Reason.LEADS_OUT_OF_NETWORK, route=route.destination,
                  target=route.target)


_TRANSIT: dict[Target, Callable[[Walk, str, str, m.Route, Address, bool], Landing | None]] = {
    Target.LOCAL: _deliver_locally,
    Target.VPC_PEERING: _peering_transit,
    Target.TRANSIT_GATEWAY: _tgw_transit,
    Target.NETWORK_INTERFACE: _appliance,
    Target.GWLB_ENDPOINT: _gwlb_transit,
}


def handed_to(walk: Walk, route: m.Route, addr: Address) -> None:
    """An appliance (an instance, an ENI, a Gateway Load Balancer or Network Firewall endpoint) takes the
    packet: what it does is configured outside the snapshot, so the answer cannot be ``reachable``."""
    target = route.target or ""
    kind = target_of(walk.topo, route)
    endpoint = walk.topo.endpoints.get(target)
    walk.t.hop(kind.value, target, endpoint.region if endpoint else None, "appliance", target=target,
               service=endpoint.service_name if endpoint else None)
    walk.t.cannot_tell(Code.APPLIANCE_NOT_VISIBLE, target=target, destination=addr, kind=kind)


# --- VPC peering --------------------------------------------------------------------------------------------


def through_peering(walk: Walk, vpc: str, pcx_id: str, addr: Address, hop: bool = True) -> Landing | None:
    """Peering carries traffic between the two VPCs' own addresses only (VPC peering guide, "Unsupported
    VPC peering configurations": no transitive peering, no edge-to-edge routing through a gateway)."""
    t = walk.t
    pcx = walk.topo.peerings.get(pcx_id)
    if pcx is None:
        t.cannot_tell(Code.RESOURCE_NOT_IN_SNAPSHOT, resource=pcx_id, kind=Target.VPC_PEERING)
        return None
    req, acc = pcx.requester_vpc_info, pcx.accepter_vpc_info
    peer = acc if req.vpc_id == vpc else req
    if hop:  # the way back crosses the same connection: one hop is enough
        t.hop("vpc-peering", pcx_id, pcx.region, pcx=pcx_id, requester=req.vpc_id, requester_region=req.region,
              accepter=acc.vpc_id, accepter_region=acc.region, status=pcx.status.code)
    if pcx.status.code != "active":
        t.refuse(Code.PEERING_NOT_ACTIVE, pcx_id, pcx=pcx_id, status=pcx.status.code)
        return None
    if addr.ip is None or not _vpc_has(walk.topo, peer.vpc_id, addr.ip, peer.cidr_block):
        t.refuse(Code.PEERING_NOT_TRANSITIVE, pcx_id, pcx=pcx_id, requester=req.vpc_id, accepter=acc.vpc_id)
        return None
    return peer.vpc_id, None


def _vpc_has(topo: Topology, vpc_id: str, ip: str, cidr: str | None) -> bool:
    if vpc_id in topo.vpcs:
        return topo.vpc_contains(vpc_id, ip)
    return bool(cidr) and ip_address(ip) in ip_network(cidr or "0.0.0.0/32")
