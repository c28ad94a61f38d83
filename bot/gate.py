"""Every HTTP request from Slack passes here before bolt sees it: size, signature, shape, replay.

bolt verifies signatures itself, but a request it cannot read gave HTTP 500 and a traceback: slack_sdk's
``SignatureVerifier.is_valid`` calls ``int()`` on the timestamp header, the WSGI adapter decodes the body as
UTF-8 without a fallback, and bolt reads any signed JSON as if it were Slack's (``bot.shapes``). bolt also
logs the whole body of a request with a bad signature. So the gate answers first, with a status and a short
reason, and logs at most a short escaped prefix of what it refused:

- 413 when the body is larger than ``max_body`` (Slack's payloads are a few kilobytes; a 10 MB body is not
  Slack's), decided from the declared length before anything is read;
- 401 when the signature headers are missing, malformed, stale (5 minutes,
  https://api.slack.com/authentication/verifying-requests-from-slack#validating-a-request) or do not match;
- 400 when a signed body is not UTF-8 or not a request reachbot handles, or when it carries bolt's internal
  ``x-slack-bolt-lazy-*`` headers (they make bolt skip the ack and run the answer only; Slack never sends
  them, only bolt's own Lambda self-invocation does);
- 200 with an empty body for a replay of a request already admitted (same signature inside its window:
  ``bot.dedupe.Replays``), which is acknowledged but not answered again, and for Slack's unsigned
  ``ssl_check=1`` probe (https://api.slack.com/interactivity/slash-commands#ssl), which bolt answers the same.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs

from bot.dedupe import Replays
from bot.logs import prefix
from bot.shapes import problem

log = logging.getLogger("bot.gate")

DEFAULT_MAX_BODY = 256 * 1024
WINDOW = 300  # seconds either side of now that a signature stays valid (Slack's recommendation)
LAZY_HEADERS = ("x-slack-bolt-lazy-only", "x-slack-bolt-lazy-function-name")
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class Decision:
    """The gate answered: ``status`` 200 (nothing more to do), 400, 401 or 413, with a short reason."""

    status: int
    reason: str


class Gate:
    def __init__(self, signing_secret: str, max_body: int = DEFAULT_MAX_BODY, replays: Replays | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self._secret = signing_secret.encode()
        self.max_body = max_body
        self.replays = replays or Replays(window=2 * WINDOW)
        self._clock = clock

    def too_large(self, length: int) -> Decision | None:
        if length > self.max_body:
            return self._refuse(413, f"the body is larger than {self.max_body} bytes", b"", length)
        return None

    def check(self, headers: Mapping[str, str], body: bytes, *, lazy: bool = False) -> Decision | None:
        """None when bolt may have the request; ``headers`` with lower-case names. ``lazy``: bolt's own
        self-invocation on Lambda, which repeats the admitted request and must not count as a replay."""
        big = self.too_large(len(body))
        if big:
            return big
        if _ssl_check(body, headers):
            return Decision(200, "")
        if not lazy and any(h in headers for h in LAZY_HEADERS):
            return self._refuse(400, "reserved x-slack-bolt header", body)
        trouble, stamp = self._signature(headers, body)
        if trouble:
            return self._refuse(401, trouble, body)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return self._refuse(400, "the body is not UTF-8", body)
        shape = problem(text, headers.get("content-type"))
        if shape:
            return self._refuse(400, shape, body)
        if not lazy and not self.replays.first_time(headers["x-slack-signature"], stamp, self._clock()):
            log.info("replayed request acknowledged, not answered again (%d bytes)", len(body))
            return Decision(200, "")
        return None

    def _signature(self, headers: Mapping[str, str], body: bytes) -> tuple[str, int]:
        stamp, signature = headers.get("x-slack-request-timestamp", ""), headers.get("x-slack-signature", "")
        if not stamp or not signature:
            return "missing signature headers", 0
        if not _TIMESTAMP.fullmatch(stamp) or not _SIGNATURE.fullmatch(signature):
            return "malformed signature headers", 0
        if abs(self._clock() - int(stamp)) > WINDOW:
            return "stale request (outside the 5-minute window)", 0
        expected = "v0=" + hmac.new(self._secret, b"v0:" + stamp.encode() + b":" + body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, signature):
            return "invalid signature", 0
        return "", int(stamp)

    def _refuse(self, status: int, reason: str, body: bytes, length: int | None = None) -> Decision:
        size = len(body) if length is None else length
        log.info("refused a request with %d: %s (%d bytes: %s)", status, reason, size, prefix(body))
        return Decision(status, reason)


def _ssl_check(body: bytes, headers: Mapping[str, str]) -> bool:
    """Slack's certificate probe for slash commands: a small unsigned form ``ssl_check=1&token=…``."""
    if len(body) > 1024 or b"ssl_check" not in body or "x-slack-signature" in headers:
        return False
    fields = parse_qs(body.decode("latin-1"))
    return fields.get("ssl_check") == ["1"] and "command" not in fields and "payload" not in fields
