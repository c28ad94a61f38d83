"""Many (account, region) parts → one snapshot: dedupe, overlay, proxy discovery, gaps, coverage.

Pure: takes :class:`~engine.collect.raw.RawScope` objects (live or from a directory) and returns the
:class:`~engine.model.Snapshot`; no AWS calls here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from engine import model as m
from engine.collect import map_global as mg
from engine.collect import proxy_settings as ps
from engine.collect.incremental import reuse_summary
from engine.collect.map_ec2 import RegionParts, map_region
from engine.collect.overlay import Overlay
from engine.collect.proxy_hosts import mark_proxies
from engine.collect.raw import GLOBAL, RawScope
from engine.errors import CollectionError
from engine.resolver import merge_shared

# The id of each snapshot list's items: for deduplication (a peering connection is listed by both of its
# regions, a shared transit gateway by both accounts) and for a stable order in the file.
ID_FIELDS = {
    "vpcs": "vpc_id", "subnets": "subnet_id", "route_tables": "route_table_id", "prefix_lists": "prefix_list_id",
    "internet_gateways": "internet_gateway_id", "nat_gateways": "nat_gateway_id",
    "vpc_peering_connections": "vpc_peering_connection_id", "transit_gateways": "transit_gateway_id",
    "transit_gateway_attachments": "transit_gateway_attachment_id",
    "transit_gateway_route_tables": "transit_gateway_route_table_id", "vpc_endpoints": "vpc_endpoint_id",
    "network_interfaces": "network_interface_id", "instances": "instance_id", "security_groups": "group_id",
    "network_acls": "network_acl_id", "buckets": "name", "hosted_zones": "id", "roles": "arn",
    "instance_profiles": "arn", "firewalls": "firewall_arn", "firewall_policies": "firewall_policy_arn",
    "firewall_rule_groups": "rule_group_arn", "resolver_rules": "id", "resolver_endpoints": "id",
    "dns_firewall_rule_groups": "id", "dns_firewall_domain_lists": "id", "kms_keys": "arn", "secrets": "arn",
    "user_data_reads": "instance_id",
}
# Which call would have listed a route's target, by id prefix (for gaps about targets outside the collection).
_LISTED_BY = {
    "igw-": "DescribeInternetGateways", "nat-": "DescribeNatGateways", "pcx-": "DescribeVpcPeeringConnections",
    "tgw-": "DescribeTransitGateways", "vpce-": "DescribeVpcEndpoints", "eni-": "DescribeNetworkInterfaces",
    "i-": "DescribeInstances",
}
_OPAQUE_TARGETS = ("local", "vgw-", "eigw-", "cagw-", "lgw-")


class _Items:
    def __init__(self) -> None:
        self.by_field: dict[str, dict[str, Any]] = {f: {} for f in ID_FIELDS}

    def add(self, field: str, items: Iterable[Any]) -> None:
        table = self.by_field[field]
        for item in items:
            key = getattr(item, ID_FIELDS[field])
            if key in table and isinstance(item, m.ResolverRule | m.DnsFirewallRuleGroup):
                item = merge_shared(table[key], item)
            if key not in table or _richer(item, table[key]):
                table[key] = item

    def sorted(self, field: str) -> list[Any]:
        return [v for _, v in sorted(self.by_field[field].items())]


def _richer(new: Any, old: Any) -> bool:
    """A transit gateway attachment seen from the gateway owner's side knows its route-table association; a VPC
    shared through RAM is described by its participants too, but only its owner can read its DNS attributes."""
    if isinstance(new, m.Vpc):
        return new.enable_dns_support is not None and old.enable_dns_support is None
    return isinstance(new, m.TransitGatewayAttachment) and new.association is not None and old.association is None


def assemble(scopes: list[RawScope], *, ssm_prefix: str, overlay: Overlay | None, taken_at: datetime, source: str,
             accounts: list[m.Account], regions: list[str]) -> m.Snapshot:
    items = _Items()
    gaps: dict[tuple[str, str], list[m.Gap]] = defaultdict(list)
    reused: dict[tuple[str, str], list[m.UserDataRead]] = defaultdict(list)
    for scope in scopes:
        gaps[(scope.account, scope.region)] += scope.gaps
        reused[(scope.account, scope.region)] += scope.reused.values()
        parts = _mapped(scope, ssm_prefix)
        gaps[(scope.account, scope.region)] += parts.gaps
        for field, found in parts.items.items():
            items.add(field, found)
    _file_bucket_gaps(gaps, items.sorted("buckets"))
    instances = [_with_overlay(i, overlay) for i in items.sorted("instances")] if overlay else items.sorted("instances")
    instances = mark_proxies(instances, items.sorted("network_interfaces"), items.sorted("hosted_zones"))
    lists = {field: items.sorted(field) for field in ID_FIELDS if field != "instances"}
    lists["instances"] = instances
    for (account, region), missing in reference_gaps(lists).items():
        gaps[(account, region)] += missing
    organization, complete = mg.organization([s for s in scopes if s.region == GLOBAL])
    if organization is not None and not organization.unread_types:
        # A member account may not read policies; the management account read its path for it.
        for (account, region), found in list(gaps.items()):
            if account in complete:
                gaps[(account, region)] = [g for g in found if g.service != "organizations"]
    coverage = [
        m.Coverage(account_id=account, region=region, complete=not found, gaps=_unique(found),
                   reused=reuse_summary(reused.get((account, region), [])))
        for (account, region), found in sorted(gaps.items())
    ]
    fields: dict[str, Any] = lists
    return m.Snapshot(taken_at=taken_at, source=source, accounts=accounts, regions=regions, coverage=coverage,
                      organization=organization, **fields)


def _mapped(scope: RawScope, ssm_prefix: str) -> RegionParts:
    """The scope mapped; API output of an unexpected shape (a hand-edited saved file, an API change) is a
    CollectionError naming where it came from, not a traceback."""
    try:
        if scope.region != GLOBAL:
            return map_region(scope, ssm_prefix)
        return RegionParts({"buckets": mg.buckets(scope), "hosted_zones": mg.hosted_zones(scope),
                            "roles": mg.roles(scope), "instance_profiles": mg.instance_profiles(scope)})
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise CollectionError(
            f"the API output read for account {scope.account}, {scope.region} is not shaped as reachbot expects "
            f"({type(exc).__name__}: {exc}). With --from-dir, each file must be the unchanged JSON output of the "
            "AWS CLI command its name gives (see engine/collect/README.md)."
        ) from None


def _unique(gaps: list[m.Gap]) -> list[m.Gap]:
    return list(dict.fromkeys(gaps))


def _file_bucket_gaps(gaps: dict[tuple[str, str], list[m.Gap]], buckets: list[m.Bucket]) -> None:
    """A bucket's policy gap belongs where the engine looks for it: the bucket's account and region."""
    region_of = {b.name: b.region for b in buckets}
    for (account, region), found in list(gaps.items()):
        if region != GLOBAL:
            continue
        keep = []
        for gap in found:
            if gap.service == "s3" and gap.operation == "GetBucketPolicy" and gap.resource in region_of:
                gaps[(account, region_of[gap.resource])].append(gap)
            else:
                keep.append(gap)
        gaps[(account, region)] = keep


def _with_overlay(inst: m.Instance, overlay: Overlay) -> m.Instance:
    layers = ps.overlay_layers(overlay.entries, overlay.source, inst)
    if not layers:
        return inst
    env = dict(inst.proxy_environment)
    for source, values in layers:
        for name, value in values.items():
            if value is None:
                env.pop(name, None)
            else:
                env[name] = ps.proxy_value(value, source)
    return inst.model_copy(update={"proxy_environment": env})


def reference_gaps(lists: dict[str, list[Any]]) -> dict[tuple[str, str], list[m.Gap]]:
    """Gaps for references to things the collection does not hold (another account or region, a call that
    failed): the snapshot stays loadable, and answers that need them say ``unknown``."""
    known = {item_id for field in ("internet_gateways", "nat_gateways", "vpc_peering_connections",
                                   "transit_gateways", "vpc_endpoints", "network_interfaces", "instances")
             for item_id in (getattr(i, ID_FIELDS[field]) for i in lists[field])}
    # Network Firewall endpoints are known from DescribeFirewall's sync states as well.
    known |= {st.attachment.endpoint_id for fw in lists.get("firewalls", [])
              for st in fw.firewall_status.sync_states.values() if st.attachment and st.attachment.endpoint_id}
    prefix_lists = {p.prefix_list_id for p in lists["prefix_lists"]}
    subnets = {s.subnet_id for s in lists["subnets"]}
    vpcs = {v.vpc_id for v in lists["vpcs"]}
    out: dict[tuple[str, str], list[m.Gap]] = defaultdict(list)

    def missing(account: str | None, region: str, operation: str, resource: str) -> None:
        out[(account or "unknown", region)].append(m.Gap(
            service="ec2", operation=operation, error="NotCollected", permission=f"ec2:{operation}", resource=resource))

    for rtb in lists["route_tables"]:
        for r in rtb.routes:
            target = r.target
            if target and not target.startswith(_OPAQUE_TARGETS) and target not in known:
                op = next((op for p, op in _LISTED_BY.items() if target.startswith(p)), "DescribeRouteTables")
                missing(rtb.owner_id, rtb.region, op, target)
            pl = r.destination_prefix_list_id
            if pl and pl not in prefix_lists:
                missing(rtb.owner_id, rtb.region, "DescribeManagedPrefixLists", pl)
    for inst in lists["instances"]:
        if inst.subnet_id not in subnets:
            missing(inst.owner_id, inst.region, "DescribeSubnets", inst.subnet_id)
    for s in lists["subnets"]:
        if s.vpc_id not in vpcs:
            missing(s.owner_id, s.region, "DescribeVpcs", s.vpc_id)
    return out

