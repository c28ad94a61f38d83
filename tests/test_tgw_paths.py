"""Transit gateway and centralised-egress paths of landing-zone estates (issue #10, rules 1, 2, 4 and 7).

Each test builds the estate in code (tests/scenarios.py ``Hub``: a spoke VPC whose default route is the transit
gateway, an egress VPC with attachment subnets in zones a and b, a NAT gateway and an internet gateway) and
cites the AWS page whose rule it encodes.
"""

from __future__ import annotations

from engine import model as m
from engine.estates.builder import tcp
from engine.model import NetworkAclEntry, PortRange
from tests.scenarios import ACCOUNT, REGION, Hub, Small


def kinds(answer) -> list[str]:  # type: ignore[no-untyped-def]
    return [h.kind for h in answer.hops]


def _deny(rule: int, egress: bool, cidr: str, ports: tuple[int, int] | None = None) -> NetworkAclEntry:
    return NetworkAclEntry(rule_number=rule, rule_action="deny", egress=egress, cidr_block=cidr, protocol="6",
                           port_range=PortRange(**{"From": ports[0], "To": ports[1]}) if ports else None)


def _allow_all(egress: bool) -> NetworkAclEntry:
    return NetworkAclEntry(rule_number=200, rule_action="allow", egress=egress, cidr_block="0.0.0.0/0")


# --- rule 4: centralised egress, traced hop by hop ------------------------------------------------------------


def test_central_egress_goes_spoke_tgw_egress_vpc_nat_igw_with_the_nat_public_ip() -> None:
    """Spoke default route → transit gateway → egress VPC attachment subnet → NAT gateway → internet gateway;
    S3 sees the NAT's public address as aws:SourceIp (Transit Gateway guide, "Example: Centralized egress to
    the internet")."""
    s = Hub()
    s.client()
    a = s.engine().ask("client -> data-there", fixes=False)
    assert a.verdict == "reachable", a.caveats
    assert kinds(a) == ["instance", "dns", "route-table", "tgw-attachment", "transit-gateway", "tgw-attachment",
                        "route-table", "nat-gateway", "route-table", "route-table", "internet-gateway",
                        "s3-bucket"]  # the second NAT-subnet table hop is the return route to the spoke
    assert [h.id for h in a.hops if h.kind == "tgw-attachment"] == [s.spoke_att, s.egress_att]
    assert a.request_context is not None and a.request_context["aws:SourceIp"] == "198.51.100.7"


def test_central_egress_without_the_egress_vpc_return_route_is_refused_there() -> None:
    """The egress VPC's NAT subnet must route the spoke's CIDR back to the transit gateway, or replies are
    lost (Transit Gateway guide, "Example: Centralized egress to the internet": routing)."""
    s = Hub()
    routes = s.b._rtbs[s.egress_public_rtb]["routes"]
    routes[:] = [r for r in routes if r.destination_cidr_block != "10.0.0.0/16"]
    s.client()
    a = s.engine().ask("client -> data-there", fixes=False)
    assert a.verdict == "blocked"
    assert a.blocked_by is not None and a.blocked_by.code == "NO_RETURN_ROUTE"
    assert a.blocked_by.resource == s.egress_public_rtb


def test_central_egress_without_a_tgw_return_route_to_the_spoke_is_refused_at_the_tgw_table() -> None:
    """The table associated with the egress attachment decides the way back (Transit Gateway guide, "Transit
    gateway route tables": association)."""
    s = Hub()
    s.b.items["transit_gateway_route_tables"] = [
        t.model_copy(update={"routes": []}) if t.transit_gateway_route_table_id == s.egress_rt else t
        for t in s.b.items["transit_gateway_route_tables"]]
    s.client()
    a = s.engine().ask("client -> data-there", fixes=False)
    assert a.blocked_by is not None and (a.blocked_by.code, a.blocked_by.resource) == ("NO_RETURN_ROUTE", s.egress_rt)


def test_central_egress_spoke_table_without_default_route_is_no_route_at_the_tgw_table() -> None:
    """Traffic from a spoke is routed by the table associated with the spoke's attachment: without a default
    route there, nothing reaches the egress VPC (Transit Gateway guide, "Transit gateway route tables")."""
    s = Hub()
    s.b.items["transit_gateway_route_tables"] = [
        t.model_copy(update={"routes": []}) if t.transit_gateway_route_table_id == s.spoke_rt else t
        for t in s.b.items["transit_gateway_route_tables"]]
    s.client()
    a = s.engine().ask("client -> data-there", fixes=False)
    assert a.blocked_by is not None and (a.blocked_by.code, a.blocked_by.resource) == ("NO_ROUTE", s.spoke_rt)


