"""One table of the snapshot's resource kinds: how each is identified, called and indexed.

Merging partial snapshots (``engine.merge``), the collector's summary line (``engine.collect.cli``), the bot's
name and owner index (``bot.index``) and the topology's by-id dictionaries (``engine.topology``) all read it,
so a new kind of resource is added here once. ``uncovered_snapshot_fields`` keeps it honest (a test calls it).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from engine import model as m


@dataclass(frozen=True, slots=True)
class ResourceKind:
    field: str  # the Snapshot list field
    id_field: str | None  # the attribute holding its AWS id (None: identified by several attributes)
    label: str | None = None  # what `reachbot collect` calls it in its summary line (None: not counted there)
    named: bool = False  # carries a ``Name`` tag that answers can show next to the id
    index: str | None = None  # the Topology attribute mapping id_field → resource, when there is one
    key: Callable[[Any], Hashable] | None = None  # AWS identity when it is not just id_field

    def identity(self, item: Any) -> Hashable:
        """The key that identifies one resource of this kind across partial snapshots."""
        getter = self.key or attrgetter(self.id_field or "")
        return getter(item)  # type: ignore[no-any-return]


# In the order of the collector's summary line. Prefix lists are regional (the same AWS-managed list has a
# different id per region, but keying by region as well costs nothing); "/hostedzone/Z…" and "Z…" are one zone.
RESOURCE_KINDS: tuple[ResourceKind, ...] = (
    ResourceKind("vpcs", "vpc_id", "vpc", named=True, index="vpcs"),
    ResourceKind("subnets", "subnet_id", "subnet", named=True, index="subnets"),
    ResourceKind("route_tables", "route_table_id", "rtb", named=True, index="route_tables"),
    ResourceKind("vpc_endpoints", "vpc_endpoint_id", "vpce", named=True, index="endpoints"),
    ResourceKind("internet_gateways", "internet_gateway_id", "igw", named=True, index="igws"),
    ResourceKind("nat_gateways", "nat_gateway_id", "nat", named=True, index="nats"),
    ResourceKind("vpc_peering_connections", "vpc_peering_connection_id", "pcx", named=True, index="peerings"),
    ResourceKind("transit_gateways", "transit_gateway_id", "tgw", named=True, index="tgws"),
    ResourceKind("transit_gateway_attachments", "transit_gateway_attachment_id", "tgw-attach",
                 index="tgw_attachments"),
    ResourceKind("transit_gateway_route_tables", "transit_gateway_route_table_id", "tgw-rtb",
                 index="tgw_route_tables"),
    ResourceKind("prefix_lists", "prefix_list_id", "pl", index="prefix_lists",
                 key=lambda p: (p.prefix_list_id, p.region)),
    ResourceKind("instances", "instance_id", "instance", named=True, index="instances"),
    ResourceKind("network_interfaces", "network_interface_id", "eni", index="enis"),
    ResourceKind("security_groups", "group_id", "sg", named=True, index="security_groups"),
    ResourceKind("network_acls", "network_acl_id", "acl", named=True),
    ResourceKind("buckets", "name", "bucket", index="buckets"),
    ResourceKind("hosted_zones", "id", "private-zone", key=lambda z: z.id.rsplit("/", 1)[-1]),
    ResourceKind("roles", "arn", "role", index="roles"),
    ResourceKind("instance_profiles", "arn", "instance-profile", index="profiles"),
    ResourceKind("firewalls", "firewall_arn", "firewall", named=True, index="firewalls"),
    ResourceKind("firewall_policies", "firewall_policy_arn", "firewall-policy", index="firewall_policies"),
    ResourceKind("firewall_rule_groups", "rule_group_arn", "firewall-rule-group", index="firewall_rule_groups"),
    ResourceKind("resolver_rules", "id", "resolver-rule", key=lambda r: (r.id, r.region)),
    ResourceKind("resolver_endpoints", "id", "resolver-endpoint", key=lambda e: (e.id, e.region)),
    ResourceKind("dns_firewall_rule_groups", "id", "dns-firewall-rule-group", key=lambda g: (g.id, g.region)),
    ResourceKind("dns_firewall_domain_lists", "id", "dns-firewall-domain-list", key=lambda d: (d.id, d.region)),
    ResourceKind("kms_keys", "arn", "kms-key", index="kms_keys"),
    ResourceKind("secrets", "arn", "secret", index="secrets"),
    ResourceKind("accounts", "account_id", index="accounts"),
    ResourceKind("coverage", None, key=lambda c: (c.account_id, c.region)),
    # Collection bookkeeping (engine/collect/incremental.py): one per instance, merged like a resource.
    ResourceKind("user_data_reads", "instance_id"),
)
BY_FIELD: dict[str, ResourceKind] = {k.field: k for k in RESOURCE_KINDS}
SCALAR_FIELDS = ("schema_version", "taken_at", "source", "regions")
# One object per snapshot, not a list of resources: merging keeps the newest part's (engine.merge).
SINGLE_FIELDS = ("organization",)


def uncovered_snapshot_fields() -> list[str]:
    """Snapshot fields that are neither scalars nor in :data:`RESOURCE_KINDS` (a test keeps this empty)."""
    return [f for f in m.Snapshot.model_fields
            if f not in BY_FIELD and f not in SCALAR_FIELDS and f not in SINGLE_FIELDS]
