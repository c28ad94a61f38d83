"""``reachbot collect``: read AWS (or a saved directory) and write the snapshot, atomically.

Prints one summary line on stderr (resources per kind, API calls, seconds, gaps); never a proxy value, so no
credential can leak to a terminal or a CI log. Bad input raises :class:`~engine.errors.CollectionError`, which
the CLI turns into exit status 2 with its message.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

from engine import model as m
from engine.collect.collector import Collection, CollectOptions, collect
from engine.errors import CollectionError
from engine.resources import RESOURCE_KINDS
from engine.snapshot import default_store_path, dump_snapshot, write_snapshot_atomically

SHOWN_GAPS = 3
_KINDS = tuple((k.field, k.label) for k in RESOURCE_KINDS if k.label)  # snapshot field → what the summary calls it


@dataclass(frozen=True, slots=True)
class Retention:
    """Where each run is kept besides ``--out`` and for how long (engine.history has the rules)."""

    history: str | None = None  # a directory or s3://bucket/prefix/; None: history/ beside a file --out
    keep: int | None = None  # the newest N runs
    keep_days: float | None = None  # runs younger than N days
    enabled: bool = True


def run(options: CollectOptions, *, out: str | None = None, quiet: bool = False,
        retention: Retention | None = None) -> int:
    """Collect and write to ``out`` (default: the file ask/serve read by default), and keep the run in the
    history; 0 on success.

    ``engine/cli/commands/collect.py`` builds ``options`` from the flags; tests pass what has no flag
    (session hooks, timeouts).
    """
    out = out or str(default_store_path())
    retention = retention or Retention()
    _check_destination(out)
    result = collect(options, default_previous=out)  # incremental from the snapshot it replaces
    started = time.monotonic()
    version = write(result, out, options)
    kept = keep_history(result, out, retention, version, options) if retention.enabled else None
    result.seconds += time.monotonic() - started
    if not quiet:
        print(summary(result, out) + (f" (kept as {kept})" if kept else ""), file=sys.stderr)
    return 0


def keep_history(result: Collection, out: str, retention: Retention, version: str | None,
                 options: CollectOptions) -> str | None:
    """Keep this run in the history; what it was kept as (a file, an S3 object or version), or None."""
    from engine.history import default_history, keep_local, keep_s3

    target = retention.history or default_history(out)
    if target is None:  # an s3:// --out: the object's versions are the history where the bucket keeps them
        if version is None:
            print(f"reachbot collect: bucket of {out} has no versioning, so this run is not kept for "
                  "`--at`/`diff`: turn versioning on (then a lifecycle rule is the retention) or pass "
                  "--history s3://BUCKET/PREFIX/.", file=sys.stderr)
            return None
        return f"{out} version {version}"
    if target.startswith("s3://"):
        if not target.endswith("/"):
            raise CollectionError(f"--history {target}: an S3 history is a prefix ending in '/': s3://BUCKET/PREFIX/.")
        data = dump_snapshot(result.snapshot).encode("utf-8")
        return keep_s3(result.snapshot, data, target, retention.keep, retention.keep_days, options.endpoint_url)
    try:
        return str(keep_local(result.snapshot, Path(target), retention.keep, retention.keep_days))
    except OSError as exc:
        raise CollectionError(f"the snapshot was written to {out}, but keeping it in {target} failed "
                              f"({exc.strerror or exc}).") from None


def write(result: Collection, out: str, options: CollectOptions) -> str | None:
    """Write the snapshot; the S3 version id where ``out`` is in a versioned bucket."""
    if out.startswith("s3://"):
        from engine.collect.store import write_s3

        return write_s3(out, dump_snapshot(result.snapshot).encode("utf-8"), options.endpoint_url, result.session)
    try:
        write_snapshot_atomically(result.snapshot, Path(out))
    except OSError as exc:
        raise CollectionError(f"cannot write the snapshot to {out} ({exc.strerror or exc}); nothing was written.") \
            from None
    return None


def _check_destination(out: str) -> None:
    """Fail before collecting, not after, when the snapshot could not be written anyway."""
    if out.startswith("s3://"):
        from engine.collect.store import parse_location
        from engine.errors import SnapshotError

        try:
            parse_location(out)
        except SnapshotError as exc:
            raise CollectionError(str(exc)) from None
        return
    path = Path(out)
    if path.is_dir():
        raise CollectionError(f"--out {out} is a directory; give a file name such as {path / 'snapshot.json'}.")
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise CollectionError(f"--out {out}: {parent} is not a directory.")
    import os

    if not os.access(parent, os.W_OK):
        raise CollectionError(f"--out {out}: cannot write in {parent} (permission denied).")


def summary(result: Collection, out: str) -> str:
    snap = result.snapshot
    counts = [f"{label} {len(getattr(snap, f))}" for f, label in _KINDS if getattr(snap, f)]
    gaps = [(c, g) for c in snap.coverage for g in c.gaps]
    scope = f"{len(snap.accounts)} account{'s' if len(snap.accounts) != 1 else ''} × " \
            f"{len(snap.regions)} region{'s' if len(snap.regions) != 1 else ''}"
    line = f"reachbot collect: {scope}: {', '.join(counts) or 'nothing found'} · {result.api_calls} API calls · " \
           f"{result.seconds:.1f} s{_reuse_text(snap, result)} · {len(gaps)} gap{'s' if len(gaps) != 1 else ''}"
    if gaps:
        shown = "; ".join(_gap_text(c, g) for c, g in gaps[:SHOWN_GAPS])
        line += f" ({shown}{'; …' if len(gaps) > SHOWN_GAPS else ''})"
    return f"{line} → {out}"


def _gap_text(coverage: m.Coverage, gap: m.Gap) -> str:
    what = gap.permission or f"{gap.service}:{gap.operation}"
    on = f" {gap.resource}" if gap.resource else ""
    return f"{what}{on} in {coverage.account_id}/{coverage.region}: {gap.error}"


def _reuse_text(snap: m.Snapshot, result: Collection) -> str:
    """How much an incremental collection reused (engine/collect/incremental.py), or why it could not."""
    if result.previous.note == "previous-unreadable":
        return " · full read (previous snapshot unreadable)"
    reused = sum(r.count for c in snap.coverage for r in c.reused)
    return f" · user data of {reused} instance{'s' if reused != 1 else ''} reused" if reused else ""
