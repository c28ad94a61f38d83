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
