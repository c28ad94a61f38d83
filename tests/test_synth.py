"""Synthetic estates (issue #7): seeded, reproducible, shaped like an organisation, and answerable.

The generator repeats the article's topology across accounts and regions (docs/article-scenarios.md): a
forward proxy per region in a public subnet, some with a proxy-side S3 gateway endpoint; client VPCs reaching
it over a transit gateway or VPC peering (inter-region for some); buckets pinned with ``aws:sourceVpce``.
Tests use the ``tiny`` and ``small`` sizes only; large and xl are for ``python -m bench.bench``.
"""

from __future__ import annotations

import argparse
from collections import Counter

import pytest

from engine import Engine
from engine.cli.commands.synth import run
from engine.errors import QuestionError
from engine.estates.synth import QUESTION_KINDS, sample_question_mix, sample_questions, synth_estate
from engine.estates.synth.profiles import profile_for
from engine.snapshot import dump_snapshot, parse_snapshot


@pytest.fixture(scope="module")
def small():
    return synth_estate("small", seed=7)


@pytest.fixture(scope="module")
def small_engine(small):
    return Engine(small, "synth:small")


def test_same_seed_gives_the_same_estate_byte_for_byte():
    """Reproducible: a benchmark figure must be re-measurable on the very same estate."""
    assert dump_snapshot(synth_estate("tiny", seed=3)) == dump_snapshot(synth_estate("tiny", seed=3))
    assert dump_snapshot(synth_estate("tiny", seed=3)) != dump_snapshot(synth_estate("tiny", seed=4))


def test_small_estate_has_the_shape_of_an_organisation(small):
    """~1k instances over accounts × regions; each region has a proxy, a transit gateway hub and private DNS
    naming the proxy; both endpoint kinds, peering (some inter-region) and TGW attachments are present."""
    assert 900 <= len(small.instances) <= 1200
    assert len(small.accounts) == 5 and len(small.regions) == 2  # 4 of the organisation, 1 partner outside it
    assert small.organization is not None and len(small.organization.member_ids) == 4
    proxies = [i for i in small.instances if i.proxy_ports]
    assert {p.region for p in proxies} == set(small.regions)
    assert len(small.transit_gateways) == len(small.regions)
    assert {e.vpc_endpoint_type for e in small.vpc_endpoints} == {"Gateway", "Interface", "GatewayLoadBalancer"}
    assert small.vpc_peering_connections and small.transit_gateway_attachments
    assert any(p.requester_vpc_info.region != p.accepter_vpc_info.region for p in small.vpc_peering_connections)
    zone = small.hosted_zones[0]
    names = {rr.name for rr in zone.resource_record_sets}
    assert names == {f"proxy.{r}.corp.internal." for r in small.regions}
    assert len(zone.vpcs) == len(small.vpcs)
    assert any(b.policy and "aws:sourceVpce" in b.policy for b in small.buckets)
    # The proxy-side S3 endpoint of the first region, like the article's Osaka proxy, is restrictive.
    proxy_vpc = proxies[0].vpc_id if proxies[0].region == "ap-northeast-3" else proxies[1].vpc_id
    assert any(e.vpc_id == proxy_vpc and e.service_name == "com.amazonaws.ap-northeast-3.s3" and e.policy_document
               for e in small.vpc_endpoints)


def test_instances_use_a_few_proxy_profiles_some_excluding_s3(small):
    """Profiles teams use: upper- and lowercase variables, NO_PROXY with and without S3, and no proxy."""
    profiles = Counter(t.value for i in small.instances for t in i.tags if t.key == "ProxyProfile")
    assert set(profiles) == {"standard", "s3-excluded", "s3-regional", "lowercase", "none"}
    excluded = [i for i in small.instances if ".amazonaws.com" in (i.proxy_environment.get("NO_PROXY").value
                                                                  if "NO_PROXY" in i.proxy_environment else "")]
    assert excluded


def test_small_estate_answers_sensibly_and_never_raises(small_engine, small):
    """A mix of reachable and blocked verdicts, few unknowns, every question kind drawn, no exception."""
    mix = sample_question_mix(small, 400, seed=11)
    assert {kind for kind, _ in mix} == set(QUESTION_KINDS)
    verdicts: Counter[str] = Counter()
    codes: Counter[str] = Counter()
    for _, text in mix:
        answer = small_engine.ask(text, fixes=False)
        verdicts[answer.verdict] += 1
        if answer.blocked_by:
            codes[answer.blocked_by.code] += 1
    assert verdicts["reachable"] >= 0.15 * len(mix)
    assert verdicts["blocked"] >= 0.3 * len(mix)
    assert verdicts["unknown"] <= 0.05 * len(mix)
    # The refusals an incident channel sees, from the network and from each of the three policies.
    assert {"ENDPOINT_POLICY_DENY", "BUCKET_POLICY_DENY", "IDENTITY_POLICY_DENY", "NO_ROUTE"} <= set(codes)


