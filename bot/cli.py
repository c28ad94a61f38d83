"""``reachbot serve``: the bot in HTTP mode (waitress) or Socket Mode. Called by engine/cli/commands/serve.py.

:func:`serve` takes the ``serve`` flags as typed arguments and raises :class:`~engine.errors.ReachbotError`
for anything the operator must fix (exit status 2).
"""

from __future__ import annotations

import logging
import os
import signal
import threading

from slack_sdk.errors import SlackApiError, SlackClientError

from bot import logs
from bot.app import create_app, drain, gate_for, web_client
from bot.server import EVENTS_PATH, make_server
from bot.settings import Settings
from engine import ReachbotError

log = logging.getLogger("bot")


def serve(*, socket: bool = False, host: str = "0.0.0.0", port: int = 3000, snapshot: str | None = None) -> int:
    """Serve until stopped; 0 on a clean stop. HTTP mode unless ``socket``; ``snapshot`` as ``--snapshot``."""
    settings = Settings.from_env(snapshot=snapshot, socket=socket)
    _configure_logging()
    check_token(settings)
    app = create_app(settings)
    if socket:
        from bot.socket_mode import connect, socket_handler, wait_then_close

        assert settings.app_token is not None  # Settings.from_env(socket=True) requires it
        handler = socket_handler(app, settings.app_token, web_client(settings, token=settings.app_token),
                                 settings.max_body_bytes)
        connect(handler)
        _stop_on_sigterm()
        log.info("reachbot: Socket Mode connected, Web API at %s", settings.api_url)
        wait_then_close(handler)
        drain(app)
        return 0
    server = make_server(app, gate_for(settings), host=host, port=port)
    _stop_on_sigterm()
    log.info("reachbot: listening on http://%s:%s%s, Web API at %s", host, server.effective_port, EVENTS_PATH,
             settings.api_url)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        drain(app)
    return 0


def check_token(settings: Settings) -> dict[str, str]:
    """auth.test at start-up, so a wrong token or API URL is an exit-2 message, not a silent bot."""
    try:
        response = web_client(settings).auth_test()
    except SlackApiError as exc:
        raise ReachbotError(
            f"SLACK_BOT_TOKEN was refused by Slack ({exc.response.get('error')}). Copy the Bot User OAuth Token "
            "(xoxb-…) from the app's OAuth & Permissions page."
        ) from None
    except (SlackClientError, OSError) as exc:
        raise ReachbotError(
            f"cannot reach the Slack Web API at {settings.api_url} ({exc.__class__.__name__}). Check SLACK_API_URL "
            "and the network."
        ) from None
    return {"user_id": str(response.get("user_id")), "bot_id": str(response.get("bot_id"))}


def _stop_on_sigterm() -> None:
    """`docker stop` and systemd send SIGTERM: stop accepting, send the answers already acked, exit 0."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _configure_logging() -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(level=os.environ.get("REACHBOT_LOG_LEVEL", "INFO"),
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logs.install(*logging.getLogger().handlers)  # every line formatted by our handler: engine's too
