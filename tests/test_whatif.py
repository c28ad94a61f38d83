"""What-if copies of the estate (issue #16): Topology.with_changes, the typed change objects and the derived cache.

A fix is proven by re-tracing the question on a copy of the estate with the change applied. The copy must
never change the original (other questions are answered from it meanwhile), must reflect the change in every
index that holds the changed resource, and must not reuse a derived value (route choice, compiled policy)
that the change made stale, while reusing everything else so a copy costs about the size of the change.
"""

from __future__ import annotations

import json

import pytest

from engine import Engine
from engine.derived import EVERYTHING, Derived, Overlay
from engine.dns import Address
from engine.patch import (
    AddRoute,
    AssociateEndpoint,
    BucketPolicyChange,
    Change,
    DisassociateEndpoint,
    EndpointPolicyChange,
    IdentityPolicyChange,
    NoProxyChange,
    change_from_json,
    what_if,
)
from engine.routing import lookup

WEB = "i-06cab0e2d94bbebcb"  # web-osaka-a
PROXY_SIDE_VPCE, PROXY_RTB = "vpce-0f72123b539de2b50", "rtb-05c6e2ae54303115e"  # the proxy subnet's S3 endpoint
CLIENT_VPCE, CLIENT_RTB = "vpce-0baf8ca60c32f826c", "rtb-0d3bf27905c5ff535"
WEB_ROLE = "arn:aws:iam::444455556666:role/app-web-role"
ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*",
                                                    "Resource": "*"}]}
IDENTITY_ALLOW = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
OSAKA_S3 = Address(service="s3", region="ap-northeast-3")


def _one_of_each() -> list[Change]:
    return [
        NoProxyChange(instance=WEB, variable="NO_PROXY", value="s3.ap-northeast-3.amazonaws.com", runtime="python"),
        DisassociateEndpoint(route_table=PROXY_RTB, vpc_endpoint=PROXY_SIDE_VPCE),
        EndpointPolicyChange(vpc_endpoint=CLIENT_VPCE, policy=ALLOW_ALL),
        BucketPolicyChange(bucket="app-data", policy=ALLOW_ALL),
        IdentityPolicyChange(role=WEB_ROLE, policy_name="reachbot-fix", policy=IDENTITY_ALLOW),
    ]


def _state(eng: Engine) -> str:
    topo = eng.topology
    return json.dumps([
        {k: v.model_dump(mode="json") for k, v in topo.instances.items()},
        {k: v.model_dump(mode="json") for k, v in topo.endpoints.items()},
        {k: v.model_dump(mode="json") for k, v in topo.buckets.items()},
        {k: v.model_dump(mode="json") for k, v in topo.roles.items()},
        {k: v.model_dump(mode="json") for k, v in topo.route_tables.items()},
        {k: [(r.model_dump(mode="json"), str(n)) for r, n in v] for k, v in topo.rtb_routes.items()},
        sorted(map(str, topo.graph.edges)),
    ], sort_keys=True)


def test_with_changes_never_mutates_the_original_estate(article_engine: Engine) -> None:
    """Every change kind applied at once: the original topology, its indexes and its answers stay as they were."""
    before = _state(article_engine)
    answer = article_engine.ask("web-osaka-a -> app-data", fixes=False).model_dump_json()
    copy = article_engine.topology.with_changes(_one_of_each())
    assert copy.graph.number_of_edges() != article_engine.topology.graph.number_of_edges()
    assert _state(article_engine) == before
    assert article_engine.ask("web-osaka-a -> app-data", fixes=False).model_dump_json() == answer


