"""The App Home tab: published (``views.publish``) each time a user opens it (``app_home_opened``).

It shows how to ask, the snapshot in use and the user's recent questions (``bot.home``), in the words of the
wording catalog, in the user's language (their Slack locale, else the workspace default). Slack sends
``app_home_opened`` for the Messages tab too (``tab: "messages"``); only the Home tab is published
(https://api.slack.com/events/app_home_opened).
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.home import home_who, publish, summary, visible
from bot.listeners._shared import Services, services
from bot.render.home import home_view
from engine import wording_for

EVENT = "app_home_opened"
SCOPES = ("users:read",)  # the user's locale (bot.language); views.publish needs no scope of its own


def register(app: App) -> None:
    app.event(EVENT)(ack=acknowledge, lazy=[open_home])


def acknowledge(ack: Ack) -> None:
    ack()


def open_home(body: dict[str, Any], event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    svc = services(context)
    user = event.get("user")
    if event.get("tab") != "home" or not isinstance(user, str) or not svc.seen_events.first_time(body.get("event_id")):
        return
    # The Home tab is no channel: the user's Slack locale, then the workspace default (bot.language).
    show_home(client, svc, user, lang=svc.languages.preferred(user, None, client, event))


def show_home(client: WebClient, svc: Services, user: str, notice: str = "", lang: str | None = None) -> None:
    """Publish ``user``'s Home tab as it is now; ``notice`` (worded) on top."""
    reach = svc.reach
    who = home_who(user)
    examples = reach.index().examples(reach.allowed_account(who))
    view = home_view(wording_for(lang), summary(reach, who), visible(svc.recent, reach, user), examples,
                     svc.recent.per_user, notice)
    publish(client, user, view)
