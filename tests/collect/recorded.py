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
