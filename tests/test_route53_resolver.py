"""Route 53 Resolver rules and DNS Firewall decide what a VPC's resolver answers before any packet moves.

Route 53 developer guide: "How Resolver determines whether the domain name in a query matches any rules"
(https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-overview-forward-vpc-to-network-domain-name-matches.html)
— a rule matches its domain and subdomains, the most specific wins; "Values that you specify when you create
or edit rules" — a SYSTEM rule makes Resolver answer a subdomain a FORWARD rule would send away; DNS Firewall
("Rule groups and rules in DNS Firewall") — associations by priority, rules by priority, ALLOW and BLOCK end
the evaluation, ALERT goes on; BLOCK answers NODATA, NXDOMAIN or an OVERRIDE.
"""

from __future__ import annotations

from engine import model as m
from engine.resolver import domain_list_matches
from tests.scenarios import ACCOUNT, Small

ONPREM_DNS = ["192.168.10.10", "192.168.10.11"]


def _forwarding(s: Small, with_route: bool = True) -> str:
    """An outbound endpoint in the private subnet and a rule forwarding corp.example.com to on-premises
    resolvers; with ``with_route`` a VPN-side route (a virtual private gateway) to 192.168.0.0/16."""
    endpoint = s.b.resolver_endpoint(s.vpc, "outbound", {s.private: "10.0.1.53"})
    if with_route:
        s.b.route(s.private_rtb, "192.168.0.0/16", "vgw-0onprem000000001")
    return s.b.resolver_rule("corp-forward", "corp.example.com", [s.vpc], ONPREM_DNS, endpoint)


def test_forwarded_name_is_unknown_naming_the_rule_and_its_target_resolvers() -> None:
    """The answer comes from resolvers outside the snapshot: `unknown`, never reachable, with the rule and
    the target IPs named."""
    s = Small()
    _forwarding(s)
    s.client()
    a = s.engine().ask("client -> https://app.corp.example.com/", fixes=False)
    assert a.verdict == "unknown"
    caveat = next(c for c in a.caveats if "corp-forward" in c)
    assert all(ip in caveat for ip in ONPREM_DNS)
    assert a.hops[-1].kind == "resolver-endpoint"


def test_forwarded_query_without_a_route_to_its_targets_never_resolves() -> None:
    """The outbound endpoint reaches the target resolvers through its subnet's route table like any address:
    with no route there, the query cannot leave, so the name does not resolve (NO_ROUTE at that table)."""
    s = Small()
    _forwarding(s, with_route=False)
    s.client()
    a = s.engine().ask("client -> https://app.corp.example.com/", fixes=False)
    assert a.verdict == "blocked"
    assert a.blocked_by is not None and (a.blocked_by.code, a.blocked_by.resource) == ("NO_ROUTE", s.private_rtb)
    assert "corp-forward" in a.blocked_by.detail


def test_system_rule_for_a_subdomain_overrides_the_forwarding_rule() -> None:
    """A SYSTEM rule for aws.corp.example.com: Resolver answers it itself (here from a private zone)."""
    s = Small()
    _forwarding(s)
    s.b.resolver_rule("corp-aws-system", "aws.corp.example.com", [s.vpc], rule_type="SYSTEM")
    s.b.private_zone("aws.corp.example.com", [s.vpc], {"db.aws.corp.example.com": "10.0.1.20"}, ACCOUNT)
    s.client()
    s.b.instance(s.private, "db", "10.0.1.20", [s.sg])
    a = s.engine().ask("client -> https://db.aws.corp.example.com/", fixes=False)
    assert a.verdict == "reachable"
    assert not any("corp-forward" in c for c in a.caveats)


def test_forwarding_rule_beats_a_private_zone_of_the_same_name_and_loses_to_a_more_specific_one() -> None:
    """Between a Resolver rule and a private hosted zone the most specific name wins, the rule on a tie."""
    s = Small()
    _forwarding(s)
    s.b.private_zone("corp.example.com", [s.vpc], {"app.corp.example.com": "10.0.1.30"}, ACCOUNT)
    s.b.private_zone("db.corp.example.com", [s.vpc], {"db.corp.example.com": "10.0.1.20"}, ACCOUNT)
    s.client()
    s.b.instance(s.private, "app", "10.0.1.30", [s.sg])
    s.b.instance(s.private, "db", "10.0.1.20", [s.sg])
    eng = s.engine()
    assert eng.ask("client -> https://app.corp.example.com/", fixes=False).verdict == "unknown"
    assert eng.ask("client -> https://db.corp.example.com/", fixes=False).verdict == "reachable"


