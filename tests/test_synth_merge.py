"""Merging partial snapshots (engine.merge): the organisation-wide fan-out of bench/SCALING.md.

Collection runs per (account, region) as independent jobs; their partial snapshots are unioned by AWS
resource id, duplicates seen by several jobs are kept once (the newest ``TakenAt`` winning when they differ),
coverage is combined per (account, region), and the merged estate answers exactly like the whole one.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine import Engine
from engine import model as m
from engine.errors import SnapshotError
from engine.estates.synth import sample_questions, synth_estate
from engine.estates.synth.partition import partition_snapshot
from engine.merge import check_keys_cover_snapshot, merge_snapshots


@pytest.fixture(scope="module")
def tiny():
    return synth_estate("tiny", seed=7)


def _as_sets(snap: m.Snapshot) -> dict[str, set[str]]:
    return {name: {item.model_dump_json() for item in getattr(snap, name)}
            for name, value in snap if isinstance(value, list) and name != "regions"}


def test_every_snapshot_list_has_a_merge_key():
    """A resource kind added to the Snapshot must say how merging identifies it, or merging would drop it."""
    assert check_keys_cover_snapshot() == []


def test_per_account_region_parts_merge_back_to_the_whole_estate(tiny):
    """Each job sees its own (account, region); shared resources (peering across accounts, TGW attachments
    shared through RAM, global roles and hosted zones) appear in several parts and are kept once."""
    parts = partition_snapshot(tiny)
    assert len(parts) == len(tiny.coverage)
    assert sum(len(p.vpc_peering_connections) + len(p.roles) for p in parts) > \
        len(tiny.vpc_peering_connections) + len(tiny.roles)  # duplicates really occur
    merged = merge_snapshots(parts)
    assert _as_sets(merged) == _as_sets(tiny)
    assert merged.regions == tiny.regions and merged.taken_at == tiny.taken_at


def test_merged_estate_answers_like_the_whole(tiny):
    whole, merged = Engine(tiny), Engine(merge_snapshots(partition_snapshot(tiny)))
    for text in sample_questions(tiny, 60, seed=3):
        a, b = whole.ask(text, fixes=False), merged.ask(text, fixes=False)
        assert (a.verdict, a.blocked_by, [h.id for h in a.hops]) == (b.verdict, b.blocked_by, [h.id for h in b.hops])


def test_conflicting_duplicates_take_the_newest_description(tiny):
    """Two jobs described the same bucket differently: the later collection is what AWS says now. The merged
    TakenAt is the oldest part's, so an answer never claims more freshness than its stalest part has."""
    bucket = tiny.buckets[0]
    old = tiny.model_copy(update={"buckets": [bucket.model_copy(update={"policy": None})]})
    new = tiny.model_copy(update={"taken_at": tiny.taken_at + timedelta(hours=1),
                                  "buckets": [bucket.model_copy(update={"policy": '{"Statement": []}'})]})
    for parts in ([old, new], [new, old]):
        merged = merge_snapshots(parts)
        assert [b.policy for b in merged.buckets] == ['{"Statement": []}']
        assert merged.taken_at == tiny.taken_at


def test_equal_timestamps_let_the_later_part_win(tiny):
    bucket = tiny.buckets[0]
    first = tiny.model_copy(update={"buckets": [bucket.model_copy(update={"policy": "first"})]})
    second = tiny.model_copy(update={"buckets": [bucket.model_copy(update={"policy": "second"})]})
    assert merge_snapshots([first, second]).buckets[0].policy == "second"


def test_coverage_is_combined_and_a_rerun_closes_a_gap(tiny):
    """A job that hit AccessDenied records a gap; a later re-run of the same (account, region) replaces it."""
    acct, region = tiny.coverage[0].account_id, tiny.coverage[0].region
    gap = m.Gap(service="s3", operation="GetBucketPolicy", error="AccessDenied")
    failed = tiny.model_copy(update={"coverage": [m.Coverage(account_id=acct, region=region, complete=False,
                                                             gaps=[gap])]})
    rerun = tiny.model_copy(update={"taken_at": tiny.taken_at + timedelta(minutes=5),
                                    "coverage": [m.Coverage(account_id=acct, region=region)]})
    other = tiny.model_copy(update={"coverage": tiny.coverage[1:]})
    merged = merge_snapshots([failed, other, rerun])
    assert {(c.account_id, c.region) for c in merged.coverage} == {(c.account_id, c.region) for c in tiny.coverage}
    assert all(c.complete and not c.gaps for c in merged.coverage)
    assert not merge_snapshots([failed, other]).coverage[0].complete


def test_refuses_mixed_schema_versions_and_nothing(tiny):
    with pytest.raises(SnapshotError, match="schema versions"):
        merge_snapshots([tiny, tiny.model_copy(update={"schema_version": 2})])
    with pytest.raises(SnapshotError, match="nothing to merge"):
        merge_snapshots([])
