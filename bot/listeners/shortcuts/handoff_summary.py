"""Message shortcut ``handoff_summary``: an escalation handoff of the thread, posted into the thread.

Reads the thread (``conversations.replies``), finds the questions asked there (messages that parse as
questions, and reachbot's own earlier answers by their message metadata), re-runs them against the current
snapshot, and posts symptom, source/destination, verdict, what refuses and who owns it, route, proven fixes,
what the thread already tried and the snapshot's age, plus the same as plain text for a ticket.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import deliver
from bot.errors import replying_on_error
from bot.handoff import AskedInThread, digest
from bot.listeners._shared import invite, not_in_conversation, services, who_asks
from bot.reach import Answered, Outcome, Reach, Who
from bot.render.handoff import Handoff, handoff_reply
from engine import language_of

CALLBACK_ID = "handoff_summary"
SCOPES = ("commands", "chat:write", "channels:history", "groups:history", "im:history", "mpim:history",
          "files:write")
MAX_THREAD_MESSAGES = 1000


def register(app: App) -> None:
    app.message_shortcut(CALLBACK_ID)(ack=acknowledge, lazy=[summarize])


def acknowledge(ack: Ack) -> None:
    ack()


def summarize(body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext) -> None:
    channel = body["channel"]["id"]
    message = body["message"]
    thread_ts = message.get("thread_ts") or message["ts"]
    svc = services(context)
    reach = svc.reach
    who = who_asks(svc, (body.get("user") or {}).get("id"), channel, client, body.get("user"))
    with replying_on_error(lambda reply: deliver.ephemeral(respond, reply), "writing a handoff summary", who.lang):
        try:
            messages = read_thread(client, channel, thread_ts)
        except SlackApiError as exc:
            if not_in_conversation(exc):
                deliver.ephemeral(respond, invite(who.lang))
                return
            raise
        thread = digest(messages, reach.is_question, context.bot_user_id, context.bot_id)
        lang = svc.languages.channels.get(channel) or thread_language(thread.questions) or who.lang or "en"
        results = rerun(reach, thread.questions, who, lang)
        handoff = Handoff(channel, thread_ts, who.user, thread, results, reach.origin(), reach.index(), lang)
        deliver.to_thread(client, channel, thread_ts, handoff_reply(handoff))


def read_thread(client: WebClient, channel: str, thread_ts: str) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    cursor = None
    while len(messages) < MAX_THREAD_MESSAGES:
        page = client.conversations_replies(channel=channel, ts=thread_ts, limit=200, cursor=cursor,
                                            include_all_metadata=True)
        messages += page.get("messages", [])
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            break
    return messages


def thread_language(questions: list[AskedInThread]) -> str | None:
    """Japanese when most of the thread's questions are asked in Japanese: the handoff, posted in the thread
    for everyone there, speaks the thread's language (after a channel's setting, before the requester's)."""
    japanese = sum(language_of(q.text) == "ja" for q in questions)
    return "ja" if japanese * 2 > len(questions) else None


def rerun(reach: Reach, questions: list[AskedInThread], who: Who,
          lang: str | None = None) -> list[tuple[AskedInThread, Outcome]]:
    """Each question once: two wordings of the same source, destination, action and runtime count as one."""
    out: list[tuple[AskedInThread, Outcome]] = []
    seen: set[tuple[str, ...]] = set()
    for asked in questions:
        outcome = reach.ask(asked.text, who, runtime=asked.runtime, action=asked.action, lang=lang)
        if isinstance(outcome, Answered):
            a = outcome.answer
            key = (a.source.id, a.destination.kind, a.destination.id, a.action, a.runtime)
            if key in seen:
                continue
            seen.add(key)
        out.append((asked, outcome))
    return out
