"""The one table of resource kinds (engine.resources) that merge, the collector summary, the bot's index and
the topology's by-id dictionaries all derive from."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from engine import Engine
from engine import model as m
from engine.collect.cli import summary
from engine.collect.incremental import Previous
from engine.estates.synth import synth_estate
from engine.resources import BY_FIELD, RESOURCE_KINDS, uncovered_snapshot_fields


def test_every_snapshot_list_field_is_a_resource_kind():
    """A new Snapshot list must say how it is identified, or merging (which unions by identity) drops it."""
    assert uncovered_snapshot_fields() == []
    assert len(BY_FIELD) == len(RESOURCE_KINDS)  # one row per field


def test_every_topology_index_is_keyed_by_the_kinds_id_field():
    """The topology's by-id dictionaries come from the table: each maps id_field → resource, for every item."""
    snap = synth_estate("tiny", seed=7)
    topo = Engine(snap).topology
    indexed = [k for k in RESOURCE_KINDS if k.index]
    assert {k.index for k in indexed} >= {"vpcs", "endpoints", "instances", "buckets", "roles", "enis"}
    for kind in indexed:
        index = getattr(topo, kind.index or "")
        items = getattr(snap, kind.field)
        assert set(index) == {getattr(i, kind.id_field or "") for i in items}, kind.field


def test_identity_of_a_hosted_zone_ignores_the_hostedzone_prefix_and_a_prefix_list_is_regional():
    """Route 53 returns "/hostedzone/Z…" from some calls and "Z…" from others; the same AWS-managed prefix list
    id can name different lists in different regions."""
    zone = BY_FIELD["hosted_zones"]
    assert zone.identity(SimpleNamespace(id="/hostedzone/Z123")) == zone.identity(SimpleNamespace(id="Z123"))
    pl = BY_FIELD["prefix_lists"]
    assert pl.identity(SimpleNamespace(prefix_list_id="pl-1", region="a")) != \
        pl.identity(SimpleNamespace(prefix_list_id="pl-1", region="b"))


def test_collect_summary_counts_labelled_kinds_in_table_order():
    """The collector's summary line names each non-empty kind by its short label, in the table's order."""
    snap = synth_estate("tiny", seed=7)
    line = summary(SimpleNamespace(snapshot=snap, api_calls=3, seconds=1.0, previous=Previous()), "out.json")  # type: ignore[arg-type]
    labels = [k.label for k in RESOURCE_KINDS if k.label and getattr(snap, k.field)]
    assert [part.split(" ")[0] for part in line.split(": ", 2)[2].split(" · ")[0].split(", ")] == labels
    empty = m.Snapshot(taken_at=datetime(2024, 1, 1, tzinfo=UTC))
    nothing = SimpleNamespace(snapshot=empty, api_calls=0, seconds=0.0, previous=Previous())
    assert "nothing found" in summary(nothing, "o")  # type: ignore[arg-type]
