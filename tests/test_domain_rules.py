"""One test per routing and DNS rule of domain-rules.md, each on a scenario built in code."""

from __future__ import annotations

from engine.estates.builder import tcp
from tests.scenarios import ACCOUNT, OTHER_REGION, REGION, Small


def kinds(answer) -> list[str]:  # type: ignore[no-untyped-def]
    return [h.kind for h in answer.hops]


def test_longest_prefix_wins_so_prefix_list_route_beats_default_route() -> None:
    """A gateway endpoint's prefix-list route is more specific than 0.0.0.0/0 (VPC guide, "Route priority")."""
    s = Small()
    nat = s.b.nat_gateway(s.public, "198.51.100.7", "10.0.0.50")
    s.b.route(s.private_rtb, "0.0.0.0/0", nat)
    vpce = s.b.gateway_endpoint(s.vpc, "s3", [s.private_rtb])
    s.client()
    a = s.engine().ask("client -> data-here", fixes=False)
    assert a.verdict == "reachable"
    assert "gateway-endpoint" in kinds(a) and "nat-gateway" not in kinds(a)
    assert next(h.id for h in a.hops if h.kind == "gateway-endpoint") == vpce
    assert any(e.code == "MORE_SPECIFIC_ROUTE" for e in a.explanations)


def test_route_tie_static_cidr_beats_prefix_list_route() -> None:
    """On an exact tie, a static CIDR route beats a prefix-list route (VPC guide, "Route priority")."""
    from engine.dns import Address
    from engine.routing import lookup

    s = Small()
    vpce = s.b.gateway_endpoint(s.vpc, "s3", [s.private_rtb])
    nat = s.b.nat_gateway(s.public, "198.51.100.7", "10.0.0.50")
    s.b.route(s.private_rtb, "52.219.0.0/20", nat)  # same prefix as one of the S3 list's CIDRs
    eng = s.engine()
    choice = lookup(eng.topology, s.private_rtb, Address(ip="52.219.1.1"))
    assert choice is not None and choice.route.nat_gateway_id == nat
    del vpce


def test_subnet_without_association_uses_the_main_route_table() -> None:
    """A subnet with no explicit association uses the VPC's main route table (VPC guide, "Route tables")."""
    s = Small()
    lonely = s.b.subnet(s.vpc, "unassociated", "10.0.9.0/24")
    main = s.b.main_route_table(s.vpc)
    s.b.route(main, "0.0.0.0/0", s.igw)
    s.client(subnet=lonely, ip="10.0.9.10", public_ip="203.0.113.9")
    eng = s.engine()
    a = eng.ask("client -> data-here", fixes=False)
    assert a.verdict == "reachable"
    assert next(h.id for h in a.hops if h.kind == "route-table") == main
    assert "main table" in next(h.note for h in a.hops if h.kind == "route-table")


def test_gateway_endpoint_serves_only_its_own_region() -> None:
    """An endpoint for com.amazonaws.eu-west-1.s3 does not carry eu-central-1's S3, even when the emulator's
    prefix lists share CIDRs (PrivateLink guide, "Gateway endpoints"; domain-rules.md)."""
    s = Small()
    s.b.gateway_endpoint(s.vpc, "s3", [s.private_rtb])
    s.b.aws_prefix_list(OTHER_REGION, "s3")  # same placeholder CIDRs, other region
    s.client()
    a = s.engine().ask("client -> data-there", fixes=False)
    assert a.verdict == "blocked" and a.blocked_by is not None
    assert a.blocked_by.code == "NO_ROUTE" and a.blocked_by.resource == s.private_rtb
    assert "gateway-endpoint" not in kinds(a)


def test_internet_gateway_needs_a_public_ip_on_the_sender() -> None:
    """Egress through an internet gateway needs a public IPv4 address on the ENI (VPC guide, "Internet gateways")."""
    s = Small()
    s.client(subnet=s.public, ip="10.0.0.20")  # public subnet, but no public IP
    a = s.engine().ask("client -> data-here", fixes=False)
    assert a.verdict == "blocked" and a.blocked_by is not None
    assert a.blocked_by.code == "IGW_NO_PUBLIC_IP"


def test_nat_gateway_gives_private_subnet_internet_egress_with_its_public_ip() -> None:
    """From a private subnet, a NAT gateway carries traffic out; S3 sees the NAT's address as aws:SourceIp."""
    s = Small()
    nat = s.b.nat_gateway(s.public, "198.51.100.7", "10.0.0.50")
    s.b.route(s.private_rtb, "0.0.0.0/0", nat)
    s.client()
    a = s.engine().ask("client -> data-there", fixes=False)
    assert a.verdict == "reachable"
    assert kinds(a)[-3:] == ["route-table", "internet-gateway", "s3-bucket"]
    assert a.request_context is not None and a.request_context["aws:SourceIp"] == "198.51.100.7"


