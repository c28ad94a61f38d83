"""Each hop names the rules that admitted it, not only the one that refused: the security group rule, the network
ACL entry and the route, as words in the hop's note and as data in the JSON answer's ``admitted_by``.

Security groups are allow-only and stateful (VPC user guide, "Security group rules"); network ACL entries are
judged in rule-number order, request and reply apart (VPC user guide, "Network ACL rules"); a route's origin says
whether it came with the table (local), from CreateRoute (static) or from route propagation (EC2 API reference,
"Route": Origin).
"""

from __future__ import annotations

from typing import Any

import pytest

from engine import Engine, load_bundled
from engine import model as m
from engine.answer import Answer, Hop
from engine.estates.article import CASES
from engine.estates.builder import allow_all, tcp
from engine.wording import CATALOGS
from tests.scenarios import ACCOUNT, Hub, Small


def _rules(hop: Hop, kind: str) -> list[dict[str, Any]]:
    return [r for r in hop.admitted_by if r["kind"] == kind]


def _hop(answer: Answer, kind: str, ident: str | None = None) -> Hop:
    return next(h for h in answer.hops if h.kind == kind and (ident is None or h.id == ident))


def _database(s: Small, ingress: list[m.IpPermission]) -> tuple[str, str]:
    """A database at 10.0.0.20 in the public subnet; (its instance id, its security group)."""
    sg = s.b.security_group(s.vpc, "db", ingress=ingress)
    return s.b.instance(s.public, "db", "10.0.0.20", [sg]), sg


def test_ingress_rule_naming_the_clients_group_admits_the_database_hop() -> None:
    """A rule may name a security group instead of a CIDR: it admits traffic from ENIs in that group."""
    s = Small()
    db, db_sg = _database(s, [tcp(5432, groups=[s.sg])])
    s.client()
    a = s.engine().ask("can client reach db:5432", fixes=False)
    assert a.verdict == "reachable"
    hop = _hop(a, "instance", db)
    [rule] = _rules(hop, "security-group-rule")
    assert rule == {"kind": "security-group-rule", "resource": db_sg, "direction": "ingress", "protocol": "tcp",
                    "from_port": 5432, "to_port": 5432, "cidrs": [], "groups": [s.sg], "prefix_lists": []}
    assert f"{db_sg} inbound rule tcp 5432 from {s.sg}" in hop.note


def test_egress_rule_naming_a_prefix_list_is_the_admitting_rule() -> None:
    """A rule may name a managed prefix list; an address inside one of its CIDRs matches it ("Managed prefix
    lists": reference prefix lists in your AWS resources)."""
    s = Small()
    pl = s.b.prefix_list("databases", s.b._vpc[s.vpc]["region"], ["10.0.0.0/24"], ACCOUNT)
    to_pl = m.IpPermission(ip_protocol="tcp", from_port=5432, to_port=5432,
                           prefix_list_ids=[m.PrefixListIdRef(prefix_list_id=pl)])
    client_sg = s.b.security_group(s.vpc, "pl-clients", egress=[to_pl])
    s.b.instance(s.private, "client", "10.0.1.10", [client_sg])
    _database(s, [tcp(5432, "10.0.1.0/24")])
    a = s.engine().ask("can client reach db:5432", fixes=False)
    assert a.verdict == "reachable"
    first_route = _hop(a, "route-table")
    [rule] = _rules(first_route, "security-group-rule")
    assert (rule["resource"], rule["direction"], rule["prefix_lists"]) == (client_sg, "egress", [pl])
    assert f"{client_sg} outbound rule tcp 5432 to {pl}" in first_route.note


