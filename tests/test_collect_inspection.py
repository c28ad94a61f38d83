"""Collecting Network Firewall (and Route 53 Resolver) configuration: moto 5.2 serves ListFirewalls and
DescribeFirewall but not DescribeFirewallPolicy or DescribeRuleGroup, so the collector is tested on a saved
collection of the emulator estate with recorded AWS-shaped responses added (``--from-dir``).
"""

from __future__ import annotations

from pathlib import Path

from engine import Engine
from engine.collect.collector import CollectOptions, collect
from tests.collect.emulator import Collected, Emulator, collected_fixture, emulator_fixture  # noqa: F401
from tests.collect.recorded import ALLOW_ARN, FW_ENDPOINT, with_inspection

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