def test_central_egress_through_a_blackhole_tgw_route_is_refused() -> None:
    """A transit gateway route whose attachment was deleted is a blackhole: packets are dropped (Transit
    Gateway guide, "Transit gateway route tables": blackhole routes)."""
    s = Hub()
    s.b.items["transit_gateway_route_tables"] = [
        t.model_copy(update={"routes": [r.model_copy(update={"state": "blackhole"}) for r in t.routes]})
        if t.transit_gateway_route_table_id == s.spoke_rt else t for t in s.b.items["transit_gateway_route_tables"]]
    s.client()
    a = s.engine().ask("client -> data-there", fixes=False)
    assert a.blocked_by is not None and (a.blocked_by.code, a.blocked_by.resource) == ("BLACKHOLE_ROUTE", s.spoke_rt)


def test_igw_in_the_egress_attachment_table_does_not_carry_a_spokes_private_source() -> None:
    """An internet gateway translates only addresses of its own VPC's interfaces; a spoke's private address
    arriving over the transit gateway needs the NAT gateway (VPC guide, "Enable internet access using internet
    gateways"; TGW guide, centralized egress)."""
    s = Hub()
    routes = s.b._rtbs[s.egress_tgw_rtb]["routes"]
    routes[:] = [r for r in routes if r.destination_cidr_block != "0.0.0.0/0"]
    s.b.route(s.egress_tgw_rtb, "0.0.0.0/0", s.egress_igw)
    s.client()
    a = s.engine().ask("client -> data-there", fixes=False)
    assert a.blocked_by is not None and (a.blocked_by.code, a.blocked_by.resource) == ("NO_ROUTE", s.egress_tgw_rtb)


def test_gateway_endpoint_in_the_egress_attachment_table_does_not_serve_spokes() -> None:
    """A gateway endpoint serves only traffic from its own VPC: not over a transit gateway (VPC guide,
    "Gateway endpoints": limitations)."""
    s = Hub()
    vpce = s.b.gateway_endpoint(s.egress, "s3", [s.egress_tgw_rtb])
    s.client()
    a = s.engine().ask("client -> data-here", fixes=False)
    assert a.blocked_by is not None and a.blocked_by.code == "NO_ROUTE"
    assert a.blocked_by.resource == s.egress_tgw_rtb and vpce in str(a.blocked_by.detail)


def test_gateway_endpoint_in_the_egress_nat_subnet_table_serves_what_the_nat_forwards() -> None:
    """The NAT gateway is an interface of the egress VPC, so its subnet's gateway-endpoint route applies to
    what it forwards, and S3 sees the NAT's private address (VPC guide, "Gateway endpoints for Amazon S3")."""
    s = Hub()
    vpce = s.b.gateway_endpoint(s.egress, "s3", [s.egress_public_rtb])
    s.client()
    a = s.engine().ask("client -> data-here", fixes=False)
    assert a.verdict == "reachable", a.caveats
    assert next(h.id for h in a.hops if h.kind == "gateway-endpoint") == vpce
    assert a.request_context is not None and a.request_context["aws:VpcSourceIp"] == "10.100.1.5"


# --- rule 1: attachments are per Availability Zone ------------------------------------------------------------


def test_subnet_in_a_zone_without_attachment_subnet_cannot_reach_the_tgw() -> None:
    """Traffic is forwarded to the transit gateway only when the attachment has a subnet in the sender's
    Availability Zone ("Amazon VPC attachments in AWS Transit Gateway", Limits)."""
    s = Hub()
    zone_b = s.b.subnet(s.vpc, "private-b", "10.0.2.0/24", az_suffix="b")
    s.b._rtbs[s.private_rtb]["subnets"].append(zone_b)
    s.client(subnet=zone_b, ip="10.0.2.10")
    a = s.engine().ask("client -> data-there", fixes=False)
    assert a.verdict == "blocked"
    assert a.blocked_by is not None and (a.blocked_by.code, a.blocked_by.resource) == \
        ("TGW_NO_ATTACHMENT_IN_AZ", s.spoke_att)
    assert f"{REGION}b" in a.blocked_by.detail


