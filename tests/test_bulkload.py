"""A large snapshot is validated list chunk by list chunk (engine.bulkload, issue #14): the same snapshot and the
same refusals, with the same JSON paths, as the one-pass path smaller files take."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import engine.bulkload
import engine.snapshot
from engine.errors import SnapshotError
from engine.estates.synth import synth_estate
from engine.snapshot import dump_snapshot, load_from, parse_snapshot
from tests.collect.emulator import Collected, Emulator, collected_fixture, emulator_fixture  # noqa: F401


@pytest.fixture(scope="module")
def written() -> str:
    return dump_snapshot(synth_estate("tiny", seed=5))


@pytest.fixture
def streamed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every text counts as large, and chunks are 3 elements, so list offsets are exercised."""
    monkeypatch.setattr(engine.snapshot, "LEAN_FROM_CHARS", 0)
    monkeypatch.setattr(engine.bulkload, "CHUNK", 3)


@pytest.mark.parametrize("indent", [None, 2])
def test_a_streamed_load_gives_the_same_snapshot_as_the_one_pass_load(written: str, streamed: None,
                                                                     indent: int | None) -> None:
    text = written if indent is None else json.dumps(json.loads(written), indent=indent)
    engine.snapshot.LEAN_FROM_CHARS = 1 << 40  # this call only: the one-pass path
    one_pass = parse_snapshot(text.encode(), "x")
    engine.snapshot.LEAN_FROM_CHARS = 0
    chunked = parse_snapshot(text.encode(), "x")
    assert chunked == one_pass and dump_snapshot(chunked) == written


def test_a_bad_value_far_into_a_list_is_refused_with_its_json_path(written: str, streamed: None) -> None:
    data = json.loads(written)
    last = len(data["Instances"]) - 1
    assert last >= 2 * engine.bulkload.CHUNK  # past the first chunks: the index counts earlier chunks
    data["Instances"][last]["PrivateIpAddress"] = "10.0.0.300"
    with pytest.raises(SnapshotError, match=rf"at Instances\[{last}\]\.PrivateIpAddress: '10\.0\.0\.300' is not an "
                                            "IP address"):
        parse_snapshot(json.dumps(data).encode(), "big.json")


def test_python_field_names_are_read_as_in_the_one_pass_path(written: str, streamed: None) -> None:
    data = json.loads(written)
    data["instances"] = data.pop("Instances")
    assert len(parse_snapshot(json.dumps(data), "x").instances) == len(data["instances"])


def test_a_duplicate_is_still_refused_naming_both_places(written: str, streamed: None) -> None:
    data = json.loads(written)
    data["Buckets"].append(data["Buckets"][0])
    with pytest.raises(SnapshotError, match=rf"Buckets\[0\] and Buckets\[{len(data['Buckets']) - 1}\] are both"):
        parse_snapshot(json.dumps(data), "x")


@pytest.mark.parametrize(("damage", "says"), [
    (lambda t: t.replace('"Instances":[', '"Instances":[,', 1), r"not valid JSON: Expecting value at line 1"),
    (lambda t: t.replace('},{', '}{', 1), r"not valid JSON: Expecting '\]' at line 1"),
    (lambda t: t[:-1] + ',"Extra":1}', r"Extra"),
])
def test_broken_json_in_a_large_file_is_refused_with_where(written: str, streamed: None, damage: object,
                                                           says: str) -> None:
    with pytest.raises(SnapshotError, match=says):
        parse_snapshot(damage(written).encode(), "x")  # type: ignore[operator]


def test_a_large_file_that_is_not_utf8_names_the_byte(tmp_path: Path, written: str, streamed: None) -> None:
    path = tmp_path / "s.json"
    raw = written.encode()
    at = raw.index(b'"Name"')
    path.write_bytes(raw[:at] + b"\xc3(" + raw[at:])
    with pytest.raises(SnapshotError, match=rf"not UTF-8 text: byte 0xc3 at byte offset {at}"):
        load_from(str(path))


def test_a_deeply_nested_large_file_is_refused_without_a_traceback(written: str, streamed: None) -> None:
    nested = written[:-1] + ',"Deep":' + "[" * 100_000 + "]" * 100_000 + "}"
    with pytest.raises(SnapshotError, match="nested too deeply"):
        parse_snapshot(nested, "x")


@pytest.mark.filterwarnings("error")  # pydantic warns if a model built by __init__ comes back shared
def test_a_large_snapshot_in_s3_is_read_the_lean_way(emulator: Emulator, collected: Collected,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """An S3 object above LEAN_FROM_CHARS is decoded (its bytes dropped) and validated in chunks, like a file."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", emulator.url)
    one_pass = load_from(collected.store).snapshot
    monkeypatch.setattr(engine.snapshot, "LEAN_FROM_CHARS", 0)
    monkeypatch.setattr(engine.bulkload, "CHUNK", 3)
    assert load_from(collected.store).snapshot == one_pass

