"""Snapshot history: every ``collect`` run kept by time, and the snapshot of a moment picked from it (issue #13).

Where the history of a snapshot location lives:

- a local file ``DIR/snapshot.json``: the directory ``DIR/history/``, one file per run named by the snapshot's
  ``taken_at`` in UTC (``20261127T090000Z.json``), pruned by ``--keep`` / ``--keep-days``;
- a directory: the history files in it (``collect --history DIR``);
- ``s3://bucket/path/snapshot.json``: the object's versions when the bucket has versioning (ListObjectVersions;
  the bucket's lifecycle rule is the retention: "Lifecycle configuration elements", NoncurrentVersionExpiration),
  plus the objects under ``s3://bucket/path/history/`` named as above;
- ``s3://bucket/prefix/``: the objects under that prefix (``collect --history s3://bucket/prefix/`` writes them
  where the bucket has no versioning).
  A version's time is its LastModified, the moment it was written: the collector (or the merge Lambda) writes
  right after reading AWS, so that is when the snapshot was taken, give or take the run.

``TIME`` (``--at``, ``reachbot diff OLD NEW``) is an ISO time (``2026-11-27T09:00``, UTC unless it names an
offset), a date (midnight UTC), ``now``, ``yesterday`` (24 hours ago) or an age such as ``30m``, ``2h``, ``3d``,
``1w`` (optionally followed by ``ago``). The snapshot picked is the newest taken at or before that time.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from engine.errors import SnapshotError
from engine.model import Snapshot
from engine.snapshot import (
    BUNDLED,
    LoadedSnapshot,
    default_store_path,
    load_from,
    parse_snapshot,
    write_snapshot_atomically,
)

HISTORY_DIR = "history"
STAMP = "%Y%m%dT%H%M%SZ"
_STAMP_NAME = re.compile(r"^(\d{8}T\d{6}Z)\.json$")
_AGE = re.compile(r"^(\d{1,6})\s*(m|min|mins|minutes?|h|hours?|d|days?|w|weeks?)(\s+ago)?$")
_UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400, "w": 604800}
TIME_FORMS = "an ISO time such as 2026-11-27T09:00 (UTC), a date, now, yesterday, or an age such as 2h or 3d"


@dataclass(frozen=True, slots=True)
class Entry:
    """One kept snapshot: when it was taken, where it is, and the S3 version id when it is an object version."""

    at: datetime
    location: str
    version: str | None = None

    def describe(self) -> str:
        return f"{self.location} (version {self.version})" if self.version else self.location


def parse_time(text: str, now: datetime | None = None) -> datetime:
    """A moment in UTC from what people type; a clear SnapshotError otherwise."""
    now = now or datetime.now(UTC)
    word = text.strip().lower()
    if word == "now":
        return now
    if word == "yesterday":
        return now - timedelta(days=1)
    age = _AGE.match(word)
    if age:
        return now - timedelta(seconds=int(age.group(1)) * _UNIT_SECONDS[age.group(2)[0]])
    try:
        moment = datetime.fromisoformat(text.strip().replace("z", "Z"))
    except ValueError:
        raise SnapshotError(f"{text!r} is not a time reachbot reads; give {TIME_FORMS}.") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def stamp(taken_at: datetime) -> str:
    moment = taken_at.replace(tzinfo=UTC) if taken_at.tzinfo is None else taken_at.astimezone(UTC)
    return moment.strftime(STAMP)


def base_location(path: str | None) -> str:
    """The snapshot whose history ``--at`` reads: ``--snapshot``, ``$REACHBOT_SNAPSHOT``, collect's default file."""
    return path or os.environ.get("REACHBOT_SNAPSHOT") or str(default_store_path())


def resolve(ref: str, base: str) -> LoadedSnapshot:
    """``reachbot diff``'s OLD or NEW: a snapshot file, ``s3://`` object or ``bundled``, else a time in the
    history of ``base``."""
    if ref in (BUNDLED, "bundled") or ref.startswith("s3://") or Path(ref).exists():
        return load_from(ref)
    try:
        at = parse_time(ref)
    except SnapshotError:
        raise SnapshotError(f"{ref!r} is neither a snapshot file (it does not exist), an s3:// location nor a "
                            f"time; give a path, s3://BUCKET/KEY, or {TIME_FORMS}.") from None
    return load_at(base, at)


def entries_for(location: str) -> list[Entry]:
    """Every kept snapshot of ``location`` (a file, a history directory, or an ``s3://`` object), oldest first."""
    if location in (BUNDLED, "bundled"):
        raise SnapshotError("the bundled article estate has no history; collect snapshots with `reachbot collect` "
                            "(each run is kept) and pass --snapshot FILE, or set REACHBOT_SNAPSHOT.")
    if location.startswith("s3://"):
        return sorted(_s3_entries(location), key=lambda e: e.at)
    path = Path(location)
    directory = path if path.is_dir() else path.parent / HISTORY_DIR
    return local_entries(directory)


def local_entries(directory: Path) -> list[Entry]:
    if not directory.is_dir():
        return []
    found = [Entry(at, str(p)) for p in directory.iterdir() if p.is_file() and (at := _stamp_of(p.name))]
    return sorted(found, key=lambda e: e.at)


