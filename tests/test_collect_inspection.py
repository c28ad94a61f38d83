"""Collecting Network Firewall (and Route 53 Resolver) configuration: moto 5.2 serves ListFirewalls and
DescribeFirewall but not DescribeFirewallPolicy or DescribeRuleGroup, so the collector is tested on a saved
collection of the emulator estate with recorded AWS-shaped responses added (``--from-dir``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from engine import Engine
from engine.collect.collector import CollectOptions, collect
from tests.collect.emulator import Collected, Emulator, collected_fixture, emulator_fixture  # noqa: F401
from tests.collect.recorded import (
    ALLOW_ARN,
    DNS_GROUP,
    FORWARD_RULE,
    FW_ENDPOINT,
    OUTBOUND,
    with_inspection,
    with_resolver,
)

SSM_TOKYO = "ssm.ap-northeast-1.amazonaws.com"


def test_firewall_policy_and_rule_groups_are_read_and_the_endpoint_is_a_known_route_target(
        emulator: Emulator, collected: Collected, tmp_path: Path) -> None:
    """ListFirewalls → DescribeFirewall (endpoint per AZ from FirewallStatus.SyncStates) → DescribeFirewallPolicy
    → DescribeRuleGroup; the firewall endpoint a route names is not reported as a missing resource."""
    raw = with_inspection(collected.raw_dir, tmp_path / "raw", emulator.estate.ids, [".amazonaws.com"])
    snap = collect(CollectOptions(from_dir=str(raw))).snapshot
    (fw,) = snap.firewalls
    assert fw.firewall_name == "egress-fw" and fw.firewall_status.sync_states["ap-northeast-3a"].attachment
    assert [p.firewall_policy_name for p in snap.firewall_policies] == ["egress-policy"]
    (group,) = snap.firewall_rule_groups
    assert group.rule_group_arn == ALLOW_ARN and group.rules_source.rules_source_list is not None
    assert all(g.resource != FW_ENDPOINT for c in snap.coverage for g in c.gaps)


def test_proxied_request_is_refused_by_the_collected_firewall_allow_list_and_the_fix_is_proven(
        emulator: Emulator, collected: Collected, tmp_path: Path) -> None:
    """The Osaka proxy's egress now crosses the firewall: SSM's Tokyo name is not on the allow list, so the
    answer is FIREWALL_DENY (not the internet gateway's reachable), and adding the name is a verified fix."""
    allowed = [".s3.ap-northeast-3.amazonaws.com"]
    raw = with_inspection(collected.raw_dir, tmp_path / "raw", emulator.estate.ids, allowed)
    eng = Engine(collect(CollectOptions(from_dir=str(raw))).snapshot, "recorded")
    a = eng.ask(f"why can web-tokyo-a not reach {SSM_TOKYO}")
    assert a.verdict == "blocked"
    assert a.blocked_by is not None and (a.blocked_by.code, a.blocked_by.resource) == ("FIREWALL_DENY", "egress-allow")
    assert [f.change for f in a.fixes if f.kind == "firewall_rule_group"] == [
        {"rule_group_arn": ALLOW_ARN, "domain": SSM_TOKYO}]
    assert next(f for f in a.fixes if f.kind == "firewall_rule_group").verified


def test_resolver_rules_endpoints_and_dns_firewall_are_read_and_decide_the_proxy_side_answers(
        emulator: Emulator, collected: Collected, tmp_path: Path) -> None:
    """ListResolverRules + ListResolverRuleAssociations, ListResolverEndpoints + ListResolverEndpointIpAddresses,
    ListFirewallRuleGroupAssociations → ListFirewallRuleGroups, ListFirewallRules → ListFirewallDomainLists,
    ListFirewallDomains. On the collected estate the proxy's VPC then blocks SSM's Tokyo name
    (DNS_FIREWALL_BLOCK) and forwards corp.example.com to a private resolver its endpoint has no route to (only
    the internet gateway, which does not carry private addresses)."""
    raw = tmp_path / "raw"
    shutil.copytree(collected.raw_dir, raw)
    with_resolver(raw, emulator.estate.ids, [SSM_TOKYO])
    snap = collect(CollectOptions(from_dir=str(raw))).snapshot
    (rule,) = snap.resolver_rules
    assert (rule.id, rule.vpc_ids, [t.ip for t in rule.target_ips]) == (
        FORWARD_RULE, [emulator.estate.ids["shared-egress-osaka"]], ["192.168.10.10"])
    assert [e.id for e in snap.resolver_endpoints] == [OUTBOUND]
    (group,) = snap.dns_firewall_rule_groups
    assert group.id == DNS_GROUP and [d.domains for d in snap.dns_firewall_domain_lists] == [[SSM_TOKYO]]
    eng = Engine(snap, "recorded")
    a = eng.ask(f"why can web-tokyo-a not reach {SSM_TOKYO}", fixes=False)
    assert a.blocked_by is not None and (a.blocked_by.code, a.blocked_by.resource) == ("DNS_FIREWALL_BLOCK",
                                                                                         "egress-dns")
    b = eng.ask("web-tokyo-a -> https://intranet.corp.example.com/", fixes=False)
    assert b.blocked_by is not None and b.blocked_by.code == "NO_ROUTE" and "corp-forward" in b.blocked_by.detail


def test_dns_firewall_read_from_the_emulator_blocks_the_name(emulator: Emulator) -> None:
    """A live collection (moto, with DNS Firewall answered at the API seam) reads the rule group associated
    with a VPC, and the answer for a blocked name is DNS_FIREWALL_BLOCK, not the open internet path."""
    import boto3

    from engine.collect.seed_demo import _assumed

    account, region = "777788881111", "eu-west-1"
    session = _assumed(boto3.Session(), emulator.url, account)
    ec2 = session.client("ec2", region_name=region, endpoint_url=emulator.url)
    vpc = ec2.create_vpc(CidrBlock="10.70.0.0/16")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.70.0.0/24")["Subnet"]["SubnetId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    rtb = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=rtb, SubnetId=subnet)
    ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.run_instances(ImageId="ami-0123456789abcdef0", MinCount=1, MaxCount=1, NetworkInterfaces=[{
        "DeviceIndex": 0, "SubnetId": subnet, "AssociatePublicIpAddress": True}],
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "dnsfw-client"}]}])
    emulator.state["dns_firewall"].add_block(account, region, vpc, "no-ssm", ["ssm.eu-west-1.amazonaws.com"])
    snap = collect(emulator.options(regions=[region],
                                    role_arns=[f"arn:aws:iam::{account}:role/reachbot-collector"])).snapshot
    assert [g.name for g in snap.dns_firewall_rule_groups] == ["no-ssm"]
    eng = Engine(snap, "emulator")
    a = eng.ask("dnsfw-client -> ssm.eu-west-1.amazonaws.com", fixes=False)
    assert a.blocked_by is not None and (a.blocked_by.code, a.blocked_by.resource) == ("DNS_FIREWALL_BLOCK", "no-ssm")
    assert eng.ask("dnsfw-client -> sts.eu-west-1.amazonaws.com", fixes=False).verdict == "reachable"
