"""Loading, saving and choosing a snapshot.

Choice, first that applies (interfaces.md): ``--snapshot PATH``, ``$REACHBOT_SNAPSHOT``, the file ``collect``
writes by default (when it exists), the bundled article estate.
"""

from __future__ import annotations

import gc
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from engine.errors import SnapshotError
from engine.model import SCHEMA_VERSION, Snapshot

BUNDLED = "bundled:article-estate"


def default_store_path() -> Path:
    """Where ``collect`` writes by default: ``$XDG_CACHE_HOME/reachbot/snapshot.json`` (``~/.cache/…``)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "reachbot" / "snapshot.json"


@dataclass(frozen=True, slots=True)
class LoadedSnapshot:
    snapshot: Snapshot
    origin: str  # the path, "s3://…" or "bundled:article-estate"


def choose_snapshot(path: str | None = None) -> LoadedSnapshot:
    """Load the snapshot the user meant; see the module docstring for the order."""
    if path:
        return load_from(path)
    env = os.environ.get("REACHBOT_SNAPSHOT")
    if env:
        return load_from(env)
    default = default_store_path()
    if default.exists():
        return load_from(str(default))
    return LoadedSnapshot(load_bundled(), BUNDLED)


def load_from(location: str) -> LoadedSnapshot:
    if location == BUNDLED or location == "bundled":
        return LoadedSnapshot(load_bundled(), BUNDLED)
    if location.startswith("s3://"):
        from engine.collect.store import read_s3  # boto3 lives only under engine/collect

        return LoadedSnapshot(parse_snapshot(read_s3(location), location), location)
    path = Path(location)
    try:
        text = path.read_bytes()
    except FileNotFoundError:
        raise SnapshotError(
            f"snapshot file {location} does not exist. Run `reachbot collect --out {location}` to create it, "
            "or leave out --snapshot to use the default one."
        ) from None
    except OSError as exc:
        raise SnapshotError(f"cannot read snapshot file {location}: {exc.strerror}") from exc
    return LoadedSnapshot(parse_snapshot(text, location), str(path))


def load_bundled() -> Snapshot:
    text = resources.files("engine").joinpath("data/article-estate.json").read_bytes()
    return parse_snapshot(text, BUNDLED)


def parse_snapshot(text: bytes | str, origin: str) -> Snapshot:
    """Validate a snapshot; errors name the bad field's path, e.g. ``route_tables[2].routes[0].State``."""
    try:
        with long_lived_allocation():
            snap = Snapshot.model_validate_json(text)
    except ValidationError as exc:
        raise SnapshotError(_explain_invalid(exc, text, origin)) from None
    if snap.schema_version != SCHEMA_VERSION:
        raise SnapshotError(
            f"{origin} has schema version {snap.schema_version}; this reachbot reads version {SCHEMA_VERSION}. "
            "Re-run `reachbot collect` with this version to write a compatible snapshot."
        )
    return snap


@contextmanager
def long_lived_allocation() -> Iterator[None]:
    """Allocate objects that will live as long as the process answers from them (a snapshot, its indexes).

    Performance (issue #7), behaviour unchanged: validating a large snapshot creates millions of objects and
    frees almost none, so CPython's cyclic collector keeps re-walking them while they are being made (about
    85% of the load time of a 20k-instance estate) and again in every later full collection, which showed up
    as 50 ms pauses inside answers. The collector is paused meanwhile; on success the survivors are moved to
    the permanent generation with ``gc.freeze()`` ("Garbage collector interface", Python docs: avoids
    collector work on objects that stay alive). Frozen objects are still freed by reference counting when the
    snapshot is dropped (only a reference cycle among them would wait for ``gc.unfreeze()``; snapshots and
    indexes have none).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        gc.freeze()
    finally:
        if was_enabled:
            gc.enable()


def _explain_invalid(exc: ValidationError, text: bytes | str, origin: str) -> str:
    first = exc.errors()[0]
    if first["type"] == "json_invalid":
        try:
            json.loads(text)
        except json.JSONDecodeError as jexc:
            return f"{origin} is not valid JSON: {jexc.msg} at line {jexc.lineno}, column {jexc.colno}."
        return f"{origin} is not valid JSON: {first['msg']}."
    version = _declared_version(text)
    if version is not None and version != SCHEMA_VERSION:
        return (
            f"{origin} has schema version {version}; this reachbot reads version {SCHEMA_VERSION}. "
            "Re-run `reachbot collect` with this version to write a compatible snapshot."
        )
    where = _path(first["loc"])
    more = f" ({exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
    return f"{origin} is not a valid reachbot snapshot: at {where}: {first['msg']}{more}."


def _declared_version(text: bytes | str) -> int | None:
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    version = data.get("SchemaVersion") if isinstance(data, dict) else None
    return version if isinstance(version, int) else None


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def dump_snapshot(snap: Snapshot) -> str:
    return snap.model_dump_json(by_alias=True, exclude_defaults=True)


def write_snapshot_atomically(snap: Snapshot, path: Path) -> None:
    """Write to a temporary file in the same directory, then rename: readers never see half a snapshot."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".snapshot-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(dump_snapshot(snap))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def snapshot_age(taken_at: datetime, now: datetime | None = None) -> str:
    """How old a snapshot is, the way people say it: ``27d``, ``5h``, ``12m``, ``40s``."""
    now = now or datetime.now(UTC)
    if taken_at.tzinfo is None:
        taken_at = taken_at.replace(tzinfo=UTC)
    seconds = max(0, int((now - taken_at).total_seconds()))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
