"""A loopback HTTP proxy in front of moto's server that throttles chosen API actions, as AWS does.

botocore talks to it as to any endpoint (``--endpoint-url``), so a throttled answer goes through botocore's
real path: the response is parsed, the error code is recognised as throttling, the adaptive retry mode backs
off and tries again, and what still fails after ``max_attempts`` reaches the collector as a ``ClientError``.

The answers have the shapes AWS gives: EC2 (query protocol) "RequestLimitExceeded" with HTTP 503 and its XML
``<Response><Errors><Error>`` body (EC2 API Reference, "Error codes"; EC2 Developer Guide, "Request throttling
for the Amazon EC2 API"), JSON services "ThrottlingException" with HTTP 400.
"""

from __future__ import annotations

import http.client
import threading
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

EC2_THROTTLED = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>RequestLimitExceeded'
                 b"</Code><Message>Request limit exceeded.</Message></Error></Errors>"
                 b"<RequestID>11111111-2222-3333-4444-555555555555</RequestID></Response>")
JSON_THROTTLED = b'{"__type":"ThrottlingException","message":"Rate exceeded"}'
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-authorization",
               "proxy-authenticate", "content-length"}


@dataclass
class Rule:
    """Throttle ``action``: its first ``first`` requests, then every ``every``-th one (0: none after)."""

    action: str
    first: int = 0
    every: int = 0


@dataclass
class ThrottleProxy:
    upstream: str  # moto's URL
    rules: list[Rule] = field(default_factory=list)
    seen: Counter[str] = field(default_factory=Counter)  # requests per action (every HTTP attempt)
    throttled: Counter[str] = field(default_factory=Counter)
    url: str = ""  # the proxy's own URL, once started: give it as the endpoint URL
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    def start(self) -> str:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                proxy.handle(self)

            do_GET = do_PUT = do_DELETE = do_HEAD = do_POST  # noqa: N815

            def log_message(self, *_: Any) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name="throttle-proxy", daemon=True).start()
        host, port = self._server.server_address[:2]
        self.url = f"http://{host!s}:{port}"
        return self.url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        body = request.rfile.read(int(request.headers.get("Content-Length") or 0))
        action, json_protocol = _action(request, body)
        if self._throttle(action):
            status, kind, payload = (400, "application/x-amz-json-1.1", JSON_THROTTLED) if json_protocol \
                else (503, "text/xml;charset=UTF-8", EC2_THROTTLED)
            _reply(request, status, [("Content-Type", kind)], payload)
            return
        status, headers, payload = self._forward(request, body)
        _reply(request, status, headers, payload)

    def _throttle(self, action: str) -> bool:
        with self._lock:
            self.seen[action] += 1
            n = self.seen[action]
            rule = next((r for r in self.rules if r.action == action), None)
            hit = rule is not None and (n <= rule.first or (rule.every > 0 and (n - rule.first) % rule.every == 0))
            if hit:
                self.throttled[action] += 1
            return hit

    def _forward(self, request: BaseHTTPRequestHandler, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        target = urlsplit(self.upstream)
        conn = http.client.HTTPConnection(target.hostname or "127.0.0.1", target.port, timeout=30)
        try:
            headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP}
            conn.request(request.command, request.path, body=body or None, headers=headers)
            answer = conn.getresponse()
            payload = answer.read()
            kept = [(k, v) for k, v in answer.getheaders() if k.lower() not in _HOP_BY_HOP]
            return answer.status, kept, payload
        finally:
            conn.close()


def _action(request: BaseHTTPRequestHandler, body: bytes) -> tuple[str, bool]:
    """The API action of a request: ``X-Amz-Target`` (JSON protocols) or the query protocol's ``Action``."""
    target = request.headers.get("X-Amz-Target")
    if target:
        return target.rsplit(".", 1)[-1], True
    form = parse_qs(body.decode("utf-8", "replace")) if body else parse_qs(urlsplit(request.path).query)
    return form.get("Action", [""])[0], False


def _reply(request: BaseHTTPRequestHandler, status: int, headers: list[tuple[str, str]], payload: bytes) -> None:
    request.send_response(status)
    for key, value in headers:
        request.send_header(key, value)
    request.send_header("Content-Length", str(len(payload)))
    request.end_headers()
    if request.command != "HEAD":
        request.wfile.write(payload)