def test_reply_from_a_zone_without_attachment_subnet_is_refused() -> None:
    """The reply leaves the egress VPC from the NAT's zone; without an attachment subnet there it cannot
    reach the transit gateway (same page: the rule holds for every sender)."""
    s = Hub()
    s.b.items["transit_gateway_attachments"] = [
        a.model_copy(update={"subnet_ids": [s.egress_tgw_b]}) if a.transit_gateway_attachment_id == s.egress_att
        else a for a in s.b.items["transit_gateway_attachments"]]
    s.client()
    a = s.engine().ask("client -> data-there", fixes=False)
    # The request leaves the spoke in zone a and lands in zone b (the only zone); the NAT in zone a replies.
    assert a.blocked_by is not None and (a.blocked_by.code, a.blocked_by.resource) == \
        ("TGW_NO_ATTACHMENT_IN_AZ", s.egress_att)


def test_attachment_pending_acceptance_carries_nothing() -> None:
    """A cross-account attachment waits in pendingAcceptance until its owner accepts it, and carries no
    traffic (Transit Gateway guide, "Transit gateway attachment lifecycle")."""
    s = Hub()
    s.b.items["transit_gateway_attachments"] = [
        a.model_copy(update={"state": "pendingAcceptance"}) if a.transit_gateway_attachment_id == s.egress_att
        else a for a in s.b.items["transit_gateway_attachments"]]
    s.client()
    a = s.engine().ask("client -> data-there", fixes=False)
    assert a.blocked_by is not None and (a.blocked_by.code, a.blocked_by.resource) == \
        ("TGW_ATTACHMENT_NOT_AVAILABLE", s.egress_att)


def test_attachment_without_an_associated_route_table_routes_nothing() -> None:
    """Traffic from an attachment is routed by its associated table; an attachment associated with none is
    not routed (Transit Gateway guide, "Transit gateway route tables": associations)."""
    s = Hub()
    s.b.items["transit_gateway_attachments"] = [
        a.model_copy(update={"association": None}) if a.transit_gateway_attachment_id == s.spoke_att
        else a for a in s.b.items["transit_gateway_attachments"]]
    s.client()
    a = s.engine().ask("client -> data-there", fixes=False)
    assert a.blocked_by is not None and (a.blocked_by.code, a.blocked_by.resource) == ("NO_ROUTE", s.spoke_att)


def _spokes_through_inspection(appliance_mode: str | None):  # type: ignore[no-untyped-def]
    """Two spokes whose traffic the TGW sends through an inspection VPC (zones a and b), where an instance
    appliance routes it back; the client is in zone a, the server in zone b."""
    s = Small()
    b = s.b
    spoke_b = b.vpc("spoke-b", REGION, "10.2.0.0/16", ACCOUNT)
    server_sub = b.subnet(spoke_b, "server-b", "10.2.1.0/24", az_suffix="b")
    server_rtb = b.route_table(spoke_b, "server-rt", [server_sub])
    insp = b.vpc("inspection", REGION, "10.50.0.0/16", ACCOUNT)
    insp_a, insp_b = b.subnet(insp, "insp-a", "10.50.0.0/24"), b.subnet(insp, "insp-b", "10.50.1.0/24", az_suffix="b")
    insp_rtb = b.route_table(insp, "insp-rt", [insp_a, insp_b])
    tgw, _ = b.transit_gateway(REGION, ACCOUNT, "hub")
    spokes_rt, insp_rt = b.tgw_route_table(tgw, "spokes"), b.tgw_route_table(tgw, "inspection")
    att_a = b.tgw_attachment(tgw, spokes_rt, s.vpc, [s.private])
    spoke_b_a = b.subnet(spoke_b, "tgw-a", "10.2.9.0/24")
    att_b = b.tgw_attachment(tgw, spokes_rt, spoke_b, [spoke_b_a, server_sub])
    att_i = b.tgw_attachment(tgw, insp_rt, insp, [insp_a, insp_b], appliance_mode=appliance_mode)
    b.tgw_route(spokes_rt, "0.0.0.0/0", att_i)
    b.tgw_route(insp_rt, "10.0.0.0/16", att_a, propagated=True)
    b.tgw_route(insp_rt, "10.2.0.0/16", att_b, propagated=True)
    b.route(s.private_rtb, "10.2.0.0/16", tgw)
    b.route(server_rtb, "10.0.0.0/16", tgw)
    b.route(insp_rtb, "10.0.0.0/8", tgw)  # stands in for the firewall's route back (rule 5 models the firewall)
    sg = b.security_group(spoke_b, "server", ingress=[tcp(443, "10.0.0.0/16")])
    b.instance(server_sub, "server", "10.2.1.10", [sg])
    s.client()
    return s, att_i


