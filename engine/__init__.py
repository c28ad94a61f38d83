"""reachbot's engine: a snapshot and a question in, a verdict with its route, refusal and proven fixes out.

Pure: no boto3 (outside ``engine.collect``) and no Slack here. The public surface is ``__all__``
(``tests/test_layers.py`` pins it): ``bot`` imports from here only, never from engine's submodules.
"""

from engine import model
from engine.answer import Answer, Fix
from engine.codes import POLICY_REFUSALS, REFUSALS, Code, Kind, Layer
from engine.diff import SnapshotDiff, diff_since
from engine.diff_render import render_diff
from engine.engine import Engine
from engine.errors import (
    CollectionError,
    PolicyDocumentError,
    QuestionError,
    ReachbotError,
    SnapshotError,
)
from engine.model import SCHEMA_VERSION, Snapshot
from engine.names import mask_secrets
from engine.proxy import RUNTIMES, proxy_for
from engine.question import Question
from engine.question_ja import language_of
from engine.resources import RESOURCE_KINDS
from engine.snapshot import (
    BUNDLED,
    LoadedSnapshot,
    choose_snapshot,
    default_store_path,
    load_bundled,
    parse_snapshot,
    snapshot_age,
)
from engine.wording import EN, LANGUAGES, Wording, wording_for

__all__ = [
    "BUNDLED",
    "LANGUAGES",
    "POLICY_REFUSALS",
    "REFUSALS",
    "RESOURCE_KINDS",
    "RUNTIMES",
    "SCHEMA_VERSION",
    "Answer",
    "Code",
    "CollectionError",
    "Engine",
    "Fix",
    "Kind",
    "Layer",
    "LoadedSnapshot",
    "PolicyDocumentError",
    "Question",
    "QuestionError",
    "ReachbotError",
    "Snapshot",
    "SnapshotError",
    "Wording",
    "choose_snapshot",
    "default_store_path",
    "language_of",
    "load_bundled",
    "mask_secrets",
    "model",
    "parse_snapshot",
    "proxy_for",
    "snapshot_age",
    "SnapshotDiff",
    "diff_since",
    "render_diff",
    "EN",
    "wording_for",
]
