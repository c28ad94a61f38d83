"""The one small exception tree of reachbot.

"Unreachable" is an answer, not an error: these are for bad input and broken collection only.
Every message is written for a tired on-call engineer: what was wrong, and what would work.
The CLI maps every ReachbotError to exit status 2 with its message and no traceback.
"""

from __future__ import annotations


class ReachbotError(Exception):
    """Base of every error reachbot raises on purpose."""


class SnapshotError(ReachbotError):
    """The snapshot file is missing, malformed, of another schema version, or inconsistent."""


class QuestionError(ReachbotError):
    """A question could not be parsed, or names nothing (or too much) in the snapshot.

    ``kind`` says which: ``unparsed`` (the text itself; reveals nothing about the estate), ``unknown`` (a name
    the snapshot does not hold), ``ambiguous`` (a name several resources share) or ``invalid`` (a name the
    snapshot holds, asked about in a way that cannot work, e.g. a port for a bucket: it reveals the name).
    """

    def __init__(self, message: str, candidates: list[str] | None = None, kind: str = "unparsed") -> None:
        super().__init__(message)
        self.candidates = candidates or []
        self.kind = kind


class PolicyDocumentError(ReachbotError):
    """A policy document is not valid JSON or not a valid IAM policy."""


class CollectionError(ReachbotError):
    """Collection from AWS could not produce a snapshot at all."""