def test_flow_crossing_an_inspection_vpc_in_two_zones_without_appliance_mode_is_unknown() -> None:
    """Without appliance mode the gateway keeps each direction in the zone it entered, so a flow between zones
    crosses the inspection VPC in two zones and a stateful appliance sees half of it (Transit Gateway guide,
    "Example: Appliance in a shared services VPC"; Network Firewall guide, "Avoiding asymmetric routing")."""
    s, att_i = _spokes_through_inspection("disable")
    a = s.engine().ask("client -> 10.2.1.10:443", fixes=False)
    assert a.verdict == "unknown"
    assert any("appliance mode" in c and att_i in c for c in a.caveats)


def test_appliance_mode_keeps_the_flow_in_one_zone_of_the_inspection_vpc() -> None:
    """With appliance mode the gateway picks one zone per flow for both directions (same pages)."""
    s, _ = _spokes_through_inspection("enable")
    a = s.engine().ask("client -> 10.2.1.10:443", fixes=False)
    assert a.verdict == "reachable", a.caveats


# --- rule 2: network ACLs at every subnet crossed -------------------------------------------------------------


def test_acl_of_the_spoke_attachment_subnet_judges_the_request_by_its_source() -> None:
    """At the transit gateway's subnet, inbound rules judge traffic from the instances to the gateway by its
    source address ("Network ACLs for transit gateways")."""
    s = Hub()
    acl = s.b.network_acl(s.vpc, "tgw-acl", [s.spoke_tgw_subnet],
                          [_deny(100, False, "10.0.1.0/24"), _allow_all(False), _allow_all(True)])
    s.client()
    a = s.engine().ask("client -> data-there", fixes=False)
    assert a.blocked_by is not None and (a.blocked_by.code, a.blocked_by.resource) == ("NACL_DENY", acl)


def test_acl_of_the_egress_attachment_subnet_judges_what_leaves_the_gateway_by_destination() -> None:
    """Outbound rules of the gateway's subnet judge traffic from the gateway into the VPC by its destination
    ("Network ACLs for transit gateways")."""
    s = Hub()
    acl = s.b.network_acl(s.egress, "egress-tgw-acl", [s.egress_tgw_a, s.egress_tgw_b],
                          [_deny(100, True, "0.0.0.0/0", (443, 443)), _allow_all(False), _allow_all(True)])
    s.client()
    a = s.engine().ask("client -> data-there", fixes=False)
    assert a.blocked_by is not None and (a.blocked_by.code, a.blocked_by.resource) == ("NACL_DENY", acl)


def test_acl_of_the_nat_subnet_must_admit_the_reply_on_ephemeral_ports() -> None:
    """Network ACLs are stateless: the reply to the NAT gateway arrives on its ephemeral ports and needs its own
    inbound allow in the NAT's subnet (VPC guide, "Network ACLs": ephemeral ports; "NAT gateways")."""
    s = Small()
    nat = s.b.nat_gateway(s.public, "198.51.100.7", "10.0.0.50")
    s.b.route(s.private_rtb, "0.0.0.0/0", nat)
    acl = s.b.network_acl(s.vpc, "public-acl", [s.public],
                          [_deny(100, False, "0.0.0.0/0", (1024, 65535)), _allow_all(False), _allow_all(True)])
    s.client()
    a = s.engine().ask("client -> data-there", fixes=False)
    assert a.blocked_by is not None and (a.blocked_by.code, a.blocked_by.resource) == ("NACL_DENY", acl)
    assert "inbound" in a.blocked_by.detail or "ingress" in a.blocked_by.detail.lower()


def test_acl_of_the_nat_subnet_judges_the_client_as_source_of_the_request() -> None:
    """What enters the NAT's subnet from the client is judged by the client's address (VPC guide, "Network
    ACLs"): a deny of the client's subnet there blocks its internet egress."""
    s = Small()
    nat = s.b.nat_gateway(s.public, "198.51.100.7", "10.0.0.50")
    s.b.route(s.private_rtb, "0.0.0.0/0", nat)
    acl = s.b.network_acl(s.vpc, "public-acl", [s.public],
                          [_deny(100, False, "10.0.1.0/24"), _allow_all(False), _allow_all(True)])
    s.client()
    a = s.engine().ask("client -> data-there", fixes=False)
    assert a.blocked_by is not None and (a.blocked_by.code, a.blocked_by.resource) == ("NACL_DENY", acl)


