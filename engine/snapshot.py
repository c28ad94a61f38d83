"""Loading, saving and choosing a snapshot.

Choice, first that applies (interfaces.md): ``--snapshot PATH``, ``$REACHBOT_SNAPSHOT``, the file ``collect``
writes by default (when it exists), the bundled article estate.
"""

from __future__ import annotations

import contextlib
import gc
import glob
import json
import os
import re
import signal
import stat
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from operator import attrgetter
from pathlib import Path
from typing import BinaryIO

from pydantic import ValidationError
from pydantic.alias_generators import to_pascal
from pydantic_core import ErrorDetails

from engine.errors import SnapshotError
from engine.model import SCHEMA_VERSION, Snapshot, shared_values
from engine.resources import RESOURCE_KINDS

BUNDLED = "bundled:article-estate"
MAX_BYTES_ENV = "REACHBOT_MAX_SNAPSHOT_BYTES"
DEFAULT_MAX_BYTES = 512 * 1024 * 1024
STALE_TEMP_SECONDS = 15 * 60  # far longer than writing the xl estate takes
# Above this many bytes (or characters) a snapshot is loaded for memory rather than speed (issue #14): list
# chunk by list chunk (engine.bulkload), and with equal values shared (engine.model.shared_values, about 15%
# more load time, a third less memory). The large estate (30 MB) takes the faster path, the xl one (140 MB,
# 1.6 GiB that way) the lean one.
LEAN_FROM_CHARS = 64 * 1024 * 1024
JSON_DEPTH_LIMIT = 200  # pydantic-core's JSON parser (jiter) refuses deeper nesting before validating


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

        data: bytes | str = read_s3(location, max_bytes=max_snapshot_bytes())  # refused from its size, unread
        if isinstance(data, bytes) and len(data) > LEAN_FROM_CHARS:
            data = utf8_text(data, location)  # as for a file: the bytes are not kept while validating
        return LoadedSnapshot(parse_snapshot(data, location), location)
    path = Path(location)
    try:
        with path.open("rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            check_size(size, location)  # before reading: a huge file must not be read to be refused
            _check_file_framing(fh, size, location)  # a truncated one neither
            text: bytes | str = fh.read()
        if isinstance(text, bytes) and len(text) > LEAN_FROM_CHARS:
            text = utf8_text(text, location)  # decoded here, so that the bytes are not kept while validating
    except FileNotFoundError:
        raise SnapshotError(
            f"snapshot file {location} does not exist. Run `reachbot collect --out {location}` to create it, "
            "or leave out --snapshot to use the default one."
        ) from None
    except OSError as exc:
        raise SnapshotError(f"cannot read snapshot file {location}: {exc.strerror}") from exc
    return LoadedSnapshot(parse_snapshot(text, location), str(path))


def max_snapshot_bytes() -> int:
    """``$REACHBOT_MAX_SNAPSHOT_BYTES`` or 512 MiB: over three times the benchmark's xl estate (~150 MB)."""
    raw = os.environ.get(MAX_BYTES_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_BYTES
    if not raw.isdigit() or int(raw) < 1:
        raise SnapshotError(f"{MAX_BYTES_ENV}={raw[:40]!r} is not a number of bytes; unset it for the default "
                            f"({DEFAULT_MAX_BYTES} bytes).")
    return int(raw)


def check_size(size: int, origin: str) -> None:
    """Refuse a snapshot larger than max_snapshot_bytes(), from its size alone (file, S3 object or text)."""
    limit = max_snapshot_bytes()
    if size > limit:
        raise SnapshotError(
            f"{origin} is {size:,} bytes, more than the {limit:,} this reachbot reads. Set {MAX_BYTES_ENV} to a "
            "larger number of bytes if the estate really is that big (and the machine has the memory)."
        )


def load_bundled() -> Snapshot:
    text = resources.files("engine").joinpath("data/article-estate.json").read_bytes()
    return parse_snapshot(text, BUNDLED)


def parse_snapshot(text: bytes | str, origin: str) -> Snapshot:
    """Validate a snapshot; errors name the bad field's path, e.g. ``RouteTables[2].Routes[0].State``.

    One pass at load (issue #12): the size is bounded, a file that does not end its top-level object fails
    before parsing (a truncated file), pydantic's JSON parser (jiter) refuses nesting past 200 levels and
    invalid UTF-8 without building any Python object, every CIDR, IP, port and ARN is parsed by the model's
    validators, and duplicates by AWS identity are refused with both places.
    """
    check_size(len(text), origin)
    _check_framing(text, origin)
    try:
        lean = len(text) > LEAN_FROM_CHARS
        with long_lived_allocation(), shared_values() if lean else contextlib.nullcontext():
            snap = _validate(text, origin)
    except ValidationError as exc:
        raise SnapshotError(_explain_invalid(exc.errors()[0], exc.error_count(), text, origin)) from None
    if snap.schema_version != SCHEMA_VERSION:
        raise SnapshotError(
            f"{origin} has schema version {snap.schema_version}; this reachbot reads version {SCHEMA_VERSION}. "
            "Re-run `reachbot collect` with this version to write a compatible snapshot."
        )
    _refuse_duplicates(snap, origin)
    return snap


def _validate(text: bytes | str, origin: str) -> Snapshot:
    """One pass through pydantic's JSON parser, or, for a text above LEAN_FROM_CHARS, list chunk by list chunk
    (engine.bulkload: the parser's whole-document tree would outweigh the snapshot)."""
    if len(text) <= LEAN_FROM_CHARS:
        return Snapshot.model_validate_json(text)
    from engine.bulkload import ChunkInvalid, validate_in_chunks  # only large snapshots need it

    try:
        return validate_in_chunks(text if isinstance(text, str) else utf8_text(text, origin))
    except ChunkInvalid as exc:
        raise SnapshotError(_explain_invalid(exc.first, exc.count, text, origin)) from None
    except json.JSONDecodeError as exc:
        raise SnapshotError(f"{origin} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}. "
                            "Re-run `reachbot collect` or copy the file again.") from None
    except RecursionError:
        raise SnapshotError(f"{origin} is not valid JSON: nested too deeply; a snapshot is about 8 levels "
                            "deep.") from None


def utf8_text(data: bytes, origin: str) -> str:
    """``data`` decoded, or a SnapshotError naming the first byte that is not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise SnapshotError(f"{origin} is not valid JSON: not UTF-8 text: byte {data[err.start]:#04x} at byte "
                            f"offset {err.start}.") from None


def _check_framing(text: bytes | str, origin: str) -> None:
    """A snapshot is one JSON object: refuse at once a text that does not start with ``{`` and end with ``}``
    (a truncated write or download), rather than parse hundreds of megabytes to find out at the end."""
    head, tail = (text[:64], text[-64:]) if isinstance(text, bytes) else (text[:64].encode(), text[-64:].encode())
    problem = _framing_problem(head, tail)
    if problem == "truncated":
        end = len(text.rstrip())
        newline = b"\n" if isinstance(text, bytes) else "\n"
        _raise_truncated(origin, text.count(newline, 0, end) + 1,  # type: ignore[arg-type]
                         end - text.rfind(newline, 0, end))  # type: ignore[arg-type]
    if problem:
        _raise_framing(origin, problem)


def _check_file_framing(fh: BinaryIO, size: int, origin: str) -> None:
    """The same check on a file, from its first and last bytes only; the position of a truncated end is
    counted in 1 MiB chunks, so refusing a 200 MB truncated file costs no more memory than a small one."""
    head = fh.read(64)
    fh.seek(max(0, size - 64))
    problem = _framing_problem(head, fh.read(64))
    if problem == "truncated":
        fh.seek(0)
        line, column = 1, 1
        while chunk := fh.read(1 << 20):
            newlines = chunk.count(b"\n")
            line += newlines
            column = len(chunk) - chunk.rfind(b"\n") if newlines else column + len(chunk)
        _raise_truncated(origin, line, column)
    if problem:
        _raise_framing(origin, problem)
    fh.seek(0)


def _framing_problem(head: bytes, tail: bytes) -> str | None:
    head, tail = head.lstrip(), tail.rstrip()
    if not head:
        return "it is empty"
    if head[:1] != b"{":
        return "it does not start with '{' (line 1)"
    if tail[-1:] != b"}":
        return "truncated"
    return None


def _raise_truncated(origin: str, line: int, column: int) -> None:
    _raise_framing(origin, f"it ends at line {line}, column {column} without closing its top-level object "
                           "(truncated?)")


def _raise_framing(origin: str, what: str) -> None:
    raise SnapshotError(f"{origin} is not valid JSON: {what}. A snapshot is one JSON object; re-run "
                        "`reachbot collect` or copy the file again.")


def _refuse_duplicates(snap: Snapshot, origin: str) -> None:
    """Two entries with one AWS identity (engine.resources) are refused with both JSON paths: which of the
    two the walk would meet is arbitrary, and a duplicate bucket without its policy turned blocked into
    reachable (issue #12)."""
    for kind in RESOURCE_KINDS:
        items = getattr(snap, kind.field)
        getter = kind.key or attrgetter(kind.id_field or "")
        if len(set(map(getter, items))) == len(items):  # the usual case, at C speed; else find the two places
            continue
        seen: dict[object, int] = {}
        for i, item in enumerate(items):
            key = kind.identity(item)
            first = seen.setdefault(key, i)
            if first != i:
                field = to_pascal(kind.field)
                shown = "/".join(str(k) for k in key) if isinstance(key, tuple) else str(key)
                raise SnapshotError(
                    f"{origin} is not a valid reachbot snapshot: {field}[{first}] and {field}[{i}] are both "
                    f"{kind.label or kind.field} {shown}. Keep one of them (re-run `reachbot collect`)."
                )


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


def _explain_invalid(first: ErrorDetails, count: int, text: bytes | str, origin: str) -> str:
    """The first problem, with its JSON path; never re-parses the text with Python's json (a truncated 200 MB
    file took 63 s and 8 GB that way, and deep nesting raised RecursionError)."""
    msg = str(first["msg"]).removeprefix("Value error, ")
    if first["type"] == "json_invalid":
        return f"{origin} is not valid JSON: {_json_problem(msg, text)}."
    version = _declared_version(text)
    if version is not None and version != SCHEMA_VERSION:
        return (
            f"{origin} has schema version {version}; this reachbot reads version {SCHEMA_VERSION}. "
            "Re-run `reachbot collect` with this version to write a compatible snapshot."
        )
    where = _path(first["loc"])
    more = f" ({count - 1} more problems)" if count > 1 else ""
    return f"{origin} is not a valid reachbot snapshot: at {where}: {msg}{more}."


def _json_problem(msg: str, text: bytes | str) -> str:
    msg = msg.removeprefix("Invalid JSON: ")
    if "recursion limit" in msg:
        return f"nested deeper than {JSON_DEPTH_LIMIT} levels ({msg}); a snapshot is about 8 levels deep"
    if isinstance(text, bytes) and ("unicode" in msg or "UTF-8" in msg or "utf-8" in msg):
        try:
            text.decode("utf-8")
        except UnicodeDecodeError as err:
            return f"not UTF-8 text: byte {text[err.start]:#04x} at byte offset {err.start}"
    return msg


_VERSION = re.compile(rb'"SchemaVersion"\s*:\s*(\d{1,9})')


def _declared_version(text: bytes | str) -> int | None:
    """The ``SchemaVersion`` the file declares, found near its start (dump_snapshot writes it first)."""
    head = text[:4096]
    found = _VERSION.search(head if isinstance(head, bytes) else head.encode("utf-8", "replace"))
    return int(found.group(1)) if found else None


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def dump_snapshot(snap: Snapshot) -> str:
    return snap.model_dump_json(by_alias=True, exclude_defaults=True)


def write_snapshot_atomically(snap: Snapshot, path: Path) -> None:
    """Write to a temporary file in the same directory, then rename: readers never see half a snapshot.

    Issue #12: the temporary file (``.<name>.<random>.tmp``, a dot file no reader picks) is removed on any
    exception, Ctrl-C and SIGTERM included (SIGTERM is turned into SystemExit while writing, in the main
    thread); a leftover of a process killed outright (SIGKILL, power loss) is removed by the next write once
    it is older than STALE_TEMP_SECONDS. The result keeps the mode of the file it replaces, or gets 0666 less
    the umask (0644 usually) like any file the user creates: ``mkstemp``'s 0600 made the snapshot unreadable
    to a bot running as another user.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(path)
    mode = _mode_for(path)
    with _sigterm_raises():
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                os.fchmod(fh.fileno(), mode)
                fh.write(dump_snapshot(snap))
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def _mode_for(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _remove_stale_temps(path: Path) -> None:
    """Temporary files of earlier writes to ``path`` that a killed process left (old enough not to be a
    concurrent writer's)."""
    cutoff = time.time() - STALE_TEMP_SECONDS
    for leftover in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        with contextlib.suppress(OSError):
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()


@contextmanager
def _sigterm_raises() -> Iterator[None]:
    """SIGTERM's default action ends the process without unwinding, so the temp file would stay; raising
    SystemExit instead lets the cleanup run. Only the main thread may set handlers."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _exit(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, _exit)
    if previous is None:  # a handler installed from C: put the default back afterwards
        previous = signal.SIG_DFL
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


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
