"""Slack retries an event it thinks we missed (no 200 within 3 s, or an error) with the same ``event_id``.

https://api.slack.com/apis/events-api#retries. A bounded LRU of ids seen in this process answers each event
once. (On Lambda each container has its own memory, so a retry landing on another container is answered
again; Slack's retries are rare there because the ack returns before any work is done.)
"""

from __future__ import annotations

import threading
from collections import OrderedDict


class SeenEvents:
    def __init__(self, maxsize: int = 4096) -> None:
        self.maxsize = maxsize
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, event_id: str | None) -> bool:
        """True the first time an id is offered; events without an id are always new."""
        if not event_id:
            return True
        with self._lock:
            if event_id in self._ids:
                self._ids.move_to_end(event_id)
                return False
            self._ids[event_id] = None
            if len(self._ids) > self.maxsize:
                self._ids.popitem(last=False)
            return True


class Replays:
    """Signed requests already admitted, remembered for as long as their signature stays valid.

    Slack signs ``v0:{timestamp}:{body}`` and a signature is accepted for five minutes either side of now
    (https://api.slack.com/authentication/verifying-requests-from-slack#validating-a-request), so the same
    signature seen again inside that window is a replay (a captured /reach or shortcut sent again): it is
    acknowledged and not answered a second time. Entries leave once their window has closed, so memory holds
    at most five minutes of genuine traffic; ``maxsize`` bounds it beyond that.
    """

    def __init__(self, window: float = 300.0, maxsize: int = 100_000) -> None:
        self.window = window
        self.maxsize = maxsize
        self._until: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, signature: str, timestamp: int, now: float) -> bool:
        with self._lock:
            self._forget(now)
            if signature in self._until:
                return False
            self._until[signature] = timestamp + self.window
            if len(self._until) > self.maxsize:
                self._until.popitem(last=False)
            return True

    def _forget(self, now: float) -> None:
        # Insertion order is arrival order; timestamps differ by Slack's clock skew at most, so expired
        # entries are (nearly) all at the front: stop at the first live one.
        while self._until:
            key, until = next(iter(self._until.items()))
            if until >= now:
                return
            del self._until[key]
