"""reachbot's engine: a snapshot and a question in, a verdict with its route, refusal and proven fixes out.

Pure: no boto3 (outside ``engine.collect``) and no Slack here. The public surface is ``__all__``.
"""

from engine.answer import Answer, Code
from engine.engine import Engine
from engine.errors import (
    CollectionError,
    PolicyDocumentError,
    QuestionError,
    ReachbotError,
    SnapshotError,
)
from engine.model import SCHEMA_VERSION, Snapshot
from engine.proxy import RUNTIMES, proxy_for
from engine.question import Question
from engine.snapshot import choose_snapshot, load_bundled, parse_snapshot

__all__ = [
    "RUNTIMES",
    "SCHEMA_VERSION",
    "Answer",
    "Code",
    "CollectionError",
    "Engine",
    "PolicyDocumentError",
    "Question",
    "QuestionError",
    "ReachbotError",
    "Snapshot",
    "SnapshotError",
    "choose_snapshot",
    "load_bundled",
    "parse_snapshot",
    "proxy_for",
]
