"""What changed between two snapshots, by AWS identity (issue #13).

Resources are matched by the identity ``engine.resources`` gives each kind, so a renamed tag is a change of
that resource, never a removal and an addition. The parts people change one at a time get their own identity
inside their resource: a route by its route table and destination (the key EC2's ReplaceRoute and DeleteRoute
take), a policy statement by its policy and ``Sid`` (else its position), a security group rule by its group,
direction, protocol and ports (the key AuthorizeSecurityGroupIngress/RevokeSecurityGroupIngress match on), a
network ACL entry by its ACL, direction and rule number (ReplaceNetworkAclEntry's key), a proxy variable by its
instance and name, a DNS record by its zone, name and type (ChangeResourceRecordSets' key), a transit gateway
route by its route table and destination, a Network Firewall rule by its group and priority or ``sid``. What is
left of a resource after its parts is compared as a whole, field by field.

Pure: snapshots in, :class:`SnapshotChange` records out; ``engine.diff`` relates them to answers.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from engine import model as m
from engine.resources import BY_FIELD, RESOURCE_KINDS, ResourceKind

Part = tuple[str, str, Any]  # (change kind, id inside the resource, JSON value)


@dataclass(frozen=True, slots=True)
class SnapshotChange:
    """One change: ``id`` is ``kind:identity``; ``before``/``after`` are JSON values, None where absent."""

    id: str
    kind: str
    account: str | None
    region: str | None
    resource: str  # the AWS resource the change belongs to (rtb-…, vpce-…, a bucket name, sg-…, i-…)
    before: Any
    after: Any
    field: str = ""  # the Snapshot field holding that resource ("organization" for the organisation)

    def to_json_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "account": self.account, "region": self.region,
                "resource": self.resource, "before": self.before, "after": self.after}


def snapshot_changes(old: m.Snapshot, new: m.Snapshot) -> list[SnapshotChange]:
    """Every change from ``old`` to ``new``, in resource-table order, then by id."""
    owners = _vpc_owners(old) | _vpc_owners(new)
    out: list[SnapshotChange] = []
    for kind in RESOURCE_KINDS:
        before = {_ident(kind, i): i for i in getattr(old, kind.field)}
        after = {_ident(kind, i): i for i in getattr(new, kind.field)}
        found: list[SnapshotChange] = []
        for ident in sorted(before.keys() | after.keys()):
            found += _resource_changes(kind, ident, before.get(ident), after.get(ident), owners)
        out += sorted(found, key=lambda c: c.id)
    out += _organization_changes(old.organization, new.organization)
    return out


def _resource_changes(kind: ResourceKind, ident: str, old: Any, new: Any,
                      owners: dict[str, str | None]) -> list[SnapshotChange]:
    label = kind.label or kind.field
    item = new if new is not None else old
    where = (_account(item, owners), getattr(item, "region", None))
    if old is None or new is None:  # a whole resource appeared or went: one change, not one per part
        return [SnapshotChange(f"{label}:{ident}", label, *where, ident, _dump(old), _dump(new), kind.field)]
    split = _PARTS.get(kind.field)
    out: list[SnapshotChange] = []
    if split is not None:
        parts, fields = split
        out += _part_changes(ident, where, dict(_keyed(parts(old))), dict(_keyed(parts(new))), kind.field)
    else:
        fields = ()
    rest_old = {k: v for k, v in _dump(old).items() if k not in fields}
    rest_new = {k: v for k, v in _dump(new).items() if k not in fields}
    if rest_old != rest_new:
        changed = sorted(k for k in rest_old.keys() | rest_new.keys() if rest_old.get(k) != rest_new.get(k))
        out.append(SnapshotChange(f"{label}:{ident}", label, *where, ident,
                                  {k: rest_old.get(k) for k in changed}, {k: rest_new.get(k) for k in changed},
                                  kind.field))
    return out


def _part_changes(resource: str, where: tuple[str | None, str | None], old: dict[tuple[str, str], Any],
                  new: dict[tuple[str, str], Any], field: str) -> Iterator[SnapshotChange]:
    for kind, sub in sorted(old.keys() | new.keys()):
        before, after = old.get((kind, sub)), new.get((kind, sub))
        if before != after:
            yield SnapshotChange(f"{kind}:{resource}:{sub}" if sub else f"{kind}:{resource}", kind, *where,
                                 resource, before, after, field)


def _keyed(parts: Iterator[Part]) -> Iterator[tuple[tuple[str, str], Any]]:
    """Parts by (kind, id); a repeated id (two unnamed rules with one key) gets ``#2``, ``#3``."""
    seen: dict[tuple[str, str], int] = {}
    for kind, sub, value in parts:
        n = seen[(kind, sub)] = seen.get((kind, sub), 0) + 1
        yield (kind, sub if n == 1 else f"{sub}#{n}"), value


