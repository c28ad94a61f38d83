"""AWS Network Firewall endpoints as route targets: the firewall policy is evaluated, never passed blindly.

Network Firewall developer guide: "Stateful domain list rule groups in AWS Network Firewall"
(https://docs.aws.amazon.com/network-firewall/latest/developerguide/stateful-rule-groups-domain-names.html):
names are matched on the TLS SNI (HTTPS) and HTTP Host header, ``.example.com`` matches the domain and its
subdomains, an allow list denies its protocols' traffic to any other name, and only ``HOME_NET`` traffic is
inspected. "Managing evaluation order for Suricata compatible rules"
(https://docs.aws.amazon.com/network-firewall/latest/developerguide/suricata-rule-evaluation-order.html):
action order (pass, drop, reject, alert) or strict order with ``aws:drop_strict`` / ``aws:drop_established``.
"Stateless default actions in your firewall policy": ``aws:pass``, ``aws:drop``, ``aws:forward_to_sfe``.
"""

from __future__ import annotations

from engine import Engine
from engine import model as m
from engine.walk.firewall import domain_matches
from tests.scenarios import ACCOUNT, REGION, Small

THERE = "data-there.s3.eu-central-1.amazonaws.com"


def _ask(s: Small, question: str = "client -> data-there", fixes: bool = False):  # type: ignore[no-untyped-def]
    s.client()
    return s.engine().ask(question, fixes=fixes)


def test_allow_listed_name_passes_the_firewall_and_routes_on_from_its_subnet() -> None:
    """Allowed by the domain list, the request goes on through the firewall subnet's route table to the NAT
    gateway and the internet gateway, and reaches the bucket."""
    s = Small()
    endpoint, _ = s.firewalled(domains=[THERE])
    a = _ask(s)
    assert a.verdict == "reachable"
    kinds = [h.kind for h in a.hops]
    assert kinds.index("network-firewall") < kinds.index("nat-gateway") < kinds.index("internet-gateway")
    hop = next(h for h in a.hops if h.kind == "network-firewall")
    assert hop.id == endpoint and "egress-allow" in hop.note and THERE in hop.note


def test_name_missing_from_the_allow_list_is_firewall_deny_with_a_proven_entry_fix() -> None:
    """An allow list drops every other name of its protocols: FIREWALL_DENY names the firewall, the rule group
    and the rule; the fix adds the exact name to that rule group and is verified by re-trace."""
    s = Small()
    _, allow = s.firewalled(domains=[THERE])
    a = _ask(s, "client -> ssm.eu-west-1.amazonaws.com", fixes=True)
    assert a.verdict == "blocked"
    assert a.blocked_by is not None and a.blocked_by.code == "FIREWALL_DENY"
    assert a.blocked_by.resource == "egress-allow"
    assert "egress-fw" in a.blocked_by.detail and "allow list" in a.blocked_by.detail
    fix = a.fixes[0]
    assert (fix.kind, fix.verified) == ("firewall_rule_group", True)
    assert fix.change == {"rule_group_arn": allow, "domain": "ssm.eu-west-1.amazonaws.com"}
    assert "update-rule-group" in (fix.command or "") and fix.owner == "the network security team"


def test_leading_dot_entry_matches_the_domain_and_its_subdomains_only() -> None:
    """``.amazonaws.com`` matches amazonaws.com and any subdomain; a plain entry matches only itself."""
    assert domain_matches(".amazonaws.com", THERE) and domain_matches(".amazonaws.com", "amazonaws.com")
    assert not domain_matches(".amazonaws.com", "notamazonaws.com")
    assert not domain_matches("s3.eu-central-1.amazonaws.com", THERE)
    assert domain_matches("S3.EU-central-1.amazonaws.com.", "s3.eu-central-1.amazonaws.com")


def test_deny_list_match_is_refused_and_other_names_pass() -> None:
    """A deny list drops the names it holds; names it does not hold pass (default action order)."""
    s = Small()
    deny = s.b.firewall_rule_group("deny-s3", REGION, ACCOUNT, domains=[".s3.eu-central-1.amazonaws.com"],
                                   domain_list="DENYLIST")
    s.firewalled(domains=[], groups=[deny])
    s.client()
    eng = s.engine()
    a = eng.ask("client -> data-there", fixes=False)
    assert a.blocked_by is not None and (a.blocked_by.code, a.blocked_by.resource) == ("FIREWALL_DENY", "deny-s3")
    assert eng.ask("client -> ssm.eu-west-1.amazonaws.com", fixes=False).verdict == "reachable"


