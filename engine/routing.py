"""Route-table lookup, the way a VPC router chooses (VPC user guide, "Route priority").

Longest prefix match first. On an exact tie: static routes (local, internet gateway, NAT, ENI, instance,
gateway endpoint, transit gateway, peering) beat prefix-list routes, which beat propagated routes.

A gateway endpoint's route has the service's AWS-managed prefix list as destination. For a symbolic public
service address (``Address(service="s3", region=…)``) that route matches only when the prefix list *is* that
service in that region: emulators hand out the same placeholder CIDRs in every region and real lists change,
so CIDR overlap alone would send Tokyo's S3 into Osaka's endpoint (domain-rules.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from engine import model as m
from engine.dns import Address
from engine.topology import Network, Topology, parse_ip

STATIC, PREFIX_LIST, PROPAGATED = 2, 1, 0


@dataclass(frozen=True, slots=True)
class RouteChoice:
    route: m.Route
    prefix_len: int
    runner_up: m.Route | None = None  # the best route it beat, for MORE_SPECIFIC_ROUTE explanations


def lookup(topo: Topology, rtb_id: str, addr: Address) -> RouteChoice | None:
    """The route ``rtb_id`` uses for ``addr``, or None when nothing matches."""
    if addr.ip is not None:
        return _rank(topo, rtb_id, addr)
    return _service_lookup(topo, rtb_id, addr)


def unresolved_prefix_lists(topo: Topology, rtb_id: str) -> tuple[str, ...]:
    """Prefix lists the table's routes name whose entries the snapshot lacks: such a route may match anything.
    Kept per table in the derived cache (every lookup asks; the answer changes only with the table's routes)."""
    return topo.derived.get(("unresolved-prefix-lists", rtb_id), (f"rtb_routes:{rtb_id}", "prefix_lists"),
                            lambda: tuple(r.destination_prefix_list_id for r, _ in topo.rtb_routes.get(rtb_id, [])
                                          if r.destination_prefix_list_id
                                          and not prefix_list_known(topo, r.destination_prefix_list_id)))


def prefix_list_known(topo: Topology, pl_id: str) -> bool:
    pl = topo.prefix_lists.get(pl_id)
    return pl is not None and pl.entries_collected


def _service_lookup(topo: Topology, rtb_id: str, addr: Address) -> RouteChoice | None:
    """Performance (issue #7): a public service address (S3 or SSM of a region) is the same few values for
    every question, yet matching it means a subnet-of test against each managed prefix-list CIDR for every
    route of the table (the costliest step of re-tracing fixes). The choice is kept in the topology's derived
    cache per (table, service, region), depending on that table's routes and the prefix lists: a what-if copy
    whose change replaced the table's routes (Topology.put_routes) computes its own and never sees this one."""
    return topo.derived.get(("service-route", rtb_id, addr.service, addr.region),
                            (f"rtb_routes:{rtb_id}", "prefix_lists"), lambda: _rank(topo, rtb_id, addr))


def _rank(topo: Topology, rtb_id: str, addr: Address) -> RouteChoice | None:
    ranked: list[tuple[int, int, m.Route]] = []
    if addr.ip is not None:
        ip = parse_ip(addr.ip)
        version, value = ip.version, int(ip)
        cidrs, others = _ip_routes(topo, rtb_id)
        ranked = [(length, priority, route) for ver, network, mask, length, priority, route in cidrs
                  if ver == version and value & mask == network]
        routes = others
    else:
        routes = topo.rtb_routes.get(rtb_id, [])
    for route, net in routes:
        length = match_length(topo, route, net, addr)
        if length is not None:
            ranked.append((length, _priority(route), route))
    if not ranked:
        return None
    ranked.sort(key=lambda r: (r[0], r[1]), reverse=True)
    runner_up = ranked[1][2] if len(ranked) > 1 else None
    return RouteChoice(ranked[0][2], ranked[0][0], runner_up)


CidrRoute = tuple[int, int, int, int, int, m.Route]  # (IP version, network, netmask, prefix length, priority, route)


def _ip_routes(topo: Topology, rtb_id: str) -> tuple[list[CidrRoute], list[tuple[m.Route, Network | None]]]:
    """A table's CIDR routes as integers, so an address is matched by a mask and a compare rather than by
    ``ipaddress`` containment per route (a third of a warm answer's route lookups, bench/README); the other
    routes (prefix lists) as they are. Kept per table in the derived cache, with the table's routes."""

    def build() -> tuple[list[CidrRoute], list[tuple[m.Route, Network | None]]]:
        cidrs: list[CidrRoute] = []
        others: list[tuple[m.Route, Network | None]] = []
        for route, net in topo.rtb_routes.get(rtb_id, []):
            if net is not None and not route.destination_prefix_list_id:
                cidrs.append((net.version, int(net.network_address), int(net.netmask), net.prefixlen,
                              _priority(route), route))
            else:
                others.append((route, net))
        return cidrs, others

    return topo.derived.get(("ip-routes", rtb_id), (f"rtb_routes:{rtb_id}",), build)


def _priority(route: m.Route) -> int:
    if route.origin == "EnableVgwRoutePropagation":
        return PROPAGATED
    return PREFIX_LIST if route.destination_prefix_list_id else STATIC


def match_length(topo: Topology, route: m.Route, net: Network | None, addr: Address) -> int | None:
    """Prefix length with which ``route`` matches ``addr``; None when it does not match."""
    if route.destination_prefix_list_id:
        pl = topo.prefix_lists.get(route.destination_prefix_list_id)
        return _prefix_list_length(topo, pl, addr) if pl else None
    if net is None:
        return None
    if addr.ip is not None:
        ip = parse_ip(addr.ip)  # cached: this used to re-parse the address for every route of the table
        return net.prefixlen if ip.version == net.version and ip in net else None
    return _covers_service(topo, [net], addr)


def _prefix_list_length(topo: Topology, pl: m.PrefixList, addr: Address) -> int | None:
    nets = topo.pl_networks[pl.prefix_list_id]
    if addr.ip is not None:
        ip = parse_ip(addr.ip)
        lengths = [n.prefixlen for n in nets if n.version == ip.version and ip in n]
        return max(lengths) if lengths else None
    if addr.service and pl.prefix_list_name.startswith("com.amazonaws."):
        # An AWS-managed list matches by what it is, not by its numbers (see the module docstring).
        if pl.prefix_list_name != f"com.amazonaws.{addr.region}.{addr.service}":
            return None
        return min((n.prefixlen for n in nets), default=8)
    return _covers_service(topo, nets, addr)


def _covers_service(topo: Topology, nets: list[Network], addr: Address) -> int | None:
    """A CIDR (or customer prefix list) matches a public address when it covers all of it.

    ``0.0.0.0/0`` covers everything; a narrower block covers a service only when every CIDR of the
    service's managed prefix list lies inside it (we do not know which of them DNS would return).
    """
    default = [n.prefixlen for n in nets if n.prefixlen == 0 and n.version == 4]
    if default:
        return 0
    if not addr.service:
        return None
    pl = topo.aws_prefix_list.get((addr.region or "", addr.service))
    if pl is None or not pl.cidrs:
        return None
    service_nets = topo.pl_networks[pl.prefix_list_id]
    for n in sorted(nets, key=lambda n: n.prefixlen, reverse=True):
        if all(s.version == n.version and s.subnet_of(n) for s in service_nets):  # type: ignore[arg-type]
            return n.prefixlen
    return None
