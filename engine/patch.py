"""Candidate changes to the estate, one frozen class per kind, and a what-if engine that applies them.

Each change knows its JSON form (``kind`` and ``change``, as in ``fixes[]`` of the JSON answer), the command
that makes it, a one-line summary, its blast radius and owner (fixes rank by them) and how to apply itself to a
what-if copy of the topology (:meth:`engine.topology.Topology.with_changes`). A copy shares everything the change
does not touch, so re-tracing a candidate fix costs about as much as answering the question; compiled policies
are reused except the ones the change rewrites (``stale_policies``).
"""

from __future__ import annotations

import dataclasses
import json
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from ipaddress import ip_network
from typing import TYPE_CHECKING, Any, ClassVar

from engine import model as m
from engine.question import Question
from engine.topology import Topology, service_of
from engine.wording import Said, fix_summary

if TYPE_CHECKING:
    from engine.engine import Engine

# Blast radius, smallest first: the client's own NO_PROXY, its own role, shared route tables, shared policies.
_CLIENT_ENV, _CLIENT_ROLE, _ROUTES, _ENDPOINT_POLICY, _BUCKET_POLICY, _BOUNDARY, _FIREWALL_RULES, _ORGANISATION = \
    range(8)


_DESCRIBING = frozenset({"command", "summary", "said"})  # Change's own fields: how it is told, not what it is


@dataclass(frozen=True, kw_only=True)
class Change(ABC):
    """One candidate change. Subclasses set ``kind``, ``blast`` and ``owner``, add their fields and define ``apply``."""

    kind: ClassVar[str]  # fixes[].kind in the JSON answer
    blast: ClassVar[int]  # how much else it can affect; fixes with a smaller blast radius rank first
    owner: ClassVar[str]  # who makes the change
    command: str = ""  # copy-paste form
    summary: str = ""
    said: Said | None = None  # the summary as a wording label and its facts, to say it in the asker's language

    @property
    def change(self) -> dict[str, Any]:
        """Machine-readable, as ``fixes[].change`` in the JSON answer: the fields the change kind adds to these
        (a kind whose JSON says more, such as an ``action``, says so itself)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)
                if f.name not in _DESCRIBING}

    @property
    def stale_policies(self) -> frozenset[tuple[str, str]]:
        """Compiled policies the change rewrites, as (kind, owner): ("bucket", name), ("identity", role ARN)…"""
        return frozenset()

    @abstractmethod
    def apply(self, topo: Topology) -> None:
        """Replace what the change touches in ``topo``, a what-if copy being made by ``with_changes``."""


@dataclass(frozen=True, kw_only=True)
class NoProxyChange(Change):
    kind = "no_proxy"
    blast = _CLIENT_ENV
    owner = "the client's team (instance environment)"
    instance: str
    variable: str  # NO_PROXY, no_proxy, or the JVM's http.nonProxyHosts
    value: str  # the complete new value
    runtime: str

    def apply(self, topo: Topology) -> None:
        inst = topo.instances[self.instance]
        env = {**inst.proxy_environment,
               self.variable: m.ProxyValue(value=self.value, source="reachbot fix (proposed)")}
        topo.put_instance(inst.model_copy(update={"proxy_environment": env}))


@dataclass(frozen=True, kw_only=True)
class RouteTableChange(Change):
    kind = "route_table"
    blast = _ROUTES
    owner = "the network team"
    action: ClassVar[str]
    route_table: str


@dataclass(frozen=True, kw_only=True)
class _EndpointRouteChange(RouteTableChange):
    """A gateway endpoint's association with a route table (``modify-vpc-endpoint``)."""

    vpc_endpoint: str

    @property
    def change(self) -> dict[str, Any]:
        return {"action": self.action, "route_table": self.route_table, "vpc_endpoint": self.vpc_endpoint}


@dataclass(frozen=True, kw_only=True)
class DisassociateEndpoint(_EndpointRouteChange):
    """Remove a gateway endpoint's route from a table (``modify-vpc-endpoint --remove-route-table-ids``)."""

    action = "disassociate_endpoint"

    def apply(self, topo: Topology) -> None:
        routes = [(r, n) for r, n in topo.rtb_routes.get(self.route_table, []) if r.gateway_id != self.vpc_endpoint]
        topo.put_routes(self.route_table, routes)
        ep = topo.endpoints[self.vpc_endpoint]
        tables = [t for t in ep.route_table_ids if t != self.route_table]
        topo.put_endpoint(ep.model_copy(update={"route_table_ids": tables}))


