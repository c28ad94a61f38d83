"""HTTP mode: bolt's WSGI adapter behind waitress (a production WSGI server, pure Python).

``POST /slack/events`` is the Slack request URL for events, commands, shortcuts and buttons alike;
``GET /healthz`` answers load balancers and container health checks without touching Slack.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import waitress
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"


def wsgi_app(app: App) -> Callable[..., Iterable[bytes]]:
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"ok\n"]
        return slack(environ, start_response)

    return application


def make_server(app: App, host: str = "0.0.0.0", port: int = 3000, threads: int = 16) -> Any:
    """A waitress server, not yet running: ``.run()`` serves, ``.close()`` stops, ``.effective_port``."""
    return waitress.create_server(wsgi_app(app), host=host, port=port, threads=threads, ident="reachbot",
                                  channel_timeout=30)
