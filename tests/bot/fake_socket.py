"""A local Socket Mode server: Slack's side of the websocket, on 127.0.0.1, built on ``websockets``.

It speaks the envelope protocol of https://api.slack.com/apis/connections/socket-implement: on each connection
it sends ``hello``; the test then sends envelopes (``events_api``, ``slash_commands``, ``interactive``), each
with a fresh ``envelope_id``, and waits (bounded) for the app's acknowledgement ``{"envelope_id": …}``;
``disconnect`` sends Slack's notice that the socket will go, ``close`` closes it from the server side.

The fake Slack Web API hands out :attr:`SocketModeServer.url` from ``apps.connections.open`` with a new
``ticket`` each time, so a test can tell a reconnection from the first connection.
"""

from __future__ import annotations

import itertools
import json
import queue
import threading
import time
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

APP_ID = "A0REACHBOT"


class Session:
    """One websocket connection from the app: what the server sent, and the acknowledgements it got back."""

    def __init__(self, conn: ServerConnection, path: str) -> None:
        self.conn = conn
        self.path = path
        self.acks: dict[str, dict[str, Any]] = {}
        self._ack_log: list[str] = []  # every acknowledgement's envelope id, repeats included
        self.other: list[Any] = []  # anything the app sent that is not an acknowledgement
        self.closed = threading.Event()
        self._cond = threading.Condition()
        self._ids = itertools.count(1)

    def send_envelope(self, kind: str, payload: dict[str, Any], *, accepts_response_payload: bool = False,
                      envelope_id: str | None = None, retry_attempt: int | None = None) -> str:
        envelope_id = envelope_id or f"env-{id(self):x}-{next(self._ids)}"
        message: dict[str, Any] = {"envelope_id": envelope_id, "type": kind, "payload": payload,
                                   "accepts_response_payload": accepts_response_payload}
        if kind == "events_api":  # Slack's events envelopes say whether they are a retry
            message["retry_attempt"] = retry_attempt or 0
            message["retry_reason"] = "timeout" if retry_attempt else ""
        self.conn.send(json.dumps(message))
        return envelope_id

    def ack(self, envelope_id: str, timeout: float = 10.0) -> dict[str, Any]:
        """The app's acknowledgement of ``envelope_id`` (bounded wait)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while envelope_id not in self.acks:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no acknowledgement of {envelope_id} within {timeout}s: {self.acks}")
                self._cond.wait(left)
            return self.acks[envelope_id]

    def wait_acks(self, envelope_id: str, count: int, timeout: float = 10.0) -> None:
        """Until ``envelope_id`` has been acknowledged ``count`` times (bounded wait)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._ack_log.count(envelope_id) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{envelope_id} acknowledged {self._ack_log.count(envelope_id)} times, "
                                         f"not {count}, within {timeout}s")
                self._cond.wait(left)

    def disconnect(self, reason: str) -> None:
        """Slack's notice before it closes a socket (``warning``, ``refresh_requested``, ``link_disabled``)."""
        self.conn.send(json.dumps({"type": "disconnect", "reason": reason,
                                   "debug_info": {"host": "applink-fake-local"}}))

    def close(self) -> None:
        self.conn.close()

    def read_until_closed(self) -> None:
        """Record what the app sends until the socket closes (run by the server thread of this connection)."""
        try:
            for raw in self.conn:
                message = json.loads(raw)
                with self._cond:
                    if isinstance(message, dict) and "envelope_id" in message:
                        self.acks[message["envelope_id"]] = message
                        self._ack_log.append(message["envelope_id"])
                    else:
                        self.other.append(message)
                    self._cond.notify_all()
        except ConnectionClosed:
            pass
        finally:
            self.closed.set()


class SocketModeServer:
    def __init__(self) -> None:
        self.sessions: queue.Queue[Session] = queue.Queue()
        self._tickets = itertools.count(1)
        # Slack's server pings; ours need not (the app pings us every ping_interval seconds and we answer).
        self.server: Server = serve(self._serve, "127.0.0.1", 0, ping_interval=None, close_timeout=1)
        self.port = self.server.socket.getsockname()[1]
        self._thread = threading.Thread(target=self.server.serve_forever, name="fake-socket-mode", daemon=True)

    def __enter__(self) -> SocketModeServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()

    def url(self) -> str:
        """A new websocket URL, as apps.connections.open gives one per call."""
        return f"ws://127.0.0.1:{self.port}/link/?ticket={next(self._tickets)}&app_id={APP_ID}"

    def next_session(self, timeout: float = 15.0) -> Session:
        """The next connection the app opens (its ``hello`` already sent)."""
        try:
            return self.sessions.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"the app opened no websocket within {timeout}s") from None

    def _serve(self, conn: ServerConnection) -> None:
        assert conn.request is not None
        session = Session(conn, conn.request.path)
        conn.send(json.dumps({"type": "hello", "num_connections": 1,
                              "debug_info": {"host": "applink-fake-local", "build_number": 1,
                                             "approximate_connection_time": 18060},
                              "connection_info": {"app_id": APP_ID}}))
        self.sessions.put(session)
        session.read_until_closed()  # until the app or the test closes the socket; returning closes it
