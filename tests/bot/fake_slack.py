"""A local fake of the Slack Web API (and response_url, file upload, Lambda Invoke) that records every call.

It answers like Slack does for the methods reachbot uses; everything is on 127.0.0.1 with threads, so the
bot under test talks real HTTP to it. ``wait_for`` blocks (bounded) until a recorded call matches.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

BOT_USER_ID = "UREACHBOT"
BOT_ID = "BREACHBOT"
TEAM_ID = "T0TEAM"
JSON_FIELDS = ("blocks", "metadata", "files", "attachments", "view")


@dataclass
class Call:
    method: str  # "chat.postMessage", "response_url", "upload", "lambda.invoke"
    params: dict[str, Any]
    path: str
    at: float = field(default_factory=time.monotonic)


class FakeSlack:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.threads: dict[tuple[str, str], list[dict[str, Any]]] = {}  # (channel, thread ts) → messages
        self.not_in: set[str] = set()  # channels where the bot is not a member
        self.locales: dict[str, str] = {}  # user id → the locale users.info reports with include_locale
        self.user_errors: dict[str, str] = {}  # user id → the error users.info answers (e.g. missing_scope)
        self.on_invoke: Callable[[dict[str, Any]], None] | None = None  # Lambda async invocations
        self.socket_url: Callable[[], str] | None = None  # apps.connections.open: a Socket Mode server's URL
        self.fail_uploads = False  # the upload URL answers 500 (a failing file upload)
        self._cond = threading.Condition()
        self._ts = itertools.count(1)
        self._responses = itertools.count(1)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                fake._handle(self)

            def do_POST(self) -> None:
                fake._handle(self)

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.api_url = f"{self.base}/api/"
        self._thread = threading.Thread(target=self.server.serve_forever, name="fake-slack", daemon=True)

    # --- lifecycle ------------------------------------------------------------------------------------------

    def __enter__(self) -> FakeSlack:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def response_url(self, delay: float = 0.0) -> str:
        """A fresh response_url; with ``delay``, posting to it takes that long (a slow Slack)."""
        slow = f"slow{delay}-" if delay else ""
        return f"{self.base}/response/{slow}{next(self._responses)}"

    # --- queries --------------------------------------------------------------------------------------------

    def of(self, method: str) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0,
                 where: Callable[[Call], bool] = lambda c: True) -> list[Call]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [c for c in self.calls if c.method == method and where(c)]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [c.method for c in self.calls]
                    raise AssertionError(f"timed out waiting for {count} x {method}; calls so far: {seen}")
                self._cond.wait(left)

    def reset(self) -> None:
        with self._cond:
            self.calls.clear()

    # --- the server -----------------------------------------------------------------------------------------

    def _handle(self, req: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(req.path)
        length = int(req.headers.get("Content-Length") or 0)
        raw = req.rfile.read(length) if length else b""
        if parts.path.startswith("/api/"):
            method = parts.path[len("/api/"):]
            params = _params(raw, req.headers.get("Content-Type", ""), parts.query)
            params["_auth"] = req.headers.get("Authorization", "")
            status, body = 200, self._api(method, params)
        elif parts.path.startswith("/response/"):
            if parts.path.startswith("/response/slow"):
                time.sleep(float(parts.path[len("/response/slow"):].split("-", 1)[0]))
            method, params, status, body = "response_url", json.loads(raw or b"{}"), 200, "ok"
        elif parts.path.startswith("/upload/"):
            # files_upload_v2 POSTs the file's bytes as the body to the URL files.getUploadURLExternal gave.
            method, params = "upload", {"content": raw.decode("utf-8", "replace"), "raw": raw,
                                        "file_id": parts.path.rsplit("/", 1)[-1]}
            status, body = (500, "upload failed") if self.fail_uploads else (200, "OK")
        elif parts.path.startswith("/2015-03-31/functions/"):
            method, params, status, body = "lambda.invoke", json.loads(raw or b"{}"), 202, ""
            params["_function"] = unquote(parts.path.split("/")[3])
        else:
            method, params, status, body = "unknown", {"path": parts.path}, 404, "not found"
        with self._cond:
            self.calls.append(Call(method, params, parts.path))
            self._cond.notify_all()
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        req.send_response(status)
        req.send_header("Content-Type", "application/json" if isinstance(body, dict) else "text/plain")
        req.send_header("Content-Length", str(len(data)))
        req.end_headers()
        req.wfile.write(data)
        if method == "lambda.invoke" and self.on_invoke is not None:
            threading.Thread(target=self.on_invoke, args=(params,), daemon=True).start()

    def _api(self, method: str, p: dict[str, Any]) -> dict[str, Any]:
        if method == "apps.connections.open":  # the one method called with the app-level token
            if not p["_auth"].startswith("Bearer xapp-"):
                return {"ok": False, "error": "not_allowed_token_type"}
            if self.socket_url is None:
                return {"ok": False, "error": "invalid_auth"}
            return {"ok": True, "url": self.socket_url()}
        if not p["_auth"].startswith("Bearer xoxb-"):
            return {"ok": False, "error": "not_authed"}
        if method == "auth.test":
            return {"ok": True, "url": "https://fake.slack.com/", "team": "Fake", "user": "reachbot",
                    "team_id": TEAM_ID, "user_id": BOT_USER_ID, "bot_id": BOT_ID}
        channel = p.get("channel") or p.get("channel_id")
        if channel in self.not_in:
            return {"ok": False, "error": "not_in_channel"}
        if method == "chat.postMessage":
            ts = f"1700000{next(self._ts):03d}.000100"
            return {"ok": True, "channel": channel, "ts": ts,
                    "message": {"text": p.get("text"), "ts": ts, "bot_id": BOT_ID, "user": BOT_USER_ID}}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"1700000{next(self._ts):03d}.000200"}
        if method == "conversations.replies":
            messages = self.threads.get((channel, p.get("ts")), [])
            return {"ok": True, "messages": messages, "has_more": False, "response_metadata": {"next_cursor": ""}}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ts):05d}"
            return {"ok": True, "upload_url": f"{self.base}/upload/{file_id}", "file_id": file_id}
        if method == "files.completeUploadExternal":
            files = p.get("files") or []
            return {"ok": True, "files": [{"id": f.get("id"), "title": f.get("title")} for f in files]}
        if method == "users.info" and str(p.get("user")) in self.user_errors:
            return {"ok": False, "error": self.user_errors[str(p.get("user"))]}
        if method == "users.info":
            user: dict[str, Any] = {"id": p.get("user"), "name": "someone"}
            if str(p.get("include_locale")).lower() in ("1", "true"):
                user["locale"] = self.locales.get(str(p.get("user")), "en-US")
            return {"ok": True, "user": user}
        if method == "views.open":
            return {"ok": True, "view": {"id": "V1"}}
        if method == "views.publish":
            view = p.get("view") if isinstance(p.get("view"), dict) else {}
            return {"ok": True, "view": {**view, "id": f"VHOME{p.get('user_id')}"}}
        return {"ok": False, "error": "unknown_method"}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # the default 5 drops bursts of connections (1 s SYN retries skew timings)


def _params(raw: bytes, content_type: str, query: str) -> dict[str, Any]:
    params: dict[str, Any] = {k: v[0] for k, v in parse_qs(query).items()}
    if raw and "json" in content_type:
        params.update(json.loads(raw))
    elif raw:
        params.update({k: v[0] for k, v in parse_qs(raw.decode()).items()})
    for key in JSON_FIELDS:
        if isinstance(params.get(key), str):
            with contextlib.suppress(json.JSONDecodeError):
                params[key] = json.loads(params[key])
    return params
