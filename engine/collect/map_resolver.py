"""Route 53 Resolver API output of one (account, region) → snapshot objects. Pure: dicts in, models out.

Rules carry the VPCs ListResolverRuleAssociations associates them with; outbound endpoints the addresses of
ListResolverEndpointIpAddresses; DNS Firewall rule groups their rules (ListFirewallRules) and VPC associations
(ListFirewallRuleGroupAssociations); domain lists their domains (ListFirewallDomains), and only when those
were read, so a list the collector could not read stays absent (the engine then answers unknown).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from engine import model as m

Api = Mapping[str, Any]
_GONE = ("DELETING", "FAILED")


def region_items(responses: Mapping[str, Api], keyed: Mapping[str, Mapping[str, Api]], account: str,
                 region: str) -> dict[str, list[Any]]:
    get = responses.get
    return {
        "resolver_rules": rules(get("ListResolverRules", {}), get("ListResolverRuleAssociations", {}), region),
        "resolver_endpoints": endpoints(get("ListResolverEndpoints", {}),
                                        keyed.get("ListResolverEndpointIpAddresses", {}), region),
        "dns_firewall_rule_groups": firewall_groups(get("ListFirewallRuleGroupAssociations", {}),
                                                    get("ListFirewallRuleGroups", {}),
                                                    keyed.get("ListFirewallRules", {}), account, region),
        "dns_firewall_domain_lists": domain_lists(get("ListFirewallDomainLists", {}),
                                                  keyed.get("ListFirewallDomains", {}), region),
    }


def rules(listed: Api, associations: Api, region: str) -> list[m.ResolverRule]:
    vpcs: dict[str, list[str]] = defaultdict(list)
    for a in associations.get("ResolverRuleAssociations", []):
        if a.get("Status", "COMPLETE") not in _GONE:
            vpcs[a["ResolverRuleId"]].append(a["VPCId"])
    return [
        m.ResolverRule(id=r["Id"], domain_name=r.get("DomainName", "."), rule_type=r.get("RuleType", "FORWARD"),
                       name=r.get("Name"), resolver_endpoint_id=r.get("ResolverEndpointId"),
                       target_ips=[m.ResolverTargetAddress(ip=t.get("Ip"), port=t.get("Port"))
                                   for t in r.get("TargetIps") or []],
                       owner_id=r.get("OwnerId"), region=region, vpc_ids=sorted(vpcs.get(r["Id"], [])))
        for r in listed.get("ResolverRules", []) if r.get("Status", "COMPLETE") not in _GONE
    ]


def endpoints(listed: Api, addresses: Mapping[str, Api], region: str) -> list[m.ResolverEndpoint]:
    return [
        m.ResolverEndpoint(id=e["Id"], name=e.get("Name"), direction=e.get("Direction", "OUTBOUND"),
                           host_vpc_id=e["HostVPCId"], region=region,
                           security_group_ids=list(e.get("SecurityGroupIds") or []),
                           ip_addresses=[m.ResolverEndpointIp(subnet_id=a["SubnetId"], ip=a.get("Ip"))
                                         for a in (addresses.get(e["Id"]) or {}).get("IpAddresses", [])])
        for e in listed.get("ResolverEndpoints", [])
    ]


def firewall_groups(associations: Api, groups: Api, rules_by_group: Mapping[str, Api], account: str,
                    region: str) -> list[m.DnsFirewallRuleGroup]:
    names = {g["Id"]: g for g in groups.get("FirewallRuleGroups", [])}
    assoc: dict[str, list[m.DnsFirewallAssociation]] = defaultdict(list)
    for a in associations.get("FirewallRuleGroupAssociations", []):
        assoc[a["FirewallRuleGroupId"]].append(
            m.DnsFirewallAssociation(vpc_id=a["VpcId"], priority=a["Priority"], status=a.get("Status", "COMPLETE")))
    return [
        m.DnsFirewallRuleGroup(
            id=gid, name=names.get(gid, {}).get("Name"), region=region,
            owner_id=names.get(gid, {}).get("OwnerId") or account, associations=links,
            rules=[m.DnsFirewallRule(priority=r["Priority"], action=r["Action"],
                                     firewall_domain_list_id=r["FirewallDomainListId"], name=r.get("Name"),
                                     block_response=r.get("BlockResponse"),
                                     block_override_domain=r.get("BlockOverrideDomain"), qtype=r.get("Qtype"))
                   for r in (rules_by_group.get(gid) or {}).get("FirewallRules", [])])
        for gid, links in sorted(assoc.items()) if gid in rules_by_group
    ]


def domain_lists(listed: Api, domains: Mapping[str, Api], region: str) -> list[m.DnsFirewallDomainList]:
    names = {d["Id"]: d.get("Name") for d in listed.get("FirewallDomainLists", [])}
    return [m.DnsFirewallDomainList(id=lid, name=names.get(lid), region=region, domains=list(resp.get("Domains", [])))
            for lid, resp in sorted(domains.items())]