def test_acl_of_the_interface_endpoint_subnet_judges_both_ways() -> None:
    """An interface endpoint's network interfaces sit in a subnet whose ACL judges the request and the reply
    (PrivateLink guide, "Interface endpoints": network ACLs of the endpoint subnet)."""
    s = Small()
    ep_sub = s.b.subnet(s.vpc, "endpoints", "10.0.5.0/24")
    ep_sg = s.b.security_group(s.vpc, "endpoint", ingress=[tcp(443, "10.0.0.0/16")])
    s.b.interface_endpoint(s.vpc, "s3", {ep_sub: "10.0.5.10"}, [ep_sg], private_dns=True)
    acl = s.b.network_acl(s.vpc, "endpoint-acl", [ep_sub],
                          [_deny(100, True, "10.0.1.0/24", (1024, 65535)), _allow_all(False), _allow_all(True)])
    s.client()
    a = s.engine().ask("client -> data-here", fixes=False)
    assert a.blocked_by is not None and (a.blocked_by.code, a.blocked_by.resource) == ("NACL_DENY", acl)


# --- rule 7: prefix lists, route priority -----------------------------------------------------------------------


def test_route_to_a_shared_prefix_list_whose_entries_were_not_collected_is_unknown() -> None:
    """A route may name a customer-managed prefix list shared through RAM by another account; without its
    entries the route might match and win, so the answer cannot be reachable (VPC guide, "Managed prefix
    lists": shared prefix lists; "Route priority": prefix-list routes)."""
    s = Small()
    nat = s.b.nat_gateway(s.public, "198.51.100.7", "10.0.0.50")
    s.b.route(s.private_rtb, "0.0.0.0/0", nat)
    pl = s.b.prefix_list("corp-inspection", REGION, [], "999988887777", collected=False)
    s.b.route(s.private_rtb, pl, s.igw)
    s.client()
    a = s.engine().ask("client -> data-there", fixes=False)
    assert a.verdict == "unknown"
    assert any("not collected" in c and pl in c for c in a.caveats)


def test_tgw_static_route_beats_a_propagated_route_for_the_same_cidr() -> None:
    """On the same destination, a static transit gateway route beats a propagated one (Transit Gateway guide,
    "How transit gateways work": route evaluation order)."""
    s = Hub()
    s.b.tgw_route(s.spoke_rt, "0.0.0.0/0", s.spoke_att, propagated=True)
    s.client()
    a = s.engine().ask("client -> data-there", fixes=False)
    assert a.verdict == "reachable", a.caveats
    note = next(h for h in a.hops if h.kind == "transit-gateway").note
    assert note.split("; admitted by")[0].endswith(s.egress_att)  # the rules that admitted the hop follow


def test_tgw_prefix_list_reference_route_matches_by_its_entries() -> None:
    """A transit gateway route table may reference a prefix list; its entries are the destinations, and a
    more specific entry beats the default route (Transit Gateway guide, "Prefix list references")."""
    s = Hub()
    pl = s.b.prefix_list("blocked-ranges", REGION, ["0.0.0.0/1", "128.0.0.0/1"], ACCOUNT)
    s.b.tgw_route(s.spoke_rt, pl, None, state="blackhole")
    s.client()
    a = s.engine().ask("client -> 52.94.10.10:443", fixes=False)
    assert a.blocked_by is not None and (a.blocked_by.code, a.blocked_by.resource) == ("BLACKHOLE_ROUTE", s.spoke_rt)


# --- fixes, proven by re-trace ----------------------------------------------------------------------------------


def test_fix_for_a_missing_zone_adds_the_subnet_to_the_attachment_and_is_verified() -> None:
    """modify-transit-gateway-vpc-attachment --add-subnet-ids gives the attachment the zone it lacks; the fix
    is verified by re-tracing the question over the patched estate."""
    s = Hub()
    zone_b = s.b.subnet(s.vpc, "private-b", "10.0.2.0/24", az_suffix="b")
    s.b._rtbs[s.private_rtb]["subnets"].append(zone_b)
    s.client(subnet=zone_b, ip="10.0.2.10")
    a = s.engine().ask("client -> data-there")
    fix = next(f for f in a.fixes if f.kind == "tgw_attachment")
    assert fix.verified and fix.change == {"attachment": s.spoke_att, "subnet": zone_b}
    assert "modify-transit-gateway-vpc-attachment" in fix.command and f"--add-subnet-ids {zone_b}" in fix.command


