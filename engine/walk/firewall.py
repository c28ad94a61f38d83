"""AWS Network Firewall: what a firewall policy does with one flow. Pure: snapshot objects in, a verdict out.

Encoded from the Network Firewall developer guide:
- "Stateless default actions" and "Stateless rule groups": stateless groups by priority, rules by priority,
  the first match's standard action decides (``aws:pass`` skips the stateful engine, ``aws:drop`` drops,
  ``aws:forward_to_sfe`` hands on); no match → the policy's stateless default actions. Stateless rules see
  each packet alone, so the reply (destination → source, to an ephemeral port) must get through too.
- "Managing evaluation order for Suricata compatible rules": under DEFAULT_ACTION_ORDER the rules of *all*
  stateful groups are taken by action, pass before drop before reject before alert, and what no rule drops
  passes; under STRICT_ORDER groups go by priority and rules in order, the first pass/drop/reject decides,
  and the policy's stateful default actions judge the rest (``aws:drop_strict`` drops every unmatched packet,
  the TCP handshake included, so an application-layer pass rule alone does not let a connection open;
  ``aws:drop_established`` drops only unmatched packets of established connections; ``aws:alert_*`` pass).
- "Stateful domain list rule groups": the domain list is matched against the TLS SNI (HTTPS) and the HTTP
  Host header; ``.example.com`` matches example.com and all its subdomains; an allow list denies traffic of
  its protocol types that matches none of its names; only traffic from ``HOME_NET`` (by default the
  firewall's own VPC) is inspected.
A rule group reachbot cannot evaluate (Suricata rule strings, TCP-flag matches, an address it cannot place)
makes the verdict ``unknown`` when it could decide, never ``pass``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from ipaddress import ip_address, ip_network
from typing import Literal

from engine import model as m
from engine.dns import Address
from engine.filters import EPHEMERAL

Action = Literal["pass", "drop", "unknown"]
AppLayer = Literal["TLS_SNI", "HTTP_HOST"]
_TCP = 6


NOT_ALLOWED = "the domain allow list (no entry matches the name)"


@dataclass(frozen=True, slots=True)
class Flow:
    """One TCP request as the firewall sees it: the sender's address, where it goes, and the name it names."""

    source_ip: str
    destination: Address  # a concrete IP, or an AWS service's public addresses (symbolic)
    port: int
    host: str | None  # TLS SNI for HTTPS, Host header for HTTP (a proxy's CONNECT target is the same name)
    app: AppLayer | None


@dataclass(frozen=True, slots=True)
class Verdict:
    action: Action
    stage: str  # "stateless", "stateful", "stateless-default", "stateful-default"
    rule_group: str | None = None  # ARN
    rule: str | None = None  # what decided: "domain .example.com", "not on the allow list", "sid 5", an action
    why: str | None = None  # for unknown: what could not be evaluated


@dataclass(frozen=True, slots=True)
class _Match:
    action: str  # PASS | DROP | REJECT | ALERT | UNKNOWN
    group: str
    rule: str
    app_layer: bool = False  # decided on the TLS SNI / Host header, i.e. after the TCP handshake


def evaluate(policy: m.FirewallPolicy, groups: Mapping[str, m.FirewallRuleGroup], flow: Flow,
             firewall_vpc_cidrs: list[str]) -> Verdict:
    """The firewall policy's verdict on ``flow`` (both directions of the stateless engine, then stateful)."""
    forward = _stateless(policy, groups, flow, reply=False)
    if forward.action in ("drop", "unknown"):
        return forward.verdict
    reply = _stateless(policy, groups, flow, reply=True)
    if reply.action in ("drop", "unknown"):
        return reply.verdict
    if forward.action == "pass":  # aws:pass skips the stateful engine
        return forward.verdict
    return _stateful(policy, groups, flow, _home_net(policy, firewall_vpc_cidrs))


# --- stateless -------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Stateless:
    action: str  # "pass" (skips the stateful engine), "forward" (to it), "drop", "unknown"
    verdict: Verdict


def _stateless(policy: m.FirewallPolicy, groups: Mapping[str, m.FirewallRuleGroup], flow: Flow,
               reply: bool) -> _Stateless:
    for ref in sorted(policy.stateless_rule_group_references, key=lambda r: r.priority or 0):
        group = groups.get(ref.resource_arn)
        if group is None:
            return _Stateless("unknown", Verdict("unknown", "stateless", ref.resource_arn, None, "not in snapshot"))
        source = group.rules_source.stateless_rules_and_custom_actions
        for rule in sorted(source.stateless_rules if source else [], key=lambda r: r.priority):
            matched = _stateless_match(rule.rule_definition.match_attributes, flow, reply)
            if matched is False:
                continue
            label = f"priority {rule.priority}"
            if matched is None:
                return _Stateless("unknown", Verdict("unknown", "stateless", ref.resource_arn, label,
                                                     "match attributes reachbot cannot place"))
            return _standard(rule.rule_definition.actions, "stateless", ref.resource_arn, label)
    return _standard(policy.stateless_default_actions, "stateless-default", None, None)


