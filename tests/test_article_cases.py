"""The article's ten cases (article-scenarios.md) on the bundled estate: verdict, route and what refuses.

Setup: the shared proxy is in Osaka in a public subnet whose route table also sends S3 to a restrictive
gateway endpoint; Osaka and Tokyo clients sit in private subnets with their own S3 gateway endpoints and reach
the proxy over VPC peering. ``web-*`` clients have no NO_PROXY exclusion for S3, ``batch-*`` ones do.
"""

from __future__ import annotations

import pytest

from engine import Engine
from engine.estates import CASES

ROUTE_KINDS = {
    # the hops that matter, in order (dns and route-table hops are checked separately)
    1: ["instance", "gateway-endpoint", "s3-bucket"],
    2: ["instance", "internet-gateway", "s3-bucket"],
    3: ["instance", "vpc-peering", "proxy", "gateway-endpoint", "s3-bucket"],
    4: ["instance", "gateway-endpoint", "s3-bucket"],
    5: ["instance", "vpc-peering", "proxy", "internet-gateway", "s3-bucket"],
    6: ["instance"],
    7: ["instance", "vpc-peering", "proxy", "gateway-endpoint", "s3-bucket"],
    8: ["instance"],
    9: ["instance", "vpc-peering", "proxy", "internet-gateway", "s3-bucket"],
    10: ["instance", "gateway-endpoint", "s3-bucket"],
}
VERDICT = {1: "blocked", 2: "reachable", 3: "blocked", 4: "reachable", 5: "reachable", 6: "blocked",
           7: "blocked", 8: "blocked", 9: "reachable", 10: "reachable"}
REFUSAL = {1: "ENDPOINT_POLICY_DENY", 3: "ENDPOINT_POLICY_DENY", 6: "NO_ROUTE", 7: "ENDPOINT_POLICY_DENY",
           8: "NO_ROUTE"}


def _ask(eng: Engine, n: int):  # type: ignore[no-untyped-def]
    _, src, bucket = next(c for c in CASES if c[0] == n)
    return eng.ask(f"why can {src} not reach bucket {bucket}", fixes=False)


def _endpoint_owner(eng: Engine, vpce: str) -> str:
    return eng.topology.endpoints[vpce].vpc_id


@pytest.mark.parametrize("n", sorted(VERDICT))
def test_article_case_verdict_route_and_refusal(article_engine: Engine, n: int) -> None:
    """Each case's verdict, the hops it really takes, and the code of what refuses it."""
    a = _ask(article_engine, n)
    assert a.verdict == VERDICT[n]
    assert [h.kind for h in a.hops if h.kind not in ("dns", "route-table")] == ROUTE_KINDS[n]
    assert (a.blocked_by.code if a.blocked_by else None) == REFUSAL.get(n)


def _proxy_vpc(eng: Engine) -> str:
    return eng.topology.instances_by_name["squid-proxy-osaka"][0].vpc_id


@pytest.mark.parametrize("n", [3, 7])
def test_proxied_same_region_s3_is_bent_into_the_proxy_side_endpoint(article_engine: Engine, n: int) -> None:
    """Through a proxy, the proxy resolves S3 and its subnet's route table sends same-region S3 to the proxy-side
    gateway endpoint, whose restrictive policy refuses; the bucket policy pinned to the client-side endpoint
    refuses too (article point 4)."""
    a = _ask(article_engine, n)
    vpce = next(h.id for h in a.hops if h.kind == "gateway-endpoint")
    assert _endpoint_owner(article_engine, vpce) == _proxy_vpc(article_engine)
    assert a.blocked_by is not None and a.blocked_by.resource == vpce
    assert a.blocked_by.statement is None  # implicit deny: no statement of the endpoint policy allows it
    assert "AllowOnlySharedServicesBuckets" in a.blocked_by.detail
    assert any(e.code == "BUCKET_POLICY_DENY" and e.resource == "app-data" for e in a.explanations)
    assert a.request_context is not None and a.request_context["aws:SourceVpce"] == vpce
    assert a.request_context["principal"].startswith("arn:aws:sts::444455556666:assumed-role/app-")
    dns = [h for h in a.hops if h.kind == "dns"]
    assert "proxy side" in dns[-1].note


