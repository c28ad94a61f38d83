"""The App Home tab's data: each user's recent questions, and what the snapshot in use covers.

Recent questions live in this process's memory only (:class:`RecentQuestions`): bounded per user and in the
number of users, forgotten on restart, not shared between reachbot instances (or Lambda containers). Only
answered questions are kept, as the engine repeated them back (``Answer.question``, already passed through
``mask_secrets``; masked again here so the store holds no password whatever its caller did), with the
accounts the answer revealed.

The Home tab is no channel. What it shows obeys the access map (``bot.access``) as the user's own entry
together with the channels section's ``"*"`` entry: a question is listed only while every account its answer
revealed is allowed there (``bot.exposure``), and the snapshot's accounts, regions and gaps are those of
allowed accounts only, so the Home tab says no more than ``/reach`` in an unlisted channel would.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from slack_sdk import WebClient

from bot.reach import Answered, Outcome, Reach, Who
from bot.render.answer import title
from engine import mask_secrets, snapshot_age

PER_USER = 10  # questions kept per user: what fits on a Home tab at a glance
MAX_USERS = 10_000  # users remembered; the least recently active is forgotten first
MAX_GAPS = 10  # gap lines on the Home tab; the rest is counted


@dataclass(frozen=True, slots=True)
class RecentQuestion:
    question: str
    runtime: str | None
    action: str | None
    verdict: str
    title: str  # "web-osaka-a → bucket app-data"
    refused_by: tuple[str, str] | None  # (resource, code)
    accounts: frozenset[str]  # every account the answer revealed something of
    asked_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def key(self) -> tuple[str, str | None, str | None]:
        return (self.question, self.runtime, self.action)


class RecentQuestions:
    """Per user, the last ``per_user`` questions, newest first; asking one again moves it to the top."""

    def __init__(self, per_user: int = PER_USER, max_users: int = MAX_USERS) -> None:
        self.per_user = per_user
        self.max_users = max_users
        self._by_user: OrderedDict[str, deque[RecentQuestion]] = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, user: str, item: RecentQuestion) -> None:
        with self._lock:
            kept = self._by_user.pop(user, None) or deque(maxlen=self.per_user)
            for old in [q for q in kept if q.key == item.key]:
                kept.remove(old)
            kept.appendleft(item)
            self._by_user[user] = kept
            while len(self._by_user) > self.max_users:
                self._by_user.popitem(last=False)

    def of(self, user: str) -> list[RecentQuestion]:
        with self._lock:
            return list(self._by_user.get(user, ()))


def recent_of(outcome: Outcome, reach: Reach) -> RecentQuestion | None:
    """What the Home tab keeps of an outcome; None when nothing was answered."""
    if not isinstance(outcome, Answered):
        return None
    a = outcome.answer
    refused = (a.blocked_by.resource, a.blocked_by.code) if a.blocked_by is not None else None
    accounts = frozenset(outcome.index.accounts_of_answer(a)) if reach.access is not None else frozenset()
    return RecentQuestion(mask_secrets(a.question), a.runtime or None, a.action or None, a.verdict, title(a),
                          refused, accounts)


def remember(recent: RecentQuestions, reach: Reach, user: str | None, outcome: Outcome) -> RecentQuestion | None:
    """Keep an answered question for its asker's Home tab (called by the listeners that answer people)."""
    item = recent_of(outcome, reach)
    if user and item is not None:
        recent.remember(user, item)
    return item


def home_who(user: str) -> Who:
    """Who is looking at the Home tab: the user, in no channel (see the module's docstring)."""
    return Who(user, None)


def visible(recent: RecentQuestions, reach: Reach, user: str) -> list[RecentQuestion]:
    """The user's recent questions the access map still lets the Home tab show."""
    items = recent.of(user)
    access = reach.access
    if access is None:
        return items
    return [q for q in items if access.allows(user, None, q.accounts)]


@dataclass(frozen=True, slots=True)
class Gap:
    account: str
    region: str
    service: str
    operation: str
    error: str


@dataclass(frozen=True, slots=True)
class SnapshotSummary:
    """The snapshot in use, as much of it as one user may see."""

    origin: str
    source: str
    taken_at: str
    age: str
    accounts: list[str]  # "111122223333 (network-shared)"
    regions: list[str]
    gaps: list[Gap]
    more_gaps: int


def summary(reach: Reach, who: Who) -> SnapshotSummary:
    current = reach.snapshots.current(refresh=False)
    snap = current.engine.snapshot
    allowed: Callable[[str | None], bool] = reach.allowed_account(who)
    accounts = [f"{a.account_id} ({a.name})" if a.name else a.account_id for a in snap.accounts
                if allowed(a.account_id)]
    coverage = [c for c in snap.coverage if allowed(c.account_id)]
    regions = sorted({c.region for c in coverage}) if snap.coverage else sorted(snap.regions)
    gaps = [Gap(c.account_id, c.region, g.service, g.operation, g.error) for c in coverage for g in c.gaps]
    return SnapshotSummary(current.origin, snap.source, snap.taken_at.isoformat(), snapshot_age(snap.taken_at),
                           accounts, regions, gaps[:MAX_GAPS], max(0, len(gaps) - MAX_GAPS))


def publish(client: WebClient, user: str, view: dict[str, object]) -> None:
    client.views_publish(user_id=user, view=view)
