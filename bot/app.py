"""The bolt app: settings in, listeners wired. Everything else lives in listeners/ and render/."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot import bolt_fixes, logs
from bot.dedupe import SeenEvents
from bot.gate import Gate
from bot.language import Languages
from bot.listeners import register_listeners
from bot.listeners._shared import CONTEXT_KEY, Services
from bot.reach import Reach
from bot.settings import Settings
from bot.snapshots import SnapshotHolder
from engine import ReachbotError


def create_app(settings: Settings, client: WebClient | None = None) -> App:
    """A bolt App over the snapshot ``settings`` names; ``client`` overrides the Web API client (tests)."""
    if settings.signing_secret is None and settings.app_token is None:
        raise ReachbotError("SLACK_SIGNING_SECRET is not set: HTTP mode verifies every request with it.")
    logs.install()  # before App(): bolt copies the filter of its base logger to every logger it makes
    bolt_fixes.apply()
    client = client or web_client(settings)
    snapshots = SnapshotHolder(settings.snapshot, settings.snapshot_check_seconds,
                               eager=not settings.on_lambda)
    reach = Reach(snapshots, settings.access_map)
    app = App(
        name="reachbot",
        client=client,
        signing_secret=settings.signing_secret,
        # Socket Mode requests come over the app's own websocket and carry no signature; HTTP ones must.
        request_verification_enabled=settings.signing_secret is not None,
        # The CLI checks the token itself at start-up with a clear message; on Lambda a cold start should
        # not pay for a Web API call before the first ack. Bolt then calls auth.test on first use.
        token_verification_enabled=False,
        # Every listener here is an ack function plus a lazy function doing the work. With this flag bolt runs
        # the ack in the request's own thread and returns as soon as it is done (Lambda needs that anyway);
        # without it, bolt would queue the ack in the same pool as the answers, so a burst of slow answers
        # (a slow Web API, a snapshot reload) would delay acks past Slack's 3 seconds.
        process_before_response=True,
        # Answers (lazy functions) run in this bounded pool after the ack; on Lambda, in a new invocation.
        listener_executor=ThreadPoolExecutor(max_workers=settings.workers, thread_name_prefix="reachbot"),
        logger=logging.getLogger("bot.bolt"),
    )
    app.use(_provide(Services(reach, SeenEvents(settings.dedupe_size), pictures=settings.route_pictures,
                               languages=Languages(settings.channel_langs))))
    register_listeners(app)
    logs.install()
    return app


def gate_for(settings: Settings) -> Gate:
    """What checks HTTP requests before bolt (HTTP mode and Lambda; Socket Mode needs none)."""
    if settings.signing_secret is None:
        raise ReachbotError("SLACK_SIGNING_SECRET is not set: HTTP mode verifies every request with it.")
    return Gate(settings.signing_secret, max_body=settings.max_body_bytes)


def drain(app: App) -> None:
    """Wait for answers already being worked on (after the acks) to be sent; used when stopping."""
    app.listener_runner.listener_executor.shutdown(wait=True)


def web_client(settings: Settings, token: str | None = None) -> WebClient:
    """Every Web API call goes to ``SLACK_API_URL`` (interfaces.md)."""
    return WebClient(token=token or settings.bot_token, base_url=settings.api_url, timeout=settings.http_timeout)


def _provide(svc: Services) -> Callable[..., None]:
    def provide_services(context: BoltContext, next: Callable[[], None]) -> None:  # noqa: A002 - bolt's name
        context[CONTEXT_KEY] = svc
        next()

    return provide_services
