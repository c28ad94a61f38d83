"""``reachbot synth --size large --seed 7 --out FILE``: write a seeded synthetic estate, atomically."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HELP = "write a synthetic enterprise estate (for benchmarks)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--size", choices=["small", "large", "xl"], default="small",
                   help="estate size (bench/README.md gives each one's counts)")
    p.add_argument("--seed", type=int, default=7, help="random seed: one seed, one estate")
    p.add_argument("--out", required=True, help="the snapshot file to write")


def run(args: argparse.Namespace) -> int:
    from engine.estates.synth import synth_estate
    from engine.snapshot import write_snapshot_atomically

    started = time.perf_counter()
    snap = synth_estate(args.size, int(args.seed))
    write_snapshot_atomically(snap, Path(args.out))
    print(
        f"wrote {args.out}: {len(snap.accounts)} accounts, {len(snap.regions)} regions, {len(snap.vpcs)} VPCs, "
        f"{len(snap.subnets)} subnets, {len(snap.route_tables)} route tables, {len(snap.vpc_endpoints)} endpoints, "
        f"{len(snap.instances)} instances, {len(snap.buckets)} buckets "
        f"({time.perf_counter() - started:.1f} s)",
        file=sys.stderr,
    )
    return 0
