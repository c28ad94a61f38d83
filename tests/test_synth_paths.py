"""The synthetic estate's questions meet issue #10's inspection rules and issue #11's IAM layers on real paths.

Expectations come from the generated snapshot itself (its firewall rule groups, DNS Firewall associations,
Resolver rules, role boundaries, organisation policies and endpoint policies), never from hard-coded ids.
Docs: Network Firewall developer guide, "Architectures" (centralized deployment model, symmetric routing) and
"Stateful domain list rule groups"; Route 53 developer guide, "DNS Firewall rule groups and rules" and
"Forwarding outbound DNS queries to your network"; IAM user guide, "Permissions boundaries for IAM entities"
and "Policy evaluation logic"; Organizations user guide, "Service control policies"; VPC guide, "Control
access to VPC endpoints using endpoint policies" (aws:ResourceOrgID data perimeter).
"""

from __future__ import annotations

import json
from collections import Counter
from urllib.parse import urlparse

import pytest

from engine import Engine
from engine import model as m
from engine.codes import Code
from engine.estates.synth import sample_question_mix, synth_estate
from engine.estates.synth.questions import OUTSIDE_ALLOW_LIST, _index
from engine.walk.firewall import domain_matches


@pytest.fixture(scope="module", name="small")
def small_fixture() -> m.Snapshot:
    return synth_estate("small", seed=7)


@pytest.fixture(scope="module", name="eng")
def eng_fixture(small: m.Snapshot) -> Engine:
    return Engine(small, "synth:small")


@pytest.fixture(scope="module", name="mix")
def mix_fixture(small: m.Snapshot) -> list[tuple[str, str]]:
    return sample_question_mix(small, 2000, seed=13)


def _allow_lists(snap: m.Snapshot) -> dict[str, m.FirewallRuleGroup]:
    """Region → the domain allow-list rule group of the region's egress firewall policy."""
    groups = {g.rule_group_arn: g for g in snap.firewall_rule_groups}
    out = {}
    for policy in snap.firewall_policies:
        for ref in policy.stateful_rule_group_references:
            g = groups[ref.resource_arn]
            if g.rules_source and g.rules_source.rules_source_list and \
                    g.rules_source.rules_source_list.generated_rules_type == "ALLOWLIST":
                out[policy.region] = g
    return out


def _allowed(snap: m.Snapshot, region: str, host: str) -> bool:
    source = _allow_lists(snap)[region].rules_source
    assert source is not None and source.rules_source_list is not None
    return any(domain_matches(entry, host) for entry in source.rules_source_list.targets)


def _host(text: str) -> str:
    return urlparse(next(w for w in text.split() if w.startswith("https://"))).hostname or ""


def _source(eng: Engine, text: str) -> m.Instance:
    return eng.parse(text).source


def test_the_allow_list_covers_the_aws_names_central_egress_asks_for(small: m.Snapshot, mix) -> None:
    """Every S3 name a central-egress question uses is on its region's allow list; none of the names the
    egress-filter kind uses as 'outside the list' is."""
    for region in small.regions:
        assert all(not _allowed(small, region, host) for host in OUTSIDE_ALLOW_LIST)
        for b in (b for b in small.buckets if b.region == region):
            assert _allowed(small, region, f"{b.name}.s3.{region}.amazonaws.com")


def test_reachable_central_egress_crosses_the_firewall_then_the_nat(small: m.Snapshot, eng: Engine, mix) -> None:
    """Centralized inspection + egress: spoke → TGW → hub attachment subnets → firewall endpoint → NAT →
    internet gateway; the NAT subnet's return route crosses the same endpoint, so the answer is reachable,
    not FIREWALL_ASYMMETRIC. A question's firewall is its region's."""
    endpoints = {st.attachment.endpoint_id: fw.region for fw in small.firewalls
                 for st in fw.firewall_status.sync_states.values() if st.attachment}
    reachable = 0
    for kind, text in mix:
        if kind != "central-egress":
            continue
        a = eng.ask(text, fixes=False)
        kinds = [h.kind for h in a.hops]
        assert a.verdict != "unknown" or "network-firewall" not in kinds, (text, a.caveats)
        if a.verdict != "reachable":
            continue
        reachable += 1
        fw = kinds.index("network-firewall")
        assert fw < kinds.index("nat-gateway") < kinds.index("internet-gateway"), text
        assert endpoints[a.hops[fw].id] == _source(eng, text).region
    assert reachable >= 5