def test_a_patched_instance_is_the_same_object_in_every_index_of_the_copy(article_engine: Engine) -> None:
    """Questions name a source by id, Name tag, IP or DNS name: all of them must find the patched instance."""
    inst = article_engine.topology.instances[WEB]
    copy = article_engine.topology.with_changes(_one_of_each()[:1])
    patched = copy.instances[WEB]
    assert patched.proxy_environment["NO_PROXY"].value == "s3.ap-northeast-3.amazonaws.com"
    assert copy.instances_by_name["web-osaka-a"] == [patched]
    assert copy.instances_by_ip[inst.private_ip_address] == [patched]
    assert copy.instances_by_dns[(inst.private_dns_name or "").lower()] is patched
    assert article_engine.topology.instances_by_name["web-osaka-a"] == [inst]
    assert len(copy.instances) == len(article_engine.topology.instances) and list(copy.instances) == \
        list(article_engine.topology.instances)


def test_a_route_change_reaches_the_table_its_routes_the_endpoint_and_the_graph(article_engine: Engine) -> None:
    """modify-vpc-endpoint --remove-route-table-ids removes the prefix-list route and the endpoint's table."""
    topo = article_engine.topology
    copy = topo.with_changes([DisassociateEndpoint(route_table=PROXY_RTB, vpc_endpoint=PROXY_SIDE_VPCE)])
    assert all(r.gateway_id != PROXY_SIDE_VPCE for r, _ in copy.rtb_routes[PROXY_RTB])
    assert all(r.gateway_id != PROXY_SIDE_VPCE for r in copy.route_tables[PROXY_RTB].routes)
    assert PROXY_RTB not in copy.endpoints[PROXY_SIDE_VPCE].route_table_ids
    assert not copy.graph.has_edge(PROXY_RTB, PROXY_SIDE_VPCE) and topo.graph.has_edge(PROXY_RTB, PROXY_SIDE_VPCE)
    back = copy.with_changes([AssociateEndpoint(route_table=PROXY_RTB, vpc_endpoint=PROXY_SIDE_VPCE)])
    assert back.graph.has_edge(PROXY_RTB, PROXY_SIDE_VPCE) and not copy.graph.has_edge(PROXY_RTB, PROXY_SIDE_VPCE)


def test_route_memo_of_a_changed_table_is_not_inherited_and_the_originals_is_untouched(article_engine: Engine):
    """VPC user guide, "Route priority": the gateway endpoint's prefix-list route carries the region's S3.
    A copy whose table lost that route chooses again; other tables reuse the original's memoised choice."""
    topo = article_engine.topology
    before, other = lookup(topo, PROXY_RTB, OSAKA_S3), lookup(topo, CLIENT_RTB, OSAKA_S3)
    assert before is not None and before.route.gateway_id == PROXY_SIDE_VPCE
    copy = topo.with_changes([DisassociateEndpoint(route_table=PROXY_RTB, vpc_endpoint=PROXY_SIDE_VPCE)])
    after = lookup(copy, PROXY_RTB, OSAKA_S3)
    assert after is None or after.route.gateway_id != PROXY_SIDE_VPCE
    assert lookup(copy, CLIENT_RTB, OSAKA_S3) is other  # unchanged table: inherited, not recomputed
    assert lookup(topo, PROXY_RTB, OSAKA_S3) is before


@pytest.mark.parametrize("change", _one_of_each()[2:], ids=lambda c: c.kind)
def test_only_the_rewritten_policy_is_compiled_again(article_engine: Engine, change: Change) -> None:
    """A what-if copy reuses every compiled policy except those its change rewrites (``stale_policies``)."""
    topo, book = article_engine.topology, article_engine.tracer.policies
    compiled = {("endpoint", e): book.endpoint(topo.endpoints[e]) for e in topo.endpoints}
    compiled |= {("bucket", b): book.bucket(topo.buckets[b]) for b in topo.buckets}
    compiled |= {("identity", r): book.identity(topo.roles[r]) for r in topo.roles}
    patched = what_if(article_engine, [change])
    pt, pbook = patched.topology, patched.tracer.policies
    again = {("endpoint", e): pbook.endpoint(pt.endpoints[e]) for e in pt.endpoints}
    again |= {("bucket", b): pbook.bucket(pt.buckets[b]) for b in pt.buckets}
    again |= {("identity", r): pbook.identity(pt.roles[r]) for r in pt.roles}
    recompiled = {k for k in compiled if not _same(compiled[k], again[k])}
    assert recompiled == set(change.stale_policies) and len(recompiled) == 1
    assert {t for t in pt.touched if t.startswith("policy:")} == {f"policy:{k}:{o}" for k, o in change.stale_policies}


