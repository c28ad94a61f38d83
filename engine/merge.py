"""Merge partial snapshots into one: collection fanned out per (account, region), answers over the whole.

A large organisation collects each (account, region) as an independent job (one Lambda invocation each, a
worker pool, or an AWS Config aggregator as the source) and each job writes a partial snapshot. This module
joins them (bench/SCALING.md describes the whole path):

- resources are unioned by their AWS identity (``VpcId``, ``SubnetId``, a bucket's name, a role's ARN, …);
- the same resource seen by several jobs (an inter-region peering connection described from both sides, a
  private hosted zone shared with VPCs of several regions, a role read by every job of its account) is kept
  once; when the copies differ, the copy from the snapshot with the newest ``TakenAt`` wins (on a tie, the
  later one in the list), as it is the most recent description AWS gave of it;
- coverage is combined per (account, region), the newest report of a pair winning likewise, so a gap that a
  later re-run closed does not linger;
- the merged ``TakenAt`` is the *oldest* of the parts: answers state how old the snapshot is, and a merged
  estate is only as fresh as its stalest part.

Pure and order-preserving: resources keep the order in which they were first seen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from engine import model as m
from engine.errors import SnapshotError
from engine.resolver import merge_shared
from engine.resources import RESOURCE_KINDS, uncovered_snapshot_fields

# Snapshot list field → the key that identifies one resource in it (engine.resources is the one table).
KEYS: dict[str, Callable[[Any], Any]] = {kind.field: kind.identity for kind in RESOURCE_KINDS}


def merge_snapshots(parts: Sequence[m.Snapshot], source: str | None = None) -> m.Snapshot:
    """One snapshot holding every resource of ``parts``; see the module docstring for the rules."""
    if not parts:
        raise SnapshotError("nothing to merge: no partial snapshots were given")
    versions = {p.schema_version for p in parts}
    if len(versions) > 1:
        raise SnapshotError(
            f"cannot merge snapshots of schema versions {sorted(versions)}; re-run the older collection jobs "
            "with this reachbot version"
        )
    # Newest wins: visit the parts oldest first (a stable sort keeps list order on equal TakenAt), let later
    # copies replace earlier ones, but remember where each key was first seen to keep the output order stable.
    order = sorted(range(len(parts)), key=lambda i: _aware(parts[i].taken_at))
    fields: dict[str, list[Any]] = {}
    for name, key in KEYS.items():
        fields[name] = _union(name, key, parts, order)
    # Coverage files IAM, S3's bucket list and Route 53 under the pseudo-region "global"
    # (engine/collect/raw.py), which is not a region.
    regions = sorted(({r for p in parts for r in p.regions} | {c.region for c in fields["coverage"]}) - {"global"})
    sources = sorted({p.source for p in parts})
    if len(sources) > 1:
        sources = [f"merge of {len(parts)} snapshots ({sources[0]}, …)"]
    # The organisation as read by the newest part that read it (a member account's job does not).
    organization = next((parts[i].organization for i in reversed(order) if parts[i].organization), None)
    return m.Snapshot(
        schema_version=parts[0].schema_version,
        organization=organization,
        taken_at=min((p.taken_at for p in parts), key=_aware),
        source=source or sources[0],
        regions=regions,
        **fields,
    )


def _union(name: str, key: Callable[[Any], Any], parts: Sequence[m.Snapshot], order: list[int]) -> list[Any]:
    first_seen: dict[Any, tuple[int, int]] = {}  # key → (part index, position) where it first appeared
    chosen: dict[Any, Any] = {}
    for i, part in enumerate(parts):
        for j, item in enumerate(getattr(part, name)):
            first_seen.setdefault(key(item), (i, j))
    for i in order:
        for item in getattr(parts[i], name):
            k = key(item)
            shared = k in chosen and isinstance(item, m.ResolverRule | m.DnsFirewallRuleGroup)
            chosen[k] = merge_shared(chosen[k], item) if shared else item
    return [chosen[k] for k in sorted(chosen, key=first_seen.__getitem__)]


def _aware(ts: datetime) -> datetime:
    """Compare naive timestamps as UTC (collectors write aware ones; hand-made files may not)."""
    return ts if ts.tzinfo is not None else ts.replace(tzinfo=UTC)


def check_keys_cover_snapshot() -> list[str]:
    """Snapshot list fields that :data:`KEYS` does not know (a test keeps this empty)."""
    return uncovered_snapshot_fields()