def _proxy_pair(return_route: bool = True, zone: bool = True):  # type: ignore[no-untyped-def]
    s = Small()
    edge, edge_sub, edge_rtb = s.edge_vpc(return_route)
    s.proxy(edge, edge_sub)
    host = "proxy.corp.example" if zone else "10.9.0.10"
    if zone:
        s.b.private_zone("corp.example", [s.vpc, edge], {"proxy.corp.example": "10.9.0.10"}, ACCOUNT)
    s.client(proxy_env={"HTTPS_PROXY": f"http://{host}:3128"})
    return s, edge_rtb


def test_proxy_host_resolves_through_a_private_hosted_zone_of_the_client_vpc() -> None:
    """The proxy's name is answered by a private hosted zone associated with the client's VPC (Route 53 guide)."""
    s, _ = _proxy_pair()
    a = s.engine().ask("client -> data-there", fixes=False)
    assert a.verdict == "reachable"
    first_dns = next(h for h in a.hops if h.kind == "dns")
    assert first_dns.id == "proxy.corp.example" and "private hosted zone" in first_dns.note
    assert "proxy" in kinds(a)


def test_name_resolution_happens_at_the_proxy_and_its_route_table_decides() -> None:
    """Behind an HTTP proxy the proxy resolves the destination and its subnet's route table picks the next hop:
    the client's own S3 endpoint plays no part (article-scenarios.md, 'Why it happens' 3)."""
    s, edge_rtb = _proxy_pair()
    s.b.gateway_endpoint(s.vpc, "s3", [s.private_rtb])  # the client's own endpoint, unused
    a = s.engine().ask("client -> data-here", fixes=False)
    assert a.verdict == "reachable"
    dns = [h for h in a.hops if h.kind == "dns"][-1]
    assert "proxy side" in dns.note
    last_rtb = [h for h in a.hops if h.kind == "route-table"][-1]
    assert last_rtb.id == edge_rtb
    assert "internet-gateway" in kinds(a) and "gateway-endpoint" not in kinds(a)


def test_missing_return_route_blocks_the_leg_to_the_proxy() -> None:
    """Peering needs routes on both sides: without the proxy side's route back, replies are lost."""
    s, edge_rtb = _proxy_pair(return_route=False)
    a = s.engine().ask("client -> data-here", fixes=False)
    assert a.verdict == "blocked" and a.blocked_by is not None
    assert a.blocked_by.code == "NO_RETURN_ROUTE" and a.blocked_by.resource == edge_rtb


def test_security_group_egress_is_checked_on_the_sender() -> None:
    """Security groups are stateful but the sender's egress rules still apply (VPC guide, "Security groups")."""
    s = Small()
    s.b.gateway_endpoint(s.vpc, "s3", [s.private_rtb])
    closed = s.b.security_group(s.vpc, "closed", egress=[tcp(22, "10.0.0.0/8")])
    s.b.instance(s.private, "client", "10.0.1.10", [closed], role_arn=s.role)
    a = s.engine().ask("client -> data-here", fixes=False)
    assert a.blocked_by is not None and a.blocked_by.code == "SG_EGRESS_DENY" and a.blocked_by.resource == closed


def test_network_acl_is_stateless_and_needs_the_return_ports() -> None:
    """Network ACLs are stateless: the reply to the client's ephemeral port needs an inbound allow too."""
    from engine import model as m

    s = Small()
    s.b.gateway_endpoint(s.vpc, "s3", [s.private_rtb])
    acl = s.b.network_acl(s.vpc, "strict", [s.private], [
        m.NetworkAclEntry(rule_number=100, rule_action="allow", egress=True, cidr_block="0.0.0.0/0"),
        m.NetworkAclEntry(rule_number=100, rule_action="allow", egress=False, protocol="6", cidr_block="0.0.0.0/0",
                          port_range=m.PortRange(from_=22, to=22)),
    ])
    s.client()
    a = s.engine().ask("client -> data-here", fixes=False)
    assert a.blocked_by is not None and a.blocked_by.code == "NACL_DENY" and a.blocked_by.resource == acl


def test_blackhole_route_refuses() -> None:
    """A route whose target is gone is a blackhole: traffic is dropped (VPC guide, "Route tables")."""
    s = Small()
    s.b.route(s.private_rtb, "0.0.0.0/0", "nat-0deadbeefdeadbeef0", state="blackhole")
    s.client()
    a = s.engine().ask("client -> data-there", fixes=False)
    assert a.blocked_by is not None and a.blocked_by.code == "BLACKHOLE_ROUTE"


def test_peering_is_not_transitive_for_internet_egress() -> None:
    """A peer's internet gateway cannot be used through peering (edge-to-edge routing is not supported)."""
    s = Small()
    edge = s.b.vpc("edge", REGION, "10.9.0.0/16", ACCOUNT)
    pcx = s.b.peering(s.vpc, edge)
    s.b.route(s.private_rtb, "0.0.0.0/0", pcx)
    s.client()
    a = s.engine().ask("client -> data-there", fixes=False)
    assert a.blocked_by is not None and a.blocked_by.code == "PEERING_NOT_TRANSITIVE"


