"""Button "Full route": every hop with the engine's note, where the answer is."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners.actions._common import acknowledge, detail_button
from bot.render.answer import SHOW_FULL_ROUTE, full_route

ACTION_ID = SHOW_FULL_ROUTE
SCOPES = ("chat:write", "files:write")

show = detail_button(full_route, "showing the full route")


def register(app: App) -> None:
    app.action(ACTION_ID)(ack=acknowledge, lazy=[show])