def _standard(actions: list[str], stage: str, group: str | None, label: str | None) -> _Stateless:
    """The one standard action among ``actions`` (custom actions only publish metrics)."""
    for action in actions:
        if action == "aws:drop":
            return _Stateless("drop", Verdict("drop", stage, group, label or action))
        if action in ("aws:pass", "aws:forward_to_sfe"):
            kind = "pass" if action == "aws:pass" else "forward"
            return _Stateless(kind, Verdict("pass", stage, group, label or action))
    return _Stateless("unknown", Verdict("unknown", stage, group, label, "no standard action"))


def _stateless_match(attrs: m.MatchAttributes, flow: Flow, reply: bool) -> bool | None:
    """True / False, or None when the rule's match depends on something reachbot cannot place."""
    if attrs.tcp_flags:
        return None
    if attrs.protocols and _TCP not in attrs.protocols:
        return False
    src, dst = (flow.destination, Address(ip=flow.source_ip)) if reply else (Address(ip=flow.source_ip),
                                                                          flow.destination)
    src_ports, dst_ports = ((flow.port, flow.port), EPHEMERAL) if reply else (EPHEMERAL, (flow.port, flow.port))
    checks = (_in_cidrs(src, [a.address_definition for a in attrs.sources]),
              _in_cidrs(dst, [a.address_definition for a in attrs.destinations]),
              _in_ranges(src_ports, attrs.source_ports), _in_ranges(dst_ports, attrs.destination_ports))
    if False in checks:
        return False
    return None if None in checks else True


def _in_cidrs(addr: Address, cidrs: list[str]) -> bool | None:
    if not cidrs or any(ip_network(c, strict=False).prefixlen == 0 for c in cidrs):
        return True
    if addr.ip is None:
        return None  # a public service's addresses: in a narrower CIDR or not, the snapshot cannot say
    return any(ip_address(addr.ip) in ip_network(c, strict=False) for c in cidrs)


def _in_ranges(ports: tuple[int, int], ranges: list[m.NfwPortRange]) -> bool | None:
    if not ranges:
        return True
    low, high = ports
    if any(r.from_port <= low and high <= r.to_port for r in ranges):
        return True
    if any(r.from_port <= high and low <= r.to_port for r in ranges):
        return None  # only some of the ephemeral ports the client may pick
    return False


# --- stateful --------------------------------------------------------------------------------------------------


def _home_net(policy: m.FirewallPolicy, vpc_cidrs: list[str]) -> list[str]:
    variables = policy.policy_variables.rule_variables if policy.policy_variables else {}
    home = variables.get("HOME_NET")
    return home.definition if home is not None else vpc_cidrs


def _stateful(policy: m.FirewallPolicy, groups: Mapping[str, m.FirewallRuleGroup], flow: Flow,
              home_net: list[str]) -> Verdict:
    strict = policy.stateful_engine_options is not None and policy.stateful_engine_options.rule_order == \
        "STRICT_ORDER"
    refs = policy.stateful_rule_group_references
    if strict:
        refs = sorted(refs, key=lambda r: r.priority or 0)
    matches = [_overridden(match, ref) for ref in refs
               for match in _group_matches(ref.resource_arn, groups, flow, home_net)]
    return _decide_flow(policy, matches, strict)


def _overridden(match: _Match, ref: m.RuleGroupReference) -> _Match:
    """``Override.Action = DROP_TO_ALERT`` on the policy's reference turns the group's drops into alerts."""
    if ref.override is not None and ref.override.action == "DROP_TO_ALERT" and match.action in ("DROP", "REJECT"):
        return _Match("ALERT", match.group, match.rule, match.app_layer)
    return match


def _decide(matches: list[_Match], strict: bool) -> _Match | None:
    """The deciding match: under strict order the first pass/drop/reject (or a group reachbot cannot read);
    under action order a pass anywhere, else (a group that might hold a pass being unreadable) unknown, else
    a drop or reject. None: nothing decides."""
    decisive = [x for x in matches if x.action in ("PASS", "DROP", "REJECT", "UNKNOWN")]
    if strict:
        return decisive[0] if decisive else None
    for action in ("PASS", "UNKNOWN", "DROP", "REJECT"):
        found = next((x for x in decisive if x.action == action), None)
        if found is not None:
            return found
    return None


def _verdict(match: _Match) -> Verdict:
    if match.action == "UNKNOWN":
        return Verdict("unknown", "stateful", match.group, match.rule, "rules reachbot does not evaluate")
    return Verdict("pass" if match.action == "PASS" else "drop", "stateful", match.group, match.rule)