def test_suricata_rule_group_that_could_decide_makes_the_answer_unknown_not_reachable() -> None:
    """reachbot does not evaluate Suricata rule strings: a group of them could drop the flow, so an allowed
    name is `unknown`, with the group named."""
    s = Small()
    suricata = s.b.firewall_rule_group("ips", REGION, ACCOUNT,
                                       rules_string='drop tls any any -> any any (tls.sni; content:"s3"; sid:9;)')
    s.firewalled(domains=[THERE], groups=[suricata], strict=True, stateful_default=["aws:drop_established"])
    a = _ask(s)
    assert a.verdict == "unknown"
    assert any("ips" in c and "egress-fw" in c for c in a.caveats)


def test_action_order_lets_a_pass_in_one_group_outrank_a_drop_in_another() -> None:
    """Default action order pools every group's rules and takes pass before drop: the allow list's pass wins
    over a later group's deny list entry for the same name."""
    s = Small()
    deny = s.b.firewall_rule_group("deny-s3", REGION, ACCOUNT, domains=[THERE], domain_list="DENYLIST")
    s.firewalled(domains=[THERE], groups=[deny])
    assert _ask(s).verdict == "reachable"


def test_strict_order_takes_the_first_group_by_priority() -> None:
    """Strict order: the deny list at priority 1 drops before the allow list at priority 2 can pass."""
    s = Small()
    deny = s.b.firewall_rule_group("deny-s3", REGION, ACCOUNT, domains=[THERE], domain_list="DENYLIST")
    allow = s.b.firewall_rule_group("allow-s3", REGION, ACCOUNT, domains=[THERE])
    s.firewalled(domains=[], groups=[deny, allow], strict=True, stateful_default=["aws:drop_established"])
    a = _ask(s)
    assert a.blocked_by is not None and a.blocked_by.resource == "deny-s3"


def test_drop_strict_drops_the_handshake_a_domain_allow_list_never_sees() -> None:
    """aws:drop_strict drops every unmatched packet, the TCP handshake included; a domain list only sees the
    name later, so an allow-listed name is still refused. aws:drop_established lets the handshake through."""
    s = Small()
    s.firewalled(domains=[THERE], strict=True, stateful_default=["aws:drop_strict"])
    a = _ask(s)
    assert a.blocked_by is not None and a.blocked_by.code == "FIREWALL_DENY"
    assert "aws:drop_strict" in a.blocked_by.detail
    s2 = Small()
    s2.firewalled(domains=[THERE], strict=True, stateful_default=["aws:drop_established"])
    assert _ask(s2).verdict == "reachable"


def test_five_tuple_pass_at_the_handshake_passes_the_whole_flow_past_a_deny_list() -> None:
    """A layer-4 pass rule matches the TCP handshake, and Suricata inspects a passed flow no further: a deny
    list later in strict order never sees the name (a classic rule-order trap), so the request is reachable."""
    s = Small()
    tcp_pass = s.b.firewall_rule_group("pass-443", REGION, ACCOUNT, stateful_rules=[m.StatefulRule(
        action="PASS", header=m.StatefulRuleHeader(protocol="TCP", destination_port="443"),
        rule_options=[m.StatefulRuleOption(keyword="sid", settings=["1"])])])
    deny = s.b.firewall_rule_group("deny-s3", REGION, ACCOUNT, domains=[THERE], domain_list="DENYLIST")
    s.firewalled(domains=[], groups=[tcp_pass, deny], strict=True, stateful_default=["aws:drop_strict"])
    a = _ask(s)
    assert a.verdict == "reachable"
    assert "sid 1" in next(h.note for h in a.hops if h.kind == "network-firewall")


def test_stateless_default_drop_refuses_before_any_stateful_rule() -> None:
    """Stateless default action aws:drop: nothing reaches the stateful engine's allow list."""
    s = Small()
    s.firewalled(domains=[THERE], stateless_default=["aws:drop"])
    a = _ask(s)
    assert a.blocked_by is not None and a.blocked_by.code == "FIREWALL_DENY"
    assert "aws:drop" in a.blocked_by.detail


def test_stateless_rule_that_drops_the_reply_refuses_the_request() -> None:
    """Stateless rules see each packet alone: a rule dropping packets *from* port 443 drops the server's reply,
    so the connection never completes although the request itself is forwarded."""
    s = Small()
    drop_replies = s.b.firewall_rule_group("no-443-replies", REGION, ACCOUNT, stateless_rules=[m.StatelessRule(
        priority=10, rule_definition=m.RuleDefinition(
            actions=["aws:drop"], match_attributes=m.MatchAttributes(
                protocols=[6], source_ports=[m.NfwPortRange(from_port=443, to_port=443)])))])
    endpoint, allow = s.firewalled(domains=[THERE])
    policies = s.b.items["firewall_policies"]
    policies[0] = policies[0].model_copy(update={"stateless_rule_group_references": [
        m.RuleGroupReference(resource_arn=drop_replies, priority=1)]})
    a = _ask(s)
    assert a.blocked_by is not None and (a.blocked_by.code, a.blocked_by.resource) == \
        ("FIREWALL_DENY", "no-443-replies")


