"""The snapshot the bot answers from, reloaded when its file or S3 object changes.

The check is cheap and rate-limited: at most once every ``check_seconds`` a ``stat`` of the file (mtime, size,
inode: ``collect`` writes atomically by rename, so a new inode means a new snapshot) or, for ``s3://``, the
object's version from ``engine.collect.store`` when it offers one, else a re-read. A snapshot that fails to
load keeps the previous one answering and is retried at the next check; the failure is logged.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.index import SnapshotIndex
from engine import BUNDLED, Engine, LoadedSnapshot, ReachbotError, choose_snapshot, default_store_path

log = logging.getLogger(__name__)
S3_REREAD_SECONDS = 300.0  # without a cheap version check, re-reading an S3 object more often is wasteful


@dataclass(frozen=True, slots=True)
class Current:
    """One loaded snapshot: its engine, and the index the renderer uses for names and owners."""

    engine: Engine
    origin: str
    fingerprint: Any
    index: SnapshotIndex = field(compare=False)


class SnapshotHolder:
    def __init__(
        self,
        location: str | None,
        check_seconds: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        eager: bool = True,
    ) -> None:
        """``eager``: load now, so a bad snapshot stops a server at start-up (exit 2). On Lambda the first
        load waits for the first question instead: a cold start must ack within Slack's 3 seconds, and a
        plain /reach ack never needs the snapshot."""
        self.location = location
        self.check_seconds = check_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._current: Current | None = self._load() if eager else None
        self._checked_at = clock()

    def current(self, refresh: bool = True) -> Current:
        """The snapshot to answer from; with ``refresh``, first look (rate-limited) whether it changed.

        Only one caller reloads; the others keep answering from the previous snapshot meanwhile.
        """
        current = self._current or self._first_load()
        if refresh and self._clock() - self._checked_at >= self._interval(current) and \
                self._lock.acquire(blocking=False):
            try:
                self._checked_at = self._clock()
                self._refresh(current)
            finally:
                self._lock.release()
        return self._current or current

    def _first_load(self) -> Current:
        with self._lock:
            if self._current is None:
                self._current = self._load()
                self._checked_at = self._clock()
            return self._current

    def _interval(self, current: Current) -> float:
        if current.origin.startswith("s3://") and _s3_version is None:
            return max(self.check_seconds, S3_REREAD_SECONDS)
        return self.check_seconds

    def _refresh(self, current: Current) -> None:
        target = self._target()
        fingerprint = _fingerprint(target)
        if fingerprint is not None and fingerprint == current.fingerprint:
            return
        try:
            fresh = self._load()
        except ReachbotError as exc:
            log.warning("snapshot %s changed but cannot be loaded; still answering from %s: %s",
                        target, current.origin, exc)
            return
        if fingerprint is None and fresh.engine.snapshot.taken_at == current.engine.snapshot.taken_at:
            return  # re-read, unchanged
        log.info("snapshot reloaded from %s (taken %s)", fresh.origin, fresh.engine.snapshot.taken_at.isoformat())
        self._current = fresh

    def _target(self) -> str:
        """What choose_snapshot would load now: the collect default may have appeared since start-up."""
        if self.location:
            return self.location
        env = os.environ.get("REACHBOT_SNAPSHOT")
        if env:
            return env
        default = default_store_path()
        return str(default) if default.exists() else BUNDLED

    def _load(self) -> Current:
        target = self._target()
        fingerprint = _fingerprint(target)
        loaded: LoadedSnapshot = choose_snapshot(self.location)
        engine = Engine(loaded.snapshot, loaded.origin)
        return Current(engine, loaded.origin, fingerprint, SnapshotIndex(engine))


def _fingerprint(target: str) -> Any:
    """Something that changes when the snapshot does; None when only a re-read can tell."""
    if target in (BUNDLED, "bundled"):
        return BUNDLED
    if target.startswith("s3://"):
        if _s3_version is None:
            return None
        try:
            return _s3_version(target)
        except ReachbotError:  # cannot tell: reload, which keeps the current snapshot if that fails too
            return None
    try:
        st = Path(target).stat()
    except OSError:
        return ("missing", target)
    return (target, st.st_mtime_ns, st.st_size, st.st_ino)


def _find_s3_version() -> Callable[[str], str] | None:
    # boto3 lives only under engine/collect; use its cheap HEAD-based version check when it has one.
    try:
        from engine.collect import store
    except ImportError:
        return None
    found = getattr(store, "s3_version", None)
    return found if callable(found) else None


_s3_version = _find_s3_version()