# --- the parts of each kind of resource ---------------------------------------------------------------------


def _routes(rt: m.RouteTable) -> Iterator[Part]:
    for r in rt.routes:
        yield "route", _destination(r), _dump(r)


def _destination(r: m.Route) -> str:
    return str(r.destination_cidr_block or r.destination_ipv6_cidr_block or r.destination_prefix_list_id or "?")


def _endpoint_policy(e: m.VpcEndpoint) -> Iterator[Part]:
    # An endpoint without a policy document has AWS's default full-access policy
    # (https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html).
    yield from _statements("endpoint-policy", e.policy_document)


def _bucket_policy(b: m.Bucket) -> Iterator[Part]:
    yield from _statements("bucket-policy", b.policy)


def _key_policy(k: m.KmsKey) -> Iterator[Part]:
    yield from _statements("key-policy", k.policy)


def _secret_policy(s: m.Secret) -> Iterator[Part]:
    yield from _statements("secret-policy", s.policy)


def _role_policies(r: m.Role) -> Iterator[Part]:
    for ref in [*r.attached_policies, *r.role_policy_list]:
        for kind, sid, value in _statements("identity-policy", ref.policy_document):
            yield kind, f"{ref.policy_name}:{sid}", value
    if r.permissions_boundary is not None:
        for _, sid, value in _statements("boundary-policy", r.permissions_boundary.policy_document):
            yield "boundary-policy", sid, value


def _statements(kind: str, text: str | None) -> Iterator[Part]:
    """One part per statement, named by its Sid or position; a document that is not JSON is one part."""
    if text is None:
        return
    try:
        doc = json.loads(text)
    except ValueError:
        yield kind, "document", text
        return
    statements = doc.get("Statement", []) if isinstance(doc, dict) else []
    for n, st in enumerate(statements if isinstance(statements, list) else [statements], start=1):
        sid = st.get("Sid") if isinstance(st, dict) else None
        yield kind, str(sid) if sid else f"#{n}", st


def _sg_rules(g: m.SecurityGroup) -> Iterator[Part]:
    for direction, perms in (("ingress", g.ip_permissions), ("egress", g.ip_permissions_egress)):
        for p in perms:
            ports = "all" if p.from_port is None else f"{p.from_port}-{p.to_port}"
            yield "sg-rule", f"{direction}:{p.ip_protocol}:{ports}", _dump(p)


def _acl_entries(a: m.NetworkAcl) -> Iterator[Part]:
    for e in a.entries:
        yield "nacl-entry", f"{'egress' if e.egress else 'ingress'}:{e.rule_number}", _dump(e)


def _proxy_settings(i: m.Instance) -> Iterator[Part]:
    for name, value in i.proxy_environment.items():
        yield "proxy-setting", name, value.value


def _records(z: m.HostedZone) -> Iterator[Part]:
    for r in z.resource_record_sets:
        yield "dns-record", f"{r.name}:{r.type}", _dump(r)


def _tgw_routes(t: m.TransitGatewayRouteTable) -> Iterator[Part]:
    for r in t.routes:
        yield "tgw-route", str(r.destination_cidr_block or r.prefix_list_id or "?"), _dump(r)


def _firewall_rules(g: m.FirewallRuleGroup) -> Iterator[Part]:
    src = g.rules_source
    if src.stateless_rules_and_custom_actions is not None:
        for r in src.stateless_rules_and_custom_actions.stateless_rules:
            yield "firewall-rule", f"priority-{r.priority}", _dump(r)
    for n, rule in enumerate(src.stateful_rules, start=1):
        sid = next((o.settings[0] for o in rule.rule_options if o.keyword == "sid" and o.settings), None)
        yield "firewall-rule", f"sid-{sid}" if sid else f"#{n}", _dump(rule)
    if src.rules_source_list is not None:
        yield "firewall-rule", "domain-list", _dump(src.rules_source_list)
    if src.rules_string is not None:
        yield "firewall-rule", "rules-string", src.rules_string


