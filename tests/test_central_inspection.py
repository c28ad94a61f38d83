"""Centralised inspection and egress: the egress VPC's attachment subnets route to a Network Firewall endpoint,
whose subnet routes on to the NAT gateway; the NAT subnet routes the spokes back through the same endpoint.

Network Firewall developer guide, "Architectures" (centralized deployment model with a transit gateway:
https://docs.aws.amazon.com/network-firewall/latest/developerguide/arch-two-zone-igw.html and the TGW
variants); Transit Gateway guide, "Example: Centralized egress to the internet". The firewall sees the
spoke's own address (before the NAT) and the name the client asks for.
"""

from __future__ import annotations

from engine.codes import Code
from tests.scenarios import ACCOUNT, REGION, Hub

THERE = "data-there.s3.eu-central-1.amazonaws.com"


def _inspected_hub(domains: list[str], symmetric: bool = True) -> tuple[Hub, str]:
    s = Hub()
    b = s.b
    fw_subnet = b.subnet(s.egress, "egress-firewall-a", "10.100.2.0/24")
    fw_rtb = b.route_table(s.egress, "egress-firewall-rt", [fw_subnet])
    allow = b.firewall_rule_group("egress-allow", REGION, ACCOUNT, domains=domains, home_net=["10.0.0.0/8"])
    arn = b.firewall_policy("egress", REGION, ACCOUNT, stateful=[allow], strict=True,
                            stateful_default=["aws:drop_established"])
    endpoint = b.network_firewall(s.egress, "egress-fw", arn, {fw_subnet: "10.100.2.5"})[f"{REGION}a"]
    b.route(fw_rtb, "0.0.0.0/0", s.nat)
    b.route(fw_rtb, "10.0.0.0/16", s.tgw)
    routes = b._rtbs[s.egress_tgw_rtb]["routes"]  # the attachment subnets now send the internet to the firewall
    routes[:] = [r for r in routes if r.destination_cidr_block != "0.0.0.0/0"]
    b.route(s.egress_tgw_rtb, "0.0.0.0/0", endpoint)
    public = b._rtbs[s.egress_public_rtb]["routes"]
    if symmetric:  # the NAT subnet sends the spoke's replies through the firewall as well
        public[:] = [r for r in public if r.destination_cidr_block != "10.0.0.0/16"]
        b.route(s.egress_public_rtb, "10.0.0.0/16", endpoint)
    s.client()
    return s, endpoint


def test_attachment_table_to_a_firewall_endpoint_evaluates_the_firewall_then_the_nat() -> None:
    """Allowed name: spoke → TGW → egress attachment subnet → firewall → NAT → internet gateway: reachable,
    not 'appliance not visible'."""
    s, endpoint = _inspected_hub([".amazonaws.com"])
    a = s.engine().ask("client -> data-there", fixes=False)
    assert a.verdict == "reachable", a.caveats
    kinds = [h.kind for h in a.hops]
    assert kinds.index("transit-gateway") < kinds.index("network-firewall") < kinds.index("nat-gateway") \
        < kinds.index("internet-gateway")
    assert next(h for h in a.hops if h.kind == "network-firewall").id == endpoint


def test_attachment_table_to_a_firewall_endpoint_refuses_a_name_off_the_allow_list() -> None:
    """A name outside the allow list is dropped at the firewall: FIREWALL_DENY naming the rule group."""
    s, _ = _inspected_hub(["example.org"])
    a = s.engine().ask("client -> data-there", fixes=False)
    assert a.verdict == "blocked" and a.blocked_by is not None
    assert (a.blocked_by.code, a.blocked_by.resource) == ("FIREWALL_DENY", "egress-allow")


def test_reply_from_the_nat_that_skips_the_firewall_is_unknown() -> None:
    """The NAT subnet returning the spoke's traffic straight to the transit gateway bypasses the stateful
    firewall the request crossed: unknown (FIREWALL_ASYMMETRIC), never reachable."""
    s, _ = _inspected_hub([".amazonaws.com"], symmetric=False)
    eng = s.engine()
    a = eng.ask("client -> data-there", fixes=False)
    assert a.verdict == "unknown"
    assert any(c.code is Code.FIREWALL_ASYMMETRIC for c in eng.trace(eng.parse("client -> data-there")).caveats)
