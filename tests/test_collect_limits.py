"""Collection within AWS's limits: the client-side EC2 limiter (engine/collect/limits.py), and throttling
injected by a loopback proxy in front of moto (tests/collect/throttle_proxy.py) so that botocore's real retry
path runs: throttling is retried, what still fails becomes a named gap, and answers that depend on it are
``unknown``.

EC2 limits (EC2 Developer Guide, "Request throttling for the Amazon EC2 API"): a token bucket per API action,
per account and Region; non-mutating actions 100 tokens refilled at 20 per second, the "unfiltered and
unpaginated" DescribeInstances, DescribeNetworkInterfaces, DescribeSecurityGroups (and others) 50 and 10 when
sent without pagination or a filter. A throttled EC2 request gets RequestLimitExceeded.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from engine import Engine
from engine.collect.collector import collect
from engine.collect.limits import NON_MUTATING, UNFILTERED_UNPAGINATED, Ec2Limiter, TokenBucket, category
from engine.model import Gap, Snapshot
from tests.collect.emulator import Emulator, Recorder, emulator_fixture  # noqa: F401
from tests.collect.fleet import Fleet, seed_fleet
from tests.collect.throttle_proxy import Rule, ThrottleProxy

REGION = "eu-north-1"
_FLEETS: dict[str, Fleet] = {}


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_token_bucket_allows_its_capacity_at_once_then_its_refill_rate():
    """A full bucket of 50 answers 50 requests at once; the 51st waits one refill interval (1/10 s), and
    the waits of queued requests add up (each owes the tokens of those before it)."""
    clock = FakeClock()
    bucket = TokenBucket(50, 10, clock)
    assert [bucket.reserve() for _ in range(50)] == [0.0] * 50
    assert bucket.reserve() == pytest.approx(0.1)
    assert bucket.reserve() == pytest.approx(0.2)
    clock.now += 10.0  # refilled to capacity, never beyond
    assert bucket.tokens < 0 and [bucket.reserve() for _ in range(50)] == [0.0] * 50
    assert bucket.reserve() > 0


def test_unpaginated_unfiltered_describe_instances_draws_on_the_smaller_bucket():
    """DescribeInstances without MaxResults, NextToken or a filter uses the 50/10 bucket; paginated or filtered,
    and every other Describe*, the 100/20 one."""
    assert category("DescribeInstances", "Action=DescribeInstances&Version=2016-11-15") == UNFILTERED_UNPAGINATED
    assert category("DescribeInstances", "Action=DescribeInstances&MaxResults=1000") == NON_MUTATING
    assert category("DescribeSecurityGroups", "Action=DescribeSecurityGroups&Filter.1.Name=vpc-id") == NON_MUTATING
    assert category("DescribeInstanceAttribute", "Action=DescribeInstanceAttribute") == NON_MUTATING


def test_limiter_keeps_a_bucket_per_action_at_its_share_of_the_documented_size():
    """At share 0.5 a burst of DescribeInstanceAttribute gets 50 requests through at once, then 10 per
    second; another action of the same account and region has its own bucket (EC2 evaluates each API
    individually)."""
    clock = FakeClock()
    limiter = Ec2Limiter(0.5, clock, clock.sleep)

    def send(action: str) -> None:
        limiter.on_send(SimpleNamespace(body=f"Action={action}&Version=2016-11-15".encode()))

    for _ in range(51):
        send("DescribeInstanceAttribute")
    assert clock.slept == [pytest.approx(0.1)]
    send("DescribeVpcAttribute")
    assert len(clock.slept) == 1
    assert set(limiter.buckets) == {"DescribeInstanceAttribute/100", "DescribeVpcAttribute/100"}
    assert limiter.buckets["DescribeInstanceAttribute/100"].capacity == 50


def _fleet(emulator: Emulator, account: str, count: int = 6) -> Fleet:
    if account not in _FLEETS:
        _FLEETS[account] = seed_fleet(emulator.url, account, REGION, count, per_reservation=3)
    return _FLEETS[account]


@pytest.fixture(name="proxy")
def proxy_fixture(emulator: Emulator) -> Iterator[ThrottleProxy]:
    proxy = ThrottleProxy(emulator.url)
    proxy.start()
    yield proxy
    proxy.stop()


def _collect_via(proxy: ThrottleProxy, emulator: Emulator, fleet: Fleet, recorder: Recorder | None = None,
                 **extra: object) -> Snapshot:
    hooks = (recorder,) if recorder else ()
    options = emulator.options(*hooks, regions=[REGION], role_arns=[fleet.role_arn], endpoint_url=proxy.url,
                               **extra)
    return collect(options).snapshot


def _gaps(snap: Snapshot) -> list[Gap]:
    return [g for c in snap.coverage for g in c.gaps]


def _ask(snap: Snapshot, instance: str, bucket: str) -> str:
    return Engine(snap, "throttled").ask(f"why can {instance} not reach bucket {bucket}", fixes=False).verdict


def test_every_ec2_call_of_a_collection_passes_the_limiter_paginated_lists_in_the_larger_bucket(
        emulator: Emulator, proxy: ThrottleProxy) -> None:
    """With the limiter on (share 0.5), each HTTP attempt to EC2 takes a token of its action's bucket; the
    collector paginates DescribeInstances, DescribeNetworkInterfaces and DescribeSecurityGroups, so none of
    them is counted against the small unpaginated bucket."""
    fleet = _fleet(emulator, "171717171717")
    recorder = Recorder()
    options = emulator.options(recorder, regions=[REGION], role_arns=[fleet.role_arn], endpoint_url=proxy.url,
                               ec2_rate_share=0.5)
    result = collect(options)
    [target] = result.targets
    assert target.clients is not None
    limiter = target.clients.limiters[REGION]
    ec2_calls = sum(n for action, n in recorder.actions.items() if action.startswith("ec2:"))
    assert sum(b.taken for b in limiter.buckets.values()) == ec2_calls > 20
    assert limiter.buckets["DescribeInstanceAttribute/100"].taken == proxy.seen["DescribeInstanceAttribute"] == 6
    for action in ("DescribeInstances", "DescribeNetworkInterfaces", "DescribeSecurityGroups"):
        assert f"{action}/100" in limiter.buckets and f"{action}/50" not in limiter.buckets


def test_throttled_calls_are_retried_and_the_collection_is_complete(
        emulator: Emulator, proxy: ThrottleProxy) -> None:
    """The first attempt of DescribeRouteTables and of one DescribeInstanceAttribute answer RequestLimitExceeded
    (HTTP 503): botocore retries them and the snapshot has no gap."""
    fleet = _fleet(emulator, "181818181818")
    proxy.rules += [Rule("DescribeRouteTables", first=1), Rule("DescribeInstanceAttribute", first=1)]
    snap = _collect_via(proxy, emulator, fleet)
    assert proxy.throttled["DescribeRouteTables"] == 1 and proxy.throttled["DescribeInstanceAttribute"] == 1
    assert proxy.seen["DescribeRouteTables"] == 2  # the retry went through
    assert _gaps(snap) == [] and len(snap.instances) == 6


def test_throttling_that_outlasts_the_retries_is_a_named_gap_and_its_answers_are_unknown(
        emulator: Emulator, proxy: ThrottleProxy) -> None:
    """One instance's user-data read is throttled on all three attempts (the first and botocore's two retries,
    retries "max_attempts" 2 in the emulator's options): a gap naming the
    operation, the error, the permission and the instance; its answer is unknown (its proxy settings are not
    known); the other instances' reads answered, so their answers are not unknown on that account."""
    fleet = _fleet(emulator, "191919191919")
    proxy.rules.append(Rule("DescribeInstanceAttribute", first=3))
    snap = _collect_via(proxy, emulator, fleet)
    [gap] = _gaps(snap)
    assert (gap.operation, gap.error, gap.permission) == \
        ("DescribeInstanceAttribute", "RequestLimitExceeded", "ec2:DescribeInstanceAttribute")
    assert gap.resource in fleet.instance_ids and proxy.seen["DescribeInstanceAttribute"] == 3 + 5
    assert _ask(snap, gap.resource, fleet.bucket) == "unknown"
    other = next(i for i in fleet.instance_ids if i != gap.resource)
    assert _ask(snap, other, fleet.bucket) != "unknown"


