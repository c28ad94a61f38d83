"""``reachbot collect`` shows its progress per (account, region) on a terminal, one summary line otherwise.

Against the seeded emulator (two accounts, reached through their roles): every region and every global read
of every account is reported once, after the total is known; the bar (tqdm) is drawn only on a terminal.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest

from engine.cli.main import main
from engine.cli.progress import ProgressBar, progress_for
from engine.collect import crawl
from engine.collect.collector import collect
from tests.collect.emulator import REGIONS, Emulator, emulator_fixture  # noqa: F401


class Recorded:
    def __init__(self) -> None:
        self.total: int | None = None
        self.seen: list[tuple[str, str]] = []
        self.closed = False

    def start(self, total: int) -> None:
        self.total = total

    def done(self, account: str, scope: str) -> None:
        assert self.total is not None, "done before start"
        self.seen.append((account, scope))

    def close(self) -> None:
        self.closed = True


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.slow
def test_every_account_region_and_global_read_is_reported_once(emulator: Emulator) -> None:
    progress = Recorded()
    result = collect(emulator.options(progress=progress))
    accounts = [a.account_id for a in result.snapshot.accounts]
    scopes = [*REGIONS, *(f"global:{s}" for s in crawl.GLOBAL_CRAWLS)]
    assert len(accounts) == 2
    assert sorted(progress.seen) == sorted((a, s) for a in accounts for s in scopes)
    assert progress.total == len(progress.seen) and progress.closed


@pytest.mark.slow
def test_progress_is_logged_with_verbose(emulator: Emulator, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="engine"):
        collect(emulator.options(regions=[REGIONS[0]]))
    assert f"collect: read {emulator.estate.role_arns[0].split(':')[4]} {REGIONS[0]}" in caplog.text


def test_bar_is_drawn_on_a_terminal_only() -> None:
    assert progress_for(io.StringIO(), quiet=False) is None
    assert progress_for(Terminal(), quiet=True) is None
    screen = Terminal()
    bar = progress_for(screen, quiet=False)
    assert isinstance(bar, ProgressBar)
    bar.start(3)
    bar.done("111122223333", "ap-northeast-3")
    bar.close()
    assert "collect" in screen.getvalue() and "1/3" in screen.getvalue() and "111122223333 ap-northeast-3" \
        in screen.getvalue()


@pytest.mark.slow
def test_collect_off_a_terminal_prints_the_summary_line_alone(
        emulator: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["collect", "--endpoint-url", emulator.url, "--region", REGIONS[0], "--out", str(tmp_path / "s.json")])
    _, err = capsys.readouterr()
    assert code == 0 and err.count("\n") == 1 and "\r" not in err and err.startswith("reachbot collect:")