def test_proxied_questions_through_a_restrictive_proxy_endpoint_are_refused_there(small_engine, small):
    """The article's trap, at scale: a proxied client in the first region reaches S3 through the proxy's own
    subnet, whose gateway endpoint only allows the network team's buckets (ENDPOINT_POLICY_DENY)."""
    client = next(i for i in small.instances if i.region == "ap-northeast-3" and not i.proxy_ports
                  and "HTTPS_PROXY" in i.proxy_environment and ".ap-northeast-3." in
                  i.proxy_environment["HTTPS_PROXY"].value
                  and "amazonaws" not in i.proxy_environment["NO_PROXY"].value)
    bucket = next(b for b in small.buckets if b.region == "ap-northeast-3" and b.owner_id == client.owner_id)
    answer = small_engine.ask(f"why can {client.instance_id} not reach bucket {bucket.name}", fixes=False)
    assert answer.verdict == "blocked"
    assert any(h.kind == "proxy" for h in answer.hops)
    assert answer.blocked_by is not None and answer.blocked_by.code == "ENDPOINT_POLICY_DENY"


def test_sample_questions_are_reproducible_and_parse(small_engine, small):
    first = sample_questions(small, 50, seed=5)
    assert first == sample_questions(small, 50, seed=5)
    assert first != sample_questions(small, 50, seed=6)
    for text in first:
        try:
            small_engine.parse(text)
        except QuestionError as exc:  # pragma: no cover - the message says which name did not resolve
            pytest.fail(f"{text!r}: {exc}")


def test_size_overrides_and_bad_sizes():
    custom = synth_estate({"base": "tiny", "accounts": 2, "regions": 1, "instances_per_vpc": 5})
    assert len(custom.accounts) == 3 and custom.regions == ["ap-northeast-3"]  # with the partner
    with pytest.raises(ValueError, match="unknown estate size"):
        profile_for("huge")
    with pytest.raises(ValueError, match="unknown estate size keys"):
        profile_for({"base": "tiny", "instances": 3})


def test_run_writes_a_snapshot_that_loads_back(tmp_path, capsys):
    """``reachbot synth --size tiny --seed 7 --out FILE`` writes atomically; the file parses to the same estate."""
    out = tmp_path / "estate.json"
    assert run(argparse.Namespace(size="tiny", seed=7, out=str(out))) == 0
    loaded = parse_snapshot(out.read_bytes(), str(out))
    assert dump_snapshot(loaded) == dump_snapshot(synth_estate("tiny", seed=7))
    assert "instances" in capsys.readouterr().err


def test_central_egress_questions_follow_the_hub_and_refuse_at_the_right_resource(small_engine, small):
    """Hub-and-spoke estate (engine/estates/synth/central.py): a client behind central egress reaches another
    region's bucket through the transit gateway and the hub's NAT gateway, or is refused by what AWS refuses:
    an attachment without a subnet in the client's zone (TGW_NO_ATTACHMENT_IN_AZ, naming that attachment), the
    attachment subnets' ACL against the data tier (NACL_DENY, naming that ACL), or the policies. 'Reachable'
    only with the whole path present: TGW in the client's zone, the hub's NAT, its internet gateway or the
    hub's S3 endpoint (Transit Gateway guide, "Example: Centralized egress to the internet")."""
    atts = {a.transit_gateway_attachment_id: a for a in small.transit_gateway_attachments}
    subnets = {s.subnet_id: s for s in small.subnets}
    acls = {a.network_acl_id: a for a in small.network_acls}
    nats = {n.nat_gateway_id: n for n in small.nat_gateways}
    hub_vpcs = {a.resource_id for a in atts.values() if a.resource_id and "egress" in
                next((v.name or "" for v in small.vpcs if v.vpc_id == a.resource_id), "")}
    mix = [text for kind, text in sample_question_mix(small, 600, seed=3) if kind == "central-egress"]
    codes: Counter[str] = Counter()
    for text in mix:
        a = small_engine.ask(text, fixes=False)
        src = small_engine.topology.instances[a.source.id]
        zone = subnets[src.subnet_id].availability_zone
        if a.verdict == "reachable":
            kinds = [h.kind for h in a.hops]
            assert kinds[:5] == ["instance", "dns", "route-table", "tgw-attachment", "transit-gateway"], text
            nat = next(h.id for h in a.hops if h.kind == "nat-gateway")
            assert nats[nat].vpc_id in hub_vpcs
            assert kinds[-2] in ("internet-gateway", "gateway-endpoint")
            entry = atts[next(h.id for h in a.hops if h.kind == "tgw-attachment")]
            assert zone in {subnets[s].availability_zone for s in entry.subnet_ids}
            codes["reachable"] += 1
        elif a.blocked_by is not None:
            codes[a.blocked_by.code] += 1
            if a.blocked_by.code == "TGW_NO_ATTACHMENT_IN_AZ":
                att = atts[a.blocked_by.resource]
                assert att.resource_id == src.vpc_id
                assert zone not in {subnets[s].availability_zone for s in att.subnet_ids}
            if a.blocked_by.code == "NACL_DENY":
                acl = acls[a.blocked_by.resource]
                assert acl.network_acl_id.startswith("acl-") and any(
                    "tgw" in (subnets[s.subnet_id].name or "") for s in acl.associations)
    assert {"reachable", "TGW_NO_ATTACHMENT_IN_AZ", "NACL_DENY"} <= set(codes), codes