def test_egress_filter_questions_are_refused_where_aws_refuses_them(small: m.Snapshot, eng: Engine, mix) -> None:
    """A name outside the allow list: FIREWALL_DENY at the region's allow-list rule group (after the
    transit gateway, before any NAT); a name on the DNS Firewall's deny list: DNS_FIREWALL_BLOCK at the rule
    group associated with the client's VPC; a name under the forwarded domain: unknown, RESOLVER_FORWARDED
    naming the region's rule and its target addresses."""
    allow = _allow_lists(small)
    dns_groups = {a.vpc_id: g for g in small.dns_firewall_rule_groups for a in g.associations}
    deny_lists = {d.id: d.domains for d in small.dns_firewall_domain_lists}
    counts: Counter[str] = Counter()
    for kind, text in mix:
        if kind != "egress-filter":
            continue
        src, host = _source(eng, text), _host(text)
        a = eng.ask(text, fixes=False)
        assert a.verdict != "reachable", text
        group = dns_groups[src.vpc_id]
        blocked = any(domain_matches(d.removeprefix("*"), host) or host.endswith(d.removeprefix("*"))
                      for r in group.rules if r.action == "BLOCK" for d in deny_lists[r.firewall_domain_list_id])
        rule = next((r for r in small.resolver_rules if r.region == src.region and src.vpc_id in r.vpc_ids
                     and f"{host}.".endswith(f".{r.domain_name}")), None)
        if blocked:
            assert a.blocked_by is not None and (a.blocked_by.code, a.blocked_by.resource) == \
                (Code.DNS_FIREWALL_BLOCK, group.name), text
        elif rule is not None:
            assert a.verdict == "unknown", text
            caveats = eng.trace(eng.parse(text)).caveats
            assert any(c.code is Code.RESOLVER_FORWARDED for c in caveats), text
            assert any(rule.name in c and rule.target_ips[0].ip in c for c in a.caveats), text
        else:
            assert not _allowed(small, src.region, host)
            assert a.blocked_by is not None and (a.blocked_by.code, a.blocked_by.resource) == \
                (Code.FIREWALL_DENY, allow[src.region].rule_group_name), text
            kinds = [h.kind for h in a.hops]
            assert "transit-gateway" in kinds and kinds[-1] == "network-firewall", text
        counts[a.blocked_by.code if a.blocked_by else a.verdict] += 1
    assert {Code.FIREWALL_DENY, Code.DNS_FIREWALL_BLOCK, "unknown"} <= set(counts), counts


def test_no_client_reaches_a_name_outside_the_allow_list_without_its_proxy(small: m.Snapshot, eng: Engine) -> None:
    """Whatever the client, a name the firewall does not allow or the DNS Firewall blocks is never reachable
    along a path that crosses the firewall or the client's own resolver."""
    ix = _index(small)
    for src in ix.inspected + ix.central[:20]:
        for host in (*OUTSIDE_ALLOW_LIST, "beacon.malware-c2.example"):
            a = eng.ask(f"{src.instance_id} -> https://{host}/", fixes=False)
            kinds = [h.kind for h in a.hops]
            assert a.verdict != "reachable" or ("proxy" in kinds and "network-firewall" not in kinds), (src, host)


def _statement_sids(doc: str | None) -> set[str]:
    return {s.get("Sid", "") for s in json.loads(doc or "{}").get("Statement", [])}


def test_iam_layer_questions_meet_the_boundary_the_scp_and_the_perimeter(small: m.Snapshot, eng: Engine,
                                                                         mix) -> None:
    """A write by the analytics role: PERMISSIONS_BOUNDARY_DENY naming its boundary (the identity policy
    allows it); a delete: SCP_DENY naming the organisation's customer SCP; a read of a bucket outside the
    organisation through a data-perimeter endpoint: ENDPOINT_POLICY_DENY naming that endpoint; a read of the
    client's own bucket there: reachable through that endpoint."""
    org = small.organization
    assert org is not None
    roles = {r.arn: r for r in small.roles}
    profiles = {p.arn: roles[p.roles[0]] for p in small.instance_profiles if p.roles}
    buckets = {b.name: b for b in small.buckets}
    customer = [p for p in org.policies if "s3:DeleteObject" in p.content]
    assert len(customer) == 1
    perimeter = {e.vpc_endpoint_id for e in small.vpc_endpoints if f'"aws:ResourceOrgID":"{org.id}"' in
                 (e.policy_document or "").replace(" ", "")}
    counts: Counter[str] = Counter()
    for kind, text in mix:
        if kind != "iam-layers":
            continue
        q, a = eng.parse(text), eng.ask(text, fixes=False)
        src = _source(eng, text)
        bucket = buckets[q.destination.id]
        role = profiles[src.iam_instance_profile.arn] if src.iam_instance_profile else None
        code = a.blocked_by.code if a.blocked_by else a.verdict
        counts[code] += 1
        if q.action == "s3:PutObject":
            assert role is not None and role.permissions_boundary is not None
            assert (code, a.blocked_by and a.blocked_by.resource) == \
                (Code.PERMISSIONS_BOUNDARY_DENY, role.permissions_boundary.policy_arn), text
        elif q.action == "s3:DeleteObject":
            assert code == Code.SCP_DENY and a.blocked_by is not None, text
            assert customer[0].id in a.blocked_by.resource
            assert (a.blocked_by.statement or {}).get("Sid") in _statement_sids(customer[0].content)
        elif bucket.owner_id not in org.member_ids:
            assert code == Code.ENDPOINT_POLICY_DENY and a.blocked_by is not None, text
            assert a.blocked_by.resource in perimeter
        else:
            assert code == "reachable", text
            assert any(h.kind == "gateway-endpoint" for h in a.hops), text
    assert {Code.PERMISSIONS_BOUNDARY_DENY, Code.SCP_DENY, Code.ENDPOINT_POLICY_DENY, "reachable"} <= set(counts)