def test_fix_for_an_attachment_subnet_acl_adds_an_allow_entry_before_the_deny() -> None:
    """create-network-acl-entry with a rule number below the denying entry: first match wins (VPC guide,
    "Network ACL rules")."""
    s = Hub()
    acl = s.b.network_acl(s.vpc, "tgw-acl", [s.spoke_tgw_subnet],
                          [_deny(100, False, "10.0.1.0/24"), _allow_all(False), _allow_all(True)])
    s.client()
    a = s.engine().ask("client -> data-there")
    fix = next(f for f in a.fixes if f.kind == "network_acl")
    assert fix.verified
    assert fix.change["network_acl"] == acl and fix.change["rule_number"] == 99 and not fix.change["egress"]
    assert fix.change["cidr"] == "10.0.1.10/32" and "create-network-acl-entry" in fix.command


def test_fix_for_a_missing_tgw_return_route_adds_the_spoke_cidr_to_the_egress_table() -> None:
    """create-transit-gateway-route in the table associated with the egress attachment, towards the spoke's
    attachment; verified by re-trace."""
    s = Hub()
    s.b.items["transit_gateway_route_tables"] = [
        t.model_copy(update={"routes": []}) if t.transit_gateway_route_table_id == s.egress_rt else t
        for t in s.b.items["transit_gateway_route_tables"]]
    s.client()
    a = s.engine().ask("client -> data-there")
    fix = next(f for f in a.fixes if f.change.get("action") == "add_tgw_route")
    assert fix.verified and fix.change["destination"] == "10.0.0.0/16" and fix.change["attachment"] == s.spoke_att


def test_fix_for_a_missing_egress_vpc_return_route_points_the_spoke_cidr_at_the_tgw() -> None:
    """The egress VPC's NAT subnet table needs the spoke's CIDR → transit gateway (TGW guide, centralized
    egress); verified by re-trace."""
    s = Hub()
    routes = s.b._rtbs[s.egress_public_rtb]["routes"]
    routes[:] = [r for r in routes if r.destination_cidr_block != "10.0.0.0/16"]
    s.client()
    a = s.engine().ask("client -> data-there")
    fix = next(f for f in a.fixes if f.change.get("transit_gateway"))
    assert fix.verified and fix.change["route_table"] == s.egress_public_rtb
    assert fix.change["destination"] == "10.0.0.0/16" and fix.change["transit_gateway"] == s.tgw


def test_new_fix_kinds_are_read_back_from_their_json() -> None:
    """A fixes[] entry of the JSON answer names its change completely: reading it back gives the same change."""
    from engine.patch import change_from_json

    s = Hub()
    zone_b = s.b.subnet(s.vpc, "private-b", "10.0.2.0/24", az_suffix="b")
    s.b._rtbs[s.private_rtb]["subnets"].append(zone_b)
    s.b.network_acl(s.egress, "egress-tgw-acl", [s.egress_tgw_a, s.egress_tgw_b],
                    [_deny(100, True, "0.0.0.0/0", (443, 443)), _allow_all(False), _allow_all(True)])
    s.client(subnet=zone_b, ip="10.0.2.10")
    eng = s.engine()
    fixes = eng.ask("client -> data-there").fixes
    assert {f.kind for f in fixes} >= {"tgw_attachment"}
    for fix in fixes:
        if fix.kind in ("tgw_attachment", "network_acl") or fix.change.get("action") == "add_tgw_route":
            assert change_from_json(fix.kind, fix.change).change == fix.change