def test_network_acl_allow_entries_are_named_by_rule_number_for_request_and_reply() -> None:
    """The first matching entry by number decides; the reply to the client's ephemeral port is judged apart."""
    s = Small()
    s.b.gateway_endpoint(s.vpc, "s3", [s.private_rtb])
    acl = s.b.network_acl(s.vpc, "strict", [s.private], [
        m.NetworkAclEntry(rule_number=90, rule_action="deny", egress=True, protocol="6", cidr_block="10.99.0.0/16"),
        m.NetworkAclEntry(rule_number=110, rule_action="allow", egress=True, protocol="6", cidr_block="0.0.0.0/0",
                          port_range=m.PortRange(from_=443, to=443)),
        m.NetworkAclEntry(rule_number=120, rule_action="allow", egress=False, protocol="6", cidr_block="0.0.0.0/0",
                          port_range=m.PortRange(from_=1024, to=65535)),
    ])
    s.client()
    a = s.engine().ask("client -> data-here", fixes=False)
    assert a.verdict == "reachable"
    entries = _rules(_hop(a, "route-table"), "network-acl-entry")
    assert [(e["resource"], e["rule_number"], e["action"], e["direction"], e["packet"]) for e in entries] == [
        (acl, 110, "allow", "egress", "request"), (acl, 120, "allow", "ingress", "reply")]
    assert (entries[0]["protocol"], entries[0]["from_port"], entries[0]["to_port"]) == ("tcp", 443, 443)
    note = _hop(a, "route-table").note
    assert f"{acl} outbound rule 110 allow tcp 443 0.0.0.0/0" in note
    assert f"{acl} inbound rule 120 allow tcp 1024-65535 0.0.0.0/0 (for the reply)" in note


def test_route_table_hop_names_a_propagated_route_with_its_origin() -> None:
    """A default route learnt over BGP from a virtual private gateway is propagated, not static."""
    s = Small()
    vgw = "vgw-0123456789abcdef0"
    s.b.route(s.private_rtb, "0.0.0.0/0", vgw, origin="EnableVgwRoutePropagation")
    s.client()
    a = s.engine().ask("client -> data-there", fixes=False)
    hop = _hop(a, "route-table", s.private_rtb)
    [route] = _rules(hop, "route")
    assert route == {"kind": "route", "resource": s.private_rtb, "destination": "0.0.0.0/0", "target": vgw,
                     "origin": "EnableVgwRoutePropagation", "how": "propagated", "state": "active"}
    assert "propagated" in hop.note


def test_local_and_static_routes_are_told_apart() -> None:
    """The VPC's local route comes with the table (CreateRouteTable); an internet route is a static CreateRoute."""
    s = Small()
    _database(s, [tcp(5432, "10.0.1.0/24")])
    s.client()
    s.b.instance(s.public, "web", "10.0.0.30", [s.sg], public_ip="198.51.100.30")
    eng = s.engine()
    inside = eng.ask("can client reach db:5432", fixes=False)
    assert {r["how"] for h in inside.hops for r in _rules(h, "route")} == {"local"}
    out = eng.ask("web -> data-there", fixes=False)
    [route] = _rules(_hop(out, "route-table", s.public_rtb), "route")
    assert (route["destination"], route["target"], route["how"]) == ("0.0.0.0/0", s.igw, "static")


def test_admitted_rules_go_to_the_hop_the_packet_arrives_at_not_the_return_route() -> None:
    """The destination's inbound filters admit the destination hop; a return route's hop carries only its route."""
    s = Small()
    db, db_sg = _database(s, [tcp(5432, "10.0.1.0/24")])
    s.client()
    a = s.engine().ask("can client reach db:5432", fixes=False)
    returns = [h for h in a.hops if h.kind == "route-table" and h.note.startswith("return path")]
    assert returns and all({r["kind"] for r in h.admitted_by} == {"route"} for h in returns)
    assert _rules(_hop(a, "instance", db), "security-group-rule")[0]["resource"] == db_sg


def test_refused_flow_names_the_refusal_and_no_admission_for_it() -> None:
    """A refusal is the answer's blocked_by; no hop claims to have been admitted by the refusing filter."""
    s = Small()
    closed = s.b.security_group(s.vpc, "closed", egress=[allow_all(cidr="192.0.2.0/24")])
    s.b.instance(s.private, "client", "10.0.1.10", [closed])
    _database(s, [tcp(5432, "10.0.1.0/24")])
    a = s.engine().ask("can client reach db:5432", fixes=False)
    assert a.blocked_by is not None and a.blocked_by.code == "SG_EGRESS_DENY"
    assert not any(r["resource"] == closed for h in a.hops for r in h.admitted_by)