def _dns_firewall_rules(g: m.DnsFirewallRuleGroup) -> Iterator[Part]:
    for r in g.rules:
        yield "dns-firewall-rule", f"priority-{r.priority}", _dump(r)


# Snapshot field → (its parts, the fields those parts cover, compared no further as part of the resource).
_PARTS: dict[str, tuple[Callable[[Any], Iterator[Part]], tuple[str, ...]]] = {
    "route_tables": (_routes, ("routes",)),
    "vpc_endpoints": (_endpoint_policy, ("policy_document",)),
    "buckets": (_bucket_policy, ("policy",)),
    "kms_keys": (_key_policy, ("policy",)),
    "secrets": (_secret_policy, ("policy",)),
    "roles": (_role_policies, ("attached_policies", "role_policy_list", "permissions_boundary")),
    "security_groups": (_sg_rules, ("ip_permissions", "ip_permissions_egress")),
    "network_acls": (_acl_entries, ("entries",)),
    "instances": (_proxy_settings, ("proxy_environment",)),
    "hosted_zones": (_records, ("resource_record_sets",)),
    "transit_gateway_route_tables": (_tgw_routes, ("routes",)),
    "firewall_rule_groups": (_firewall_rules, ("rules_source",)),
    "dns_firewall_rule_groups": (_dns_firewall_rules, ("rules",)),
}


def _organization_changes(old: m.Organization | None, new: m.Organization | None) -> list[SnapshotChange]:
    """SCPs and RCPs by policy id (statement by statement); the rest of the organisation as one change."""
    if old is None and new is None:
        return []
    account = (new or old).master_account_id  # type: ignore[union-attr]
    before = {p.id: p for p in old.policies} if old else {}
    after = {p.id: p for p in new.policies} if new else {}
    parts_old = {(k, f"{pid}:{sid}"): v for pid, p in before.items() for k, sid, v in _statements("org-policy",
                                                                                                   p.content)}
    parts_new = {(k, f"{pid}:{sid}"): v for pid, p in after.items() for k, sid, v in _statements("org-policy",
                                                                                                  p.content)}
    out = list(_part_changes("organization", (account, None), parts_old, parts_new, "organization"))
    rest_old = _dump(old, exclude={"policies"}) if old else None
    rest_new = _dump(new, exclude={"policies"}) if new else None
    if rest_old != rest_new:
        out.append(SnapshotChange("organization", "organization", account, None, "organization", rest_old, rest_new,
                                  "organization"))
    return out


# --- helpers ------------------------------------------------------------------------------------------------


def _ident(kind: ResourceKind, item: Any) -> str:
    key = kind.identity(item)
    return "/".join(str(k) for k in key) if isinstance(key, tuple) else str(key)


def _dump(item: BaseModel | None, exclude: set[str] | None = None) -> Any:
    """A model as the JSON the snapshot file holds (field names in snake_case, defaults left out)."""
    if item is None:
        return None
    return item.model_dump(mode="json", exclude_defaults=True, exclude=exclude)


def _vpc_owners(snap: m.Snapshot) -> dict[str, str | None]:
    return {v.vpc_id: v.owner_id for v in snap.vpcs}


def _account(item: Any, owners: dict[str, str | None]) -> str | None:
    """The owning account: the resource's own, else its VPC's (route tables and ACLs rarely carry one)."""
    for attr in ("owner_id", "account_id"):
        value = getattr(item, attr, None)
        if isinstance(value, str) and value:
            return value
    vpc = getattr(item, "vpc_id", None) or getattr(item, "host_vpc_id", None)
    return owners.get(vpc) if isinstance(vpc, str) else None


def with_resource_of(base: m.Snapshot, other: m.Snapshot, change: SnapshotChange) -> m.Snapshot:
    """``base`` with the resource ``change`` belongs to as ``other`` has it (added, replaced or removed): the
    one-change snapshot that shows whether this change alone flips an answer."""
    if change.field == "organization":
        return base.model_copy(update={"organization": other.organization})
    kind = BY_FIELD[change.field]
    items = [i for i in getattr(base, kind.field) if _ident(kind, i) != change.resource]
    items += [i for i in getattr(other, kind.field) if _ident(kind, i) == change.resource]
    return base.model_copy(update={kind.field: items})
