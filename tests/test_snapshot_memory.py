"""A loaded snapshot's in-memory form (issue #14): what the estate repeats is held once, and sharing it changes
neither answers, nor what-if copies, nor the file written back."""

from __future__ import annotations

import pytest

import engine.snapshot
from engine import model as m
from engine.estates.synth import synth_estate
from engine.snapshot import dump_snapshot, parse_snapshot


@pytest.fixture(scope="module")
def written() -> str:
    return dump_snapshot(synth_estate("tiny", seed=3))


@pytest.fixture(scope="module")
def loaded(written: str) -> m.Snapshot:
    """Loaded as a snapshot above engine.snapshot.LEAN_FROM_CHARS is."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engine.snapshot, "LEAN_FROM_CHARS", 0)
        return parse_snapshot(written.encode(), "tiny")


def test_a_snapshot_below_the_lean_size_is_loaded_without_sharing(written: str) -> None:
    """Sharing costs load time; below LEAN_FROM_CHARS speed wins (the large estate's load stays as it was)."""
    snap = parse_snapshot(written.encode(), "tiny")
    tags = [t for i in snap.instances for t in i.tags]
    assert len({id(t) for t in tags}) == len(tags)


def test_equal_tags_and_group_references_are_one_object_after_a_load(loaded: m.Snapshot) -> None:
    tags = [t for i in loaded.instances for t in i.tags]
    groups = [g for i in loaded.instances for g in i.security_groups]
    assert len({id(t) for t in tags}) == len({(t.key, t.value) for t in tags}) < len(tags)
    assert len({id(g) for g in groups}) == len({(g.group_id, g.group_name) for g in groups}) < len(groups)


def test_a_region_account_vpc_or_subnet_id_is_one_string_per_value(loaded: m.Snapshot) -> None:
    for field in ("region", "owner_id", "vpc_id", "subnet_id"):
        for resources in (loaded.instances, loaded.network_interfaces):
            values = [getattr(r, field) for r in resources]
            assert len({id(v) for v in values}) == len(set(values)), field


def test_instances_of_a_class_share_one_fields_set_per_content(loaded: m.Snapshot) -> None:
    by_content = {frozenset(i.model_fields_set) for i in loaded.instances}
    assert len({id(i.model_fields_set) for i in loaded.instances}) == len(by_content)


def test_sharing_changes_nothing_written_back(written: str, loaded: m.Snapshot) -> None:
    assert dump_snapshot(loaded) == written


def test_a_what_if_copy_leaves_the_instances_it_shared_values_with_untouched(loaded: m.Snapshot) -> None:
    """model_copy (engine.patch) must not write into a fields set or a dict other instances share."""
    by_env: dict[int, list[m.Instance]] = {}
    for inst in loaded.instances:
        if inst.proxy_environment:
            by_env.setdefault(id(inst.proxy_environment), []).append(inst)
    a, b = next(group for group in by_env.values() if len(group) > 1)[:2]
    assert a.model_fields_set is b.model_fields_set
    env_before, fields_before = dict(b.proxy_environment), set(b.model_fields_set)
    fix = m.ProxyValue(value="example.com", source="reachbot fix (proposed)")
    changed = a.model_copy(update={"proxy_environment": {**a.proxy_environment, "NO_PROXY": fix},
                                   "proxy_ports": [8080]})
    assert changed.proxy_environment["NO_PROXY"] is fix and "proxy_ports" in changed.model_fields_set
    assert b.proxy_environment == env_before and b.model_fields_set == fields_before
    assert a.proxy_environment is b.proxy_environment and a.model_fields_set == fields_before


def test_models_made_outside_a_load_are_separate_objects() -> None:
    """Builders and what-if changes make their own objects: only a load shares."""
    assert m.Tag(key="Tier", value="web") is not m.Tag(key="Tier", value="web")
    assert m.Instance.model_fields["tags"].default_factory is not None


def test_a_field_default_is_a_fresh_empty_list_per_object() -> None:
    one, two = m.Tag(key="a"), m.Vpc(vpc_id="vpc-1", region="r", cidr_block="10.0.0.0/16")
    other = m.Vpc(vpc_id="vpc-2", region="r", cidr_block="10.1.0.0/16")
    assert one.value == "" and two.tags == [] and two.tags is not other.tags
