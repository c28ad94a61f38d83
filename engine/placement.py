"""Where a hop sits: its account and VPC, for answers drawn as nested boxes (account ⊃ region ⊃ VPC).

Read from the facts the walk recorded (a ``vpc`` or ``subnet`` fact, an ``account`` fact) and otherwise from the
hop's resource in the topology. Hops between VPCs (peering connections, transit gateways) have no VPC; AWS
services and buckets have no VPC either.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.topology import Topology
from engine.walk.record import HopRecord

_OUTSIDE_VPCS = frozenset({"vpc-peering", "transit-gateway", "s3-bucket", "service"})
# Hop kind → the Topology index holding its resource (each has vpc_id and, for most, owner_id).
_INDEX = {
    "route-table": "route_tables", "gateway-endpoint": "endpoints", "interface-endpoint": "endpoints",
    "nat-gateway": "nats", "instance": "instances", "proxy": "instances", "network-interface": "enis",
}


def place(topo: Topology, hop: HopRecord) -> tuple[str | None, str | None]:
    """(account, vpc) of a hop; either may be None when the hop has no such place or the snapshot lacks it."""
    facts: Mapping[str, Any] = hop.facts
    index = _INDEX.get(hop.kind)
    resource: Any = getattr(topo, index).get(hop.id) if index is not None else _other(topo, hop)
    vpc = None if hop.kind in _OUTSIDE_VPCS else _vpc(topo, facts, resource)
    account = facts.get("account") or getattr(resource, "owner_id", None)
    if account is None and vpc is not None:
        owner = topo.vpcs.get(vpc)
        account = owner.owner_id if owner is not None else None
    return (str(account) if account else None), vpc


def _other(topo: Topology, hop: HopRecord) -> Any:
    if hop.kind == "internet-gateway":
        return topo.igws.get(hop.id)
    if hop.kind == "transit-gateway":
        return topo.tgws.get(hop.id)
    return None


def _vpc(topo: Topology, facts: Mapping[str, Any], resource: Any) -> str | None:
    vpc = facts.get("vpc")
    if isinstance(vpc, str):
        return vpc
    vpc = getattr(resource, "vpc_id", None)
    if vpc:
        return str(vpc)
    attachments = getattr(resource, "attachments", None)
    if attachments:  # an internet gateway: the VPC it is attached to
        return str(attachments[0].vpc_id)
    subnet = topo.subnets.get(str(facts.get("subnet", "")))
    return subnet.vpc_id if subnet is not None else None