def test_attachment_subnet_table_that_sends_the_vpcs_own_address_to_an_appliance_decides() -> None:
    """What the gateway hands into a VPC is routed by the attachment subnet's table; a more specific route there
    (ingress inspection) sends it to the appliance, which the snapshot cannot see: unknown, never reachable
    ("Amazon VPC attachments in AWS Transit Gateway": attachment subnets' route tables)."""
    s, _ = _spokes_through_inspection("enable")
    spoke_b = next(v.vpc_id for v in s.b.build().vpcs if v.cidr_block == "10.2.0.0/16")
    tgw_sub = next(sn.subnet_id for sn in s.b.build().subnets if sn.cidr_block == "10.2.9.0/24")
    eni_sub = s.b.subnet(spoke_b, "appliance", "10.2.7.0/24")
    appliance = s.b.instance(eni_sub, "appliance", "10.2.7.10", [])
    rtb = s.b.route_table(spoke_b, "tgw-rt", [tgw_sub])
    s.b.route(rtb, "10.2.1.0/24", appliance)
    a = s.engine().ask("client -> tcp://10.2.1.10:443", fixes=False)
    assert a.verdict == "unknown" and any("appliance" in c for c in a.caveats)


def _central_egress_through_inspection(appliance_mode: str):  # type: ignore[no-untyped-def]
    """Hub, with an inspection VPC (zones a and b) between the spokes and the egress VPC: spoke table 0/0 →
    inspection, inspection table 0/0 → egress and 10.0.0.0/16 → spoke, egress table 10.0.0.0/16 → inspection.
    The client sits in zone b; the NAT gateway is in zone a."""
    s = Hub()
    b = s.b
    spoke_b = b.subnet(s.vpc, "tgw-b", "10.0.8.0/24", az_suffix="b")
    b.items["transit_gateway_attachments"] = [
        a.model_copy(update={"subnet_ids": [*a.subnet_ids, spoke_b]}) if a.transit_gateway_attachment_id == s.spoke_att
        else a for a in b.items["transit_gateway_attachments"]]
    zone_b = b.subnet(s.vpc, "private-b", "10.0.2.0/24", az_suffix="b")
    b._rtbs[s.private_rtb]["subnets"].append(zone_b)
    insp = b.vpc("inspection", REGION, "10.50.0.0/16", ACCOUNT)
    insp_a, insp_b = b.subnet(insp, "insp-a", "10.50.0.0/24"), b.subnet(insp, "insp-b", "10.50.1.0/24", az_suffix="b")
    insp_rtb = b.route_table(insp, "insp-rt", [insp_a, insp_b])
    b.route(insp_rtb, "0.0.0.0/0", s.tgw)  # stands in for the firewall's route back to the gateway
    insp_rt = b.tgw_route_table(s.tgw, "inspection")
    att_i = b.tgw_attachment(s.tgw, insp_rt, insp, [insp_a, insp_b], appliance_mode=appliance_mode)
    tables = b.items["transit_gateway_route_tables"]
    for i, t in enumerate(tables):
        if t.transit_gateway_route_table_id in (s.spoke_rt, s.egress_rt):
            tables[i] = t.model_copy(update={"routes": []})
    b.tgw_route(s.spoke_rt, "0.0.0.0/0", att_i)
    b.tgw_route(s.egress_rt, "10.0.0.0/16", att_i)
    b.tgw_route(insp_rt, "0.0.0.0/0", s.egress_att)
    b.tgw_route(insp_rt, "10.0.0.0/16", s.spoke_att)
    s.client(subnet=zone_b, ip="10.0.2.10")
    return s, att_i


def test_central_egress_through_an_inspection_vpc_in_two_zones_without_appliance_mode_is_unknown() -> None:
    """Spoke in zone b, NAT in zone a: the request crosses the inspection VPC in zone b and the reply in zone a
    unless appliance mode pins the flow to one zone (Transit Gateway guide, "Example: Appliance in a shared
    services VPC"; Network Firewall guide, "Avoiding asymmetric routing")."""
    s, att_i = _central_egress_through_inspection("disable")
    a = s.engine().ask("client -> data-there", fixes=False)
    assert a.verdict == "unknown"
    assert any("appliance mode" in c and att_i in c for c in a.caveats)
    assert "nat-gateway" in kinds(a)  # the walk went on through the inspection VPC to the egress VPC


def test_central_egress_through_an_inspection_vpc_with_appliance_mode_is_traced_to_the_bucket() -> None:
    """With appliance mode both directions cross the inspection VPC in one zone (same pages)."""
    s, _ = _central_egress_through_inspection("enable")
    a = s.engine().ask("client -> data-there", fixes=False)
    assert a.verdict == "reachable", a.caveats
    assert [h.kind for h in a.hops].count("tgw-attachment") == 4