def _decide_flow(policy: m.FirewallPolicy, matches: list[_Match], strict: bool) -> Verdict:
    """Two moments of one connection. The TCP handshake carries no name, so only layer 3/4 rules see it, and a
    pass there passes the whole flow (Suricata stops inspecting a passed flow); then the first data packet,
    with the SNI or Host header, meets every rule."""
    handshake = _decide([x for x in matches if not x.app_layer], strict)
    if handshake is not None:
        return _verdict(handshake)
    if strict and "aws:drop_strict" in policy.stateful_default_actions:
        return Verdict("drop", "stateful-default", None, "aws:drop_strict",
                       "the TCP handshake matches no rule, and name-based rules see only later packets")
    decided = _decide(matches, strict)
    if decided is not None:
        return _verdict(decided)
    for action in policy.stateful_default_actions if strict else []:
        if action in ("aws:drop_strict", "aws:drop_established"):
            return Verdict("drop", "stateful-default", None, action)
    return Verdict("pass", "stateful-default", None, None)


def _group_matches(arn: str, groups: Mapping[str, m.FirewallRuleGroup], flow: Flow,
                   home_net: list[str]) -> list[_Match]:
    group = groups.get(arn)
    if group is None:
        return [_Match("UNKNOWN", arn, "rule group not in snapshot")]
    source = group.rules_source
    if source.rules_string and source.rules_string.strip():
        return [_Match("UNKNOWN", arn, "Suricata rules")]
    variables = group.rule_variables.ip_sets if group.rule_variables else {}
    home = variables["HOME_NET"].definition if "HOME_NET" in variables else home_net
    out: list[_Match] = []
    if source.rules_source_list is not None:
        out += _domain_list(arn, source.rules_source_list, flow, home)
    out += [_five_tuple(arn, i, rule, flow, home) for i, rule in enumerate(source.stateful_rules)]
    return [match for match in out if match.action != "NONE"]


def _domain_list(arn: str, domains: m.RulesSourceList, flow: Flow, home: list[str]) -> list[_Match]:
    if flow.app is None or flow.app not in domains.target_types or not flow.host:
        return []
    if _in_cidrs(Address(ip=flow.source_ip), home) is not True:
        return []  # domain lists inspect HOME_NET's traffic only
    entry = next((t for t in domains.targets if domain_matches(t, flow.host)), None)
    kind = domains.generated_rules_type
    if kind == "ALLOWLIST":
        if entry is not None:
            return [_Match("PASS", arn, f"domain {entry}", app_layer=True)]
        return [_Match("DROP", arn, NOT_ALLOWED, app_layer=True)]
    action = {"DENYLIST": "DROP", "REJECTLIST": "REJECT", "ALERTLIST": "ALERT"}.get(kind, "UNKNOWN")
    return [_Match(action, arn, f"domain {entry}", app_layer=True)] if entry is not None else []


def domain_matches(entry: str, host: str) -> bool:
    """``.example.com`` matches example.com and its subdomains; anything else only itself (case-insensitive)."""
    entry, host = entry.lower().rstrip("."), host.lower().rstrip(".")
    if entry.startswith("."):
        return host == entry[1:] or host.endswith(entry)
    return host == entry


def _five_tuple(arn: str, index: int, rule: m.StatefulRule, flow: Flow, home: list[str]) -> _Match:
    h = rule.header
    sid = next((o.settings[0] for o in rule.rule_options if o.keyword.lower() == "sid" and o.settings), None)
    label = f"sid {sid}" if sid else f"rule {index + 1}"
    protocol = h.protocol.upper()
    app = {"TLS": "TLS_SNI", "HTTP": "HTTP_HOST"}.get(protocol)
    if protocol not in ("IP", "TCP") and (app is None or app != flow.app):
        return _Match("NONE", arn, label)
    checks = (_header_address(h.source, Address(ip=flow.source_ip), home),
              _header_address(h.destination, flow.destination, home),
              _header_port(h.source_port, None), _header_port(h.destination_port, flow.port))
    if False in checks:
        return _Match("NONE", arn, label)
    if None in checks or h.direction.upper() not in ("FORWARD", "ANY"):
        return _Match("UNKNOWN", arn, label)
    return _Match(rule.action.upper(), arn, label, app_layer=app is not None)


def _header_address(value: str, addr: Address, home: list[str]) -> bool | None:
    text = value.strip()
    if text.upper() == "ANY":
        return True
    if text in ("$HOME_NET", "HOME_NET"):
        return _in_cidrs(addr, home)
    if text.startswith("$") or text.startswith("!") or text.startswith("["):
        return None
    return _in_cidrs(addr, [text])


def _header_port(value: str, port: int | None) -> bool | None:
    text = value.strip()
    if text.upper() == "ANY":
        return True
    if port is None or not text.isdigit():
        return None  # the client's ephemeral port, a port variable or a list
    return int(text) == port


def cidrs_of(vpc: m.Vpc | None) -> list[str]:
    return list(vpc.cidrs) if vpc is not None else []


def referenced_groups(policy: m.FirewallPolicy) -> Iterable[str]:
    yield from (r.resource_arn for r in policy.stateless_rule_group_references)
    yield from (r.resource_arn for r in policy.stateful_rule_group_references)
