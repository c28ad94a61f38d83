"""The bot's settings, read once from the environment (interfaces.md, "Slack").

Missing settings raise :class:`~engine.errors.ReachbotError` naming the variable; the CLI turns that into exit
status 2 with the message, so an operator sees ``SLACK_SIGNING_SECRET is not set`` rather than a traceback.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from bot.access import AccessMap
from bot.language import CHANNEL_LANGS_ENV, parse_channel_langs
from engine import ReachbotError

SLACK_DEFAULT_API_URL = "https://slack.com/api/"
MAX_BODY_BYTES = 256 * 1024  # Slack's own request bodies are a few kilobytes


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    bot_token: str
    signing_secret: str | None = None  # not needed in Socket Mode: Slack never calls us over HTTP there
    app_token: str | None = None
    api_url: str = SLACK_DEFAULT_API_URL
    snapshot: str | None = None  # None: engine.snapshot.choose_snapshot's order (env, collect's file, bundled)
    access_map: AccessMap | None = None
    snapshot_check_seconds: float = 60.0  # how often a changed snapshot file or S3 object is looked for
    http_timeout: int = 10  # seconds for each Web API call
    dedupe_size: int = 4096  # event ids remembered to drop Slack's retries
    workers: int = 8  # threads answering after the ack (tracing is fast; Web API calls are the wait)
    on_lambda: bool = False  # AWS Lambda: the snapshot loads on first use, not at start-up
    max_body_bytes: int = MAX_BODY_BYTES  # larger request bodies get 413 unread: Slack's own are a few kilobytes
    route_pictures: bool = True  # the route as a PNG in an answer's thread; REACHBOT_ROUTE_PICTURES=off stops it
    channel_langs: Mapping[str, str] | None = None  # REACHBOT_CHANNEL_LANGS: channel id (or "*") → language

    @classmethod
    def from_env(
        cls,
        env: Mapping[str, str] | None = None,
        *,
        snapshot: str | None = None,
        socket: bool = False,
        on_lambda: bool = False,
    ) -> Settings:
        """Read the environment; ``snapshot`` (``--snapshot``) wins over ``REACHBOT_SNAPSHOT``."""
        env = os.environ if env is None else env
        bot_token = _required(env, "SLACK_BOT_TOKEN", "the bot token (xoxb-…) from the app's OAuth & Permissions page")
        app_token = env.get("SLACK_APP_TOKEN") or None
        signing_secret = env.get("SLACK_SIGNING_SECRET") or None
        if socket:
            app_token = _required(env, "SLACK_APP_TOKEN", "an app-level token (xapp-…) with connections:write")
        else:
            signing_secret = _required(env, "SLACK_SIGNING_SECRET",
                                       "the signing secret from the app's Basic Information page")
        access_path = env.get("REACHBOT_ACCESS_MAP") or None
        return cls(
            bot_token=bot_token,
            signing_secret=signing_secret,
            app_token=app_token,
            api_url=_api_url(env.get("SLACK_API_URL") or SLACK_DEFAULT_API_URL),
            snapshot=snapshot or env.get("REACHBOT_SNAPSHOT") or None,
            access_map=AccessMap.load(access_path) if access_path else None,
            snapshot_check_seconds=_number(env, "REACHBOT_SNAPSHOT_CHECK_SECONDS", 60.0),
            on_lambda=on_lambda,
            max_body_bytes=_bytes(env, "REACHBOT_MAX_BODY_BYTES", MAX_BODY_BYTES),
            route_pictures=_switch(env, "REACHBOT_ROUTE_PICTURES", True),
            channel_langs=parse_channel_langs(env.get(CHANNEL_LANGS_ENV)),
        )


def _required(env: Mapping[str, str], name: str, what: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise ReachbotError(f"{name} is not set: reachbot's Slack bot needs {what}. Export {name} and start it again.")
    return value


def _api_url(url: str) -> str:
    # WebClient joins method names onto base_url, so it must end with a slash.
    return url if url.endswith("/") else url + "/"


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ReachbotError(f"{name}={raw!r} is not a number of seconds.") from None
    if value < 0:
        raise ReachbotError(f"{name}={raw!r} must not be negative.")
    return value


def _switch(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = (env.get(name) or "").strip().lower()
    if raw == "":
        return default
    if raw in ("on", "true", "1", "yes"):
        return True
    if raw in ("off", "false", "0", "no"):
        return False
    raise ReachbotError(f"{name}={raw!r} is not a switch: use on or off.")


def _bytes(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    if not raw.strip().isdigit() or int(raw) < 1024:
        raise ReachbotError(f"{name}={raw!r} must be a whole number of bytes, at least 1024.")
    return int(raw)
