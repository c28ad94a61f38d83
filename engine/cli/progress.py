"""``reachbot collect``'s progress bar on a terminal: one step per (account, region) or global read.

tqdm draws it (rate, elapsed and remaining time, redrawn in place, resized with the terminal); a bar of our
own would have to get carriage returns, terminal width and thread safety right. It writes to stderr only when
that is a terminal: a CI log or a pipe gets the one summary line alone (``engine/collect/cli.py``).
"""

from __future__ import annotations

import sys
from typing import TextIO

from tqdm import tqdm


class ProgressBar:
    """:class:`engine.collect.collector.Progress` drawn with tqdm; the bar is removed when the run ends."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream or sys.stderr
        self._bar: tqdm | None = None  # type: ignore[type-arg]

    def start(self, total: int) -> None:
        # Each step is seconds of API calls, so every one is drawn (tqdm's default skips redraws that come
        # within 0.1 s of the last, meant for fast loops).
        self._bar = tqdm(total=total, desc="collect", unit="scope", file=self._stream, leave=False,
                         dynamic_ncols=True, mininterval=0, miniters=1)

    def done(self, account: str, scope: str) -> None:
        if self._bar is not None:
            self._bar.set_postfix_str(f"{account} {scope}", refresh=False)
            self._bar.update(1)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def progress_for(stream: TextIO, quiet: bool) -> ProgressBar | None:
    """A bar when ``stream`` is a terminal and output is wanted; None (the summary line only) otherwise."""
    return ProgressBar(stream) if not quiet and stream.isatty() else None