def test_a_list_throttled_at_every_attempt_makes_its_region_unknown(
        emulator: Emulator, proxy: ThrottleProxy) -> None:
    """DescribeRouteTables always throttled: the region's routes are a gap (RequestLimitExceeded), the rest
    is collected, and every answer from that region is unknown instead of a guess."""
    fleet = _fleet(emulator, "202020202020")
    proxy.rules.append(Rule("DescribeRouteTables", first=10**6))
    snap = _collect_via(proxy, emulator, fleet)
    assert _gaps(snap) == [Gap(service="ec2", operation="DescribeRouteTables", error="RequestLimitExceeded",
                               permission="ec2:DescribeRouteTables")]
    assert proxy.seen["DescribeRouteTables"] == 3 and len(snap.instances) == 6  # the first attempt and 2 retries
    assert {_ask(snap, i, fleet.bucket) for i in fleet.instance_ids} == {"unknown"}


def test_bench_lower_bound_counts_the_calls_beyond_each_actions_burst_at_its_refill_rate():
    """bench/collect_bench.py's "at AWS" row: 2,000 DescribeInstanceAttribute calls at half of EC2's
    non-mutating bucket (50 at once, then 10 per second) take at least 195 s; buckets of different actions
    refill in parallel, so the slowest action bounds the run."""
    from bench.collect_bench import limiter_floor

    assert limiter_floor({"DescribeInstanceAttribute": 2000, "DescribeVpcs": 1}) == pytest.approx(195.0)
    assert limiter_floor({"DescribeVpcs": 3, "DescribeInstances": 2}) == 0.0
    assert limiter_floor({}) == 0.0