@pytest.mark.parametrize("n", [4, 10])
def test_no_proxy_exclusion_goes_through_the_client_side_endpoint(article_engine: Engine, n: int) -> None:
    """Only a NO_PROXY exclusion sends S3 to the client's own endpoint (article point 2)."""
    a = _ask(article_engine, n)
    vpce = next(h.id for h in a.hops if h.kind == "gateway-endpoint")
    assert _endpoint_owner(article_engine, vpce) == article_engine.topology.instances[a.source.id].vpc_id
    assert any(e.code == "NO_PROXY_MATCH" for e in a.explanations)


@pytest.mark.parametrize("n", [6, 8])
def test_endpoint_cannot_reach_another_regions_bucket(article_engine: Engine, n: int) -> None:
    """Through an endpoint you cannot reach another region's bucket; the client's private subnet has no other
    way out (article point 3): the refusal names the client's route table."""
    a = _ask(article_engine, n)
    client_rtb = article_engine.topology.route_table_of(article_engine.topology.instances[a.source.id].subnet_id)
    assert a.blocked_by is not None and a.blocked_by.resource == client_rtb
    assert any(e.code == "ENDPOINT_OTHER_REGION" for e in a.explanations)


@pytest.mark.parametrize("n", [2, 5, 9])
def test_other_region_s3_leaves_through_the_internet_gateway(article_engine: Engine, n: int) -> None:
    """S3 of another region never goes to the endpoint; it goes to the internet gateway, and S3 sees the proxy's
    public address as aws:SourceIp (article point 1)."""
    a = _ask(article_engine, n)
    assert a.request_context is not None
    assert a.request_context.get("aws:SourceIp") == "15.152.34.10"
    assert "aws:SourceVpce" not in a.request_context


def test_interface_endpoint_private_dns_answers_inside_its_vpc(article_engine: Engine) -> None:
    """An interface endpoint with private DNS answers for the service name inside its VPC, so a direct client
    reaches SSM through the endpoint's ENI (PrivateLink guide, "Private DNS for interface endpoints")."""
    a = article_engine.ask("why can batch-tokyo-b not reach ssm.ap-northeast-1.amazonaws.com")
    assert a.verdict == "reachable"
    dns = next(h for h in a.hops if h.kind == "dns")
    assert "interface endpoint" in dns.note and "10.30.1.100" in dns.note
    assert [h.kind for h in a.hops][-2:] == ["interface-endpoint", "service"]


def test_proxied_client_reaches_the_service_from_the_proxy_side(article_engine: Engine) -> None:
    """Through the Osaka proxy, Tokyo's SSM name is resolved by the proxy's VPC (no endpoint there): public
    addresses, out through the proxy's internet gateway."""
    a = article_engine.ask("why can web-tokyo-a not reach ssm.ap-northeast-1.amazonaws.com")
    assert a.verdict == "reachable"
    assert "proxy" in [h.kind for h in a.hops] and "internet-gateway" in [h.kind for h in a.hops]


def test_bundled_json_is_what_the_estate_builder_makes(article) -> None:  # type: ignore[no-untyped-def]
    """engine/data/article-estate.json is generated from engine/estates/article.py: the two never drift apart."""
    from engine.estates import article_estate

    assert article_estate() == article


@pytest.mark.parametrize("n", sorted(VERDICT))
def test_article_case_asked_in_japanese_has_the_same_verdict_route_and_refusal(article_engine: Engine, n: int) -> None:
    """The article's readers ask in Japanese (「web-osaka-a から app-data バケットに届かないのはなぜ」): the
    table is the same, and the answer is in Japanese."""
    from engine.wording import JA

    _, src, bucket = next(c for c in CASES if c[0] == n)
    a = article_engine.ask(f"{src} から {bucket} バケットに届かないのはなぜ", fixes=False, wording=JA)
    assert a.verdict == VERDICT[n]
    assert [h.kind for h in a.hops if h.kind not in ("dns", "route-table")] == ROUTE_KINDS[n]
    assert (a.blocked_by.code if a.blocked_by else None) == REFUSAL.get(n)
    assert a.blocked_by is None or "ルートテーブル" in a.blocked_by.detail or "ポリシー" in a.blocked_by.detail
