"""Client-side EC2 request rate limiting, below EC2's own request-token buckets.

EC2 throttles "for each AWS account on a per-Region basis" with a token bucket per API action (EC2 Developer
Guide, "Request throttling for the Amazon EC2 API", "Request token bucket sizes and refill rates"):

- non-mutating actions (``Describe*``, ``Get*``, ``Search*``): capacity 100, refill 20 per second;
- unfiltered and unpaginated non-mutating actions (``DescribeInstances``, ``DescribeNetworkInterfaces``,
  ``DescribeSecurityGroups`` and four we do not call, when sent *without* pagination or a filter): 50, 10.

The collector paginates those lists (``MaxResults``), so their calls come from the larger bucket; an unpaginated
call is still classified by what it sends. One :class:`Ec2Limiter` per (account, region) (a ``Clients`` holds
one session, i.e. one account) keeps a bucket per action, sized to ``share`` of AWS's, so that the console
and other tools of the account keep the rest. It waits *before each HTTP attempt* (botocore's ``before-send``
event fires inside the retry loop), so retries are paced too; what AWS still throttles goes to botocore's
adaptive retries, then becomes a gap.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

NON_MUTATING = (100.0, 20.0)  # (bucket capacity, refill per second)
UNFILTERED_UNPAGINATED = (50.0, 10.0)
UNFILTERED_UNPAGINATED_ACTIONS = frozenset({
    "DescribeInstances", "DescribeInstanceStatus", "DescribeNetworkInterfaces", "DescribeSecurityGroups",
    "DescribeSnapshots", "DescribeSpotInstanceRequests", "DescribeVolumes",
})
_PAGINATION_OR_FILTER = ("MaxResults", "NextToken", "Filter.")


@dataclass
class TokenBucket:
    """A token bucket whose callers wait for their token instead of failing; ``clock`` is injectable."""

    capacity: float
    refill: float  # tokens per second
    clock: Callable[[], float] = time.monotonic
    tokens: float = field(init=False)
    updated: float = field(init=False)
    waited: float = field(init=False, default=0.0)  # seconds callers were told to wait, in total
    taken: int = field(init=False, default=0)  # tokens taken (HTTP attempts paced)

    def __post_init__(self) -> None:
        self.tokens, self.updated = self.capacity, self.clock()

    def reserve(self) -> float:
        """Take one token now and return how long to wait before using it. The bucket may go into debt: later
        callers then wait for the tokens owed before theirs, so concurrent callers are spaced, not bunched."""
        now = self.clock()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.refill)
        self.updated = now
        self.tokens -= 1
        self.taken += 1
        wait = -self.tokens / self.refill if self.tokens < 0 else 0.0
        self.waited += wait
        return wait


def category(action: str, body: str) -> tuple[float, float]:
    """The documented bucket of one EC2 request, from the action and the parameters it sends."""
    if action in UNFILTERED_UNPAGINATED_ACTIONS and not any(p in body for p in _PAGINATION_OR_FILTER):
        return UNFILTERED_UNPAGINATED
    return NON_MUTATING


class Ec2Limiter:
    """The buckets of one (account, region); ``on_send`` is the botocore ``before-send.ec2`` handler."""

    def __init__(self, share: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.share = share
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()
        self.buckets: dict[str, TokenBucket] = {}

    def bucket(self, action: str, body: str) -> TokenBucket:
        capacity, refill = category(action, body)
        key = f"{action}/{capacity:g}"
        if key not in self.buckets:
            self.buckets[key] = TokenBucket(max(1.0, capacity * self.share), refill * self.share, self._clock)
        return self.buckets[key]

    def on_send(self, request: Any, **_: Any) -> None:
        body = request.body.decode("utf-8", "replace") if isinstance(request.body, bytes) else str(request.body or "")
        action = parse_qs(body).get("Action", [""])[0]
        with self._lock:
            wait = self.bucket(action, body).reserve()
        if wait > 0:
            self._sleep(wait)

    @property
    def waited(self) -> float:
        return sum(b.waited for b in self.buckets.values())
