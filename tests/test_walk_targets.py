"""Route targets are walked by their type in the topology, never by their id prefix.

``GatewayId`` holds internet gateways, S3/DynamoDB gateway endpoints and Gateway Load Balancer endpoints alike
(all but the first are ``vpce-…``). A GWLB endpoint hands traffic to an appliance fleet (a third-party
firewall, or AWS Network Firewall, whose endpoints are GWLB endpoints too) whose decision is not in the
snapshot: the answer must say so and stay ``unknown``, never ``reachable``
(PrivateLink guide, "Access an inspection system using a Gateway Load Balancer endpoint").
"""

from __future__ import annotations

from tests.scenarios import Small


def _inspected(s: Small) -> str:
    """An inspection subnet in the main VPC holding a GWLB endpoint; returns the endpoint id."""
    inspection = s.b.subnet(s.vpc, "inspection-a", "10.0.9.0/24")
    return s.b.gwlb_endpoint(s.vpc, inspection, "10.0.9.5", "vpce-svc-0inspection0000001", name="inspection")


def test_default_route_to_a_gwlb_endpoint_is_unknown_with_the_appliance_named() -> None:
    """A private subnet whose default route is a GWLB endpoint: the appliance decides, so `unknown`."""
    s = Small()
    gwlbe = _inspected(s)
    s.b.route(s.private_rtb, "0.0.0.0/0", gwlbe)
    s.client()
    a = s.engine().ask("client -> data-there", fixes=False)
    assert a.verdict == "unknown"
    assert a.blocked_by is None
    hop = a.hops[-1]
    assert (hop.kind, hop.id) == ("gwlb-endpoint", gwlbe)
    assert "vpce-svc-0inspection0000001" in hop.note
    assert any(gwlbe in c and "Gateway Load Balancer" in c for c in a.caveats)
    assert all(h.kind != "gateway-endpoint" for h in a.hops)


def test_gateway_endpoint_route_beside_a_gwlb_default_route_still_serves_its_own_region() -> None:
    """The same table with the S3 gateway endpoint: same-region S3 takes the endpoint (its prefix list is more
    specific than 0.0.0.0/0), so that answer is traced to the bucket as before."""
    s = Small()
    gwlbe = _inspected(s)
    s.b.route(s.private_rtb, "0.0.0.0/0", gwlbe)
    vpce = s.b.gateway_endpoint(s.vpc, "s3", [s.private_rtb])
    s.client()
    a = s.engine().ask("client -> data-here", fixes=False)
    assert a.verdict == "reachable"
    assert [h.id for h in a.hops if h.kind == "gateway-endpoint"] == [vpce]


def test_private_route_through_a_gwlb_endpoint_is_unknown() -> None:
    """East-west inspection: a route to a peer subnet through a GWLB endpoint is not delivered blindly."""
    s = Small()
    gwlbe = _inspected(s)
    other = s.b.subnet(s.vpc, "db-a", "10.0.2.0/24")
    s.b.route_table(s.vpc, "db-rt", [other])
    s.b.route(s.private_rtb, "10.0.2.0/24", gwlbe)
    s.client()
    s.b.instance(other, "db", "10.0.2.20", [s.sg])
    a = s.engine().ask("client -> db", fixes=False)
    assert a.verdict == "unknown"
    assert any(h.kind == "gwlb-endpoint" and h.id == gwlbe for h in a.hops)


def test_nat_subnet_whose_default_route_is_an_appliance_is_unknown_not_refused() -> None:
    """NAT gateway → GWLB endpoint → internet gateway (inspection after NAT): the NAT does not lack an internet
    route; an appliance the snapshot cannot see sits in the way."""
    s = Small()
    gwlbe = _inspected(s)
    nat = s.b.nat_gateway(s.public, "198.51.100.7", "10.0.0.7")
    s.b.route(s.private_rtb, "0.0.0.0/0", nat)
    nat_rtb = s.b.route_table(s.vpc, "nat-rt", [s.public])
    s.b.route(nat_rtb, "0.0.0.0/0", gwlbe)
    s.client()
    a = s.engine().ask("client -> data-there", fixes=False)
    assert a.verdict == "unknown"
    assert a.blocked_by is None
    assert [h.kind for h in a.hops][-2:] == ["route-table", "gwlb-endpoint"]


def test_route_to_a_target_missing_from_the_snapshot_is_unknown() -> None:
    """A virtual private gateway (VPN) target: the snapshot holds no such resource; the answer names it."""
    s = Small()
    s.b.route(s.private_rtb, "0.0.0.0/0", "vgw-0123456789abcdef0")
    s.client()
    a = s.engine().ask("client -> data-there", fixes=False)
    assert a.verdict == "unknown"
    assert any("vgw-0123456789abcdef0" in c and "not in the snapshot" in c for c in a.caveats)

