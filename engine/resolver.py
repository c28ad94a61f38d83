"""Route 53 Resolver beyond private zones: Resolver rules and DNS Firewall, for the queries of one VPC. Pure.

- Rules (Route 53 developer guide, "How Resolver determines whether the domain name in a query matches any
  rules" and "Using rules to control which queries are forwarded to your network"): a rule matches its domain
  and every subdomain; the most specific domain wins; a SYSTEM rule makes Resolver answer a subdomain itself
  that a FORWARD rule would otherwise send away; between a Resolver rule and a private hosted zone the most
  specific name wins, a Resolver rule on a tie (Knowledge Center, "override reverse DNS rules": Resolver rules,
  then private hosted zone rules, then autodefined rules).
- DNS Firewall (developer guide, "How Route 53 Resolver DNS Firewall rule groups and rules work"): the rule
  groups associated with the VPC, lowest association priority first, and their rules by priority; the first
  ALLOW or BLOCK match ends the evaluation, ALERT goes on. BLOCK answers NODATA, NXDOMAIN or an OVERRIDE name:
  in every case the client does not get the destination's address.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engine import model as m

if TYPE_CHECKING:
    from engine.topology import Topology


@dataclass(frozen=True, slots=True)
class DnsFirewallVerdict:
    action: str  # "BLOCK" or "UNKNOWN" (a domain list reachbot could not read)
    group: m.DnsFirewallRuleGroup
    rule: m.DnsFirewallRule
    domain_list: str  # name or id


def _rules_by_vpc(topo: Topology) -> dict[str, list[m.ResolverRule]]:
    out: dict[str, list[m.ResolverRule]] = defaultdict(list)
    for rule in topo.snap.resolver_rules:
        for vpc in rule.vpc_ids:
            out[vpc].append(rule)
    return dict(out)


def _firewall_by_vpc(topo: Topology) -> dict[str, list[tuple[int, m.DnsFirewallRuleGroup]]]:
    out: dict[str, list[tuple[int, m.DnsFirewallRuleGroup]]] = defaultdict(list)
    for group in topo.snap.dns_firewall_rule_groups:
        for assoc in group.associations:
            if assoc.status.upper() not in ("DELETING", "FAILED"):
                out[assoc.vpc_id].append((assoc.priority, group))
    return {vpc: sorted(groups, key=lambda pg: pg[0]) for vpc, groups in out.items()}


def resolver_rule(topo: Topology, vpc_id: str, host: str) -> m.ResolverRule | None:
    """The most specific Resolver rule associated with ``vpc_id`` whose domain holds ``host``."""
    rules = topo.derived.get(_RULES_KEY, _DEPENDS, lambda: _rules_by_vpc(topo)).get(vpc_id)
    if not rules:
        return None
    best: m.ResolverRule | None = None
    for rule in rules:
        domain = rule.domain_name.rstrip(".").lower()
        if (not domain or host == domain or host.endswith("." + domain)) and \
                (best is None or len(domain) > len(best.domain_name.rstrip("."))):
            best = rule
    return best


def domain_list_matches(entry: str, host: str) -> bool:
    """A DNS Firewall domain list entry: ``*`` alone matches every name, ``*.example.com`` its subdomains,
    anything else the name itself (case-insensitive, trailing dot ignored)."""
    entry = entry.lower().rstrip(".")
    if entry == "*":
        return True
    if entry.startswith("*."):
        return host.endswith(entry[1:])
    return host == entry


def dns_firewall_groups(topo: Topology, vpc_id: str) -> list[tuple[int, m.DnsFirewallRuleGroup]]:
    """The DNS Firewall rule groups associated with ``vpc_id``, by association priority (usually none)."""
    by_vpc = topo.derived.get(_FIREWALL_KEY, _DEPENDS, lambda: _firewall_by_vpc(topo))
    return by_vpc.get(vpc_id, [])  # type: ignore[no-any-return]


_FIREWALL_KEY, _RULES_KEY, _DEPENDS = ("resolver", "dns-firewall-by-vpc"), ("resolver", "rules-by-vpc"), ("resolver",)


def dns_firewall(topo: Topology, vpc_id: str, host: str) -> DnsFirewallVerdict | None:
    """BLOCK (or UNKNOWN) with the deciding group and rule; None when the query goes on to be answered."""
    groups = dns_firewall_groups(topo, vpc_id)
    if not groups:
        return None
    lists = topo.derived.get(("resolver", "domain-lists"), ("resolver",),
                             lambda: {d.id: d for d in topo.snap.dns_firewall_domain_lists})
    for _priority, group in groups:
        for rule in sorted(group.rules, key=lambda r: r.priority):
            if rule.qtype and rule.qtype.upper() not in ("A", "ANY"):
                continue  # reachbot follows IPv4 address lookups
            domains = lists.get(rule.firewall_domain_list_id)
            if domains is None and rule.action.upper() == "ALERT":
                continue  # whatever it holds, an alert lets the query go on
            if domains is None:
                return DnsFirewallVerdict("UNKNOWN", group, rule, rule.firewall_domain_list_id)
            if not any(domain_list_matches(d, host) for d in domains.domains):
                continue
            if rule.action.upper() == "ALLOW":
                return None
            if rule.action.upper() == "BLOCK":
                return DnsFirewallVerdict("BLOCK", group, rule, domains.name or domains.id)
    return None


def merge_shared(old: Any, new: Any) -> Any:
    """A Resolver rule or DNS Firewall rule group shared through RAM is listed by every account that uses it,
    each with its own VPC associations: one object keeps all of them (collection and snapshot merging)."""
    if isinstance(new, m.ResolverRule):
        return new.model_copy(update={"vpc_ids": sorted({*old.vpc_ids, *new.vpc_ids})})
    seen = {(a.vpc_id, a.priority) for a in new.associations}
    kept = [a for a in old.associations if (a.vpc_id, a.priority) not in seen]
    return new.model_copy(update={"associations": [*new.associations, *kept], "rules": new.rules or old.rules})