def test_bundled_case3_proxy_hop_is_admitted_by_the_proxy_security_group_rule() -> None:
    """Article case 3: the client reaches its proxy on 3128, admitted by the proxy's inbound rule."""
    eng = Engine(load_bundled(), "bundled")
    _, client, bucket = CASES[2]
    a = eng.ask(f"why can {client} not reach bucket {bucket}", fixes=False)
    proxy = _hop(a, "proxy")
    [rule] = _rules(proxy, "security-group-rule")
    assert (rule["direction"], rule["protocol"], rule["from_port"]) == ("ingress", "tcp", 3128)
    assert any(r["packet"] == "reply" for r in _rules(proxy, "network-acl-entry"))
    hop_json = a.to_json_dict()["hops"][[h.kind for h in a.hops].index("proxy")]
    assert hop_json["admitted_by"] == proxy.admitted_by and hop_json["vpc"] and hop_json["account"]


def test_each_hop_inside_a_vpc_names_its_vpc_and_account() -> None:
    """Layout facts for drawings: instances, route tables and endpoints sit in a VPC of an account."""
    s = Small()
    s.b.gateway_endpoint(s.vpc, "s3", [s.private_rtb])
    s.client()
    a = s.engine().ask("client -> data-here", fixes=False)
    inside = [h for h in a.hops if h.kind in ("instance", "route-table", "gateway-endpoint")]
    assert len(inside) == 3 and all((h.vpc, h.account) == (s.vpc, ACCOUNT) for h in inside)
    bucket = _hop(a, "s3-bucket")
    assert (bucket.vpc, bucket.account) == (None, ACCOUNT)


@pytest.mark.parametrize("lang", sorted(CATALOGS))
def test_admitted_by_templates_are_plain_strings_in_every_catalog(lang: str) -> None:
    """They are applied with str.format_map over ids, numbers and CIDRs (the warm-answer hot path)."""
    hops = CATALOGS[lang].hops
    keys = [k for k in hops if k.startswith("admitted-")]
    assert len(keys) == 7 and all(isinstance(hops[k], str) for k in keys)


def test_transit_gateway_hop_names_its_route_static_or_propagated() -> None:
    """A transit gateway route table's routes are static or propagated from an attachment (Transit Gateway
    guide, "Route tables"); the longest prefix wins whatever its type."""
    s = Hub()
    s.client()
    static = s.engine().ask("client -> data-there", fixes=False)
    [route] = _rules(_hop(static, "transit-gateway"), "route")
    assert route == {"kind": "route", "resource": s.spoke_rt, "destination": "0.0.0.0/0", "target": s.egress_att,
                     "origin": "static", "how": "static", "state": "active"}
    s.b.tgw_route(s.spoke_rt, "10.100.0.0/16", s.egress_att, propagated=True)  # the egress VPC's own CIDR
    hop = _hop(s.engine().ask("can client reach 10.100.1.5:443", fixes=False), "transit-gateway")
    [route] = _rules(hop, "route")
    assert (route["how"], route["destination"], route["target"]) == ("propagated", "10.100.0.0/16", s.egress_att)
    assert "propagated route" in hop.note


def test_cached_words_of_a_rule_serve_only_that_very_rule_object() -> None:
    """The cache is keyed by the rule object's id; an entry left by another object under the same id (ids are
    reused once an object is gone) is not taken for this rule."""
    from engine.engine import _admission
    from engine.filters import FilterResult
    from engine.wording import EN

    eng = Engine(load_bundled(), "bundled")
    rule = m.IpPermission(ip_protocol="tcp", from_port=443, to_port=443, ip_ranges=[m.IpRange(cidr_ip="10.0.0.0/8")])
    other = m.IpPermission(ip_protocol="udp", from_port=53, to_port=53)
    record = FilterResult(True, "sg-0aaa", rule, ("sg-0aaa",), True, "tcp", (443, 443))
    key = ("admitted", id(EN.catalog), id(rule), "sg-0aaa", True, (443, 443))
    eng.topology.derived.get(key, (), lambda: (other, {"kind": "stale"}, "stale"))
    data, text = _admission(record, EN, eng.topology)
    assert data["protocol"] == "tcp" and data["cidrs"] == ["10.0.0.0/8"]
    assert text == "sg-0aaa outbound rule tcp 443 to 10.0.0.0/8"
