"""Driving reachbot like Slack does: signed requests, Slack-shaped payloads, a served app on loopback.

Requests are signed the way Slack signs them (slack_sdk's SignatureVerifier scheme: v0 HMAC-SHA256 over
``v0:{timestamp}:{body}``). Kept out of conftest.py so test modules import it by a name no other test
directory uses.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fake_slack import FakeSlack
from slack_sdk.signature import SignatureVerifier

from bot.app import create_app, drain, gate_for
from bot.server import make_server
from bot.settings import Settings

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-test-token"
_ids = itertools.count(1)


@dataclass
class Reply:
    status: int
    body: str

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


def sign(body: str | bytes, secret: str = SECRET, timestamp: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    if isinstance(body, bytes):  # SignatureVerifier decodes bytes as UTF-8 first; Slack's scheme signs bytes
        digest = hmac.new(secret.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
        return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature}


def post(url: str, body: str | bytes, content_type: str, headers: dict[str, str] | None = None,
         timeout: float = 10.0) -> Reply:
    data = body.encode() if isinstance(body, str) else body
    req = urllib.request.Request(url, data=data, method="POST",
                                 headers={"Content-Type": content_type, **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return Reply(resp.status, resp.read().decode("utf-8", "replace"))
    except urllib.error.HTTPError as exc:
        return Reply(exc.code, exc.read().decode("utf-8", "replace"))


def unique(prefix: str) -> str:
    return f"{prefix}{next(_ids):06d}"


@dataclass
class Bot:
    """The running reachbot: where it listens, and how to send it what Slack sends."""

    url: str
    fake: FakeSlack
    secret: str = SECRET

    def send_form(self, fields: dict[str, str], secret: str | None = None, timestamp: int | None = None,
                  headers: dict[str, str] | None = None) -> Reply:
        body = urlencode(fields)
        return post(self.url, body, "application/x-www-form-urlencoded",
                    {**sign(body, secret or self.secret, timestamp), **(headers or {})})

    def send_signed(self, body: str | bytes, content_type: str = "application/x-www-form-urlencoded",
                    headers: dict[str, str] | None = None) -> Reply:
        """Any body, correctly signed: what someone holding the signing secret (or Slack) could send."""
        return post(self.url, body, content_type, {**sign(body, self.secret), **(headers or {})})

    def send_json(self, payload: dict[str, Any], headers: dict[str, str] | None = None) -> Reply:
        body = json.dumps(payload)
        return post(self.url, body, "application/json", {**sign(body, self.secret), **(headers or {})})

    def slash(self, text: str, channel: str, user: str = "U0ASKER", response_url: str | None = None,
              **kw: Any) -> tuple[Reply, str]:
        response_url = response_url or self.fake.response_url()
        return self.send_form(slash_command(text, channel, user, response_url), **kw), response_url

    def interaction(self, payload: dict[str, Any]) -> Reply:
        return self.send_form({"payload": json.dumps(payload)})


def slash_command(text: str, channel: str, user: str, response_url: str) -> dict[str, str]:
    return {
        "token": "legacy-unused", "team_id": "T0TEAM", "team_domain": "fake", "channel_id": channel,
        "channel_name": "incident", "user_id": user, "user_name": "asker", "command": "/reach", "text": text,
        "api_app_id": "A0REACHBOT", "is_enterprise_install": "false", "response_url": response_url,
        "trigger_id": "13345224609.738474920.8088930838d88f008e0",
    }


def mention_event(text: str, channel: str, ts: str, event_id: str, user: str = "U0ASKER",
                  thread_ts: str | None = None) -> dict[str, Any]:
    event = {"type": "app_mention", "user": user, "text": text, "ts": ts, "channel": channel,
             "event_ts": ts}
    if thread_ts:
        event["thread_ts"] = thread_ts
    return {"token": "legacy-unused", "team_id": "T0TEAM", "api_app_id": "A0REACHBOT", "event": event,
            "type": "event_callback", "event_id": event_id, "event_time": int(time.time()),
            "authorizations": [{"team_id": "T0TEAM", "user_id": "UREACHBOT", "is_bot": True}]}


def block_action(action_id: str, value: str, channel: str, response_url: str, user: str = "U0ASKER",
                 ephemeral: bool = True, message_ts: str = "1700000000.000100",
                 thread_ts: str | None = None) -> dict[str, Any]:
    message = {"type": "message", "ts": message_ts, "text": "answer", "bot_id": "BREACHBOT"}
    if thread_ts:
        message["thread_ts"] = thread_ts
    payload: dict[str, Any] = {
        "type": "block_actions", "team": {"id": "T0TEAM", "domain": "fake"}, "user": {"id": user},
        "api_app_id": "A0REACHBOT", "token": "legacy-unused", "trigger_id": "1.2.3",
        "container": {"type": "message", "message_ts": message_ts, "channel_id": channel,
                      "is_ephemeral": ephemeral},
        "channel": {"id": channel, "name": "incident"}, "response_url": response_url,
        "actions": [{"type": "button", "action_id": action_id, "block_id": "b1", "value": value,
                     "text": {"type": "plain_text", "text": "x"}, "action_ts": str(time.time())}],
    }
    if not ephemeral:
        payload["message"] = message
    return payload


def message_shortcut(channel: str, message_ts: str, response_url: str, user: str = "U0ONCALL",
                     thread_ts: str | None = None) -> dict[str, Any]:
    message = {"type": "message", "user": "U0ASKER", "ts": message_ts, "text": "…"}
    if thread_ts:
        message["thread_ts"] = thread_ts
    return {"type": "message_action", "callback_id": "handoff_summary", "team": {"id": "T0TEAM"},
            "user": {"id": user, "name": "oncall"}, "channel": {"id": channel, "name": "incident"},
            "message": message, "message_ts": message_ts, "response_url": response_url,
            "trigger_id": "1.2.3", "token": "legacy-unused", "action_ts": str(time.time())}


class Served:
    """reachbot under waitress in a thread; ``close`` stops it and waits for answers still being sent."""

    def __init__(self, settings: Settings) -> None:
        self.app = create_app(settings)
        self.server = make_server(self.app, gate_for(settings), host="127.0.0.1", port=0, threads=8)
        self.url = f"http://127.0.0.1:{self.server.effective_port}/slack/events"
        threading.Thread(target=self.server.run, name="reachbot-waitress", daemon=True).start()

    def close(self) -> None:
        self.server.close()
        drain(self.app)


def serve(settings: Settings) -> tuple[Served, str]:
    served = Served(settings)
    return served, served.url


@contextmanager
def running(fake: FakeSlack, **overrides: Any) -> Iterator[Bot]:
    """reachbot served with ``settings_for(fake, **overrides)`` for the block's duration."""
    server, url = serve(settings_for(fake, **overrides))
    try:
        yield Bot(url, fake)
    finally:
        server.close()


def settings_for(fake: FakeSlack, **overrides: Any) -> Settings:
    base: dict[str, Any] = dict(bot_token=BOT_TOKEN, signing_secret=SECRET, api_url=fake.api_url,
                                snapshot="bundled", http_timeout=5)
    return Settings(**{**base, **overrides})
