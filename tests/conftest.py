"""Shared fixtures: the bundled article estate and its engine, loaded once per session."""

from __future__ import annotations

import pytest

from engine import Engine, load_bundled
from engine.model import Snapshot


@pytest.fixture(scope="session")
def article() -> Snapshot:
    return load_bundled()


@pytest.fixture(scope="session")
def article_engine(article: Snapshot) -> Engine:
    return Engine(article, "bundled:article-estate")
