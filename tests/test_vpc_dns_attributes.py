"""The VPC's DNS attributes decide whether its resolver answers, and whether private DNS applies.

VPC user guide, "DNS attributes for your VPC" (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-dns.html):
with ``enableDnsSupport`` false the Amazon-provided DNS server (169.254.169.253, the VPC base + 2) does not
resolve anything; private hosted zones and interface-endpoint private DNS need ``enableDnsSupport`` *and*
``enableDnsHostnames`` (Route 53 developer guide, "Working with private hosted zones"; PrivateLink guide,
"Private DNS"). A snapshot that does not record the attributes (collected before they were read) answers
``unknown`` wherever the answer rests on them, never ``reachable``.
"""

from __future__ import annotations

from tests.scenarios import ACCOUNT, Small


def _public_client(s: Small) -> None:
    s.client(subnet=s.public, ip="10.0.0.10", public_ip="198.51.100.7")


def test_dns_support_off_means_the_resolver_answers_no_name_at_all() -> None:
    """enableDnsSupport=false: even a public S3 name gets no answer from the VPC's resolver, so the request
    never leaves: DNS_NO_ANSWER naming the VPC, not a reachable path through the internet gateway."""
    s = Small()
    _public_client(s)
    s.vpc_dns(support=False, hostnames=False)
    a = s.engine().ask("client -> data-there", fixes=False)
    assert a.verdict == "blocked"
    assert a.blocked_by is not None and a.blocked_by.code == "DNS_NO_ANSWER"
    assert a.blocked_by.resource == s.vpc
    assert "enableDnsSupport" in a.blocked_by.detail
    assert a.hops[-1].kind == "dns" and "switched off" in a.hops[-1].note


def test_same_estate_with_dns_support_on_is_reachable() -> None:
    """The control: with both attributes true the public client reaches the bucket through its internet gateway."""
    s = Small()
    _public_client(s)
    a = s.engine().ask("client -> data-there", fixes=False)
    assert a.verdict == "reachable"
    assert "internet-gateway" in [h.kind for h in a.hops]


def test_private_zone_needs_dns_hostnames_so_the_proxy_name_does_not_resolve() -> None:
    """The proxy's name lives only in a private hosted zone: with enableDnsHostnames false the zone does not
    answer, the name resolves as public DNS has it (nothing private), and the client cannot reach its proxy."""
    s = Small()
    edge, subnet, _ = s.edge_vpc()
    s.proxy(edge, subnet)
    s.b.private_zone("corp.internal", [s.vpc], {"proxy.corp.internal": "10.9.0.10"}, ACCOUNT)
    s.client(proxy_env={"HTTPS_PROXY": "http://proxy.corp.internal:3128"})
    assert s.engine().ask("client -> data-there", fixes=False).verdict == "reachable"
    s.vpc_dns(support=True, hostnames=False)
    a = s.engine().ask("client -> data-there", fixes=False)
    assert a.verdict == "blocked"
    assert a.blocked_by is not None and a.blocked_by.code == "DNS_NO_ANSWER"
    assert any(e.code == "PRIVATE_DNS_NEEDS_HOSTNAMES" for e in a.explanations)


def test_endpoint_private_dns_needs_dns_hostnames_so_the_public_route_is_taken() -> None:
    """An SSM interface endpoint with private DNS: with enableDnsHostnames false its private answer does not
    apply, so the client resolves SSM's public name and its private subnet (no NAT) has no route there."""
    s = Small()
    ep_subnet = s.b.subnet(s.vpc, "endpoints-a", "10.0.5.0/24")
    s.b.interface_endpoint(s.vpc, "ssm", {ep_subnet: "10.0.5.10"}, [s.sg])
    s.client()
    assert s.engine().ask("client -> ssm.eu-west-1.amazonaws.com", fixes=False).verdict == "reachable"
    s.vpc_dns(support=True, hostnames=False)
    a = s.engine().ask("client -> ssm.eu-west-1.amazonaws.com", fixes=False)
    assert a.verdict == "blocked"
    assert a.blocked_by is not None and a.blocked_by.code == "NO_ROUTE"
    assert all(h.kind != "interface-endpoint" for h in a.hops)


def test_snapshot_without_dns_attributes_answers_unknown_not_reachable() -> None:
    """An older snapshot has no attributes: the path that is reachable with them is `unknown` without them,
    with a caveat that names the missing attribute and the VPC."""
    s = Small()
    _public_client(s)
    s.vpc_dns(support=None, hostnames=None)
    a = s.engine().ask("client -> data-there", fixes=False)
    assert a.verdict == "unknown"
    assert any("enableDnsSupport" in c and s.vpc in c for c in a.caveats)


def test_unrecorded_hostnames_matter_only_where_private_dns_would_answer() -> None:
    """enableDnsSupport known true, enableDnsHostnames unrecorded: a name no private zone or endpoint answers
    does not depend on it (reachable); the endpoint's name does (unknown, naming enableDnsHostnames)."""
    s = Small()
    ep_subnet = s.b.subnet(s.vpc, "endpoints-a", "10.0.5.0/24")
    s.b.interface_endpoint(s.vpc, "ssm", {ep_subnet: "10.0.5.10"}, [s.sg])
    _public_client(s)
    s.vpc_dns(support=True, hostnames=None)
    eng = s.engine()
    assert eng.ask("client -> data-there", fixes=False).verdict == "reachable"
    a = eng.ask("client -> ssm.eu-west-1.amazonaws.com", fixes=False)
    assert a.verdict == "unknown"
    assert any("enableDnsHostnames" in c for c in a.caveats)
