"""Synthetic enterprise estates for benchmarks, load tests and demos (issue #7).

    snap = synth_estate("large", seed=7)          # 20 accounts × 4 regions, ~20k instances
    questions = sample_questions(snap, 1000, seed=7)

The same (size, seed) always gives the same snapshot, byte for byte once dumped.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from engine import model as m
from engine.estates.synth.estate import generate
from engine.estates.synth.profiles import PROFILES, Profile, profile_for
from engine.estates.synth.questions import QUESTION_KINDS, sample_question_mix, sample_questions

__all__ = ["PROFILES", "QUESTION_KINDS", "Profile", "run", "sample_question_mix", "sample_questions", "synth_estate"]


def synth_estate(size: str | dict[str, Any], seed: int = 7) -> m.Snapshot:
    """A realistic estate of the named size ("tiny", "small", "large", "xl") or a dict of profile overrides."""
    return generate(profile_for(size), seed)


def run(args: Any) -> int:
    """``reachbot synth --size large --seed 7 --out FILE``: generate and write atomically; 0 on success."""
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