def test_transit_gateway_carries_the_leg_to_a_proxy_with_return_routes() -> None:
    """Transit gateway: the attachment's associated route table decides, both ways (TGW guide)."""
    s = Small()
    edge = s.b.vpc("edge", REGION, "10.9.0.0/16", ACCOUNT)
    edge_sub = s.b.subnet(edge, "edge-public", "10.9.0.0/24", public=True)
    edge_rtb = s.b.route_table(edge, "edge-rt", [edge_sub])
    s.b.route(edge_rtb, "0.0.0.0/0", s.b.internet_gateway(edge))
    tgw, tgw_rtb = s.b.transit_gateway(REGION, ACCOUNT, "hub")
    a1 = s.b.tgw_attachment(tgw, tgw_rtb, s.vpc, [s.private])
    a2 = s.b.tgw_attachment(tgw, tgw_rtb, edge, [edge_sub])
    s.b.tgw_route(tgw_rtb, "10.0.0.0/16", a1)
    s.b.tgw_route(tgw_rtb, "10.9.0.0/16", a2)
    s.b.route(s.private_rtb, "10.9.0.0/16", tgw)
    s.b.route(edge_rtb, "10.0.0.0/16", tgw)
    psg = s.b.security_group(edge, "proxy", ingress=[tcp(3128, "10.0.0.0/16")])
    s.b.instance(edge_sub, "proxy", "10.9.0.10", [psg], public_ip="203.0.113.10", proxy_ports=[3128])
    s.client(proxy_env={"HTTPS_PROXY": "http://10.9.0.10:3128"})
    a = s.engine().ask("client -> data-there", fixes=False)
    assert a.verdict == "reachable"
    assert kinds(a).count("transit-gateway") == 1 and "proxy" in kinds(a)


def test_go_client_under_cgi_fails_instead_of_going_direct() -> None:
    """Go's httpproxy returns an error for HTTP_PROXY when REQUEST_METHOD is set (CGI): the request fails, it
    does not quietly go direct (golang.org/x/net/http/httpproxy, proxyForURL)."""
    s = Small()
    s.b.gateway_endpoint(s.vpc, "s3", [s.private_rtb])
    s.client(proxy_env={"HTTP_PROXY": "http://10.0.0.5:3128", "REQUEST_METHOD": "GET"})
    a = s.engine().ask("client -> http://data-here.s3.eu-west-1.amazonaws.com/x as go", fixes=False)
    assert a.blocked_by is not None and a.blocked_by.code == "CLIENT_PROXY_ERROR"


def test_botocore_compares_no_proxy_with_the_regional_endpoint_not_the_bucket_host() -> None:
    """botocore checks NO_PROXY once per client against its endpoint (s3.<region>.amazonaws.com), so an entry
    naming the bucket's virtual host does not bypass the proxy for the AWS CLI (botocore endpoint.py)."""
    s, _ = _proxy_pair()
    s.b.items["instances"].pop()
    s.client(proxy_env={"HTTPS_PROXY": "http://proxy.corp.example:3128",
                        "NO_PROXY": "data-here.s3.eu-west-1.amazonaws.com"})
    eng = s.engine()
    assert "proxy" in kinds(eng.ask("client -> data-here", fixes=False))
    assert "proxy" not in kinds(eng.ask("client -> data-here as curl", fixes=False))


def test_transit_gateway_peering_carries_traffic_between_regions() -> None:
    """Across a transit gateway peering attachment, the peer gateway routes again with the table associated
    with its side of the peering (Transit Gateway guide, "Transit gateway peering attachments")."""
    s = Small()
    tgw1, tgw2, _ = s.peered_hubs()
    s.client()
    a = s.engine().ask("can client reach db:5432", fixes=False)
    assert a.verdict == "reachable"
    assert [h.id for h in a.hops if h.kind == "transit-gateway"] == [tgw1, tgw2]


def test_nat_gateway_forwards_by_its_own_subnets_route_table_including_endpoint_routes() -> None:
    """A NAT gateway is inside the VPC and forwards by its subnet's route table (NAT gateway guide, "Route
    tables"): when that table sends S3 to a gateway endpoint, the request arrives through the endpoint with
    the NAT's private address as aws:VpcSourceIp."""
    s = Small()
    nat = s.b.nat_gateway(s.public, "198.51.100.7", "10.0.0.50")
    vpce = s.b.gateway_endpoint(s.vpc, "s3", [s.public_rtb])
    s.b.route(s.private_rtb, "0.0.0.0/0", nat)
    s.client()
    a = s.engine().ask("client -> data-here", fixes=False)
    assert a.verdict == "reachable"
    assert kinds(a)[-4:] == ["nat-gateway", "route-table", "gateway-endpoint", "s3-bucket"]
    assert a.request_context is not None and a.request_context["aws:SourceVpce"] == vpce
    assert a.request_context["aws:VpcSourceIp"] == "10.0.0.50"
