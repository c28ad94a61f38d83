"""Fixtures: a fake Slack Web API and reachbot served by waitress, both on loopback, for the whole session.

Every test uses its own channel and response URLs, so late calls of one test never count for another.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from bot_harness import Bot, running, unique
from fake_slack import FakeSlack


@pytest.fixture(scope="session")
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as f:
        yield f


@pytest.fixture(scope="session")
def bot(fake: FakeSlack) -> Iterator[Bot]:
    with running(fake) as bot:
        yield bot


@pytest.fixture
def channel() -> str:
    return unique("C")
