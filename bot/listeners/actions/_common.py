"""Shared by the answer buttons: ask again from the button's value, and reply where the button was."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot import deliver
from bot.errors import replying_on_error
from bot.listeners._shared import Services, parse_ref, services, who_asks
from bot.reach import Answered, NotUnderstood, Outcome, Who
from bot.render.blocks import Rendered
from bot.render.replies import outcome_reply
from engine import wording_for

Handler = Callable[..., None]


def acknowledge(ack: Ack) -> None:
    ack()


def detail_button(render: Callable[[Answered], Rendered], doing: str) -> Handler:
    """The lazy half of a detail button: ask the question again, render one part of the answer in full."""

    def show(body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond,
             context: BoltContext) -> None:
        def reply(rendered: Rendered) -> None:
            reply_where_pressed(body, client, respond, rendered)

        with replying_on_error(reply, doing):
            outcome = ask_again(services(context), body, action, client)
            reply(render(outcome) if isinstance(outcome, Answered) else outcome_reply(outcome))

    return show


def ask_again(svc: Services, body: dict[str, Any], action: dict[str, Any], client: WebClient | None) -> Outcome:
    """The button's question asked again, answered in the language the presser reads (the question's own if it
    is Japanese)."""
    who = who_of(svc, body, client)
    ref = parse_ref(action.get("value"))
    if ref is None:
        lang = who.lang or "en"
        return NotUnderstood(wording_for(lang).label("slack.unreadable-button"), [], lang)
    question, runtime, act = ref
    return svc.reach.ask(question, who, runtime=runtime, action=act)


def who_of(svc: Services, body: dict[str, Any], client: WebClient | None) -> Who:
    user = body.get("user") or {}
    return who_asks(svc, user.get("id"), channel_of(body), client, user)


def channel_of(body: dict[str, Any]) -> str | None:
    return (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")


def reply_where_pressed(body: dict[str, Any], client: WebClient, respond: Respond, reply: Rendered) -> None:
    """Under an ephemeral answer: to the presser only. Under a channel answer: in that answer's thread."""
    container = body.get("container") or {}
    channel = channel_of(body)
    if container.get("is_ephemeral") or channel is None or not body.get("message"):
        deliver.ephemeral(respond, reply)
        return
    thread = body["message"].get("thread_ts") or container.get("message_ts") or body["message"]["ts"]
    deliver.to_thread(client, channel, thread, reply)
