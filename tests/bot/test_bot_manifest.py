"""deploy/slack/manifest.json asks Slack for exactly what the app listens to, and the scopes it uses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bot_harness import Bot, block_action, mention_event, message_shortcut, slash_command, unique

from bot.listeners import surfaces

MANIFEST = Path(__file__).resolve().parents[2] / "deploy" / "slack" / "manifest.json"


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads(MANIFEST.read_text())


def test_manifest_matches_the_registered_listeners_and_their_scopes(manifest):
    s = surfaces()
    features, settings = manifest["features"], manifest["settings"]
    assert {c["command"] for c in features["slash_commands"]} == s.commands
    assert {(x["callback_id"], x["type"]) for x in features["shortcuts"]} == {(c, "message") for c in s.shortcuts}
    assert set(settings["event_subscriptions"]["bot_events"]) == s.events
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == s.scopes
    assert settings["interactivity"]["is_enabled"] is True  # buttons and the shortcut need it
    # app_home_opened is sent for the Home tab only when the manifest enables it
    assert features["app_home"]["home_tab_enabled"] is ("app_home_opened" in s.events)
    urls = [c["url"] for c in features["slash_commands"]] + [settings["event_subscriptions"]["request_url"],
                                                              settings["interactivity"]["request_url"]]
    assert all(u.endswith("/slack/events") for u in urls)


def test_every_manifest_surface_is_handled_and_others_are_not(manifest, bot: Bot, channel):
    """Bolt answers 404 for a request no listener matches: the manifest names nothing the app ignores."""
    for command in manifest["features"]["slash_commands"]:
        fields = slash_command("help", channel, "U1", bot.fake.response_url())
        assert bot.send_form({**fields, "command": command["command"]}).status == 200
        assert bot.send_form({**fields, "command": "/not-ours"}).status == 404
    for shortcut in manifest["features"]["shortcuts"]:
        payload = message_shortcut(channel, "1700009000.000100", bot.fake.response_url())
        assert bot.interaction({**payload, "callback_id": shortcut["callback_id"]}).status == 200
        assert bot.interaction({**payload, "callback_id": "not_ours"}).status == 404
    for event_type in manifest["settings"]["event_subscriptions"]["bot_events"]:
        event = mention_event("<@UREACHBOT> help", channel, "1700009100.000100", unique("Ev"))
        event["event"]["type"] = event_type
        assert bot.send_json(event).status == 200
    for action_id in surfaces().actions:
        payload = block_action(action_id, json.dumps({"q": "help"}), channel, bot.fake.response_url())
        assert bot.interaction(payload).status == 200
