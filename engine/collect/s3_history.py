"""The S3 calls of the snapshot history (``engine.history`` holds its rules: naming, picking, retention).

A snapshot object's versions are its history where the bucket has versioning: ListObjectVersions lists them
with their LastModified ("Retrieving object versions from a versioning-enabled bucket", Amazon S3 User Guide);
a delete marker is not a snapshot, and an unversioned bucket lists its one object with version id "null".
Versions are never deleted here: their retention is the bucket's lifecycle rule (NoncurrentVersionExpiration),
which the merge Lambda's bucket uses too. Reading needs s3:ListBucketVersions, s3:ListBucket and
s3:GetObjectVersion; ``collect --history s3://bucket/prefix/`` also needs s3:DeleteObject there to prune.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from engine.collect.store import client
from engine.errors import CollectionError, SnapshotError

if TYPE_CHECKING:
    import boto3

MAX_PAGES = 100  # 100 000 versions or keys: far more than years of hourly snapshots


def object_versions(bucket: str, key: str, endpoint_url: str | None = None,
                    session: boto3.Session | None = None) -> list[tuple[datetime, str | None]]:
    """(LastModified, version id or None for the unversioned "null") of every version of the object."""
    found: list[tuple[datetime, str | None]] = []
    with _reading(bucket):
        pages = client(session, endpoint_url).get_paginator("list_object_versions").paginate(Bucket=bucket,
                                                                                             Prefix=key)
        for page in _bounded(pages):
            for v in page.get("Versions", []):
                if v.get("Key") == key:  # the prefix also matches snapshot.json.bak and the like
                    version = v.get("VersionId")
                    found.append((_utc(v["LastModified"]), None if version in (None, "null") else str(version)))
    return found


def prefix_objects(bucket: str, prefix: str, endpoint_url: str | None = None,
                   session: boto3.Session | None = None) -> list[str]:
    """The keys under ``prefix``."""
    keys: list[str] = []
    with _reading(bucket):
        pages = client(session, endpoint_url).get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        for page in _bounded(pages):
            keys += [str(obj["Key"]) for obj in page.get("Contents", [])]
    return keys


def delete_objects(bucket: str, keys: list[str], endpoint_url: str | None = None,
                   session: boto3.Session | None = None) -> None:
    from botocore.exceptions import BotoCoreError, ClientError

    s3 = client(session, endpoint_url)
    try:
        for key in keys:
            s3.delete_object(Bucket=bucket, Key=key)
    except (ClientError, BotoCoreError) as exc:
        raise CollectionError(f"the snapshot was written, but pruning its history in bucket {bucket} failed: "
                              f"{exc}. Pruning needs s3:DeleteObject there.") from None


@contextmanager
def _reading(bucket: str) -> Iterator[None]:
    """Turns an S3 failure while listing into one clear SnapshotError."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        raise SnapshotError(f"cannot list the snapshot history in bucket {bucket} ({code}). Reading it needs "
                            f"s3:ListBucketVersions and s3:ListBucket on arn:aws:s3:::{bucket}.") from None
    except BotoCoreError as exc:
        raise SnapshotError(f"cannot list the snapshot history in bucket {bucket}: {exc}") from None


def _bounded(pages: Any) -> Any:
    for n, page in enumerate(pages):
        if n >= MAX_PAGES:
            return
        yield page


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
