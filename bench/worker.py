"""The measuring half of the benchmark; runs in a fresh process per estate size (see bench.bench)."""

from __future__ import annotations

import gc
import json
import resource
import statistics
import time
from pathlib import Path
from typing import Any


def _rss_mib() -> float:
    """Peak resident set size of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _hwm_mib() -> float:
    """Peak resident set size so far: VmHWM (Linux; exact), else getrusage's maximum."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return _rss_mib()


def measure_rss(size: str, path: Path, seed: int, n_questions: int, n_fixes: int) -> dict[str, Any]:
    """Issue #14's row: the peak RSS of a cold worker that loads an estate, builds the engine and answers (a
    sample of questions, a few with fixes); the high-water mark after each phase, and the load time."""
    from engine.engine import Engine
    from engine.estates.synth import sample_question_mix
    from engine.snapshot import load_from

    out: dict[str, Any] = {"size": size, "hwm_imports_mib": _hwm_mib()}
    started = time.perf_counter()
    snap = load_from(str(path)).snapshot
    out["load_s"] = time.perf_counter() - started
    out["hwm_load_mib"] = _hwm_mib()
    out["instances"] = len(snap.instances)
    eng = Engine(snap, origin=str(path))
    out["hwm_build_mib"] = _hwm_mib()
    mix = sample_question_mix(snap, n_questions, seed)
    verdicts: dict[str, int] = {}
    for i, (_, text) in enumerate(mix):
        verdict = eng.ask(text, fixes=i < n_fixes).verdict
        verdicts[verdict] = verdicts.get(verdict, 0) + 1
    out["verdicts"] = verdicts
    out["hwm_peak_mib"] = _hwm_mib()
    return out


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1e3  # ms


def measure(size: str, path: Path, seed: int, n_questions: int, n_fixes: int) -> dict[str, Any]:
    from engine.engine import Engine
    from engine.estates.synth import sample_question_mix
    from engine.snapshot import load_from

    out: dict[str, Any] = {"size": size, "rss_imports_mib": _rss_mib()}
    started = time.perf_counter()
    snap = load_from(str(path)).snapshot
    out["load_cold_s"] = time.perf_counter() - started
    out["rss_after_load_mib"] = _rss_mib()
    out["counts"] = {k: len(getattr(snap, k)) for k in (
        "accounts", "regions", "vpcs", "subnets", "route_tables", "vpc_endpoints", "instances", "network_interfaces",
        "buckets", "security_groups", "vpc_peering_connections", "transit_gateway_attachments")}
    started = time.perf_counter()
    eng = Engine(snap, origin=str(path))
    out["engine_build_s"] = time.perf_counter() - started
    graph = eng.topology.graph
    out["graph"] = {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()}
    mix = sample_question_mix(snap, n_questions, seed)
    out.update(_answers(eng, mix))
    out.update(_fixes(eng, mix, n_fixes))
    out["rss_peak_mib"] = _rss_mib()
    del eng, snap
    gc.collect()
    out.update(_load_vs_floor(path, out["load_cold_s"]))
    return out


def _answers(eng: Any, mix: list[tuple[str, str]]) -> dict[str, Any]:
    started = time.perf_counter()
    eng.ask(mix[0][1], fixes=False)
    first = time.perf_counter() - started
    passes: list[list[float]] = []
    verdicts: dict[str, int] = {}
    by_kind: dict[str, dict[str, int]] = {}
    for n in range(2):  # pass 0 compiles policies on first use; pass 1 is the warm figure
        lat = []
        for kind, text in mix:
            t0 = time.perf_counter()
            answer = eng.ask(text, fixes=False)
            lat.append(time.perf_counter() - t0)
            if n == 0:
                verdicts[answer.verdict] = verdicts.get(answer.verdict, 0) + 1
                by_kind.setdefault(kind, {}).setdefault(answer.verdict, 0)
                by_kind[kind][answer.verdict] += 1
        passes.append(lat)
    cold, warm = passes
    return {
        "first_answer_ms": first * 1e3,
        "questions": len(mix),
        "first_pass_ms": {"p50": _pct(cold, 0.5), "p95": _pct(cold, 0.95), "p99": _pct(cold, 0.99)},
        "warm_ms": {"p50": _pct(warm, 0.5), "p95": _pct(warm, 0.95), "p99": _pct(warm, 0.99),
                    "max": max(warm) * 1e3, "mean": statistics.fmean(warm) * 1e3},
        "verdicts": verdicts,
        "verdicts_by_kind": by_kind,
    }


def _fixes(eng: Any, mix: list[tuple[str, str]], limit: int) -> dict[str, Any]:
    try:
        import engine.fixes  # noqa: F401  (written concurrently with this benchmark)
    except ImportError as exc:
        return {"fixes": {"skipped": f"engine.fixes is not available yet ({exc})"}}
    blocked = []
    for _, text in mix:
        question = eng.parse(text)
        if eng.answer(question, fixes=False).verdict == "blocked":
            blocked.append(question)
        if len(blocked) >= limit:
            break
    lat, verified = [], 0
    for question in blocked:
        t0 = time.perf_counter()
        answer = eng.answer(question, fixes=True)
        lat.append(time.perf_counter() - t0)
        verified += any(f.verified for f in answer.fixes)
    if not lat:
        return {"fixes": {"skipped": "no blocked questions in the sample"}}
    return {"fixes": {"questions": len(lat), "p50_ms": _pct(lat, 0.5), "p95_ms": _pct(lat, 0.95),
                      "max_ms": max(lat) * 1e3, "with_verified_fix": verified}}


def _load_vs_floor(path: Path, cold: float, repeats: int = 3) -> dict[str, Any]:
    """Median of (cold + repeated) loads against the median ``json.loads`` of the same bytes (both read the
    file). Loads run one at a time, each result dropped before the next."""
    from engine.snapshot import load_from

    loads = [cold]
    for _ in range(repeats - 1):
        t0 = time.perf_counter()
        snap = load_from(str(path)).snapshot
        loads.append(time.perf_counter() - t0)
        del snap
    floors, strict = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        data = json.loads(path.read_bytes())
        floors.append(time.perf_counter() - t0)
        del data
        gc.disable()  # the strictest floor: json.loads with the cyclic collector paused, as our load runs
        t0 = time.perf_counter()
        data = json.loads(path.read_bytes())
        strict.append(time.perf_counter() - t0)
        gc.enable()
        del data
    load, floor, strict_floor = statistics.median(loads), statistics.median(floors), statistics.median(strict)
    return {"load_s": load, "loads_s": loads, "floor_json_loads_s": floor, "load_over_floor": load / floor,
            "floor_json_loads_nogc_s": strict_floor, "load_over_nogc_floor": load / strict_floor}