def test_domain_list_inspects_home_net_only_so_other_sources_are_not_filtered() -> None:
    """A HOME_NET that does not hold the sender: the allow list does not inspect the flow, and under default
    action order nothing else drops it (AWS's documented behaviour, and why spokes must be in HOME_NET)."""
    s = Small()
    outside = s.b.firewall_rule_group("allow-elsewhere", REGION, ACCOUNT, domains=["example.com"],
                                      home_net=["192.168.0.0/16"])
    s.firewalled(domains=[], groups=[outside])
    assert _ask(s, "client -> ssm.eu-west-1.amazonaws.com").verdict == "reachable"


def test_firewall_rule_group_missing_from_the_snapshot_is_unknown() -> None:
    """The policy names a rule group collection could not read: the answer cannot be reachable."""
    s = Small()
    s.firewalled(domains=[], groups=["arn:aws:network-firewall:eu-west-1:123456789012:stateful-rulegroup/gone"])
    a = _ask(s)
    assert a.verdict == "unknown"
    assert any("gone" in c for c in a.caveats)


def test_drop_to_alert_override_turns_the_groups_drops_into_alerts() -> None:
    """A policy reference with ``Override.Action = DROP_TO_ALERT`` (Network Firewall API reference,
    "StatefulRuleGroupOverride"): the deny list only alerts, so the request passes."""
    s = Small()
    deny = s.b.firewall_rule_group("deny-s3", REGION, ACCOUNT, domains=[THERE], domain_list="DENYLIST")
    s.firewalled(domains=[], groups=[deny])
    policies = s.b.items["firewall_policies"]
    ref = policies[0].stateful_rule_group_references[0]
    policies[0] = policies[0].model_copy(update={"stateful_rule_group_references": [
        ref.model_copy(update={"override": m.RuleGroupOverride(action="DROP_TO_ALERT")})]})
    assert _ask(s).verdict == "reachable"


def test_unreadable_network_firewall_configuration_in_the_region_makes_the_answer_unknown() -> None:
    """A DescribeRuleGroup the collector was refused: the firewall on the route might drop the request, so an
    otherwise reachable path is `unknown` with the gap named (never a guess)."""
    s = Small()
    s.firewalled(domains=[THERE])
    s.client()
    snap = s.b.build()
    gap = m.Gap(service="network-firewall", operation="DescribeRuleGroup", error="AccessDeniedException",
                permission="network-firewall:DescribeRuleGroup", resource="arn:aws:network-firewall:eu-west-1:x")
    coverage = [c.model_copy(update={"complete": False, "gaps": [gap]}) if c.region == REGION else c
                for c in snap.coverage]
    a = Engine(snap.model_copy(update={"coverage": coverage}), "test").ask("client -> data-there", fixes=False)
    assert a.verdict == "unknown"
    assert any("DescribeRuleGroup" in c for c in a.caveats)


def test_reply_that_bypasses_the_firewall_is_unknown_not_reachable() -> None:
    """Without a route back through the firewall endpoint in the NAT gateway's subnet, the reply skips the
    firewall (local route): asymmetric through a stateful firewall, so never `reachable` (Network Firewall
    developer guide, "Architectures with NAT gateways": route the return through the firewall endpoint)."""
    s = Small()
    s.firewalled(domains=[THERE], symmetric=False)
    a = _ask(s)
    assert a.verdict == "unknown"
    assert any("egress-fw" in c and "reply" in c for c in a.caveats)


def test_rule_on_a_narrow_destination_cidr_cannot_place_a_public_service_so_the_answer_is_unknown() -> None:
    """A stateful DROP for 52.0.0.0/8 port 443: S3's public addresses are symbolic in the snapshot (they change
    over time), so whether the rule matches cannot be told: `unknown` naming the group, never reachable."""
    s = Small()
    drop = s.b.firewall_rule_group("drop-52", REGION, ACCOUNT, stateful_rules=[m.StatefulRule(
        action="DROP", header=m.StatefulRuleHeader(protocol="TCP", destination="52.0.0.0/8", destination_port="443"),
        rule_options=[m.StatefulRuleOption(keyword="sid", settings=["7"])])])
    s.firewalled(domains=[THERE], groups=[drop], strict=True, stateful_default=["aws:drop_established"])
    a = _ask(s)
    assert a.verdict == "unknown"
    assert any("drop-52" in c for c in a.caveats)


