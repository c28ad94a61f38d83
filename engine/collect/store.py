"""The ``s3://bucket/key`` snapshot store (the deployed bot reads its snapshot from there, #6).

Imported by the answering path (``engine.snapshot.load_from``) for ``s3://`` locations only, so boto3 is
imported inside the functions. The endpoint comes from the argument, else from boto3's own configuration
(``AWS_ENDPOINT_URL_S3`` / ``AWS_ENDPOINT_URL``), which is how a test or a deployed bot points it elsewhere.
A PutObject is atomic: readers see the old snapshot or the new one, never half of one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.errors import CollectionError, SnapshotError

if TYPE_CHECKING:
    import boto3


def parse_location(location: str) -> tuple[str, str]:
    """``s3://bucket/key/of/snapshot.json`` → (bucket, key)."""
    if not location.startswith("s3://"):
        raise SnapshotError(f"{location!r} is not an s3:// location (s3://BUCKET/KEY).")
    bucket, _, key = location[len("s3://"):].partition("/")
    if not bucket or not key or key.endswith("/"):
        raise SnapshotError(f"{location!r} needs a bucket and an object key: s3://BUCKET/path/snapshot.json.")
    return bucket, key


def read_s3(location: str, endpoint_url: str | None = None, session: boto3.Session | None = None,
            max_bytes: int | None = None, version_id: str | None = None) -> bytes:
    """The object's bytes (of one version, given ``version_id``: the history, engine.history); one larger than
    ``max_bytes`` is refused from GetObject's ContentLength, unread."""
    bucket, key = parse_location(location)
    from botocore.exceptions import BotoCoreError, ClientError

    versioned = {"VersionId": version_id} if version_id else {}
    try:
        response = client(session, endpoint_url).get_object(Bucket=bucket, Key=key, **versioned)
        body = response["Body"]
        size = int(response.get("ContentLength") or 0)
        if max_bytes is not None and size > max_bytes:
            body.close()
            raise SnapshotError(f"{location} is {size:,} bytes, more than the {max_bytes:,} this reachbot reads. "
                                "Set REACHBOT_MAX_SNAPSHOT_BYTES to a larger number of bytes if the estate really "
                                "is that big.")
        return bytes(body.read())
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code in ("NoSuchKey", "404"):
            raise SnapshotError(
                f"no snapshot at {location}. Write one with `reachbot collect --out {location}`."
            ) from None
        if code == "NoSuchBucket":
            raise SnapshotError(f"bucket {bucket} of {location} does not exist.") from None
        raise SnapshotError(
            f"cannot read {location} ({code}). The reader needs s3:GetObject on arn:aws:s3:::{bucket}/{key}."
        ) from None
    except BotoCoreError as exc:
        raise SnapshotError(f"cannot read {location}: {exc}") from None


def s3_version(location: str, endpoint_url: str | None = None, session: boto3.Session | None = None) -> str:
    """A cheap fingerprint of the stored snapshot (HeadObject: ETag and version id), for readers that reload
    only when it changed."""
    bucket, key = parse_location(location)
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        head = client(session, endpoint_url).head_object(Bucket=bucket, Key=key)
    except (ClientError, BotoCoreError) as exc:
        raise SnapshotError(f"cannot check {location} for a newer snapshot: {exc}") from None
    return f"{head.get('ETag', '')}/{head.get('VersionId', '')}/{head.get('ContentLength', '')}"


def write_s3(location: str, data: bytes, endpoint_url: str | None = None,
             session: boto3.Session | None = None) -> str | None:
    """PutObject; the new version's id where the bucket has versioning (None where it has not: S3 answers no
    VersionId, or "null", for an unversioned bucket), so the caller knows whether versions keep the history."""
    try:
        bucket, key = parse_location(location)
    except SnapshotError as exc:
        raise CollectionError(str(exc)) from None
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        response = client(session, endpoint_url).put_object(Bucket=bucket, Key=key, Body=data,
                                                             ContentType="application/json")
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        raise CollectionError(
            f"cannot write the snapshot to {location} ({code}). The collector needs s3:PutObject on "
            f"arn:aws:s3:::{bucket}/{key}; nothing was written."
        ) from None
    except BotoCoreError as exc:
        raise CollectionError(f"cannot write the snapshot to {location}: {exc}; nothing was written.") from None
    version = response.get("VersionId")
    return str(version) if version and version != "null" else None


def client(session: boto3.Session | None, endpoint_url: str | None) -> Any:
    import boto3
    from botocore.config import Config

    session = session or boto3.Session()
    config = Config(retries={"mode": "adaptive", "max_attempts": 5}, connect_timeout=5, read_timeout=60)
    return session.client("s3", endpoint_url=endpoint_url, config=config,
                          region_name=session.region_name or "us-east-1")
