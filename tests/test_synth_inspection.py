"""The synthetic estate carries issue #10's inspection and DNS features (engine/estates/synth/inspection.py):
a Network Firewall per region, Resolver forwarding of the on-premises domain, DNS Firewall deny lists."""

from __future__ import annotations

import pytest

from engine import Engine
from engine.estates.synth import synth_estate
from engine.estates.synth.inspection import ONPREM_DOMAIN, ONPREM_RESOLVERS


@pytest.fixture(scope="module", name="small")
def small_fixture():  # type: ignore[no-untyped-def]
    return synth_estate("small")


def _plain_client(snap):  # type: ignore[no-untyped-def]
    """A client without proxy settings whose security groups let it out (HTTPS anywhere)."""
    eng = Engine(snap, "synth:small")
    for inst in snap.instances:
        if inst.proxy_ports or inst.proxy_environment:
            continue
        if eng.ask(f"{inst.instance_id} -> sts.{inst.region}.amazonaws.com", fixes=False).blocked_by is None:
            return eng, inst
    raise AssertionError("no plain client in the estate")


def test_every_region_has_a_firewall_a_forwarding_rule_and_a_dns_firewall(small) -> None:  # type: ignore[no-untyped-def]
    assert {f.region for f in small.firewalls} == set(small.regions)
    assert {r.region for r in small.resolver_rules} == set(small.regions)
    assert {g.region for g in small.dns_firewall_rule_groups} == set(small.regions)


def test_deny_listed_name_is_blocked_by_the_regions_dns_firewall(small) -> None:  # type: ignore[no-untyped-def]
    """DNS Firewall (Route 53 developer guide, "DNS Firewall rule groups and rules"): BLOCK on a deny list."""
    eng, inst = _plain_client(small)
    a = eng.ask(f"{inst.instance_id} -> https://beacon.malware-c2.example/", fixes=False)
    assert a.blocked_by is not None
    assert (a.blocked_by.code, a.blocked_by.resource) == ("DNS_FIREWALL_BLOCK", f"egress-dns-{inst.region}")


def test_on_premises_name_is_forwarded_and_unknown_naming_the_rule(small) -> None:  # type: ignore[no-untyped-def]
    """A forwarded name is answered outside the snapshot: unknown, with the rule and its target resolvers."""
    eng, inst = _plain_client(small)
    a = eng.ask(f"{inst.instance_id} -> https://db.{ONPREM_DOMAIN}/", fixes=False)
    assert a.verdict == "unknown"
    assert any(f"onprem-{inst.region}" in c and ONPREM_RESOLVERS[0] in c for c in a.caveats)
