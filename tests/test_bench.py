"""The benchmark harness and the performance edits it motivated (issue #7).

The edits must not change behaviour: the cached address parses return what ``ipaddress`` returns and raise
what it raises, the service-route memo never answers for a table a fix has patched, and loading a snapshot
leaves the garbage collector as it found it.
"""

from __future__ import annotations

import gc
from ipaddress import ip_address, ip_network
from pathlib import Path

import pytest

from bench.report import render
from bench.worker import measure, measure_rss
from engine import Engine
from engine.dns import Address
from engine.errors import SnapshotError
from engine.estates.synth import synth_estate
from engine.patch import DisassociateEndpoint, patched_engine
from engine.routing import lookup
from engine.snapshot import dump_snapshot, parse_snapshot, write_snapshot_atomically
from engine.topology import parse_ip, parse_net


def test_worker_measures_every_figure_of_the_table(tmp_path: Path):
    """One fresh-process worker run, here in-process on the tiny estate: every row of the table is filled."""
    path = tmp_path / "tiny.json"
    write_snapshot_atomically(synth_estate("tiny", seed=7), path)
    figures = measure("tiny", path, seed=7, n_questions=40, n_fixes=3)
    for key in ("load_s", "floor_json_loads_s", "load_over_floor", "rss_peak_mib", "engine_build_s",
                "first_answer_ms", "warm_ms", "fixes"):
        assert key in figures
    assert sum(figures["verdicts"].values()) == 40
    figures["file_mb"] = path.stat().st_size / 1e6
    table = render({"sizes": {"tiny": figures}, "cli": {}, "machine": {"python": "3", "cpus": 2}})
    assert "warm answer p95 (ms)" in table and "n/a" not in table.split("with fixes")[0]


def test_rss_worker_reports_the_high_water_mark_after_each_phase(tmp_path: Path):
    """The peak-RSS row (issue #14): marks never fall, every question is answered, and the line is rendered."""
    path = tmp_path / "tiny.json"
    write_snapshot_atomically(synth_estate("tiny", seed=7), path)
    fig = measure_rss("tiny", path, seed=7, n_questions=20, n_fixes=2)
    marks = [fig[k] for k in ("hwm_imports_mib", "hwm_load_mib", "hwm_build_mib", "hwm_peak_mib")]
    assert marks == sorted(marks) and marks[0] > 0 and sum(fig["verdicts"].values()) == 20
    table = render({"sizes": {}, "rss": {"tiny": fig}, "cli": {}, "machine": {}})
    assert f"tiny peak RSS {fig['hwm_peak_mib']:.0f} MiB (target ≤ 1024 MiB: met)" in table


def test_cached_parses_match_ipaddress_and_still_raise():
    for text in ("10.1.2.3", "::1", "2001:db8::5"):
        assert parse_ip(text) == ip_address(text)
    for text in ("10.0.0.0/8", "10.1.2.3/16", "0.0.0.0/0", "2001:db8::/32"):
        assert parse_net(text) == ip_network(text, strict=False)
    with pytest.raises(ValueError):
        parse_ip("proxy.corp.internal")
    with pytest.raises(ValueError):
        parse_net("10.0.0.0/33")


def test_loading_leaves_the_collector_enabled_even_when_the_file_is_bad():
    """parse_snapshot pauses the cyclic collector while validating (long_lived_allocation), then restores it."""
    snap = synth_estate("tiny", seed=1)
    assert gc.isenabled()
    parse_snapshot(dump_snapshot(snap), "test")
    assert gc.isenabled()
    with pytest.raises(SnapshotError):
        parse_snapshot(b'{"TakenAt": "not a date"}', "test")
    assert gc.isenabled()
    gc.disable()
    try:
        parse_snapshot(dump_snapshot(snap), "test")
        assert not gc.isenabled()  # a caller that had paused it keeps it paused
    finally:
        gc.enable()


def test_service_route_memo_does_not_leak_into_a_patched_copy():
    """VPC user guide, "Route priority": a gateway endpoint route (prefix list) wins for the region's S3.
    Re-tracing a fix on a patched copy whose table lost that route must not reuse the original's answer."""
    eng = Engine(synth_estate("tiny", seed=7))
    topo = eng.topology
    ep = next(e for e in topo.endpoints.values() if e.vpc_endpoint_type == "Gateway" and e.route_table_ids)
    rtb, s3 = ep.route_table_ids[0], Address(service="s3", region=ep.region)
    before = lookup(topo, rtb, s3)
    assert before is not None and before.route.gateway_id == ep.vpc_endpoint_id
    assert lookup(topo, rtb, s3) is before  # memoised
    change = DisassociateEndpoint(route_table=rtb, vpc_endpoint=ep.vpc_endpoint_id)
    patched, _ = patched_engine(eng, next(iter([eng.parse(_any_question(eng))])), [change])
    after = lookup(patched.topology, rtb, s3)
    assert after is None or after.route.gateway_id != ep.vpc_endpoint_id
    assert lookup(topo, rtb, s3) == before  # the original still answers as before


def _any_question(eng: Engine) -> str:
    inst = next(i for i in eng.snapshot.instances if not i.proxy_ports)
    return f"{inst.instance_id} -> {eng.snapshot.buckets[0].name}"


def test_cached_estates_are_keyed_by_the_generator_files_as_they_are_now() -> None:
    """The benchmark's cache key reads the estate generator's files; a moved module must not break it."""
    from bench.bench import _fingerprint

    assert len(_fingerprint()) == 10


def test_micro_figures_cover_every_compiled_policy_and_runtime() -> None:
    """The per-call figures the benchmark prints exist for every policy of the bundled estate and every runtime."""
    from bench.micro import micro_figures
    from engine import RUNTIMES

    figures = micro_figures()
    assert figures["policies"] >= 4 and figures["policy_eval_us_median"] > 0
    assert set(figures["choose_proxy_us"]) == set(RUNTIMES)


def test_the_hostile_run_counts_what_it_promises(article_engine: Engine) -> None:
    """bench/fuzz.py: a short seeded run over the bundled estate finds no false reachable and no traceback,
    and its own judge does call a made-up host that slipped through a false reachable."""
    import random

    from bench.fuzz import ask_all, can_exist, generate

    questions = generate(article_engine.topology, 300, random.Random(1))
    figures = ask_all(article_engine, questions)
    assert figures["tried"] == 300 and figures["false_reachable"] == 0 and figures["tracebacks"] == 0
    assert figures["bad_input"] > 0 and figures["reachable"] + figures["blocked"] > 0
    answer = article_engine.ask("web-tokyo-a -> www.example.com", fixes=False)
    fake = answer.model_copy(update={"destination": answer.destination.model_copy(update={"id": "a..b"})})
    assert can_exist(article_engine.topology, answer) and not can_exist(article_engine.topology, fake)
