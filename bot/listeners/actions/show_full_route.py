"""Button "Full route": every hop with the engine's note, where the answer is."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.errors import replying_on_error
from bot.listeners._shared import services
from bot.listeners.actions._common import ask_again, reply_where_pressed
from bot.reach import Answered
from bot.render.answer import SHOW_FULL_ROUTE, full_route
from bot.render.blocks import Rendered
from bot.render.replies import outcome_reply

ACTION_ID = SHOW_FULL_ROUTE
SCOPES = ("chat:write", "files:write")


def register(app: App) -> None:
    app.action(ACTION_ID)(ack=acknowledge, lazy=[show])


def acknowledge(ack: Ack) -> None:
    ack()


def show(body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond,
         context: BoltContext) -> None:
    def reply(rendered: Rendered) -> None:
        reply_where_pressed(body, client, respond, rendered)

    with replying_on_error(reply, "showing the full route"):
        outcome = ask_again(services(context).reach, body, action)
        reply(full_route(outcome) if isinstance(outcome, Answered) else outcome_reply(outcome))
