"""Button "Ask again" on the Home tab: answer a recent question again against the current snapshot.

The fresh verdict replaces the old one at the top of the user's recent questions and the Home tab is
published again with a line saying so. The question goes through :meth:`bot.reach.Reach.ask` like any other,
access map included (as the Home tab's viewer: ``bot.home.home_who``).
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.errors import replying_on_error
from bot.home import home_who, remember
from bot.listeners._shared import parse_ref, services
from bot.listeners.events.app_home import show_home
from bot.render.blocks import Rendered, escape
from bot.render.home import HOME_REASK, verdict_label
from engine import mask_secrets, wording_for

ACTION_ID = HOME_REASK
SCOPES = ("users:read",)  # the user's locale (bot.language); views.publish needs none


def register(app: App) -> None:
    app.action(ACTION_ID)(ack=acknowledge, lazy=[ask_again])


def acknowledge(ack: Ack) -> None:
    ack()


def ask_again(body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    user = (body.get("user") or {}).get("id")
    if not isinstance(user, str):
        return
    svc = services(context)
    lang = svc.languages.preferred(user, None, client)
    w = wording_for(lang)
    ref = parse_ref(action.get("value"))
    question = escape(mask_secrets(ref[0])[:200]) if ref else ""

    def on_error(reply: Rendered) -> None:
        show_home(client, svc, user, reply.messages[0].text, lang=lang)

    with replying_on_error(on_error, "asking again from the Home tab"):
        item = None
        if ref is not None:
            outcome = svc.reach.ask(ref[0], home_who(user), runtime=ref[1], action=ref[2])
            item = remember(svc.recent, svc.reach, user, outcome)
        if ref is None:
            notice = w.label("home-reask-unreadable")
        elif item is None:
            notice = w.fmt(w.label("home-reask-failed"), {"question": question})
        else:
            notice = w.fmt(w.label("home-reasked"), {"verdict": verdict_label(w, item.verdict),
                                                     "question": f"`{escape(item.question)}`"})
        show_home(client, svc, user, notice, lang=lang)
