"""Name resolution on the walk: which resolver answers a name for one side of the path, recorded as a hop.

``engine.dns`` knows what a VPC's resolver answers; here the walk records it (the ``dns`` hop with the VPC's
DNS attributes), refuses when the resolver does not answer at all, and says when the answer rests on
attributes an older snapshot does not hold (VPC user guide, "DNS attributes for your VPC").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.codes import Code, Reason
from engine.dns import Resolution, resolve

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
    if res.bypassed:
        t.observe(Code.PRIVATE_DNS_NEEDS_HOSTNAMES, vpc_id, vpc=vpc_id, host=host, bypassed=res.bypassed)
    if res.unknown_attributes:
        t.cannot_tell(Code.DNS_ATTRIBUTES_UNKNOWN, vpc=vpc_id, host=host, attributes=list(res.unknown_attributes))
    return res
