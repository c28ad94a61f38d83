"""The rules that admitted a hop, as data: one plain dict per rule.

The walk records references (``HopRecord.admitted``: the deciding :class:`~engine.filters.FilterResult` of each
security group and network ACL the packet passed, and the :class:`~engine.walk.record.RouteUsed` of a route-table
hop); this module turns them into the ``admitted_by`` entries of the JSON answer, and the wording catalogs phrase
the same dicts. Field names follow the describe_* APIs they come from (EC2 API reference: IpPermission,
NetworkAclEntry, Route).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from engine import model as m
from engine.filters import EPHEMERAL, FilterResult
from engine.walk.record import RouteUsed

# IP protocol numbers as the APIs give them ("6") and as people say them ("tcp"); "-1" is every protocol.
_PROTOCOLS = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6", "-1": "all", "all": "all"}

# Route.Origin (EC2 API reference, "Route"): the VPC's local route comes with the table, a static route from
# CreateRoute (endpoint routes included), a propagated one from a virtual private gateway's route propagation.
ROUTE_ORIGINS = {"CreateRouteTable": "local", "CreateRoute": "static", "EnableVgwRoutePropagation": "propagated"}


def protocol_name(protocol: str) -> str:
    return _PROTOCOLS.get(protocol.lower(), protocol.lower())


def admitted_by(records: Iterable[FilterResult | RouteUsed]) -> list[dict[str, Any]]:
    return [admission(r) for r in records]


def admission(record: FilterResult | RouteUsed) -> dict[str, Any]:
    """One admitting rule as a dict; ``kind`` says which of the three shapes it has."""
    if isinstance(record, RouteUsed):
        return _route(record)
    rule = record.rule
    if isinstance(rule, m.IpPermission):
        return _security_group_rule(record, rule)
    assert rule is not None, "the walk records only filters decided by a rule"
    return _acl_entry(record, rule)


def _direction(result: FilterResult) -> str:
    return "egress" if result.egress else "ingress"


def _security_group_rule(result: FilterResult, rule: m.IpPermission) -> dict[str, Any]:
    """The rule as written: a rule (IpPermission) may list several peers; any of them admitting is enough."""
    return {
        "kind": "security-group-rule",
        "resource": result.resource,
        "direction": _direction(result),
        "protocol": protocol_name(rule.ip_protocol),
        "from_port": rule.from_port,
        "to_port": rule.to_port,
        "cidrs": [r.cidr_ip for r in rule.ip_ranges] + [r.cidr_ipv6 for r in rule.ipv6_ranges],
        "groups": [g.group_id for g in rule.user_id_group_pairs],
        "prefix_lists": [p.prefix_list_id for p in rule.prefix_list_ids],
    }


def _acl_entry(result: FilterResult, entry: m.NetworkAclEntry) -> dict[str, Any]:
    """``packet``: network ACLs are stateless, so the reply (to the client's ephemeral ports) is judged apart."""
    ports = entry.port_range
    return {
        "kind": "network-acl-entry",
        "resource": result.resource,
        "direction": _direction(result),
        "rule_number": entry.rule_number,
        "action": entry.rule_action,
        "protocol": protocol_name(entry.protocol),
        "from_port": ports.from_ if ports else None,
        "to_port": ports.to if ports else None,
        "cidr": entry.cidr_block or entry.ipv6_cidr_block,
        "packet": "reply" if result.ports == EPHEMERAL else "request",
    }


def _route(used: RouteUsed) -> dict[str, Any]:
    route = used.route
    if isinstance(route, m.TransitGatewayRoute):
        return _tgw_route(used.route_table, route)
    return {
        "kind": "route",
        "resource": used.route_table,
        "destination": route.destination,
        "target": route.target,
        "origin": route.origin,
        "how": ROUTE_ORIGINS.get(route.origin, route.origin),
        "state": route.state,
    }


def _tgw_route(table: str, route: m.TransitGatewayRoute) -> dict[str, Any]:
    """A transit gateway route is static or propagated from an attachment (Transit Gateway guide, "Route
    tables"); its target is the attachment it sends to."""
    attachments = route.transit_gateway_attachments
    return {
        "kind": "route",
        "resource": table,
        "destination": route.destination_cidr_block or route.prefix_list_id,
        "target": attachments[0].transit_gateway_attachment_id if attachments else None,
        "origin": route.type,
        "how": route.type,
        "state": route.state,
    }
