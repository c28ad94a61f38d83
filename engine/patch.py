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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from ipaddress import ip_network
from typing import TYPE_CHECKING, Any, ClassVar

from engine import model as m
from engine.question import Question
from engine.topology import Topology, service_of

if TYPE_CHECKING:
    from engine.engine import Engine

# Blast radius, smallest first: the client's own NO_PROXY, its own role, shared route tables, shared policies.
_CLIENT_ENV, _CLIENT_ROLE, _ROUTES, _ENDPOINT_POLICY, _BUCKET_POLICY, _BOUNDARY, _ORGANISATION = range(7)


@dataclass(frozen=True, kw_only=True)
class Change:
    """One candidate change. Subclasses set ``kind``, ``blast`` and ``owner`` and define ``change``/``apply``."""

    kind: ClassVar[str]  # fixes[].kind in the JSON answer
    blast: ClassVar[int]  # how much else it can affect; fixes with a smaller blast radius rank first
    owner: ClassVar[str]  # who makes the change
    command: str = ""  # copy-paste form
    summary: str = ""

    @property
    def change(self) -> dict[str, Any]:
        """Machine-readable, as ``fixes[].change`` in the JSON answer."""
        raise NotImplementedError

    @property
    def stale_policies(self) -> frozenset[tuple[str, str]]:
        """Compiled policies the change rewrites, as (kind, owner): ("bucket", name), ("identity", role ARN)…"""
        return frozenset()

    def apply(self, topo: Topology) -> None:
        """Replace what the change touches in ``topo``, a what-if copy being made by ``with_changes``."""
        raise NotImplementedError


@dataclass(frozen=True, kw_only=True)
class NoProxyChange(Change):
    kind = "no_proxy"
    blast = _CLIENT_ENV
    owner = "the client's team (instance environment)"
    instance: str
    variable: str  # NO_PROXY, no_proxy, or the JVM's http.nonProxyHosts
    value: str  # the complete new value
    runtime: str

    @property
    def change(self) -> dict[str, Any]:
        return {"instance": self.instance, "variable": self.variable, "value": self.value, "runtime": self.runtime}

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
class DisassociateEndpoint(RouteTableChange):
    """Remove a gateway endpoint's route from a table (``modify-vpc-endpoint --remove-route-table-ids``)."""

    action = "disassociate_endpoint"
    vpc_endpoint: str

    @property
    def change(self) -> dict[str, Any]:
        return {"action": self.action, "route_table": self.route_table, "vpc_endpoint": self.vpc_endpoint}

    def apply(self, topo: Topology) -> None:
        routes = [(r, n) for r, n in topo.rtb_routes.get(self.route_table, []) if r.gateway_id != self.vpc_endpoint]
        topo.put_routes(self.route_table, routes)
        ep = topo.endpoints[self.vpc_endpoint]
        tables = [t for t in ep.route_table_ids if t != self.route_table]
        topo.put_endpoint(ep.model_copy(update={"route_table_ids": tables}))


@dataclass(frozen=True, kw_only=True)
class AssociateEndpoint(RouteTableChange):
    """Add a gateway endpoint's prefix-list route to a table (``modify-vpc-endpoint --add-route-table-ids``)."""

    action = "associate_endpoint"
    vpc_endpoint: str

    @property
    def change(self) -> dict[str, Any]:
        return {"action": self.action, "route_table": self.route_table, "vpc_endpoint": self.vpc_endpoint}

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

    @property
    def change(self) -> dict[str, Any]:
        out: dict[str, Any] = {"action": self.action, "route_table": self.route_table, "destination": self.destination}
        if self.nat_gateway is not None:
            out["nat_gateway"] = self.nat_gateway
        if self.gateway is not None:
            out["gateway"] = self.gateway
        return out

    def apply(self, topo: Topology) -> None:
        route = m.Route(destination_cidr_block=self.destination, nat_gateway_id=self.nat_gateway,
                        gateway_id=self.gateway)
        routes = [*topo.rtb_routes.get(self.route_table, []), (route, ip_network(self.destination))]
        topo.put_routes(self.route_table, routes)


@dataclass(frozen=True, kw_only=True)
class EndpointPolicyChange(Change):
    kind = "endpoint_policy"
    blast = _ENDPOINT_POLICY
    owner = "the network team (VPC endpoint)"
    vpc_endpoint: str
    policy: dict[str, Any] = field(hash=False)  # the complete new document

    @property
    def change(self) -> dict[str, Any]:
        return {"vpc_endpoint": self.vpc_endpoint, "policy": self.policy}

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
    def change(self) -> dict[str, Any]:
        return {"bucket": self.bucket, "policy": self.policy}

    @property
    def stale_policies(self) -> frozenset[tuple[str, str]]:
        return frozenset({("bucket", self.bucket)})

    def apply(self, topo: Topology) -> None:
        topo.put_bucket(topo.buckets[self.bucket].model_copy(update={"policy": json.dumps(self.policy)}))


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
    def change(self) -> dict[str, Any]:
        return {"role": self.role, "policy_name": self.policy_name, "policy": self.policy}

    @property
    def stale_policies(self) -> frozenset[tuple[str, str]]:
        return frozenset({("identity", self.role)})

    def apply(self, topo: Topology) -> None:
        role = topo.roles[self.role]
        ref = m.PolicyRef(policy_name=self.policy_name, policy_document=json.dumps(self.policy))
        kept = [p for p in role.role_policy_list if p.policy_name != ref.policy_name]
        topo.put_role(role.model_copy(update={"role_policy_list": [*kept, ref]}))


@dataclass(frozen=True, kw_only=True)
class BoundaryPolicyChange(Change):
    """A new default version of the managed policy used as a permissions boundary: every role of the estate
    that uses it as its boundary gets it (the policy is shared, hence the larger blast radius)."""

    kind = "boundary_policy"
    blast = _BOUNDARY
    owner = "the owner of the permissions boundary policy (often the platform or security team)"
    policy_arn: str
    policy: dict[str, Any] = field(hash=False)

    @property
    def change(self) -> dict[str, Any]:
        return {"policy_arn": self.policy_arn, "policy": self.policy}

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

    @property
    def change(self) -> dict[str, Any]:
        return {"policy_id": self.policy_id, "policy": self.policy}

    def apply(self, topo: Topology) -> None:
        org = topo.organization
        assert org is not None
        text = json.dumps(self.policy)
        policies = [p.model_copy(update={"content": text}) if p.id == self.policy_id else p for p in org.policies]
        topo.put_organization(org.model_copy(update={"policies": policies}))


_ROUTE_ACTIONS: dict[str, type[RouteTableChange]] = {
    c.action: c for c in (DisassociateEndpoint, AssociateEndpoint, AddRoute)
}
_KINDS: dict[str, type[Change]] = {
    c.kind: c for c in (NoProxyChange, EndpointPolicyChange, BucketPolicyChange, IdentityPolicyChange,
                        BoundaryPolicyChange, OrgPolicyChange)
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
