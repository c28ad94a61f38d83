"""Render the benchmark's figures as one plain-text table (and the targets of issue #7 beside them)."""

from __future__ import annotations

from typing import Any

# (label, getter, format, target on the large estate: (limit, "≤") or None)
Row = tuple[str, Any, str, Any]


def _g(*keys: str) -> Any:
    def get(fig: dict[str, Any]) -> Any:
        value: Any = fig
        for key in keys:
            if not isinstance(value, dict) or key not in value:
                return None
            value = value[key]
        return value
    return get


ROWS: list[Row] = [
    ("instances", _g("counts", "instances"), "{:,}", None),
    ("subnets / route tables", lambda f: f"{f['counts']['subnets']:,} / {f['counts']['route_tables']:,}", "{}", None),
    ("endpoints / buckets", lambda f: f"{f['counts']['vpc_endpoints']:,} / {f['counts']['buckets']:,}", "{}", None),
    ("snapshot file (MB)", _g("file_mb"), "{:.1f}", None),
    ("load: read+parse+validate (s)", _g("load_s"), "{:.3f}", None),
    ("floor: json.loads (s)", _g("floor_json_loads_s"), "{:.3f}", None),
    ("load / floor", _g("load_over_floor"), "{:.2f}×", 3.0),
    ("floor, collector paused (s)", _g("floor_json_loads_nogc_s"), "{:.3f}", None),
    ("load / paused floor", _g("load_over_nogc_floor"), "{:.2f}×", None),
    ("RSS after imports (MiB)", _g("rss_imports_mib"), "{:.0f}", None),
    ("RSS after load (MiB)", _g("rss_after_load_mib"), "{:.0f}", None),
    ("peak RSS (MiB)", _g("rss_peak_mib"), "{:.0f}", 1024.0),
    ("graph build: Engine() (s)", _g("engine_build_s"), "{:.3f}", None),
    ("graph nodes / edges", lambda f: f"{f['graph']['nodes']:,} / {f['graph']['edges']:,}", "{}", None),
    ("first answer (ms)", _g("first_answer_ms"), "{:.1f}", None),
    ("first pass p95 / p99 (ms)", lambda f: f"{f['first_pass_ms']['p95']:.2f} / {f['first_pass_ms']['p99']:.2f}",
     "{}", None),
    ("warm answer p50 (ms)", _g("warm_ms", "p50"), "{:.3f}", 0.5),
    ("warm answer p95 (ms)", _g("warm_ms", "p95"), "{:.3f}", 2.0),
    ("warm answer p99 (ms)", _g("warm_ms", "p99"), "{:.3f}", 10.0),
    ("warm answer max (ms)", _g("warm_ms", "max"), "{:.2f}", None),
    ("verdicts r / b / u", lambda f: "{reachable} / {blocked} / {unknown}".format(
        **{"reachable": 0, "blocked": 0, "unknown": 0, **f["verdicts"]}), "{}", None),
    ("with fixes p50 (ms)", _g("fixes", "p50_ms"), "{:.1f}", None),
    ("with fixes p95 (ms)", _g("fixes", "p95_ms"), "{:.1f}", 200.0),
    ("fixed questions (verified/asked)", lambda f: f"{f['fixes']['with_verified_fix']}/{f['fixes']['questions']}"
     if "questions" in f["fixes"] else f["fixes"].get("skipped", "?"), "{}", None),
]


def _cell(row: Row, fig: dict[str, Any]) -> str:
    _, get, fmt, _ = row
    try:
        value = get(fig)
    except (KeyError, TypeError):
        return "n/a"
    return "n/a" if value is None else fmt.format(value)


def _verdict(row: Row, fig: dict[str, Any] | None) -> str:
    limit = row[3]
    if limit is None or fig is None:
        return ""
    value = row[1](fig)
    if not isinstance(value, (int, float)):
        return "n/a"
    return f"≤ {limit:g}: {'met' if value <= limit else 'MISSED'}"


def render(results: dict[str, Any]) -> str:
    sizes = list(results["sizes"])
    head = ["", *sizes, "target (large)"]
    rows = [head]
    for row in ROWS:
        rows.append([row[0], *(_cell(row, results["sizes"][s]) for s in sizes),
                     _verdict(row, results["sizes"].get("large"))])
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) if i < len(head) - 1 else c.ljust(w)
                       for i, (c, w) in enumerate(zip(r, widths, strict=True))).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    xl = results["sizes"].get("xl")
    if xl:
        p95 = xl["warm_ms"]["p95"]
        lines.append(f"xl warm answer p95 {p95:.3f} ms (target ≤ 5 ms): {'met' if p95 <= 5 else 'MISSED'}")
    for size, fig in results.get("rss", {}).items():
        verdict = "met" if fig["hwm_peak_mib"] <= 1024 else "MISSED"
        lines.append(f"{size} peak RSS {fig['hwm_peak_mib']:.0f} MiB (target ≤ 1024 MiB: {verdict}) over "
                     f"{fig['instances']:,} instances: after imports {fig['hwm_imports_mib']:.0f}, load "
                     f"{fig['hwm_load_mib']:.0f} ({fig['load_s']:.1f} s), Engine() {fig['hwm_build_mib']:.0f}, "
                     f"{sum(fig['verdicts'].values())} answers {fig['hwm_peak_mib']:.0f}")
    cli = results.get("cli", {})
    if "error" in cli:
        lines.append(f"reachbot ask (fresh process): failed: {cli['error']}")
    elif cli:
        verdict = "met" if cli["wall_median_s"] <= 0.3 else "MISSED"  # issue #14 (it was 0.8 s in #7)
        lines.append(f"reachbot ask, fresh process, bundled estate: median {cli['wall_median_s']:.3f} s over "
                     f"{cli['runs']} runs (target ≤ 0.3 s: {verdict}); imports boto3/botocore/slack: "
                     f"{', '.join(cli['forbidden_imports']) or 'none'} ({cli['modules_imported']} modules)")
    micro = results.get("micro")
    if micro:
        worst = max(micro["choose_proxy_us"].values())
        lines.append(f"policy evaluation, {micro['policies']} compiled policies of the bundled estate: median "
                     f"{micro['policy_eval_us_median']:.1f} µs, max {micro['policy_eval_us_max']:.1f} µs (target: "
                     f"tens of µs); choose_proxy: at most {worst:.1f} µs per call over the runtimes")
    m = results.get("machine", {})
    lines.append(f"python {m.get('python')}, {m.get('cpus')} CPUs; times are wall clock, one process")
    return "\n".join(lines)
