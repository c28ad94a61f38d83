"""Split a snapshot into the partial snapshots per-(account, region) collection jobs would write.

Used to exercise :func:`engine.merge.merge_snapshots` the way an organisation-wide fan-out produces its
input: each job sees its account's resources in its region, plus what every job of the account sees
(global IAM roles and instance profiles, Route 53 zones it owns, AWS-managed prefix lists of its region),
and resources that two accounts both describe (a peering connection, a transit gateway attachment shared
through RAM) appear in both jobs' output. Every job reads the organisation (``--org-role``).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from engine import model as m

Cell = tuple[str, str]  # (account id, region)


def partition_snapshot(snap: m.Snapshot, skew: timedelta = timedelta(0)) -> list[m.Snapshot]:
    """One partial snapshot per (account, region) of ``snap.coverage``; the n-th is ``n × skew`` newer."""
    cells = [(c.account_id, c.region) for c in snap.coverage]
    vpc_owner = {v.vpc_id: v.owner_id or "" for v in snap.vpcs}
    tgw_owner = {t.transit_gateway_id: t.owner_id or "" for t in snap.transit_gateways}
    out: dict[Cell, dict[str, list[Any]]] = {cell: defaultdict(list) for cell in cells}

    def put(field: str, item: Any, *where: Cell) -> None:
        for cell in dict.fromkeys(where):
            if cell in out:
                out[cell][field].append(item)

    _regional(snap, put, vpc_owner, tgw_owner)
    _inspection(snap, put, vpc_owner)
    _global(snap, put, cells)
    accounts = {a.account_id: a for a in snap.accounts}
    coverage = {(c.account_id, c.region): c for c in snap.coverage}
    parts = []
    for n, (account, region) in enumerate(cells):
        lists: dict[str, Any] = dict(out[(account, region)])
        parts.append(m.Snapshot(
            taken_at=snap.taken_at + n * skew, source=f"collect:{account}/{region}", regions=[region],
            accounts=[accounts[account]] if account in accounts else [], coverage=[coverage[(account, region)]],
            organization=snap.organization, **lists,
        ))
    return parts


def _regional(snap: m.Snapshot, put: Any, vpc_owner: dict[str, str], tgw_owner: dict[str, str]) -> None:
    for name in ("vpcs", "subnets", "route_tables", "nat_gateways", "vpc_endpoints", "network_interfaces",
                 "security_groups", "network_acls"):
        for item in getattr(snap, name):
            owner = getattr(item, "owner_id", None) or vpc_owner.get(item.vpc_id, "")
            put(name, item, (owner, item.region))
    for igw in snap.internet_gateways:
        owners = [igw.owner_id or ""] + [vpc_owner.get(a.vpc_id, "") for a in igw.attachments]
        put("internet_gateways", igw, *((o, igw.region) for o in owners))
    for pcx in snap.vpc_peering_connections:
        sides = (pcx.requester_vpc_info, pcx.accepter_vpc_info)
        put("vpc_peering_connections", pcx, *((s.owner_id or vpc_owner.get(s.vpc_id, ""), s.region) for s in sides))
    for tgw in snap.transit_gateways:
        put("transit_gateways", tgw, (tgw.owner_id or "", tgw.region))
    for rt in snap.transit_gateway_route_tables:
        put("transit_gateway_route_tables", rt, (tgw_owner.get(rt.transit_gateway_id, ""), rt.region))
    for att in snap.transit_gateway_attachments:
        owners = [tgw_owner.get(att.transit_gateway_id, ""), vpc_owner.get(att.resource_id or "", "")]
        put("transit_gateway_attachments", att, *((o, att.region) for o in owners))
    for inst in snap.instances:
        put("instances", inst, (inst.owner_id, inst.region))
    for bucket in snap.buckets:
        put("buckets", bucket, (bucket.owner_id, bucket.region))


def _global(snap: m.Snapshot, put: Any, cells: list[Cell]) -> None:
    by_account: dict[str, list[Cell]] = defaultdict(list)
    by_region: dict[str, list[Cell]] = defaultdict(list)
    for cell in cells:
        by_account[cell[0]].append(cell)
        by_region[cell[1]].append(cell)
    for pl in snap.prefix_lists:
        put("prefix_lists", pl, *by_region[pl.region])
    for zone in snap.hosted_zones:
        put("hosted_zones", zone, *by_account[zone.owner_id or ""])
    for role in snap.roles:
        put("roles", role, *by_account[role.account_id])
    for profile in snap.instance_profiles:
        put("instance_profiles", profile, *by_account[profile.arn.split(":")[4]])


def _inspection(snap: m.Snapshot, put: Any, vpc_owner: dict[str, str]) -> None:
    """Network Firewall and Route 53 Resolver objects, each read by the account that owns it (rules and rule
    groups shared through RAM are listed whole by their owner here)."""
    for fw in snap.firewalls:
        put("firewalls", fw, (fw.owner_id or vpc_owner.get(fw.vpc_id, ""), fw.region))
    for policy in snap.firewall_policies:
        put("firewall_policies", policy, (policy.firewall_policy_arn.split(":")[4], policy.region))
    for group in snap.firewall_rule_groups:
        put("firewall_rule_groups", group, (group.rule_group_arn.split(":")[4], group.region))
    for rule in snap.resolver_rules:
        put("resolver_rules", rule, (rule.owner_id or "", rule.region))
    for ep in snap.resolver_endpoints:
        put("resolver_endpoints", ep, (vpc_owner.get(ep.host_vpc_id, ""), ep.region))
    owners: dict[str, str] = {}
    for dns_group in snap.dns_firewall_rule_groups:
        put("dns_firewall_rule_groups", dns_group, (dns_group.owner_id or "", dns_group.region))
        owners |= {r.firewall_domain_list_id: dns_group.owner_id or "" for r in dns_group.rules}
    for domains in snap.dns_firewall_domain_lists:
        put("dns_firewall_domain_lists", domains, (owners.get(domains.id, ""), domains.region))
