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

# Hop kind → the Topology index holding its resource (each has vpc_id and, for most, owner_id).
_INDEX = {
    "route-table": "route_tables", "gateway-endpoint": "endpoints", "interface-endpoint": "endpoints",
    "nat-gateway": "nats", "instance": "instances", "proxy": "instances", "network-interface": "enis",
}


def place(topo: Topology, hop: HopRecord) -> tuple[str | None, str | None]:
    """(account, vpc) of a hop; either may be None when the hop has no such place or the snapshot lacks it."""
    resource = _resource(topo, hop)
    vpc = _vpc(topo, hop, resource)
    account = hop.facts.get("account") or getattr(resource, "owner_id", None)
    if account is None and vpc is not None and vpc in topo.vpcs:
        account = topo.vpcs[vpc].owner_id
    return (str(account) if account else None), vpc


def _resource(topo: Topology, hop: HopRecord) -> Any:
    index = _INDEX.get(hop.kind)
    if index is not None:
        return getattr(topo, index).get(hop.id)
    if hop.kind == "internet-gateway":
        return topo.igws.get(hop.id)
    if hop.kind == "transit-gateway":
        return topo.tgws.get(hop.id)
    return None


def _vpc(topo: Topology, hop: HopRecord, resource: Any) -> str | None:
    facts: Mapping[str, Any] = hop.facts
    if hop.kind in ("vpc-peering", "transit-gateway", "s3-bucket", "service"):
        return None
    if isinstance(facts.get("vpc"), str):
        return str(facts["vpc"])
    vpc = getattr(resource, "vpc_id", None)
    if vpc:
        return str(vpc)
    attachments = getattr(resource, "attachments", None)
    if attachments:  # an internet gateway: the VPC it is attached to
        return str(attachments[0].vpc_id)
    subnet = topo.subnets.get(str(facts.get("subnet", "")))
    return subnet.vpc_id if subnet is not None else None
