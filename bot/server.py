"""HTTP mode: bolt's WSGI adapter behind waitress (a production WSGI server, pure Python).

``POST /slack/events`` is the Slack request URL for events, commands, shortcuts and buttons alike;
``GET /healthz`` answers load balancers and container health checks without touching Slack.

Every request to the events path goes through :class:`bot.gate.Gate` first (size, signature, shape,
replays). waitress itself refuses a body over the cap with 413 as soon as its headers announce it
(``max_request_body_size``), before reading it, so a 10 MB body costs the server nothing.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterable
from typing import Any

import waitress
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.gate import Decision, Gate

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
log = logging.getLogger("bot.gate")
_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 413: "Payload Too Large",
            500: "Internal Server Error"}

StartResponse = Callable[..., Any]


def wsgi_app(app: App, gate: Gate) -> Callable[..., Iterable[bytes]]:
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method, path = environ.get("REQUEST_METHOD"), environ.get("PATH_INFO")
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            return _reply(start_response, Decision(200, "ok\n"))
        if path != EVENTS_PATH or method != "POST":
            return _reply(start_response, Decision(404, "Not Found"))
        admitted = _admit(gate, environ)
        if isinstance(admitted, Decision):
            return _reply(start_response, admitted)
        try:
            return slack(admitted, start_response)
        except Exception:  # a bug of ours or bolt's: the log has it, Slack gets a plain 500
            log.exception("unexpected error while dispatching a request that passed the gate")
            return _reply(start_response, Decision(500, "internal error"))

    return application


def _admit(gate: Gate, environ: dict[str, Any]) -> Decision | dict[str, Any]:
    """The environ to give bolt (its body read once, within the cap), or the gate's answer."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return Decision(400, "bad Content-Length")
    if length < 0:
        return Decision(400, "bad Content-Length")
    big = gate.too_large(length)
    if big:
        return big
    body = environ["wsgi.input"].read(length) if length else b""
    decision = gate.check(headers_of(environ), body)
    if decision:
        return decision
    return {**environ, "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))}


def headers_of(environ: dict[str, Any]) -> dict[str, str]:
    headers = {k[5:].lower().replace("_", "-"): str(v) for k, v in environ.items() if k.startswith("HTTP_")}
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = str(environ["CONTENT_TYPE"])
    return headers


def _reply(start_response: StartResponse, decision: Decision) -> list[bytes]:
    data = decision.reason.encode()
    start_response(f"{decision.status} {_REASONS.get(decision.status, 'Error')}",
                   [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(data)))])
    return [data]


def make_server(app: App, gate: Gate, host: str = "0.0.0.0", port: int = 3000, threads: int = 16) -> Any:
    """A waitress server, not yet running: ``.run()`` serves, ``.close()`` stops, ``.effective_port``."""
    # waitress refuses (413) a body whose length reaches max_request_body_size, hence the + 1.
    return waitress.create_server(wsgi_app(app, gate), host=host, port=port, threads=threads, ident="reachbot",
                                  channel_timeout=30, max_request_body_size=gate.max_body + 1)