def test_firewall_endpoint_not_ready_is_unknown() -> None:
    """An attachment whose status is not READY (being created, failed) does not filter as its policy says."""
    s = Small()
    s.firewalled(domains=[THERE])
    fws = s.b.items["firewalls"]
    status = fws[0].firewall_status
    states = {az: st.model_copy(update={"attachment": st.attachment.model_copy(update={"status": "CREATING"})})
              for az, st in status.sync_states.items() if st.attachment}
    fws[0] = fws[0].model_copy(update={"firewall_status": status.model_copy(update={"sync_states": states})})
    a = _ask(s)
    assert a.verdict == "unknown"
    assert any("CREATING" in c for c in a.caveats)


def _inspected_after_nat(s: Small, domains: list[str], ingress: bool = True) -> str:
    """NAT gateway → Network Firewall endpoint → internet gateway (inspection after NAT), with the internet
    gateway's edge route table sending replies for the NAT subnet back through the firewall endpoint
    (Network Firewall developer guide, "Architectures"; VPC user guide, "Gateway route tables")."""
    b = s.b
    nat_subnet = b.subnet(s.vpc, "nat-a", "10.0.7.0/24")
    nat = b.nat_gateway(nat_subnet, "203.0.113.30", "10.0.7.30")
    b.route(s.private_rtb, "0.0.0.0/0", nat)
    fw_subnet = b.subnet(s.vpc, "firewall-a", "10.0.8.0/24")
    b.route(b.route_table(s.vpc, "firewall-rt", [fw_subnet]), "0.0.0.0/0", s.igw)
    allow = b.firewall_rule_group("egress-allow", REGION, ACCOUNT, domains=domains)
    arn = b.firewall_policy("egress", REGION, ACCOUNT, stateful=[allow])
    endpoint = b.network_firewall(s.vpc, "egress-fw", arn, {fw_subnet: "10.0.8.5"})[f"{REGION}a"]
    b.route(b.route_table(s.vpc, "nat-rt", [nat_subnet]), "0.0.0.0/0", endpoint)
    if ingress:
        b.route(b.edge_route_table(s.vpc, "igw-ingress", s.igw), "10.0.7.0/24", endpoint)
    s.client()
    return endpoint


def test_firewall_after_a_nat_gateway_judges_the_nat_and_routes_on_to_the_internet() -> None:
    """Inspection after NAT: the NAT subnet's default route is the firewall endpoint; the firewall sees the NAT's
    address, and an allowed name goes on to the internet gateway with the NAT's public address."""
    s = Small()
    endpoint = _inspected_after_nat(s, [THERE])
    a = s.engine().ask("client -> data-there", fixes=False)
    assert a.verdict == "reachable", a.caveats
    kinds = [h.kind for h in a.hops]
    assert kinds.index("nat-gateway") < kinds.index("network-firewall") < kinds.index("internet-gateway")
    assert next(h for h in a.hops if h.kind == "network-firewall").id == endpoint
    assert a.request_context is not None and a.request_context["aws:SourceIp"] == "203.0.113.30"


def test_firewall_after_a_nat_gateway_refuses_a_name_off_its_allow_list() -> None:
    """The same firewall refuses a name its allow list lacks: FIREWALL_DENY, not 'appliance not visible'."""
    s = Small()
    _inspected_after_nat(s, ["example.org"])
    a = s.engine().ask("client -> data-there", fixes=False)
    assert a.verdict == "blocked" and a.blocked_by is not None and a.blocked_by.code == "FIREWALL_DENY"


def test_firewall_after_a_nat_gateway_without_ingress_routing_is_unknown() -> None:
    """Without the internet gateway's edge route back through the firewall, the reply bypasses it."""
    s = Small()
    _inspected_after_nat(s, [THERE], ingress=False)
    a = s.engine().ask("client -> data-there", fixes=False)
    assert a.verdict == "unknown"


def test_reply_through_the_firewall_the_request_passed_is_the_same_admitted_flow() -> None:
    """Symmetric inspection: the NAT subnet routes the client's subnet back through the endpoint the request
    crossed; the stateful firewall admitted the flow, so the reply is delivered (not an unseen appliance)."""
    s = Small()
    s.firewalled(domains=[THERE])
    a = _ask(s)
    assert a.verdict == "reachable"
    returns = [h for h in a.hops if h.kind == "route-table" and "return path" in h.note]
    assert any("vpce-" in h.note for h in returns)
