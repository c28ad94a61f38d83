"""An answer that rests on configuration collection could not read is ``unknown``, never a guess.

Collection files gaps per (account, region), IAM and Route 53 under "global", with ``resource`` set when one
resource was unreadable (engine/collect/README.md). A gap counts when it covers a region on the route, a
resource on the route, the source's proxy settings, or a hosted zone that answered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine import model as m
from engine.codes import Code

if TYPE_CHECKING:
    from engine.walk.walker import Walk

_PROXY_SETTING_OPERATIONS = {"DescribeInstanceAttribute", "GetParametersByPath"}


def check_gaps(walk: Walk) -> None:
    t = walk.t
    src = t.question.source
    on_route = {hop.id for hop in t.hops} | {src.instance_id}
    regions = {hop.region for hop in t.hops if hop.region}
    for (account, region), gaps in walk.topo.gaps.items():
        for gap in gaps:
            if _gap_matters(gap, account, region, src, on_route, regions, t.zones):
                t.not_final(Code.COLLECTION_GAP, operation=gap.operation, error=gap.error,
                            scope=gap.resource or region, permission=gap.permission or f"{gap.service}:{gap.operation}")


def _gap_matters(gap: m.Gap, account: str, region: str, src: m.Instance, on_route: set[str], regions: set[str],
                 zones: set[str]) -> bool:
    if gap.operation in _PROXY_SETTING_OPERATIONS:  # the source's proxy settings may be incomplete
        return (gap.resource or src.instance_id) == src.instance_id and account == src.owner_id \
            and region == src.region
    if gap.service == "route53":
        return gap.resource is None or gap.resource in zones
    if gap.service == "ec2":
        return gap.resource in on_route if gap.resource else region in regions
    if gap.service in _REGIONAL_FILTERS:  # a firewall or DNS Firewall rule the walk could not see may decide
        return region in regions
    return False


_REGIONAL_FILTERS = frozenset({"network-firewall", "route53resolver"})
