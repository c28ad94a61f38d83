"""Every listener, one per file, each with ``register(app)``; this module wires them and lists what Slack
must send the app (the manifest test compares ``surfaces()`` with deploy/slack/manifest.json).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import ModuleType

from slack_bolt import App

from bot.listeners.actions import home_reask, post_to_channel, show_full_policy, show_full_route, what_changed
from bot.listeners.commands import reach
from bot.listeners.events import app_home, app_mention
from bot.listeners.shortcuts import handoff_summary

LISTENERS: tuple[ModuleType, ...] = (
    reach, app_mention, handoff_summary, post_to_channel, show_full_route, show_full_policy, what_changed,
    app_home, home_reask,
)


@dataclass(frozen=True, slots=True)
class Surfaces:
    commands: frozenset[str] = field(default_factory=frozenset)
    events: frozenset[str] = field(default_factory=frozenset)
    shortcuts: frozenset[str] = field(default_factory=frozenset)
    actions: frozenset[str] = field(default_factory=frozenset)
    scopes: frozenset[str] = field(default_factory=frozenset)


def register_listeners(app: App) -> None:
    for module in LISTENERS:
        module.register(app)


def surfaces() -> Surfaces:
    def collect(attr: str) -> frozenset[str]:
        return frozenset(getattr(m, attr) for m in LISTENERS if hasattr(m, attr))

    return Surfaces(
        commands=collect("COMMAND"), events=collect("EVENT"), shortcuts=collect("CALLBACK_ID"),
        actions=collect("ACTION_ID"), scopes=frozenset(s for m in LISTENERS for s in m.SCOPES),
    )
