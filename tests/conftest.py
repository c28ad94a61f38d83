"""Shared fixtures: the bundled article estate and its engine, loaded once per session."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

from engine import Engine, load_bundled
from engine.model import Snapshot

# Property-based tests run a fixed budget: derandomized (the same examples every run, so CI is stable and
# fast) unless HYPOTHESIS_PROFILE=explore asks for fresh random examples. No example database in the tree.
settings.register_profile("ci", derandomize=True, deadline=None, database=None, print_blob=True)
settings.register_profile("explore", deadline=None, database=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def article() -> Snapshot:
    return load_bundled()


@pytest.fixture(scope="session")
def article_engine(article: Snapshot) -> Engine:
    return Engine(article, "bundled:article-estate")
