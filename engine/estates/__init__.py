"""Estates built in code: the article's estate (bundled as ``engine/data/article-estate.json``), the
:class:`~engine.estates.builder.EstateBuilder` that tests' scenario graphs use, and seeded synthetic
enterprise estates (:mod:`engine.estates.synth`) for benchmarks.

Not on the answering path: ``reachbot ask`` loads the bundled JSON and never imports this package.
"""

from engine.estates.article import (
    APP_ACCOUNT,
    BASE_NO_PROXY,
    CASES,
    NETWORK_ACCOUNT,
    OSAKA,
    PROXY_URL,
    TOKYO,
    WITH_S3_EXCLUSION,
    article_estate,
    s3_rw_policy,
)

__all__ = [
    "APP_ACCOUNT",
    "BASE_NO_PROXY",
    "CASES",
    "NETWORK_ACCOUNT",
    "OSAKA",
    "PROXY_URL",
    "TOKYO",
    "WITH_S3_EXCLUSION",
    "article_estate",
    "s3_rw_policy",
]
