"""Snapshot history (issue #13): each collect run kept by time, pruned by retention, picked back by ``--at``.

Local histories are files named by the snapshot's UTC ``taken_at`` in ``history/`` beside the snapshot file;
S3 histories are the object's versions in a versioned bucket ("Retrieving object versions from a
versioning-enabled bucket", Amazon S3 User Guide), tested against moto's server as the merge Lambda writes them:
a plain PutObject of the current snapshot each time.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from engine.cli.main import main
from engine.errors import SnapshotError
from engine.history import entries_for, expired, keep_local, local_entries, parse_time, pick
from engine.model import Snapshot
from engine.snapshot import dump_snapshot, write_snapshot_atomically
from tests.collect.emulator import Collected, Emulator, collected_fixture, emulator_fixture  # noqa: F401
from tests.scenarios import article_when_case3_worked

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
CASE_3 = "can web-osaka-a reach bucket app-data"


def _at(snap: Snapshot, when: datetime) -> Snapshot:
    return snap.model_copy(update={"taken_at": when})


@pytest.mark.parametrize(("text", "want"), [
    ("2026-11-27T09:00", datetime(2026, 11, 27, 9, 0, tzinfo=UTC)),
    ("2026-11-27T18:00+09:00", datetime(2026, 11, 27, 9, 0, tzinfo=UTC)),
    ("2026-11-27", datetime(2026, 11, 27, tzinfo=UTC)),
    ("yesterday", NOW - timedelta(days=1)),
    ("2h", NOW - timedelta(hours=2)),
    ("3d ago", NOW - timedelta(days=3)),
    ("now", NOW),
])
def test_times_people_type(text: str, want: datetime) -> None:
    assert parse_time(text, NOW) == want


def test_a_time_that_is_none_names_the_forms_that_work() -> None:
    with pytest.raises(SnapshotError, match="yesterday, or an age such as 2h"):
        parse_time("last tuesday", NOW)


def test_each_run_is_kept_by_its_utc_time_and_retention_keeps_the_newest(article: Snapshot, tmp_path: Path) -> None:
    """--keep N keeps the newest N runs; --keep-days D drops runs older than D days; the newest run is never
    dropped, whatever the setting."""
    history = tmp_path / "history"
    for hours in (72, 48, 24, 1):
        kept = keep_local(_at(article, NOW - timedelta(hours=hours)), history, keep=3, keep_days=None, now=NOW)
    assert kept.name == "20261129T110000Z.json"
    assert [e.at for e in local_entries(history)] == [NOW - timedelta(hours=h) for h in (48, 24, 1)]
    keep_local(_at(article, NOW), history, keep=None, keep_days=1.5, now=NOW)
    assert [e.at for e in local_entries(history)] == [NOW - timedelta(hours=h) for h in (24, 1, 0)]
    old = local_entries(history)
    assert expired(old, keep=None, keep_days=0.0001, now=NOW + timedelta(days=30)) == old[-2::-1]


def test_at_picks_the_newest_snapshot_at_or_before_the_time(article: Snapshot, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """`reachbot ask --snapshot FILE --at T`: case 3 worked in the run of 09:00 and is blocked in today's."""
    write_snapshot_atomically(_at(article_when_case3_worked(article), NOW - timedelta(days=2)), tmp_path / "history" /
                              "20261127T120000Z.json")
    write_snapshot_atomically(_at(article, NOW), tmp_path / "history" / "20261129T120000Z.json")
    current = tmp_path / "snapshot.json"
    write_snapshot_atomically(_at(article, NOW), current)
    verdicts = {}
    for at in ("2026-11-28T09:00", "2026-11-29T12:00"):
        assert main(["ask", CASE_3, "--snapshot", str(current), "--at", at, "--json", "--no-fixes"]) == 0
        verdicts[at] = json.loads(capsys.readouterr().out)["verdict"]
    assert verdicts == {"2026-11-28T09:00": "reachable", "2026-11-29T12:00": "blocked"}
    assert main(["ask", CASE_3, "--snapshot", str(tmp_path / "history"), "--at", "2026-11-28", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["verdict"] == "reachable"


def test_nothing_that_old_is_exit_2_naming_the_oldest(article: Snapshot, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    write_snapshot_atomically(_at(article, NOW), tmp_path / "history" / "20261129T120000Z.json")
    current = tmp_path / "snapshot.json"
    assert main(["ask", CASE_3, "--snapshot", str(current), "--at", "2026-01-01T00:00"]) == 2
    err = capsys.readouterr().err
    assert "the oldest kept one was taken 2026-11-29T12:00:00Z" in err and "Traceback" not in err
    assert main(["ask", CASE_3, "--snapshot", str(tmp_path / "empty" / "elsewhere.json"), "--at", "now"]) == 2
    assert "no snapshot history for" in capsys.readouterr().err


def test_collect_keeps_each_run_beside_its_out_file(collected: Collected, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """`reachbot collect --out F` also writes history/<taken_at>.json beside F; --no-history does not."""
    out = tmp_path / "snap.json"
    assert main(["collect", "--from-dir", str(collected.raw_dir), "--out", str(out), "--keep", "5"]) == 0
    (entry,) = local_entries(tmp_path / "history")
    assert "kept as" in capsys.readouterr().err
    assert json.loads(Path(entry.location).read_text()) == json.loads(out.read_text())
    other = tmp_path / "other" / "snap.json"
    assert main(["collect", "--from-dir", str(collected.raw_dir), "--out", str(other), "--no-history"]) == 0
    assert not (other.parent / "history").exists()


@pytest.mark.parametrize(("flag", "value"), [("--keep", "0"), ("--keep-days", "-1"), ("--keep-days", "nan")])
def test_bad_retention_is_exit_2(flag: str, value: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["collect", flag, value, "--from-dir", "."]) == 2
    assert "is not a" in capsys.readouterr().err


def test_collect_help_shows_the_default_retention(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["collect", "--help"]) == 0
    assert "(default: 14.0," in " ".join(capsys.readouterr().out.split())


def test_s3_versions_written_by_plain_putobject_are_the_history(emulator: Emulator, article: Snapshot,
                                                               monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """In a versioned bucket every PutObject of the snapshot (the merge Lambda's, or collect's) keeps the one
    before as a noncurrent version; `--at` and `diff` read them with ListObjectVersions and GetObject
    VersionId. A version's time is its LastModified."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", emulator.url)
    s3 = emulator.client("s3")
    s3.create_bucket(Bucket="reachbot-history-test", CreateBucketConfiguration={"LocationConstraint": "ap-northeast-3"})
    s3.put_bucket_versioning(Bucket="reachbot-history-test", VersioningConfiguration={"Status": "Enabled"})
    location = "s3://reachbot-history-test/estate/snapshot.json"
    for n, snap in enumerate((article_when_case3_worked(article), article)):
        if n:
            time.sleep(1.1)  # LastModified has whole seconds: the two runs must be told apart by time
        s3.put_object(Bucket="reachbot-history-test", Key="estate/snapshot.json", Body=dump_snapshot(snap).encode())
    s3.put_object(Bucket="reachbot-history-test", Key="estate/snapshot.json.bak", Body=b"{}")
    entries = entries_for(location)
    assert len(entries) == 2 and all(e.version for e in entries)
    assert pick(entries, datetime.now(UTC), location) == entries[-1]
    assert main(["diff", entries[0].at.isoformat(), "now", CASE_3, "--snapshot", location, "--json"]) == 0
    (answer,) = json.loads(capsys.readouterr().out)["answers"]
    assert (answer["before"], answer["after"], answer["flipped"]) == ("reachable", "blocked", True)
    assert main(["ask", CASE_3, "--snapshot", location, "--at", "2020-01-01"]) == 2
    assert "the oldest kept one was taken" in capsys.readouterr().err


def test_collect_to_s3_keeps_versions_or_a_pruned_history_prefix(emulator: Emulator, collected: Collected,
                                                                 article: Snapshot, monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """A versioned bucket: PutObject answers a VersionId, and that version is the run's history. An unversioned
    one: `--history s3://bucket/prefix/` keeps the run there as <taken_at>.json and prunes to --keep (with
    --keep-days 0, no age limit: the seeded runs are from November's first days)."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", emulator.url)
    s3 = emulator.client("s3")
    for bucket in ("reachbot-versioned", "reachbot-plain"):
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "ap-northeast-3"})
    s3.put_bucket_versioning(Bucket="reachbot-versioned", VersioningConfiguration={"Status": "Enabled"})
    raw = str(collected.raw_dir)
    assert main(["collect", "--from-dir", raw, "--out", "s3://reachbot-versioned/snapshot.json",
                 "--endpoint-url", emulator.url]) == 0
    assert "(kept as s3://reachbot-versioned/snapshot.json version " in capsys.readouterr().err
    for old in ("20261101T000000Z.json", "20261102T000000Z.json"):
        s3.put_object(Bucket="reachbot-plain", Key=f"hist/{old}", Body=dump_snapshot(article).encode())
    assert main(["collect", "--from-dir", raw, "--out", "s3://reachbot-plain/snapshot.json", "--endpoint-url",
                 emulator.url, "--history", "s3://reachbot-plain/hist/", "--keep", "2", "--keep-days", "0"]) == 0
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="reachbot-plain", Prefix="hist/")["Contents"])
    assert len(keys) == 2 and keys[0] == "hist/20261102T000000Z.json"
    assert f"(kept as s3://reachbot-plain/{keys[1]})" in capsys.readouterr().err
    assert main(["collect", "--from-dir", raw, "--out", "s3://reachbot-plain/snapshot.json",
                 "--endpoint-url", emulator.url]) == 0
    assert "has no versioning, so this run is not kept" in capsys.readouterr().err


def test_serve_at_follows_the_kept_file_of_that_time(article: Snapshot, tmp_path: Path) -> None:
    """`reachbot serve --at T` serves the kept file of T (a server reloads from a path, so an S3 version, which
    has none, is refused with what to do instead)."""
    import argparse

    from engine.cli.common import snapshot_location

    kept = keep_local(_at(article, NOW - timedelta(days=1)), tmp_path / "history", keep=None, keep_days=None)
    keep_local(_at(article, NOW), tmp_path / "history", keep=None, keep_days=None)
    args = argparse.Namespace(snapshot=str(tmp_path / "snapshot.json"), at="2026-11-28T13:00")
    assert snapshot_location(args) == str(kept)
    assert snapshot_location(argparse.Namespace(snapshot="s3://b/k.json", at=None)) == "s3://b/k.json"
