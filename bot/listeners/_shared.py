"""What every listener shares: the services object in the bolt context, and small payload helpers."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.dedupe import SeenEvents
from bot.home import RecentQuestions
from bot.language import Languages
from bot.picture import Picture, route_picture
from bot.reach import Answered, Outcome, Reach, Who
from bot.render.blocks import Rendered
from bot.render.replies import help_reply, single
from engine import RUNTIMES, wording_for
from engine import snapshot_age as age

CONTEXT_KEY = "reachbot"
HELP_WORDS = frozenset({"", "help", "?", "-h", "--help", "examples"})
HELP_WORDS_JA = frozenset({"ヘルプ", "使い方", "？", "例"})  # answered in Japanese, whatever the other settings
# Slack errors that mean "reachbot is not in that conversation": the user can fix those by inviting it.
NOT_IN_CONVERSATION = frozenset({"not_in_channel", "channel_not_found", "is_archived"})
def invite(lang: str | None) -> Rendered:
    """reachbot is not in the conversation: how to invite it."""
    return single(wording_for(lang).label("slack.invite"), lang=lang)


def who_asks(svc: Services, user: str | None, channel: str | None, client: WebClient | None,
             payload: dict[str, Any] | None = None) -> Who:
    """The asker with the language preferred for them there (``bot.language``); no Web API call without
    ``client`` (an ack must not wait on it)."""
    return Who(user, channel, svc.languages.preferred(user, channel, client, payload))


@dataclass(frozen=True, slots=True, eq=False)
class Services:
    reach: Reach
    seen_events: SeenEvents
    recent: RecentQuestions = field(default_factory=RecentQuestions)  # for the Home tab (bot.home)
    pictures: bool = True  # the route as a PNG in the answer's thread (REACHBOT_ROUTE_PICTURES)
    languages: Languages = field(default_factory=Languages)  # bot.language: which language replies are in

    # bolt deep-copies the context for lazy listeners; a service (an engine, a lock, an LRU) must be shared,
    # not copied: a copied LRU would forget every event id and duplicates would be answered twice.
    def __deepcopy__(self, memo: dict[int, Any]) -> Services:
        return self

    def __copy__(self) -> Services:
        return self


def services(context: BoltContext) -> Services:
    return context[CONTEXT_KEY]


def picture_of(outcome: Outcome, svc: Services) -> Callable[[], Picture] | None:
    """What draws an answer's route for its thread; None for a reply that is no answer, or pictures off."""
    if not svc.pictures or not isinstance(outcome, Answered):
        return None
    answer = outcome.answer
    return lambda: route_picture(answer)


def is_help(text: str) -> bool:
    return text.strip().lower() in HELP_WORDS | HELP_WORDS_JA


def help_language(text: str, who: Who) -> str | None:
    return "ja" if text.strip() in HELP_WORDS_JA else who.lang


def parse_ref(value: object) -> tuple[str, str | None, str | None] | None:
    """A button's value (``render.answer.question_ref``) back into question, runtime, action; None when it
    is not one (a signed request can carry any value: it is bad input, not an error)."""
    try:
        data = json.loads(value) if isinstance(value, str) else None
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("q"), str):
        return None
    runtime, action = data.get("r") or None, data.get("a") or None
    if not (runtime is None or isinstance(runtime, str)) or not (action is None or isinstance(action, str)):
        return None
    return data["q"], runtime, action


def not_in_conversation(exc: SlackApiError) -> bool:
    return exc.response.get("error") in NOT_IN_CONVERSATION


def help_for(reach: Reach, who: Who, lang: str | None = None) -> Rendered:
    """/reach help with examples from the loaded snapshot (no reload: it may be answered inside an ack)."""
    index = reach.index()
    return help_reply(index, index.examples(reach.allowed_account(who)), reach.origin(), tuple(RUNTIMES),
                      age(index.taken_at), lang or who.lang)
