"""The seam between Slack handlers and the engine: parse, then the access map, and only then trace; then the
access map again, on every account the answer would reveal (``bot.exposure``).

Handlers call :meth:`Reach.ask` and hand the outcome to ``bot.render``; they never touch the engine directly.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from bot.access import AccessMap
from bot.index import SnapshotIndex
from bot.snapshots import SnapshotHolder
from engine import Answer, Engine, QuestionError, ReachbotError, SnapshotDiff, diff_since, language_of, wording_for

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Who:
    """Who asks, where the reply will be seen, and the language preferred there (``bot.language``; None: the
    question's own, else English)."""

    user: str | None
    channel: str | None
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class Answered:
    answer: Answer
    index: SnapshotIndex  # the same snapshot the answer came from: names, owners, policy texts
    lang: str = "en"  # the language of the answer's sentences, and so of everything around them


@dataclass(frozen=True, slots=True)
class NotUnderstood:
    message: str  # the engine's message (without an access map; with one, see NotPermitted)
    candidates: list[str]
    lang: str = "en"


@dataclass(frozen=True, slots=True)
class NotPermitted:
    """Outside the access map, or not understood while an access map is in force.

    Both look the same to the asker, so a refusal does not even confirm that a name exists; ``candidates`` are
    close matches inside the map only.
    """

    candidates: list[str] = field(default_factory=list)
    lang: str = "en"


@dataclass(frozen=True, slots=True)
class Changed:
    """What changed since an earlier kept snapshot (``engine.diff_since``), cut to what the asker may see."""

    diff: SnapshotDiff
    lang: str = "en"  # the reply's language (reply_language)


@dataclass(frozen=True, slots=True)
class NoHistory:
    message: str  # why there is nothing to compare with (no history, nothing that old, a bad time)
    lang: str = "en"


Outcome = Answered | NotUnderstood | NotPermitted
DiffOutcome = Changed | NoHistory | NotUnderstood | NotPermitted
AccountFilter = Callable[[str | None], bool]


class Reach:
    def __init__(self, snapshots: SnapshotHolder, access: AccessMap | None = None) -> None:
        self.snapshots = snapshots
        self.access = access

    def ask(self, text: str, who: Who, runtime: str | None = None, action: str | None = None,
            lang: str | None = None) -> Outcome:
        """``lang`` forces the reply's language (a handoff speaks one); else a Japanese question is answered in
        Japanese, any other in ``who.lang`` or English."""
        current = self.snapshots.current()
        engine, index = current.engine, current.index
        lang = lang or reply_language(text, who)
        try:
            question = engine.parse(text, runtime=runtime, action=action)
        except QuestionError as exc:
            return self._not_understood(exc, index, who, lang)
        if self.access is not None:
            accounts = index.accounts_of_question(question.source, question.destination.kind, question.destination.id,
                                                  question.resource)
            if not self.access.allows(who.user, who.channel, accounts):
                log.info("access map refused a question from user %s in channel %s", who.user, who.channel)
                return NotPermitted(lang=lang)
        answer = engine.answer(question, wording=wording_for(lang))
        # The question's names are not all the answer names: a private IP's route ends at another account's
        # security group. Whatever the answer would reveal must be inside the map too, or nothing is said.
        if self.access is not None and not self.access.allows(who.user, who.channel,
                                                              index.accounts_of_answer(answer)):
            log.info("access map refused an answer for user %s in channel %s", who.user, who.channel)
            return NotPermitted(lang=lang)
        return Answered(answer, index, lang)

    def what_changed(self, who: Who, since: str | None = None, question: str | None = None,
                     runtime: str | None = None, action: str | None = None) -> DiffOutcome:
        """The diff from the kept snapshot of ``since`` (default: the one before the current) to the current
        one; with ``question``, that answer before and after (the question passes the access map first)."""
        if question is not None:
            asked = self.ask(question, who, runtime=runtime, action=action)
            if not isinstance(asked, Answered):
                return asked
        lang = reply_language(question or "", who)
        current = self.snapshots.current()
        try:
            found = diff_since(current.engine, self.snapshots.location, since,
                               [question] if question else [], runtime=runtime, action=action,
                               keep_flow=lambda flow: self._may_ask(flow, who, current.engine, current.index))
        except QuestionError as exc:
            return NotUnderstood(str(exc), list(exc.candidates), lang)
        except ReachbotError as exc:
            return NoHistory(str(exc), lang)
        return Changed(self._visible(found, who), lang)

    def _may_ask(self, question: str, who: Who, engine: Engine, index: SnapshotIndex) -> bool:
        if self.access is None:
            return True
        try:
            q = engine.parse(question)
        except QuestionError:
            return False
        accounts = index.accounts_of_question(q.source, q.destination.kind, q.destination.id, q.resource)
        return self.access.allows(who.user, who.channel, accounts)

    def _visible(self, found: SnapshotDiff, who: Who) -> SnapshotDiff:
        """With an access map, only the changes in accounts ``who`` may ask about, and only those among the
        changes an answer names (the flows were chosen under the map already)."""
        access = self.access
        if access is None:
            return found
        # A change whose account is unknown could be anyone's: under a map it is not shown.
        changes = [c for c in found.changes
                   if c.account is not None and access.allows(who.user, who.channel, [c.account])]
        shown = {c.id for c in changes}
        answers = [replace(a, explained_by=[i for i in a.explained_by if i in shown],
                           on_route=[i for i in a.on_route if i in shown], alone=[i for i in a.alone if i in shown])
                   for a in found.answers]
        return replace(found, changes=changes, answers=answers)

    def is_question(self, text: str) -> bool:
        """Whether ``text`` parses as a question on the current snapshot (for reading a thread)."""
        try:
            self.snapshots.current(refresh=False).engine.parse(text)
        except QuestionError:
            return False
        return True

    def index(self, refresh: bool = False) -> SnapshotIndex:
        return self.snapshots.current(refresh=refresh).index

    def origin(self) -> str:
        return self.snapshots.current(refresh=False).origin

    def allowed_account(self, who: Who) -> AccountFilter:
        """Whether ``who`` may ask about an account (a filter for help examples and candidates)."""
        access = self.access
        if access is None:
            return lambda _account: True
        return lambda account: access.allows_account(who.user, who.channel, account)

    def _not_understood(self, exc: QuestionError, index: SnapshotIndex, who: Who,
                        lang: str) -> NotUnderstood | NotPermitted:
        if self.access is None or exc.kind == "unparsed":  # a parse error names nothing in the estate
            return NotUnderstood(str(exc), list(exc.candidates), lang)
        # The engine's message may name resources (closest matches, known buckets) in any account: with an
        # access map, answer exactly as for a refusal, offering only candidates inside the map.
        allowed = self.allowed_account(who)
        return NotPermitted([c for c in exc.candidates if _candidate_allowed(c, index, allowed)], lang)


def reply_language(text: str, who: Who) -> str:
    """The question's script first (kana or kanji: Japanese), then the asker's setting, then English."""
    return "ja" if language_of(text) == "ja" else (who.lang or "en")


def _candidate_allowed(candidate: str, index: SnapshotIndex, allowed: AccountFilter) -> bool:
    topo = index.topology
    ident = candidate.split(" ", 1)[0]
    if ident in topo.buckets:
        return bool(allowed(topo.buckets[ident].owner_id))
    found = [topo.instances[ident]] if ident in topo.instances else topo.instances_by_name.get(ident.lower(), [])
    return bool(found) and all(allowed(i.owner_id) for i in found)