def test_security_group_rule_naming_an_uncollected_shared_prefix_list_makes_a_denial_unknown() -> None:
    """A security group rule may reference a customer-managed prefix list shared through RAM; without its
    entries the rule might admit the flow, so 'blocked' would be a guess (VPC guide, "Managed prefix lists":
    reference prefix lists in your AWS resources)."""
    s = Small()
    pl = s.b.prefix_list("corp-proxies", REGION, [], "999988887777", collected=False)
    edge, subnet, _ = s.edge_vpc()
    proxy_sg = s.b.security_group(edge, "proxy", ingress=[])
    s.b.items["security_groups"] = [
        g.model_copy(update={"ip_permissions": [tcp(3128).model_copy(
            update={"prefix_list_ids": [m.PrefixListIdRef(prefix_list_id=pl)]})]}) if g.group_id == proxy_sg else g
        for g in s.b.items["security_groups"]]
    s.b.instance(subnet, "proxy", "10.9.0.10", [proxy_sg], public_ip="203.0.113.10", proxy_ports=[3128])
    s.client(proxy_env={"HTTPS_PROXY": "http://10.9.0.10:3128"})
    a = s.engine().ask("client -> data-there", fixes=False)
    assert a.verdict == "unknown" and a.blocked_by is None
    assert any(pl in c and proxy_sg in c for c in a.caveats)


def test_tgw_peering_attachment_pending_acceptance_carries_nothing() -> None:
    """A transit gateway peering attachment must be accepted by the peer before it carries traffic (Transit
    Gateway guide, "Transit gateway peering attachments": pendingAcceptance)."""
    s = Small()
    _, _, p1 = s.peered_hubs(peering_state="pendingAcceptance")
    s.client()
    a = s.engine().ask("can client reach db:5432", fixes=False)
    assert a.blocked_by is not None and (a.blocked_by.code, a.blocked_by.resource) == \
        ("TGW_ATTACHMENT_NOT_AVAILABLE", p1)


def _far_vpc_with_acl():  # type: ignore[no-untyped-def]
    """The main VPC and a far VPC joined by a transit gateway; the far attachment's only subnet holds server-1,
    another far subnet holds server-2, and both subnets' ACL denies HTTPS from the main VPC inbound."""
    s = Small()
    b = s.b
    far = b.vpc("far", REGION, "10.7.0.0/16", ACCOUNT)
    att_sub, other = b.subnet(far, "far-tgw", "10.7.0.0/24"), b.subnet(far, "far-app", "10.7.1.0/24")
    far_rtb = b.route_table(far, "far-rt", [att_sub, other])
    tgw, rt = b.transit_gateway(REGION, ACCOUNT, "hub")
    b.tgw_route(rt, "10.0.0.0/16", b.tgw_attachment(tgw, rt, s.vpc, [s.private]))
    b.tgw_route(rt, "10.7.0.0/16", b.tgw_attachment(tgw, rt, far, [att_sub]))
    b.route(s.private_rtb, "10.7.0.0/16", tgw)
    b.route(far_rtb, "10.0.0.0/16", tgw)
    acl = b.network_acl(far, "far-acl", [att_sub, other],
                        [_deny(90, False, "10.0.0.0/16", (443, 443)), _allow_all(False), _allow_all(True)])
    sg = b.security_group(far, "servers", ingress=[tcp(443, "10.0.0.0/16")])
    b.instance(att_sub, "server-1", "10.7.0.10", [sg])
    b.instance(other, "server-2", "10.7.1.10", [sg])
    s.client()
    return s, acl


def test_gateway_handing_a_packet_to_an_instance_of_its_own_subnet_is_judged_by_no_acl() -> None:
    """When the instance shares the attachment subnet, neither inbound nor outbound rules judge what the
    gateway hands it ("Network ACLs for transit gateways": same subnet)."""
    s, _ = _far_vpc_with_acl()
    a = s.engine().ask("can client reach server-1:443", fixes=False)
    assert a.verdict == "reachable", (a.blocked_by, a.caveats)


def test_gateway_handing_a_packet_to_another_subnet_meets_that_subnets_inbound_acl() -> None:
    """Instances in another subnet than the attachment's: that subnet's inbound rules judge the packet by its
    source ("Network ACLs for transit gateways": different subnets)."""
    s, acl = _far_vpc_with_acl()
    a = s.engine().ask("can client reach server-2:443", fixes=False)
    assert a.blocked_by is not None and (a.blocked_by.code, a.blocked_by.resource) == ("NACL_DENY", acl)
