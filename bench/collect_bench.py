"""Collection at scale (issue #14), against moto's server on 127.0.0.1: API calls and wall time of a first and
of an incremental collection of a fleet, and a collection under injected throttling.

    python -m bench.bench --collect                 # adds these rows (2,000 instances: about 2 minutes)
    python -m bench.bench --sizes tiny --collect --collect-instances 500

The fleet (tests/collect/fleet.py) is one account and region, instances in reservations of 20 over subnets of
500, each with user data that sets HTTPS_PROXY. The first collection reads every instance's user data; the
refresh, from the first's snapshot, reuses it (engine/collect/incremental.py). Calls are counted by botocore's
``before-call`` event (one per API call, whatever the retries). The client-side EC2 limiter is off here (moto
has no limits); what it would cost at AWS is given as a lower bound computed from the calls per action and the
limiter's buckets. The throttled run puts tests/collect/throttle_proxy.py between botocore and moto.
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ACCOUNT, THROTTLED_ACCOUNT = "212121212121", "232323232323"
REGION = "eu-west-3"
THROTTLED_FLEET = 100


def collect_figures(instances: int = 2000) -> dict[str, Any]:
    from tests.collect.emulator import _serve_dns_firewall, start_server
    from tests.collect.fleet import seed_fleet

    url, server, patch = start_server()
    _serve_dns_firewall(patch)  # moto 5.2 answers DNS Firewall calls with a 500 (tests/collect/emulator.py)
    try:
        started = time.perf_counter()
        fleet = seed_fleet(url, ACCOUNT, REGION, instances)
        out: dict[str, Any] = {"instances": instances, "seed_s": time.perf_counter() - started}
        with tempfile.TemporaryDirectory() as tmp:
            snap = Path(tmp) / "snapshot.json"
            out["first"] = _run(url, fleet.role_arn, snap)[0]
            out["refresh"] = _run(url, fleet.role_arn, snap)[0]
        out["refresh_share"] = out["refresh"]["calls"] / out["first"]["calls"]
        out["limiter_floor_s"] = limiter_floor(out["first"]["ec2_calls"])
        out["throttled"] = _throttled(url)
        return out
    finally:
        server.stop()
        patch.undo()


def _run(url: str, role_arn: str, snap: Path, endpoint: str | None = None,
         **extra: Any) -> tuple[dict[str, Any], Any]:
    from engine.collect.cli import write
    from engine.collect.collector import CollectOptions, collect

    options = CollectOptions(regions=[REGION], role_arns=[role_arn], endpoint_url=endpoint or url,
                             ec2_rate_share=0.0, **extra)
    started = time.perf_counter()
    result = collect(options, default_previous=str(snap))
    write(result, str(snap), options)
    wall = time.perf_counter() - started
    ec2 = Counter({a.split(":", 1)[1]: n for a, n in result.actions.items() if a.startswith("ec2:")})
    gaps = [f"{g.permission} {g.error}" + (f" ({g.resource})" if g.resource else "")
            for c in result.snapshot.coverage for g in c.gaps]
    return {"calls": result.api_calls, "wall_s": wall, "user_data_reads": ec2["DescribeInstanceAttribute"],
            "reused": sum(r.count for c in result.snapshot.coverage for r in c.reused), "ec2_calls": dict(ec2),
            "gaps": gaps}, result.snapshot


def limiter_floor(ec2_calls: dict[str, int], share: float = 0.5) -> float:
    """Seconds the client-side limiter (engine/collect/limits.py) would make these EC2 calls take at least:
    per action, the calls beyond the bucket's burst at its refill rate (actions' buckets refill in parallel)."""
    from engine.collect.limits import NON_MUTATING

    capacity, refill = NON_MUTATING[0] * share, NON_MUTATING[1] * share
    return max((max(0.0, n - capacity) / refill for n in ec2_calls.values()), default=0.0)


def _throttled(url: str) -> dict[str, Any]:
    """A fleet of 100 behind the throttling proxy: every 10th DescribeInstanceAttribute attempt and every
    DescribeSecurityGroups attempt answer RequestLimitExceeded (HTTP 503). The first are retried; the second
    become a gap, and the fleet's answers (which cross security groups) are unknown."""
    from engine import Engine
    from tests.collect.fleet import seed_fleet
    from tests.collect.throttle_proxy import Rule, ThrottleProxy

    fleet = seed_fleet(url, THROTTLED_ACCOUNT, REGION, THROTTLED_FLEET)
    proxy = ThrottleProxy(url, [Rule("DescribeInstanceAttribute", every=10), Rule("DescribeSecurityGroups",
                                                                                 first=10**6)])
    proxy.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            run, snap = _run(url, fleet.role_arn, Path(tmp) / "snapshot.json", endpoint=proxy.url, max_attempts=2)
    finally:
        proxy.stop()
    engine = Engine(snap, "throttled")
    verdicts = Counter(engine.ask(f"why can {i} not reach bucket {fleet.bucket}", fixes=False).verdict
                       for i in fleet.instance_ids)
    return {**run, "instances": THROTTLED_FLEET, "throttled": dict(proxy.throttled),
            "attempts": dict(proxy.seen), "verdicts": dict(verdicts)}


def render_collect(fig: dict[str, Any]) -> str:
    first, refresh, thr = fig["first"], fig["refresh"], fig["throttled"]
    share = fig["refresh_share"]
    lines = [
        f"collection, emulated fleet of {fig['instances']:,} instances (moto server, 1 account × 1 region; "
        f"seeded in {fig['seed_s']:.1f} s)",
        f"  first collection:        {first['calls']:>6,} API calls ({first['user_data_reads']:,} user-data reads)  "
        f"{first['wall_s']:6.1f} s",
        f"  incremental refresh:     {refresh['calls']:>6,} API calls ({refresh['user_data_reads']:,} user-data reads, "
        f"{refresh['reused']:,} reused)  {refresh['wall_s']:6.1f} s",
        f"  refresh / first calls:   {share:.1%} (target ≤ 5%: {'met' if share <= 0.05 else 'MISSED'})",
        f"  at AWS, the limiter (half of EC2's 100-token, 20/s buckets) holds the first collection's EC2 calls "
        f"to ≥ {fig['limiter_floor_s']:.0f} s; the refresh's to ≥ {limiter_floor(refresh['ec2_calls']):.0f} s",
        f"collection under injected throttling ({thr['instances']} instances, every 10th DescribeInstanceAttribute "
        f"and every DescribeSecurityGroups attempt answered RequestLimitExceeded / HTTP 503):",
        f"  finished in {thr['wall_s']:.1f} s, {thr['calls']} API calls, throttled answers "
        f"{sum(thr['throttled'].values())} ({', '.join(f'{k} {v}' for k, v in sorted(thr['throttled'].items()))})",
        f"  gaps: {'; '.join(thr['gaps']) or 'none'}",
        "  answers instance → bucket: " + ", ".join(f"{k} {v}" for k, v in sorted(thr["verdicts"].items())),
    ]
    return "\n".join(lines)
