"""Try a change without touching the snapshot: a shallow copy of the engine with a few entries replaced.

Only the dictionaries a change touches are copied (and only the changed resources rebuilt), so re-tracing a
candidate fix costs about as much as answering the question; compiled policies are reused except the ones
the change rewrites.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from dataclasses import dataclass
from ipaddress import ip_network
from typing import TYPE_CHECKING, Any

from engine import model as m
from engine.policybook import PolicyBook
from engine.question import Question
from engine.topology import Topology, service_of
from engine.walk import Tracer

if TYPE_CHECKING:
    from engine.engine import Engine


@dataclass(frozen=True)
class Change:
    kind: str  # "no_proxy", "route_table", "endpoint_policy", "bucket_policy", "identity_policy"
    change: dict[str, Any]  # machine-readable, as in the JSON answer
    command: str  # copy-paste form
    summary: str


def patched_engine(eng: Engine, q: Question, changes: list[Change]) -> tuple[Engine, Question]:
    topo = copy.copy(eng.topology)
    stale: set[tuple[str, str]] = set()
    for ch in changes:
        stale |= _APPLY[ch.kind](topo, ch.change)
    clone = copy.copy(eng)
    clone.topology = topo
    clone.tracer = Tracer(topo)
    clone.tracer.policies = _reuse_policies(eng.tracer.policies, topo, stale)
    return clone, retarget(clone, q)


def retarget(eng: Engine, q: Question) -> Question:
    """The same question, its source read from ``eng`` (whose copy of the instance may be patched)."""
    return dataclasses.replace(q, source=eng.topology.instances[q.source.instance_id])


def _reuse_policies(old: PolicyBook, topo: Topology, stale: set[tuple[str, str]]) -> PolicyBook:
    book = PolicyBook(topo)
    book._compiled = {k: v for k, v in old._compiled.items() if k not in stale and
                      not any(k[0] == s[0] and k[1].startswith(s[1]) for s in stale)}
    return book


def _no_proxy(topo: Topology, change: dict[str, Any]) -> set[tuple[str, str]]:
    inst = topo.instances[change["instance"]]
    env = dict(inst.proxy_environment)
    env[change["variable"]] = m.ProxyValue(value=change["value"], source="reachbot fix (proposed)")
    topo.instances = {**topo.instances, inst.instance_id: inst.model_copy(update={"proxy_environment": env})}
    return set()


def _route_table(topo: Topology, change: dict[str, Any]) -> set[tuple[str, str]]:
    rtb = change["route_table"]
    routes = list(topo.rtb_routes.get(rtb, []))
    action = change["action"]
    if action == "disassociate_endpoint":
        vpce = change["vpc_endpoint"]
        routes = [(r, n) for r, n in routes if r.gateway_id != vpce]
        _set_endpoint_tables(topo, vpce, [t for t in topo.endpoints[vpce].route_table_ids if t != rtb])
    elif action == "associate_endpoint":
        ep = topo.endpoints[change["vpc_endpoint"]]
        region, service = service_of(ep.service_name)
        pl = topo.aws_prefix_list[(region, service)]
        routes.append((m.Route(destination_prefix_list_id=pl.prefix_list_id, gateway_id=ep.vpc_endpoint_id), None))
        _set_endpoint_tables(topo, ep.vpc_endpoint_id, [*ep.route_table_ids, rtb])
    elif action == "add_route":
        route = m.Route(destination_cidr_block=change["destination"], nat_gateway_id=change.get("nat_gateway"),
                        gateway_id=change.get("gateway"))
        routes.append((route, ip_network(change["destination"])))
    topo.rtb_routes = {**topo.rtb_routes, rtb: routes}
    return set()


def _set_endpoint_tables(topo: Topology, vpce: str, tables: list[str]) -> None:
    ep = topo.endpoints[vpce]
    topo.endpoints = {**topo.endpoints, vpce: ep.model_copy(update={"route_table_ids": tables})}


def _endpoint_policy(topo: Topology, change: dict[str, Any]) -> set[tuple[str, str]]:
    vpce = change["vpc_endpoint"]
    ep = topo.endpoints[vpce].model_copy(update={"policy_document": json.dumps(change["policy"])})
    topo.endpoints = {**topo.endpoints, vpce: ep}
    return {("endpoint", vpce)}


def _bucket_policy(topo: Topology, change: dict[str, Any]) -> set[tuple[str, str]]:
    name = change["bucket"]
    topo.buckets = {**topo.buckets, name: topo.buckets[name].model_copy(
        update={"policy": json.dumps(change["policy"])})}
    return {("bucket", name)}


def _identity_policy(topo: Topology, change: dict[str, Any]) -> set[tuple[str, str]]:
    role = topo.roles[change["role"]]
    ref = m.PolicyRef(policy_name=change["policy_name"], policy_document=json.dumps(change["policy"]))
    kept = [p for p in role.role_policy_list if p.policy_name != ref.policy_name]
    topo.roles = {**topo.roles, role.arn: role.model_copy(update={"role_policy_list": [*kept, ref]})}
    return {("identity", role.arn)}


_APPLY = {"no_proxy": _no_proxy, "route_table": _route_table, "endpoint_policy": _endpoint_policy,
          "bucket_policy": _bucket_policy, "identity_policy": _identity_policy}