@dataclass(frozen=True, kw_only=True)
class AssociateEndpoint(_EndpointRouteChange):
    """Add a gateway endpoint's prefix-list route to a table (``modify-vpc-endpoint --add-route-table-ids``)."""

    action = "associate_endpoint"

    def apply(self, topo: Topology) -> None:
        ep = topo.endpoints[self.vpc_endpoint]
        region, service = service_of(ep.service_name)
        pl = topo.aws_prefix_list[(region, service)]
        route = m.Route(destination_prefix_list_id=pl.prefix_list_id, gateway_id=ep.vpc_endpoint_id)
        topo.put_routes(self.route_table, [*topo.rtb_routes.get(self.route_table, []), (route, None)])
        topo.put_endpoint(ep.model_copy(update={"route_table_ids": [*ep.route_table_ids, self.route_table]}))


@dataclass(frozen=True, kw_only=True)
class AddRoute(RouteTableChange):
    """Add a CIDR route to a NAT gateway or a gateway (``create-route``)."""

    action = "add_route"
    destination: str
    nat_gateway: str | None = None
    gateway: str | None = None
    transit_gateway: str | None = None

    @property
    def change(self) -> dict[str, Any]:
        out: dict[str, Any] = {"action": self.action, "route_table": self.route_table, "destination": self.destination}
        for key in ("nat_gateway", "gateway", "transit_gateway"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out

    def apply(self, topo: Topology) -> None:
        route = m.Route(destination_cidr_block=self.destination, nat_gateway_id=self.nat_gateway,
                        gateway_id=self.gateway, transit_gateway_id=self.transit_gateway)
        routes = [*topo.rtb_routes.get(self.route_table, []), (route, ip_network(self.destination))]
        topo.put_routes(self.route_table, routes)


@dataclass(frozen=True, kw_only=True)
class AddTgwRoute(RouteTableChange):
    """Add a static route to a transit gateway route table (``create-transit-gateway-route``)."""

    action = "add_tgw_route"
    destination: str
    attachment: str

    @property
    def change(self) -> dict[str, Any]:
        return {"action": self.action, "route_table": self.route_table, "destination": self.destination,
                "attachment": self.attachment}

    def apply(self, topo: Topology) -> None:
        table = topo.tgw_route_tables[self.route_table]
        route = m.TransitGatewayRoute(
            destination_cidr_block=self.destination, type="static",
            transit_gateway_attachments=[m.TgwRouteAttachment(transit_gateway_attachment_id=self.attachment)])
        topo.put_tgw_route_table(table.model_copy(update={"routes": [*table.routes, route]}))


@dataclass(frozen=True, kw_only=True)
class AddAttachmentSubnet(Change):
    """Give a transit gateway VPC attachment a subnet in a zone it lacks
    (``modify-transit-gateway-vpc-attachment --add-subnet-ids``)."""

    kind = "tgw_attachment"
    blast = _ROUTES
    owner = "the network team (transit gateway attachment)"
    attachment: str
    subnet: str

    def apply(self, topo: Topology) -> None:
        att = topo.tgw_attachments[self.attachment]
        topo.put_tgw_attachment(att.model_copy(update={"subnet_ids": [*att.subnet_ids, self.subnet]}))


@dataclass(frozen=True, kw_only=True)
class AclEntryChange(Change):
    """Add an allow entry to a network ACL, numbered before the entry that denies (``create-network-acl-entry``)."""

    kind = "network_acl"
    blast = _ROUTES
    owner = "the network team (network ACL)"
    network_acl: str
    rule_number: int
    egress: bool
    cidr: str
    from_port: int
    to_port: int
    protocol: str = "6"

    def apply(self, topo: Topology) -> None:
        acl = topo.network_acl(self.network_acl)
        entry = m.NetworkAclEntry(rule_number=self.rule_number, protocol=self.protocol, rule_action="allow",
                                  egress=self.egress, cidr_block=self.cidr,
                                  port_range=m.PortRange(**{"From": self.from_port, "To": self.to_port}))
        topo.put_network_acl(acl.model_copy(update={"entries": [*acl.entries, entry]}))


@dataclass(frozen=True, kw_only=True)
class EndpointPolicyChange(Change):
    kind = "endpoint_policy"
    blast = _ENDPOINT_POLICY
    owner = "the network team (VPC endpoint)"
    vpc_endpoint: str
    policy: dict[str, Any] = field(hash=False)  # the complete new document

    @property
    def stale_policies(self) -> frozenset[tuple[str, str]]:
        return frozenset({("endpoint", self.vpc_endpoint)})

    def apply(self, topo: Topology) -> None:
        ep = topo.endpoints[self.vpc_endpoint]
        topo.put_endpoint(ep.model_copy(update={"policy_document": json.dumps(self.policy)}))


@dataclass(frozen=True, kw_only=True)
class BucketPolicyChange(Change):
    kind = "bucket_policy"
    blast = _BUCKET_POLICY
    owner = "the bucket owner"
    bucket: str
    policy: dict[str, Any] = field(hash=False)

    @property
    def stale_policies(self) -> frozenset[tuple[str, str]]:
        return frozenset({("bucket", self.bucket)})

    def apply(self, topo: Topology) -> None:
        topo.put_bucket(topo.buckets[self.bucket].model_copy(update={"policy": json.dumps(self.policy)}))


@dataclass(frozen=True, kw_only=True)
class ResourcePolicyChange(Change):
    """Replace a KMS key policy or a Secrets Manager secret's resource policy (the resource layer of a request
    to another service; BucketPolicyChange is S3's)."""

    kind = "resource_policy"
    blast = _BUCKET_POLICY
    owner = "the key's or secret's owner"
    resource: str  # the key or secret ARN
    policy: dict[str, Any] = field(hash=False)

    @property
    def stale_policies(self) -> frozenset[tuple[str, str]]:
        return frozenset({("resource", self.resource)})

    def apply(self, topo: Topology) -> None:
        topo.put_resource_policy(self.resource, json.dumps(self.policy))


@dataclass(frozen=True, kw_only=True)
class IdentityPolicyChange(Change):
    """Put an inline policy on a role (replacing an inline policy of the same name)."""

    kind = "identity_policy"
    blast = _CLIENT_ROLE
    owner = "the client's team (IAM role)"
    role: str  # ARN
    policy_name: str
    policy: dict[str, Any] = field(hash=False)

    @property
    def stale_policies(self) -> frozenset[tuple[str, str]]:
        return frozenset({("identity", self.role)})

    def apply(self, topo: Topology) -> None:
        role = topo.roles[self.role]
        ref = m.PolicyRef(policy_name=self.policy_name, policy_document=json.dumps(self.policy))
        kept = [p for p in role.role_policy_list if p.policy_name != ref.policy_name]
        topo.put_role(role.model_copy(update={"role_policy_list": [*kept, ref]}))


@dataclass(frozen=True, kw_only=True)
class FirewallDomainEntry(Change):
    """Add a name to a Network Firewall domain allow list (``aws network-firewall update-rule-group``). Every
    flow through every firewall that uses the rule group may then reach that name: the widest blast radius."""

    kind = "firewall_rule_group"
    blast = _FIREWALL_RULES
    owner = "the network security team"
    rule_group_arn: str
    domain: str

    def apply(self, topo: Topology) -> None:
        group = topo.firewall_rule_groups[self.rule_group_arn]
        listed = group.rules_source.rules_source_list
        if listed is None:
            raise ValueError(f"{group.rule_group_name} is not a domain list rule group")
        domains = listed.model_copy(update={"targets": [*listed.targets, self.domain]})
        source = group.rules_source.model_copy(update={"rules_source_list": domains})
        topo.put_firewall_rule_group(group.model_copy(update={"rules_source": source}))


def firewall_domain_entry(group: m.FirewallRuleGroup, domain: str) -> FirewallDomainEntry:
    """The change with its command: UpdateRuleGroup replaces the whole rule group and needs the current
    UpdateToken (Network Firewall API reference, "UpdateRuleGroup")."""
    listed = group.rules_source.rules_source_list
    source = {"RulesSourceList": {"Targets": [*(listed.targets if listed else []), domain],
                                  "TargetTypes": listed.target_types if listed else [],
                                  "GeneratedRulesType": listed.generated_rules_type if listed else "ALLOWLIST"}}
    arn = group.rule_group_arn
    token = f"$(aws network-firewall describe-rule-group --rule-group-arn {arn} --query UpdateToken --output text)"
    command = (f'aws network-firewall update-rule-group --rule-group-arn {arn} --update-token "{token}" '
               f"--rule-group '{json.dumps({'RulesSource': source})}'")
    return FirewallDomainEntry(rule_group_arn=arn, domain=domain, command=command,
                               **fix_summary("fix.firewall-domain", domain=domain, group=group.rule_group_name))


@dataclass(frozen=True, kw_only=True)
class BoundaryPolicyChange(Change):
    """A new default version of the managed policy used as a permissions boundary: every role of the estate
    that uses it as its boundary gets it (the policy is shared, hence the larger blast radius)."""

    kind = "boundary_policy"
    blast = _BOUNDARY
    owner = "the owner of the permissions boundary policy (often the platform or security team)"
    policy_arn: str
    policy: dict[str, Any] = field(hash=False)

    def apply(self, topo: Topology) -> None:
        text = json.dumps(self.policy)
        for role in list(topo.roles.values()):
            ref = role.permissions_boundary
            if ref is not None and ref.policy_arn == self.policy_arn:
                topo.put_role(role.model_copy(update={
                    "permissions_boundary": ref.model_copy(update={"policy_document": text})}))


@dataclass(frozen=True, kw_only=True)
class OrgPolicyChange(Change):
    """A rewritten service or resource control policy: organisation-owned, proposed with its proof."""

    kind = "organization_policy"
    blast = _ORGANISATION
    owner = "the organisation's administrators"
    policy_id: str
    policy: dict[str, Any] = field(hash=False)

    def apply(self, topo: Topology) -> None:
        org = topo.organization
        assert org is not None
        text = json.dumps(self.policy)
        policies = [p.model_copy(update={"content": text}) if p.id == self.policy_id else p for p in org.policies]
        topo.put_organization(org.model_copy(update={"policies": policies}))


_ROUTE_ACTIONS: dict[str, type[RouteTableChange]] = {
    c.action: c for c in (DisassociateEndpoint, AssociateEndpoint, AddRoute, AddTgwRoute)
}
_KINDS: dict[str, type[Change]] = {
    c.kind: c for c in (NoProxyChange, EndpointPolicyChange, BucketPolicyChange, IdentityPolicyChange,
                        AddAttachmentSubnet, AclEntryChange, FirewallDomainEntry, BoundaryPolicyChange,
                        OrgPolicyChange)
}


def change_from_json(kind: str, change: Mapping[str, Any], command: str = "", summary: str = "") -> Change:
    """The change a ``fixes[]`` entry of a JSON answer describes (one step: not ``combined``)."""
    if kind == "route_table":
        fields = {k: v for k, v in change.items() if k != "action"}
        return _ROUTE_ACTIONS[change["action"]](command=command, summary=summary, **fields)
    if kind not in _KINDS:
        raise ValueError(f"unknown change kind {kind!r}; expected one of route_table, {', '.join(_KINDS)}")
    return _KINDS[kind](command=command, summary=summary, **change)


def patched_engine(eng: Engine, q: Question, changes: Iterable[Change]) -> tuple[Engine, Question]:
    """An engine over ``eng``'s estate with ``changes`` applied, and ``q`` asked of it."""
    clone = what_if(eng, changes)
    return clone, retarget(clone, q)


def what_if(eng: Engine, changes: Iterable[Change]) -> Engine:
    """A copy of ``eng`` over ``eng.topology.with_changes(changes)``; ``eng`` is left as it was."""
    return eng.with_changes(changes)


def retarget(eng: Engine, q: Question) -> Question:
    """The same question, its source read from ``eng`` (whose copy of the instance may be patched)."""
    return dataclasses.replace(q, source=eng.topology.instances[q.source.instance_id])
