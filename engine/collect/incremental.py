"""Incremental collection: what may be taken from the previous snapshot instead of asking AWS again.

Only one kind of data is reused, and only where AWS guarantees it cannot have changed: the proxy settings an
instance's user data gave (one ``DescribeInstanceAttribute`` per instance, the call that made collection
O(instances)). User data "can be modified for instances with an EBS root volume; the instance must be in the
stopped state" (EC2 User Guide, "Work with instance user data"), and starting a stopped instance sets a new
``LaunchTime`` ("the time that the instance was last launched", EC2 API Reference, ``Instance``). So an
instance that is ``running`` now with the ``LaunchTime`` it had, also ``running``, when its user data was read
has not been stopped since, and its user data is the one read. Everything else (stopped or pending instances,
a changed ``LaunchTime``, a read that failed, a reader of another version) is read again.

Nothing else is reused: route tables, security groups, endpoint and bucket policies, VPC attributes, tags and
SSM parameters change without any trace in a list call, and a stale copy could make a refused request look
reachable. List calls are made every time (paginated), so a refresh of an unchanged estate costs O(pages).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from engine import model as m
from engine.collect import proxy_settings
from engine.errors import CollectionError, SnapshotError

USER_DATA = ("ec2", "DescribeInstanceAttribute", "userData")


def _fingerprint() -> str:
    """Changes whenever the user-data reader does: values a different reader produced are read again."""
    return hashlib.sha256(Path(proxy_settings.__file__).read_bytes()).hexdigest()[:12]


PARSER = _fingerprint()


@dataclass
class Previous:
    """The previous snapshot's reusable reads (empty for a full collection), and why it is what it is."""

    location: str | None = None
    taken_at: datetime | None = None
    reads: dict[str, m.UserDataRead] = field(default_factory=dict)
    note: str = "full"  # "full" (--full or no previous snapshot), "incremental", "previous-unreadable"
    problem: str | None = None  # why an existing previous snapshot could not be used

    def user_data(self, instance: dict[str, Any]) -> m.UserDataRead | None:
        """The earlier read of this instance's user data, when it cannot have changed since (module docstring)."""
        read = self.reads.get(str(instance.get("InstanceId")))
        if read is None or (instance.get("State") or {}).get("Name") != "running":
            return None
        launched = instance.get("LaunchTime")
        return read if _same_instant(launched, read.launch_time) else None


def load_previous(location: str | None, *, required: bool, endpoint_url: str | None = None,
                  session: Any = None) -> Previous:
    """The previous snapshot at ``location`` (a file or ``s3://``). A missing or unreadable one means a full
    collection, unless it was asked for explicitly (``--previous``): then it is the operator's mistake."""
    if location is None:
        return Previous()
    if not location.startswith("s3://") and not Path(location).exists():
        if required:
            raise CollectionError(f"--previous {location} does not exist. Give a snapshot an earlier "
                                  "`reachbot collect` wrote, or leave out --previous.")
        return Previous(location, note="full")
    try:
        snap = _load(location, endpoint_url, session)
    except SnapshotError as exc:
        if required:
            raise CollectionError(f"--previous: {exc} Give a snapshot an earlier `reachbot collect` wrote, or "
                                  "use --full to read everything again.") from None
        return Previous(location, note="previous-unreadable", problem=str(exc))
    reads = {r.instance_id: r for r in snap.user_data_reads if r.parser == PARSER}
    return Previous(location, snap.taken_at, reads, note="incremental")


def _load(location: str, endpoint_url: str | None, session: Any) -> m.Snapshot:
    from engine.snapshot import load_from, max_snapshot_bytes, parse_snapshot

    if not location.startswith("s3://"):
        return load_from(location).snapshot
    from engine.collect.store import read_s3  # with the collector's endpoint and credentials

    return parse_snapshot(read_s3(location, endpoint_url, session, max_bytes=max_snapshot_bytes()), location)


def record(instance: dict[str, Any], values: dict[str, str], read_at: datetime | None) -> m.UserDataRead | None:
    """What to keep of a user-data read for the next collection: only reads of a running instance qualify."""
    launched = instance.get("LaunchTime")
    if (instance.get("State") or {}).get("Name") != "running" or launched is None:
        return None
    return m.UserDataRead(instance_id=instance["InstanceId"], launch_time=_as_datetime(launched), read_at=read_at,
                          parser=PARSER, values=values)


def reuse_summary(reused: list[m.UserDataRead]) -> list[m.Reuse]:
    if not reused:
        return []
    times = [r.read_at for r in reused if r.read_at is not None]
    service, operation, attribute = USER_DATA
    return [m.Reuse(service=service, operation=operation, attribute=attribute, count=len(reused),
                    oldest_read_at=min(times) if times else None)]


def _as_datetime(value: Any) -> datetime:
    """boto3 gives LaunchTime as a datetime; a saved directory (JSON) as ISO 8601 text."""
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def _same_instant(value: Any, expected: datetime) -> bool:
    if value is None:
        return False
    try:
        seen = _as_datetime(value)
    except ValueError:
        return False
    if (seen.tzinfo is None) != (expected.tzinfo is None):
        return False  # cannot compare naive with aware times: read again
    return seen == expected
