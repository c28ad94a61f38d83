"""Name resolution on the walk: which resolver answers a name for one side of the path, recorded as a hop.

``engine.dns`` knows what a VPC's resolver answers; here the walk records it (the ``dns`` hop with the VPC's
DNS attributes), refuses when the resolver does not answer at all, and says when the answer rests on
attributes an older snapshot does not hold (VPC user guide, "DNS attributes for your VPC").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine import model as m
from engine.codes import Code, Reason
from engine.dns import Address, Resolution, resolve
from engine.routing import lookup
from engine.topology import Topology, parse_ip
from engine.walk.targets import Target, target_of

if TYPE_CHECKING:
    from engine.walk.walker import Side, Walk


def resolve_for(walk: Walk, side: Side, host: str, role: str) -> Resolution | None:
    """Resolve ``host`` with the resolver of ``side``'s VPC (``role``: "client" or "proxy"); None when the
    walk stops here (the VPC's resolver is switched off)."""
    t, vpc_id = walk.t, side.subnet.vpc_id
    res = resolve(walk.topo, vpc_id, host, side.subnet.availability_zone)
    if res.answered_by == "private-hosted-zone" and res.resource:
        t.zones.add(res.resource)
    vpc = walk.topo.vpcs.get(vpc_id)
    t.hop("dns", host, side.subnet.region, host=host, vpc=vpc_id, side=role, answered_by=res.answered_by,
          answer=res.address, dns_support=vpc.enable_dns_support if vpc else None,
          dns_hostnames=vpc.enable_dns_hostnames if vpc else None)
    if res.answered_by == "resolver-disabled":
        t.refuse(Code.DNS_NO_ANSWER, vpc_id, host=host, vpc=vpc_id, why=Reason.DNS_SUPPORT_DISABLED)
        return None
    if res.answered_by == "ec2-name":
        t.cannot_tell(Code.EC2_NAME_NOT_IN_SNAPSHOT, host=host, vpc=vpc_id)
        return None
    verdict = res.dns_firewall
    if verdict is not None and verdict.action == "BLOCK":
        t.refuse(Code.DNS_FIREWALL_BLOCK, verdict.group.name or verdict.group.id, host=host, vpc=vpc_id,
                 rule_group=verdict.group.name or verdict.group.id, rule=verdict.rule.name or verdict.rule.priority,
                 domain_list=verdict.domain_list, response=verdict.rule.block_response or "NODATA")
        return None
    if verdict is not None:
        t.cannot_tell(Code.DNS_FIREWALL_NOT_EVALUATED, vpc=vpc_id, host=host,
                      rule_group=verdict.group.name or verdict.group.id, domain_list=verdict.domain_list)
    if res.forwarded is not None:
        _forwarded(walk, res.forwarded, host)
        return None
    if res.bypassed:
        t.observe(Code.PRIVATE_DNS_NEEDS_HOSTNAMES, vpc_id, vpc=vpc_id, host=host, bypassed=res.bypassed)
    if res.unknown_attributes:
        t.cannot_tell(Code.DNS_ATTRIBUTES_UNKNOWN, vpc=vpc_id, host=host, attributes=list(res.unknown_attributes))
    return res


def _routes_towards(topo: Topology, rtb: str, ip: str) -> bool:
    """A route that can carry a query to ``ip``: a private address never crosses an internet or NAT gateway
    (VPC user guide, "Internet gateways": only public addresses are routed to the internet)."""
    choice = lookup(topo, rtb, Address(ip=ip))
    if choice is None:
        return False
    return not (parse_ip(ip).is_private and target_of(topo, choice.route) in _INTERNET_BOUND)


_INTERNET_BOUND = frozenset({Target.INTERNET_GATEWAY, Target.NAT_GATEWAY, Target.GATEWAY_ENDPOINT})


def _forwarded(walk: Walk, rule: m.ResolverRule, host: str) -> None:
    """A FORWARD rule sends the query to resolvers outside the VPC through the rule's outbound endpoint; their
    answer is not in the snapshot (unknown), and if no endpoint address has a route to any target, the query
    never leaves (the name cannot resolve)."""
    t, topo = walk.t, walk.topo
    targets = [a.ip for a in rule.target_ips if a.ip]
    endpoint = next((e for e in topo.snap.resolver_endpoints if e.id == rule.resolver_endpoint_id), None)
    facts: dict[str, Any] = {"rule": rule.name or rule.id, "domain": rule.domain_name, "targets": targets, "host": host,
             "endpoint": rule.resolver_endpoint_id}
    if endpoint is None:
        t.cannot_tell(Code.RESOLVER_FORWARDED, **facts)
        return
    routed = []
    for address in endpoint.ip_addresses:
        rtb = topo.route_table_of(address.subnet_id)
        routed += [(rtb, ip) for ip in targets if rtb and _routes_towards(topo, rtb, ip)]
    t.hop("resolver-endpoint", endpoint.id, endpoint.region, **facts, routed=[ip for _rtb, ip in routed])
    if targets and not routed:
        rtb = topo.route_table_of(endpoint.ip_addresses[0].subnet_id) if endpoint.ip_addresses else None
        t.refuse(Code.NO_ROUTE, rtb or endpoint.id, rtb=rtb, destination=Address(ip=targets[0]),
                 why=Reason.RESOLVER_TARGET, **facts)
        return
    t.cannot_tell(Code.RESOLVER_FORWARDED, **facts)
