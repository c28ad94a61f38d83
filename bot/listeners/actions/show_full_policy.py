"""Button "Full policy": the complete documents of the policies that refuse, with the request context."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners.actions._common import acknowledge, detail_button
from bot.render.answer import SHOW_FULL_POLICY, full_policy

ACTION_ID = SHOW_FULL_POLICY
SCOPES = ("chat:write", "files:write")

show = detail_button(full_policy, "showing the full policy")


def register(app: App) -> None:
    app.action(ACTION_ID)(ack=acknowledge, lazy=[show])
