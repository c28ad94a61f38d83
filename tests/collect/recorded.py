"""AWS-shaped responses for the APIs moto 5.2 does not serve (Network Firewall policies and rule groups,
Route 53 Resolver DNS Firewall), written into a copy of a saved collection for ``--from-dir``.

Shapes follow the API references' response syntax (Network Firewall: DescribeFirewall, DescribeFirewallPolicy,
DescribeRuleGroup; Route 53 Resolver: ListResolverRules, ListResolverRuleAssociations,
ListFirewallRuleGroupAssociations, ListFirewallRules, GetFirewallDomainList / ListFirewallDomains).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from engine.collect.raw import key_to_filename

NETWORK, OSAKA = "111122223333", "ap-northeast-3"
FW_ENDPOINT = "vpce-0f1ae0a11e0000001"
FW_SUBNET, FW_RTB = "subnet-0f1ae0a11e0000001", "rtb-0f1ae0a11e0000001"
_NFW = f"arn:aws:network-firewall:{OSAKA}:{NETWORK}"
FIREWALL_ARN, POLICY_ARN = f"{_NFW}:firewall/egress-fw", f"{_NFW}:firewall-policy/egress-policy"
ALLOW_ARN = f"{_NFW}:stateful-rulegroup/egress-allow"


def _read(path: Path) -> Any:
    return json.loads(path.read_text())


def _write(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1))


def with_inspection(raw: Path, out: Path, ids: dict[str, str], allowed: list[str]) -> Path:
    """A copy of ``raw`` where the Osaka proxy's default route goes through a Network Firewall endpoint (in a
    new firewall subnet whose table leads to the internet gateway), with a domain allow list ``allowed``."""
    shutil.copytree(raw, out)
    base = out / NETWORK / OSAKA
    subnets = _read(base / "DescribeSubnets.json")
    subnets["Subnets"].append({"SubnetId": FW_SUBNET, "VpcId": ids["shared-egress-osaka"], "CidrBlock": "10.10.9.0/24",
                               "AvailabilityZone": f"{OSAKA}a", "OwnerId": NETWORK, "State": "available"})
    _write(base / "DescribeSubnets.json", subnets)
    tables = _read(base / "DescribeRouteTables.json")
    for table in tables["RouteTables"]:
        if table["RouteTableId"] == ids["shared-proxy-public-rt"]:
            for route in table["Routes"]:
                if route.get("DestinationCidrBlock") == "0.0.0.0/0":
                    route["GatewayId"] = FW_ENDPOINT
    tables["RouteTables"].append({
        "RouteTableId": FW_RTB, "VpcId": ids["shared-egress-osaka"], "OwnerId": NETWORK,
        "Associations": [{"RouteTableAssociationId": "rtbassoc-0f1ae0a11e0000001", "SubnetId": FW_SUBNET,
                          "Main": False}],
        "Routes": [{"DestinationCidrBlock": "10.10.0.0/16", "GatewayId": "local", "Origin": "CreateRouteTable",
                    "State": "active"},
                   {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": ids["shared-egress-igw"],
                    "Origin": "CreateRoute", "State": "active"}]})
    tables["RouteTables"].append({  # the internet gateway's ingress table: replies come back through the firewall
        "RouteTableId": "rtb-0f1ae0a11e0000002", "VpcId": ids["shared-egress-osaka"], "OwnerId": NETWORK,
        "Associations": [{"RouteTableAssociationId": "rtbassoc-0f1ae0a11e0000002",
                          "GatewayId": ids["shared-egress-igw"], "Main": False}],
        "Routes": [{"DestinationCidrBlock": "10.10.0.0/16", "GatewayId": "local", "Origin": "CreateRouteTable",
                    "State": "active"},
                   {"DestinationCidrBlock": "10.10.0.0/24", "GatewayId": FW_ENDPOINT, "Origin": "CreateRoute",
                    "State": "active"}]})
    _write(base / "DescribeRouteTables.json", tables)
    _write(base / "ListFirewalls.json", {"Firewalls": [{"FirewallName": "egress-fw", "FirewallArn": FIREWALL_ARN}]})
    _write(base / "DescribeFirewall" / key_to_filename(FIREWALL_ARN), {
        "UpdateToken": "0f1ae0a1-token",
        "Firewall": {"FirewallName": "egress-fw", "FirewallArn": FIREWALL_ARN, "FirewallPolicyArn": POLICY_ARN,
                     "VpcId": ids["shared-egress-osaka"], "FirewallId": "0f1ae0a1-0000",
                     "SubnetMappings": [{"SubnetId": FW_SUBNET, "IPAddressType": "IPV4"}],
                     "DeleteProtection": False, "Tags": [{"Key": "Name", "Value": "egress-fw"}]},
        "FirewallStatus": {"Status": "READY", "ConfigurationSyncStateSummary": "IN_SYNC", "SyncStates": {
            f"{OSAKA}a": {"Attachment": {"SubnetId": FW_SUBNET, "EndpointId": FW_ENDPOINT, "Status": "READY"},
                          "Config": {POLICY_ARN: {"SyncStatus": "IN_SYNC", "UpdateToken": "0f1ae0a1-token"}}}}}})
    _write(base / "DescribeFirewallPolicy" / key_to_filename(POLICY_ARN), {
        "UpdateToken": "0f1ae0a1-policy",
        "FirewallPolicyResponse": {"FirewallPolicyName": "egress-policy", "FirewallPolicyArn": POLICY_ARN,
                                   "FirewallPolicyId": "0f1ae0a1-0001", "FirewallPolicyStatus": "ACTIVE"},
        "FirewallPolicy": {"StatelessDefaultActions": ["aws:forward_to_sfe"],
                           "StatelessFragmentDefaultActions": ["aws:forward_to_sfe"],
                           "StatefulRuleGroupReferences": [{"ResourceArn": ALLOW_ARN}],
                           "StatefulEngineOptions": {"RuleOrder": "DEFAULT_ACTION_ORDER",
                                                     "StreamExceptionPolicy": "DROP"}}})
    _write(base / "DescribeRuleGroup" / key_to_filename(ALLOW_ARN), {
        "UpdateToken": "0f1ae0a1-group",
        "RuleGroup": {"RulesSource": {"RulesSourceList": {"Targets": allowed, "TargetTypes": ["TLS_SNI", "HTTP_HOST"],
                                                          "GeneratedRulesType": "ALLOWLIST"}},
                      "StatefulRuleOptions": {"RuleOrder": "DEFAULT_ACTION_ORDER"}},
        "RuleGroupResponse": {"RuleGroupArn": ALLOW_ARN, "RuleGroupName": "egress-allow", "RuleGroupId": "0f1ae0a1-2",
                              "Type": "STATEFUL", "Capacity": 100, "RuleGroupStatus": "ACTIVE"}})
    return out


class DnsFirewallFake:
    """Route 53 Resolver DNS Firewall, which moto 5.2 does not implement, answered inside the emulator with
    AWS-shaped List responses per (account, region): empty unless a test adds a rule group."""

    OPERATIONS = ("ListFirewallRuleGroupAssociations", "ListFirewallRuleGroups", "ListFirewallRules",
                  "ListFirewallDomainLists", "ListFirewallDomains")

    def __init__(self) -> None:
        self.estates: dict[tuple[str, str], dict[str, Any]] = {}

    def add_block(self, account: str, region: str, vpc_id: str, name: str, domains: list[str],
                  priority: int = 101) -> str:
        """A rule group with one BLOCK (NXDOMAIN) rule over a custom domain list, associated with ``vpc_id``."""
        estate = self.estates.setdefault((account, region), {"associations": [], "groups": [], "rules": {},
                                                            "lists": [], "domains": {}})
        gid, lid = f"rslvr-frg-{name}", f"rslvr-fdl-{name}"
        arn = f"arn:aws:route53resolver:{region}:{account}"
        estate["groups"].append({"Id": gid, "Arn": f"{arn}:firewall-rule-group/{gid}", "Name": name,
                                 "OwnerId": account, "ShareStatus": "NOT_SHARED"})
        estate["associations"].append({"Id": f"rslvr-frgassoc-{name}", "FirewallRuleGroupId": gid, "VpcId": vpc_id,
                                       "Name": f"{name}-assoc", "Priority": priority, "MutationProtection": "DISABLED",
                                       "Status": "COMPLETE"})
        estate["rules"][gid] = [{"FirewallRuleGroupId": gid, "FirewallDomainListId": lid, "Name": f"{name}-block",
                                 "Priority": 10, "Action": "BLOCK", "BlockResponse": "NXDOMAIN"}]
        estate["lists"].append({"Id": lid, "Arn": f"{arn}:firewall-domain-list/{lid}", "Name": f"{name}-domains"})
        estate["domains"][lid] = domains
        return gid

    def answer(self, operation: str, account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        estate = self.estates.get((account, region), {"associations": [], "groups": [], "rules": {}, "lists": [],
                                                      "domains": {}})
        if operation == "ListFirewallRuleGroupAssociations":
            return {"FirewallRuleGroupAssociations": [a for a in estate["associations"]
                                                      if params.get("VpcId") in (None, a["VpcId"])]}
        if operation == "ListFirewallRuleGroups":
            return {"FirewallRuleGroups": estate["groups"]}
        if operation == "ListFirewallRules":
            return {"FirewallRules": estate["rules"].get(params.get("FirewallRuleGroupId"), [])}
        if operation == "ListFirewallDomainLists":
            return {"FirewallDomainLists": estate["lists"]}
        return {"Domains": estate["domains"].get(params.get("FirewallDomainListId"), [])}


OUTBOUND, FORWARD_RULE = "rslvr-out-0f1ae0a11e000001", "rslvr-rr-0f1ae0a11e000001"
DNS_GROUP, DNS_LIST = "rslvr-frg-0f1ae0a11e000001", "rslvr-fdl-0f1ae0a11e000001"


def with_resolver(out: Path, ids: dict[str, str], blocked: list[str]) -> Path:
    """Add to a saved directory (in place) an outbound Resolver endpoint in the Osaka proxy subnet, a rule
    forwarding corp.example.com to on-premises resolvers, and a DNS Firewall rule group blocking ``blocked``,
    both associated with the proxy's VPC."""
    base, vpc = out / NETWORK / OSAKA, ids["shared-egress-osaka"]
    arn = f"arn:aws:route53resolver:{OSAKA}:{NETWORK}"
    _write(base / "ListResolverEndpoints.json", {"ResolverEndpoints": [{
        "Id": OUTBOUND, "Arn": f"{arn}:resolver-endpoint/{OUTBOUND}", "Name": "outbound", "Direction": "OUTBOUND",
        "HostVPCId": vpc, "IpAddressCount": 1, "SecurityGroupIds": [], "Status": "OPERATIONAL"}]})
    _write(base / "ListResolverEndpointIpAddresses" / key_to_filename(OUTBOUND), {"IpAddresses": [
        {"IpId": "rni-0f1ae0a11e000001", "SubnetId": ids["shared-proxy-public-a"], "Ip": "10.10.0.53",
         "Status": "ATTACHED"}]})
    _write(base / "ListResolverRules.json", {"ResolverRules": [{
        "Id": FORWARD_RULE, "Arn": f"{arn}:resolver-rule/{FORWARD_RULE}", "DomainName": "corp.example.com.",
        "Status": "COMPLETE", "RuleType": "FORWARD", "Name": "corp-forward", "OwnerId": NETWORK,
        "ShareStatus": "NOT_SHARED", "ResolverEndpointId": OUTBOUND,
        "TargetIps": [{"Ip": "192.168.10.10", "Port": 53, "Protocol": "Do53"}]}]})
    _write(base / "ListResolverRuleAssociations.json", {"ResolverRuleAssociations": [{
        "Id": "rslvr-rrassoc-0f1ae0a11e01", "ResolverRuleId": FORWARD_RULE, "Name": "corp", "VPCId": vpc,
        "Status": "COMPLETE"}]})
    _write(base / "ListFirewallRuleGroupAssociations.json", {"FirewallRuleGroupAssociations": [{
        "Id": "rslvr-frgassoc-0f1ae0a11e01", "FirewallRuleGroupId": DNS_GROUP, "VpcId": vpc, "Name": "egress",
        "Priority": 101, "MutationProtection": "DISABLED", "Status": "COMPLETE"}]})
    _write(base / "ListFirewallRuleGroups.json", {"FirewallRuleGroups": [{
        "Id": DNS_GROUP, "Arn": f"{arn}:firewall-rule-group/{DNS_GROUP}", "Name": "egress-dns", "OwnerId": NETWORK,
        "ShareStatus": "NOT_SHARED"}]})
    _write(base / "ListFirewallRules" / key_to_filename(DNS_GROUP), {"FirewallRules": [{
        "FirewallRuleGroupId": DNS_GROUP, "FirewallDomainListId": DNS_LIST, "Name": "block-listed", "Priority": 10,
        "Action": "BLOCK", "BlockResponse": "NXDOMAIN"}]})
    _write(base / "ListFirewallDomainLists.json", {"FirewallDomainLists": [{
        "Id": DNS_LIST, "Arn": f"{arn}:firewall-domain-list/{DNS_LIST}", "Name": "blocked-names"}]})
    _write(base / "ListFirewallDomains" / key_to_filename(DNS_LIST), {"Domains": blocked})
    return out
