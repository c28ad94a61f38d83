"""Shared by the answer buttons: ask again from the button's value, and reply where the button was."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot import deliver
from bot.listeners._shared import parse_ref
from bot.reach import Outcome, Reach, Who
from bot.render.blocks import Rendered


def ask_again(reach: Reach, body: dict[str, Any], action: dict[str, Any]) -> Outcome:
    question, runtime, act = parse_ref(action["value"])
    return reach.ask(question, who_of(body), runtime=runtime, action=act)


def who_of(body: dict[str, Any]) -> Who:
    return Who((body.get("user") or {}).get("id"), channel_of(body))


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
