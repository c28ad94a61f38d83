"""Button "Post to channel" under a /reach answer: the answer, asked again now, posted for everyone.

The access map is checked again for the channel (the answer becomes visible to all of it); on success the
ephemeral copy is removed.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import deliver
from bot.errors import replying_on_error
from bot.listeners._shared import invite, not_in_conversation, picture_of, services
from bot.listeners.actions._common import acknowledge, ask_again, channel_of
from bot.reach import Answered
from bot.render.answer import POST_TO_CHANNEL, answer_reply, metadata
from bot.render.replies import outcome_reply

ACTION_ID = POST_TO_CHANNEL
SCOPES = ("chat:write", "files:write")  # files: the route's picture in the new thread


def register(app: App) -> None:
    app.action(ACTION_ID)(ack=acknowledge, lazy=[post])


def post(body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond,
         context: BoltContext) -> None:
    channel = channel_of(body)
    user = (body.get("user") or {}).get("id")
    with replying_on_error(lambda reply: deliver.ephemeral(respond, reply), "posting an answer to the channel"):
        outcome = ask_again(services(context), body, action, client)
        if not isinstance(outcome, Answered) or channel is None:
            deliver.ephemeral(respond, outcome_reply(outcome))
            return
        try:
            deliver.to_channel(client, channel, answer_reply(outcome, asked_by=user),
                               metadata=metadata(outcome.answer), picture=picture_of(outcome, services(context)))
        except SlackApiError as exc:
            if not_in_conversation(exc):
                deliver.ephemeral(respond, invite(outcome.lang))
                return
            raise
        respond(delete_original=True)