def s3_history_prefix(location: str) -> tuple[str, str]:
    """(bucket, prefix) of an S3 history: ``s3://bucket/prefix/`` itself, or for ``s3://bucket/dir/snap.json``
    the prefix ``dir/history/`` beside it."""
    from engine.collect.store import parse_location

    if location.endswith("/"):
        bucket, _, prefix = location[len("s3://"):].partition("/")
        if not bucket:
            raise SnapshotError(f"{location!r} names no bucket: give s3://BUCKET/PREFIX/.")
        return bucket, prefix
    bucket, key = parse_location(location)
    directory = key.rsplit("/", 1)[0] + "/" if "/" in key else ""
    return bucket, f"{directory}{HISTORY_DIR}/"


def _s3_entries(location: str) -> list[Entry]:
    """The history prefix's stamped objects, and the object's own versions (not for a prefix)."""
    from engine.collect.s3_history import object_versions, prefix_objects  # boto3 lives under engine/collect
    from engine.collect.store import parse_location

    bucket, prefix = s3_history_prefix(location)
    found = [Entry(at, f"s3://{bucket}/{key}") for key in prefix_objects(bucket, prefix)
             if (at := _stamp_of(key[len(prefix):])) is not None]
    if not location.endswith("/"):
        # Newest first from S3; reversed, so that among versions with one LastModified the newer sorts later.
        found += [Entry(at, location, version)
                  for at, version in reversed(object_versions(*parse_location(location)))]
    return found


def _stamp_of(name: str) -> datetime | None:
    found = _STAMP_NAME.match(name)
    return datetime.strptime(found.group(1), STAMP).replace(tzinfo=UTC) if found else None


def pick(entries: Sequence[Entry], at: datetime, where: str) -> Entry:
    """The newest entry taken at or before ``at``."""
    if not entries:
        raise SnapshotError(f"no snapshot history for {where}: `reachbot collect --out {where}` keeps one per run "
                            "from now on (the history of a file is the directory history/ beside it).")
    older = [e for e in entries if e.at <= at]
    if not older:
        raise SnapshotError(f"no snapshot of {where} is as old as {_shown(at)}: the oldest kept one was taken "
                            f"{_shown(entries[0].at)}. Give --at {_shown(entries[0].at)} or later.")
    return sorted(older, key=lambda e: e.at)[-1]  # stable: of equal times, the one listed last


def load_entry(entry: Entry) -> LoadedSnapshot:
    if entry.version is None:
        return load_from(entry.location)
    from engine.collect.store import read_s3
    from engine.snapshot import max_snapshot_bytes

    data = read_s3(entry.location, max_bytes=max_snapshot_bytes(), version_id=entry.version)
    origin = entry.describe()
    return LoadedSnapshot(parse_snapshot(data, origin), origin)


def load_at(location: str, at: datetime) -> LoadedSnapshot:
    """The snapshot of ``location`` as it was at ``at``."""
    return load_entry(pick(entries_for(location), at, location))


def default_history(out: str) -> str | None:
    """Where ``collect --out OUT`` keeps history unless told: ``history/`` beside a file; for ``s3://`` the
    object's own versions (None: nothing more to write)."""
    return None if out.startswith("s3://") else str(Path(out).parent / HISTORY_DIR)


def keep_local(snap: Snapshot, directory: Path, keep: int | None, keep_days: float | None,
               now: datetime | None = None) -> Path:
    """Store ``snap`` in the history ``directory`` and prune it; the stored file's path."""
    target = directory / f"{stamp(snap.taken_at)}.json"
    write_snapshot_atomically(snap, target)
    for entry in expired(local_entries(directory), keep, keep_days, now):
        if entry.location != str(target):
            Path(entry.location).unlink(missing_ok=True)
    return target


def keep_s3(snap: Snapshot, data: bytes, location: str, keep: int | None, keep_days: float | None,
            endpoint_url: str | None = None, now: datetime | None = None) -> str:
    """Store one run under the S3 history ``location`` (``s3://bucket/prefix/``) and prune that prefix; the
    stored object's location."""
    from engine.collect.s3_history import delete_objects, prefix_objects
    from engine.collect.store import write_s3

    bucket, prefix = s3_history_prefix(location)
    key = f"{prefix}{stamp(snap.taken_at)}.json"
    write_s3(f"s3://{bucket}/{key}", data, endpoint_url)
    kept = [Entry(at, k) for k in prefix_objects(bucket, prefix, endpoint_url)
            if (at := _stamp_of(k[len(prefix):])) is not None]
    delete_objects(bucket, [e.location for e in expired(kept, keep, keep_days, now) if e.location != key],
                   endpoint_url)
    return f"s3://{bucket}/{key}"


def expired(entries: Sequence[Entry], keep: int | None, keep_days: float | None,
            now: datetime | None = None) -> list[Entry]:
    """Entries beyond the newest ``keep`` or older than ``keep_days``; the newest entry is never expired."""
    now = now or datetime.now(UTC)
    ordered = sorted(entries, key=lambda e: e.at, reverse=True)
    out = []
    for n, entry in enumerate(ordered):
        too_many = keep is not None and n >= keep
        too_old = keep_days is not None and entry.at < now - timedelta(days=keep_days)
        if n > 0 and (too_many or too_old):
            out.append(entry)
    return out


def _shown(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
