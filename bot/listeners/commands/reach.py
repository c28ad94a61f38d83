"""``/reach QUESTION``: acknowledged at once, answered to the asker only, with a "Post to channel" button.

``/reach`` and ``/reach help`` are answered in the acknowledgement itself (no trace, nothing slow).
``/reach diff [SINCE]``: what changed since the kept snapshot of SINCE (a time: ``yesterday``, ``2h``,
``2026-11-27T09:00``; default the one before the current), and the common flows that flipped.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond

from bot import deliver
from bot.errors import replying_on_error
from bot.home import remember
from bot.listeners._shared import help_for, help_language, is_help, services, who_asks
from bot.reach import reply_language
from bot.render.diff import diff_reply
from bot.render.replies import outcome_reply
from bot.slack_text import typed_text

COMMAND = "/reach"
DIFF_WORD = "diff"
SCOPES = ("commands", "chat:write", "users:read")  # users:read: the asker's locale (bot.language)


def register(app: App) -> None:
    app.command(COMMAND)(ack=acknowledge, lazy=[answer])


def acknowledge(ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
    text = typed_text(command.get("text", ""))
    if not is_help(text):
        ack()
        return
    svc = services(context)
    who = who_asks(svc, command.get("user_id"), command.get("channel_id"), None, command)
    ack(**deliver.ack_payload(help_for(svc.reach, who, help_language(text, who))))


def answer(command: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    text = typed_text(command.get("text", ""))
    if is_help(text):
        return
    svc = services(context)
    who = who_asks(svc, command.get("user_id"), command.get("channel_id"), context.client, command)
    with replying_on_error(lambda reply: deliver.ephemeral(respond, reply), f"answering /reach {text!r}",
                           reply_language(text, who)):
        word, _, since = text.strip().partition(" ")
        if word.lower() == DIFF_WORD:
            changed = svc.reach.what_changed(who, since=since.strip() or None)
            deliver.ephemeral(respond, diff_reply(changed))
            return
        outcome = svc.reach.ask(text, who)
        remember(svc.recent, svc.reach, who.user, outcome)  # for the asker's Home tab
        deliver.ephemeral(respond, outcome_reply(outcome, ephemeral=True))
