"""``@reachbot QUESTION`` in a channel: the answer goes into the thread of the message that asked.

Slack retries events it believes undelivered; each ``event_id`` is answered once.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import deliver
from bot.errors import replying_on_error
from bot.home import remember
from bot.listeners._shared import help_for, help_language, is_help, picture_of, services, who_asks
from bot.reach import Answered, reply_language
from bot.render.answer import metadata
from bot.render.replies import outcome_reply
from bot.slack_text import typed_text

EVENT = "app_mention"
SCOPES = ("app_mentions:read", "chat:write", "files:write", "users:read")  # files: the route's picture;
# users:read: the asker's locale (bot.language)


def register(app: App) -> None:
    app.event(EVENT)(ack=acknowledge, lazy=[answer])


def acknowledge(ack: Ack) -> None:
    ack()


def answer(body: dict[str, Any], event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    svc = services(context)
    if not svc.seen_events.first_time(body.get("event_id")):
        return
    channel, thread = event["channel"], event.get("thread_ts") or event["ts"]
    text = typed_text(event.get("text", ""))
    who = who_asks(svc, event.get("user"), channel, client, event)
    with replying_on_error(lambda reply: deliver.to_thread(client, channel, thread, reply), f"answering {text!r}",
                           reply_language(text, who)):
        if is_help(text):
            deliver.to_thread(client, channel, thread, help_for(svc.reach, who, help_language(text, who)))
            return
        outcome = svc.reach.ask(text, who)
        remember(svc.recent, svc.reach, who.user, outcome)  # for the asker's Home tab
        meta = metadata(outcome.answer) if isinstance(outcome, Answered) else None
        deliver.to_thread(client, channel, thread, outcome_reply(outcome), metadata=meta,
                          picture=picture_of(outcome, svc))
