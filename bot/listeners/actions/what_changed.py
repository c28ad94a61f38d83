"""Button "What changed?" under an answer: the same question over the snapshot kept before this one, and the
changes on its route that explain a flip, where the answer is (in its thread, or to the presser)."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext, Respond
from slack_sdk import WebClient

from bot.errors import replying_on_error
from bot.listeners._shared import parse_ref, services
from bot.listeners.actions._common import acknowledge, reply_where_pressed, who_of
from bot.reach import NotUnderstood
from bot.render.answer import WHAT_CHANGED
from bot.render.blocks import Rendered
from bot.render.diff import diff_reply
from engine import wording_for

ACTION_ID = WHAT_CHANGED
SCOPES = ("chat:write", "files:write")


def register(app: App) -> None:
    app.action(ACTION_ID)(ack=acknowledge, lazy=[show])


def show(body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond,
         context: BoltContext) -> None:
    def reply(rendered: Rendered) -> None:
        reply_where_pressed(body, client, respond, rendered)

    with replying_on_error(reply, "showing what changed"):
        svc = services(context)
        who = who_of(svc, body, client)
        ref = parse_ref(action.get("value"))
        if ref is None:
            lang = who.lang or "en"
            reply(diff_reply(NotUnderstood(wording_for(lang).label("slack.unreadable-button"), [], lang)))
            return
        question, runtime, act = ref
        reply(diff_reply(svc.reach.what_changed(who, question=question, runtime=runtime, action=act)))
