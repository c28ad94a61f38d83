"""Socket Mode: reachbot opens a websocket to Slack instead of serving HTTP (``reachbot serve --socket``).

The protocol (https://api.slack.com/apis/connections/socket-implement): the app calls ``apps.connections.open``
with its app-level token (``xapp-…``) and connects to the ``wss://`` URL it returns; Slack sends ``hello``,
then envelopes ``{"type": "events_api" | "slash_commands" | "interactive", "envelope_id", "payload", …}``,
each acknowledged by ``{"envelope_id": …}`` (with a ``payload`` where the envelope ``accepts_response_payload``,
e.g. the ephemeral text of ``/reach help``). A ``disconnect`` message (``reason`` ``warning``,
``refresh_requested``, ``link_disabled``) announces that Slack will close the socket; slack_sdk's built-in
client then opens a new URL at once, and reconnects the same way when the socket simply closes.

No HTTP request gate (``bot.gate``) stands in front here: the socket is one reachbot opened itself, over TLS,
authenticated by the app token, so there is no signature to check and no stranger who can write to it. What
the gate also guards still matters, and :class:`GuardedSocketModeHandler` keeps it before bolt sees an
envelope:

- size: an envelope whose payload is larger than ``max_body`` (the HTTP cap) is acknowledged and dropped.
  (The frame has been read by then: the built-in websocket client has no frame-size limit. Slack is the only
  writer, so this bounds what reaches bolt and the tracer, not what a hostile peer could make us read.)
- shape: the payload must be a request reachbot handles (``bot.shapes``), as over HTTP, so a payload bolt
  would index into blindly is refused with a log line instead of a traceback;
- repeats: an ``envelope_id`` already dispatched is acknowledged again (so Slack stops resending it) but not
  answered twice. Events API retries (``retry_attempt`` > 0, ``retry_reason``: Slack resends an event it
  saw no acknowledgement for, also one sent while no socket was open) carry the same ``event_id`` whatever
  their envelope id, and the listeners answer each ``event_id`` once (``bot.dedupe.SeenEvents``), as over
  HTTP. A retry is still answered when the first delivery never arrived: it may be the only one.
"""

from __future__ import annotations

import json
import logging
import threading

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot.dedupe import SeenEvents
from bot.logs import prefix
from bot.shapes import problem
from engine import ReachbotError

log = logging.getLogger("bot.socket")


class GuardedSocketModeHandler(SocketModeHandler):
    """bolt's built-in Socket Mode handler with the size, shape and repeat checks of the HTTP gate."""

    def __init__(self, app: App, app_token: str, web_client: WebClient, max_body: int,
                 seen_envelopes: SeenEvents | None = None) -> None:
        super().__init__(app, app_token, web_client=web_client)
        self.max_body = max_body
        self.seen_envelopes = seen_envelopes or SeenEvents()

    def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        refusal = self.refusal(req)
        if refusal:
            # Acknowledged all the same: an envelope left unacknowledged is sent again (events) or shows the
            # user an error; neither helps with one reachbot will not answer.
            client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))
            return
        super().handle(client, req)

    def refusal(self, req: SocketModeRequest) -> str | None:
        """Why an envelope is acknowledged without being answered; None when bolt may have it."""
        text = json.dumps(req.payload, ensure_ascii=False)  # measured in UTF-8 as Slack sent it, not \u escapes
        data = text.encode("utf-8", "replace")  # "replace": a lone surrogate ("\ud800") must not raise here
        size = len(data)
        if size > self.max_body:
            log.info("refused a %s envelope: larger than %d bytes (%d bytes)", req.type, self.max_body, size)
            return "too large"
        shape = problem(text, "application/json")
        if shape:
            log.info("refused a %s envelope: %s (%d bytes: %s)", req.type, shape, size, prefix(data))
            return shape
        if not self.seen_envelopes.first_time(req.envelope_id):
            log.info("repeated %s envelope acknowledged, not answered again", req.type)
            return "repeated envelope"
        return None


def socket_handler(app: App, app_token: str, web_client: WebClient, max_body: int) -> GuardedSocketModeHandler:
    """The handler ``reachbot serve --socket`` runs: ``connect()`` returns once the first socket is open."""
    return GuardedSocketModeHandler(app, app_token, web_client, max_body)


def connect(handler: GuardedSocketModeHandler) -> None:
    """Open the first socket; a refused app-level token is the operator's to fix (exit status 2)."""
    try:
        handler.connect()
    except SlackApiError as exc:
        handler.close()
        raise ReachbotError(
            f"SLACK_APP_TOKEN was refused by Slack's apps.connections.open ({exc.response.get('error')}). Use an "
            "app-level token (xapp-…) with the connections:write scope, from the app's Basic Information page, "
            "and enable Socket Mode for the app."
        ) from None


def wait_then_close(handler: GuardedSocketModeHandler) -> None:
    """Answer until SIGTERM or Ctrl-C (``KeyboardInterrupt``, see ``bot.cli``), then close the socket."""
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        handler.close()