def _same(a: object, b: object) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))
    return a is b


def test_a_base_topology_refuses_to_be_edited(article_engine: Engine) -> None:
    """Only a copy being made by with_changes may replace entries; the base stays read-only."""
    bucket = article_engine.topology.buckets["app-data"]
    with pytest.raises(RuntimeError, match="with_changes"):
        article_engine.topology.put_bucket(bucket.model_copy(update={"policy": None}))
    assert article_engine.topology.buckets["app-data"] is bucket


def test_change_kinds_rank_by_blast_radius_and_name_their_owner() -> None:
    """Fixes rank the client's own NO_PROXY first, then its role, shared route tables, shared policies."""
    changes = sorted(_one_of_each(), key=lambda c: c.blast)
    assert [c.kind for c in changes] == ["no_proxy", "identity_policy", "route_table", "endpoint_policy",
                                         "bucket_policy"]
    assert [c.owner for c in changes] == [
        "the client's team (instance environment)", "the client's team (IAM role)", "the network team",
        "the network team (VPC endpoint)", "the bucket owner"]


@pytest.mark.parametrize("change", [
    *_one_of_each(), AssociateEndpoint(route_table=PROXY_RTB, vpc_endpoint=CLIENT_VPCE),
    AddRoute(route_table=PROXY_RTB, destination="0.0.0.0/0", nat_gateway="nat-1"),
], ids=lambda c: f"{c.kind}-{getattr(c, 'action', '')}")
def test_a_change_reads_back_from_its_json_form(change: Change) -> None:
    """``fixes[].kind`` and ``fixes[].change`` are enough to rebuild the change (and so to replay a fix)."""
    again = change_from_json(change.kind, json.loads(json.dumps(change.change)))
    assert again == change and again.change == change.change


def test_route_change_json_keeps_todays_keys() -> None:
    """The JSON form of each route-table action is an interface (interfaces.md, fixes[].change)."""
    assert DisassociateEndpoint(route_table="rtb-1", vpc_endpoint="vpce-1").change == \
        {"action": "disassociate_endpoint", "route_table": "rtb-1", "vpc_endpoint": "vpce-1"}
    assert list(AddRoute(route_table="rtb-1", destination="0.0.0.0/0", nat_gateway="nat-1").change) == \
        ["action", "route_table", "destination", "nat_gateway"]


def test_derived_cache_inherits_only_values_the_change_cannot_affect() -> None:
    base = Derived()
    assert base.get("a", ("rtb_routes:rtb-1",), lambda: 1) == 1
    assert base.get("b", ("rtb_routes:rtb-2",), lambda: 2) == 2
    assert base.get("c", (EVERYTHING,), lambda: 3) == 3
    copy = base.what_if({"rtb_routes", "rtb_routes:rtb-1"})
    assert copy.get("a", ("rtb_routes:rtb-1",), lambda: 10) == 10
    assert copy.get("b", ("rtb_routes:rtb-2",), lambda: 20) == 2
    assert copy.get("c", (EVERYTHING,), lambda: 30) == 30
    assert copy.what_if(set()).get("a", ("rtb_routes:rtb-1",), lambda: 99) == 10  # a copy of a copy
    assert base.what_if({"buckets"}).what_if(set()).get("a", ("rtb_routes:rtb-1",), lambda: 99) == 1
    assert base.get("a", (), lambda: 0) == 1 and "a" not in Derived(base)


def test_overlay_reads_like_the_replaced_dictionary() -> None:
    base = {"a": 1, "b": 2}
    over = Overlay(Overlay(base, {"b": 3}), {"c": 4})
    assert dict(over) == {"a": 1, "b": 3, "c": 4} and len(over) == 3 and over.get("z") is None
    assert "c" in over and "z" not in over and base == {"a": 1, "b": 2}