def test_dns_firewall_block_refuses_naming_the_rule_group_and_rule() -> None:
    """A BLOCK rule whose domain list holds the name: the client gets no address (DNS_FIREWALL_BLOCK), even
    though the network path through the internet gateway is open."""
    s = Small()
    s.client(subnet=s.public, ip="10.0.0.10", public_ip="198.51.100.7")
    s.b.dns_firewall("egress-dns", {s.vpc: 101}, [(10, "BLOCK", ["*.s3.eu-central-1.amazonaws.com"], "NXDOMAIN")])
    a = s.engine().ask("client -> data-there", fixes=False)
    assert a.verdict == "blocked"
    assert a.blocked_by is not None and (a.blocked_by.code, a.blocked_by.resource) == \
        ("DNS_FIREWALL_BLOCK", "egress-dns")
    assert "egress-dns-rule-10" in a.blocked_by.detail and "NXDOMAIN" in a.blocked_by.detail


def test_dns_firewall_allow_stops_evaluation_and_alert_goes_on() -> None:
    """ALLOW in the first-priority group ends the evaluation (a later group's BLOCK never applies); an ALERT
    match goes on to the next rule, whose BLOCK then applies."""
    s = Small()
    s.client(subnet=s.public, ip="10.0.0.10", public_ip="198.51.100.7")
    s.b.dns_firewall("allow-s3", {s.vpc: 100}, [(1, "ALLOW", ["*.amazonaws.com"], None)])
    s.b.dns_firewall("block-all", {s.vpc: 200}, [(1, "BLOCK", ["*"], "NODATA")])
    assert s.engine().ask("client -> data-there", fixes=False).verdict == "reachable"
    s2 = Small()
    s2.client(subnet=s2.public, ip="10.0.0.10", public_ip="198.51.100.7")
    s2.b.dns_firewall("alert-then-block", {s2.vpc: 100},
                      [(1, "ALERT", ["*.amazonaws.com"], None), (2, "BLOCK", ["*"], "NODATA")])
    a = s2.engine().ask("client -> data-there", fixes=False)
    assert a.blocked_by is not None and a.blocked_by.code == "DNS_FIREWALL_BLOCK"


def test_dns_firewall_domain_list_not_collected_makes_the_answer_unknown() -> None:
    """A BLOCK rule whose domain list the snapshot does not hold (e.g. an AWS-managed list) could decide."""
    s = Small()
    s.client(subnet=s.public, ip="10.0.0.10", public_ip="198.51.100.7")
    s.b.dns_firewall("managed", {s.vpc: 100}, [(1, "BLOCK", ["example.org"], "NODATA")])
    s.b.items["dns_firewall_domain_lists"].clear()
    a = s.engine().ask("client -> data-there", fixes=False)
    assert a.verdict == "unknown"
    assert any("managed" in c for c in a.caveats)


def test_dns_firewall_wildcards() -> None:
    """``*`` matches every name; ``*.example.com`` its subdomains only; other entries the name itself."""
    assert domain_list_matches("*", "a.example.com")
    assert domain_list_matches("*.example.com", "a.b.example.com")
    assert not domain_list_matches("*.example.com", "example.com")
    assert domain_list_matches("Example.com.", "example.com")
    assert not domain_list_matches("example.com", "a.example.com")


def test_dns_firewall_inspects_the_cname_chain_of_a_private_zone() -> None:
    """A private-zone CNAME to a blocked name: DNS Firewall inspects redirection domains by default
    (FirewallDomainRedirectionAction INSPECT_REDIRECTION_DOMAIN), so the alias is blocked too."""
    s = Small()
    s.client(subnet=s.public, ip="10.0.0.10", public_ip="198.51.100.7")
    zone = s.b.private_zone("corp.internal", [s.vpc], {}, ACCOUNT)
    zones = s.b.items["hosted_zones"]
    zones[0] = zones[0].model_copy(update={"resource_record_sets": [m.ResourceRecordSet(
        name="files.corp.internal.", type="CNAME", resource_records=[m.ResourceRecord(value="drop.exfil.example")])]})
    s.b.dns_firewall("egress-dns", {s.vpc: 101}, [(10, "BLOCK", ["*.exfil.example"], "NODATA")])
    a = s.engine().ask("client -> https://files.corp.internal/", fixes=False)
    assert zone and a.blocked_by is not None and a.blocked_by.code == "DNS_FIREWALL_BLOCK"


def test_rule_shared_through_ram_keeps_every_accounts_vpc_associations_when_snapshots_merge() -> None:
    """A Resolver rule shared through RAM is listed by each account that associates it with its VPCs; merged
    partial snapshots keep all associations, so every VPC forwards (never a silently dropped association)."""
    from engine.merge import merge_snapshots

    s = Small()
    rule = _forwarding(s)
    snap = s.b.build()
    first = snap.model_copy(update={"resolver_rules": [r.model_copy(update={"vpc_ids": ["vpc-0aaaaaaaaaaaaaaaa"]})
                                                        for r in snap.resolver_rules]})
    merged = merge_snapshots([first, snap])
    (kept,) = [r for r in merged.resolver_rules if r.id == rule]
    assert set(kept.vpc_ids) == {"vpc-0aaaaaaaaaaaaaaaa", s.vpc}
