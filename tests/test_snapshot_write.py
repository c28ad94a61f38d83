"""``collect`` / ``synth`` writes (issue #12): atomic, nothing left behind when killed, readable by others."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from engine.model import Snapshot
from engine.snapshot import STALE_TEMP_SECONDS, load_from, write_snapshot_atomically


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_snapshot_gets_the_umask_mode_not_0600(tmp_path: Path, article: Snapshot) -> None:
    """open(2) creates files 0666 less the umask; mkstemp's private 0600 must not leak into the result."""
    old = os.umask(0o022)
    try:
        write_snapshot_atomically(article, tmp_path / "a.json")
        os.umask(0o027)
        write_snapshot_atomically(article, tmp_path / "b.json")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "a.json") == 0o644 and _mode(tmp_path / "b.json") == 0o640


def test_replacing_a_snapshot_keeps_its_mode(tmp_path: Path, article: Snapshot) -> None:
    path = tmp_path / "snap.json"
    path.write_text("{}")
    path.chmod(0o664)
    write_snapshot_atomically(article, path)
    assert _mode(path) == 0o664 and load_from(str(path)).snapshot.taken_at == article.taken_at


def test_an_interrupted_write_leaves_no_temp_file_and_the_old_snapshot(
        tmp_path: Path, article: Snapshot, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C during fsync: the temp file is removed and readers still see the previous file."""
    path = tmp_path / "snap.json"
    path.write_text("{}")

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_snapshot_atomically(article, path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["snap.json"] and path.read_text() == "{}"


def test_a_stale_leftover_is_removed_and_a_fresh_one_kept(tmp_path: Path, article: Snapshot) -> None:
    """A SIGKILLed writer's temp file goes on the next write; a concurrent writer's (fresh) one stays."""
    stale, fresh = tmp_path / ".snap.json.abc123.tmp", tmp_path / ".snap.json.def456.tmp"
    stale.write_text("x")
    fresh.write_text("y")
    old = time.time() - STALE_TEMP_SECONDS - 60
    os.utime(stale, (old, old))
    write_snapshot_atomically(article, tmp_path / "snap.json")
    assert not stale.exists() and fresh.exists()


_SLOW_WRITER = """
import os, sys, time
from engine import load_bundled
from engine.snapshot import write_snapshot_atomically
def slow_fsync(fd):
    print("writing", flush=True)
    time.sleep(30)
os.fsync = slow_fsync
write_snapshot_atomically(load_bundled(), __import__("pathlib").Path(sys.argv[1]))
"""


@pytest.mark.slow
def test_sigterm_during_a_write_leaves_no_temp_file(tmp_path: Path) -> None:
    """SIGTERM (what systemd and kill send) ends the writer; the temp file goes with it."""
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_WRITER, str(tmp_path / "snap.json")],
                            stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parent.parent)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "writing"
    assert any(p.name.endswith(".tmp") for p in tmp_path.iterdir())
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=20) == 128 + signal.SIGTERM
    assert list(tmp_path.iterdir()) == []
