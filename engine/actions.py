"""Which IAM actions exist: ``--action`` (and ``for s3:Action`` in a question) takes only a real action of the
destination's service, and a typo gets the closest real ones instead of a verdict about an action nobody calls.

Names come from the Service Authorization Reference ("Actions, resources, and condition keys for <service>").
For most services an IAM action has the name of the API operation it authorises, so the operation names of
botocore's service model (shipped with boto3, copied into ``engine/data/iam-actions.json``) are the list, plus
the few actions that have no operation of their own. S3 is the exception: one action often covers several
operations (ListObjectsV2 and HeadBucket are ``s3:ListBucket``; HeadObject is ``s3:GetObject``), so its actions
are listed here, and its operation names point to the action a policy must name. A service reachbot has no list
for is not checked (its answer still judges the action against the policies it sees).
"""

from __future__ import annotations

import difflib
import json
from functools import lru_cache
from pathlib import Path

from engine.errors import QuestionError

# Amazon S3 (prefix s3), object and bucket actions a request to a bucket can need.
_S3_NAMES = """
AbortMultipartUpload BypassGovernanceRetention CreateBucket DeleteBucket DeleteBucketOwnershipControls
DeleteBucketPolicy DeleteBucketWebsite DeleteObject DeleteObjectTagging DeleteObjectVersion
DeleteObjectVersionTagging GetAccelerateConfiguration GetAnalyticsConfiguration GetBucketAcl GetBucketCORS
GetBucketLocation GetBucketLogging GetBucketNotification GetBucketObjectLockConfiguration
GetBucketOwnershipControls GetBucketPolicy GetBucketPolicyStatus GetBucketPublicAccessBlock
GetBucketRequestPayment GetBucketTagging GetBucketVersioning GetBucketWebsite GetEncryptionConfiguration
GetIntelligentTieringConfiguration GetInventoryConfiguration GetLifecycleConfiguration GetMetricsConfiguration
GetObject GetObjectAcl GetObjectAttributes GetObjectLegalHold GetObjectRetention GetObjectTagging
GetObjectTorrent GetObjectVersion GetObjectVersionAcl GetObjectVersionAttributes GetObjectVersionForReplication
GetObjectVersionTagging GetObjectVersionTorrent GetReplicationConfiguration InitiateReplication ListAllMyBuckets
ListBucket ListBucketMultipartUploads ListBucketVersions ListMultipartUploadParts
ObjectOwnerOverrideToBucketOwner PutAccelerateConfiguration PutAnalyticsConfiguration PutBucketAcl
PutBucketCORS PutBucketLogging PutBucketNotification PutBucketObjectLockConfiguration
PutBucketOwnershipControls PutBucketPolicy PutBucketPublicAccessBlock PutBucketRequestPayment PutBucketTagging
PutBucketVersioning PutBucketWebsite PutEncryptionConfiguration PutIntelligentTieringConfiguration
PutInventoryConfiguration PutLifecycleConfiguration PutMetricsConfiguration PutObject PutObjectAcl
PutObjectLegalHold PutObjectRetention PutObjectTagging PutObjectVersionAcl PutObjectVersionTagging
PutReplicationConfiguration ReplicateDelete ReplicateObject ReplicateTags RestoreObject
"""

# S3 API operations whose permission is an action of another name (Amazon S3 API Reference, each operation's
# "Permissions" section).
_S3_OPERATIONS = {
    "ListObjects": "ListBucket", "ListObjectsV2": "ListBucket", "HeadBucket": "ListBucket",
    "ListObjectVersions": "ListBucketVersions", "ListMultipartUploads": "ListBucketMultipartUploads",
    "ListParts": "ListMultipartUploadParts", "ListBuckets": "ListAllMyBuckets", "HeadObject": "GetObject",
    "SelectObjectContent": "GetObject", "CopyObject": "PutObject", "CreateMultipartUpload": "PutObject",
    "UploadPart": "PutObject", "UploadPartCopy": "PutObject", "CompleteMultipartUpload": "PutObject",
    "DeleteObjects": "DeleteObject", "GetBucketCors": "GetBucketCORS", "PutBucketCors": "PutBucketCORS",
    "GetBucketEncryption": "GetEncryptionConfiguration", "PutBucketEncryption": "PutEncryptionConfiguration",
    "GetBucketLifecycleConfiguration": "GetLifecycleConfiguration",
    "PutBucketLifecycleConfiguration": "PutLifecycleConfiguration",
    "GetBucketReplication": "GetReplicationConfiguration", "PutBucketReplication": "PutReplicationConfiguration",
    "GetObjectLockConfiguration": "GetBucketObjectLockConfiguration",
    "PutObjectLockConfiguration": "PutBucketObjectLockConfiguration",
    "GetPublicAccessBlock": "GetBucketPublicAccessBlock", "PutPublicAccessBlock": "PutBucketPublicAccessBlock",
}

# Services whose IAM actions are not in botocore (no public SDK model), from their reference pages.
_LISTED = {
    "ssmmessages": frozenset({"CreateControlChannel", "CreateDataChannel", "OpenControlChannel",
                              "OpenDataChannel"}),
    "ec2messages": frozenset({"AcknowledgeMessage", "DeleteMessage", "FailMessage", "GetEndpoint", "GetMessages",
                              "SendReply"}),
}

# Actions with no API operation of the same name, beside the operation names botocore lists.
_EXTRA = {
    "sts": frozenset({"TagSession", "SetSourceIdentity", "SetContext"}),
    "ecr": frozenset({"BatchImportUpstreamImage", "ReplicateImage"}),
    "logs": frozenset({"Link", "Unmask"}),
}

# The operation names of botocore's models of the other services reached through endpoints, written by
# tests/tools/gen_iam_actions.py (engine/ does not import botocore at run time).
_DATA = Path(__file__).with_name("data") / "iam-actions.json"


def check_action(action: str, service: str | None) -> str:
    """``action`` with the service's own spelling of its name, if it is a real action of ``service``.

    Raises QuestionError naming the closest real actions otherwise. ``service`` None (not an AWS service
    destination, or one reachbot has no list for): only the prefix is normalised.
    """
    prefix, _, name = action.partition(":")
    prefix = prefix.lower()
    known = actions_of(service) if service else None
    if service is None or known is None:
        return f"{prefix}:{name}"
    if prefix != service:
        raise QuestionError(f"{action!r} is not a {service} action, and the destination is reached through "
                            f"{service}: name one of its actions, e.g. {service}:{_example(known)}.", kind="invalid")
    by_lower = {a.lower(): a for a in known}
    if name.lower() in by_lower:
        return f"{prefix}:{by_lower[name.lower()]}"
    # Kind "invalid": raised after the destination was found, so the message shows it exists (QuestionError).
    raise QuestionError(f"{action!r} is not an action of {service}." + _hint(service, name, known, by_lower),
                        [f"{service}:{a}" for a in _close(name, by_lower)], kind="invalid")


def _hint(service: str, name: str, known: frozenset[str], by_lower: dict[str, str]) -> str:
    if service == "s3":
        mapped = {k.lower(): v for k, v in _S3_OPERATIONS.items()}.get(name.lower())
        if mapped:
            return f" {name} is an API operation; a policy allows or refuses it as s3:{mapped}."
    close = _close(name, by_lower)
    if close:
        return " Closest: " + ", ".join(f"{service}:{c}" for c in close) + "."
    return f" For example: {service}:{_example(known)}."


def _close(name: str, by_lower: dict[str, str]) -> list[str]:
    return [by_lower[c] for c in difflib.get_close_matches(name.lower(), list(by_lower), n=3, cutoff=0.6)]


def _example(known: frozenset[str]) -> str:
    for usual in ("GetObject", "Decrypt", "GetSecretValue", "GetParameter", "GetCallerIdentity", "PutLogEvents",
                  "GetAuthorizationToken", "GetItem", "CreateControlChannel", "GetMessages"):
        if usual in known:
            return usual
    return min(known)


@lru_cache(maxsize=16)
def actions_of(service: str) -> frozenset[str] | None:
    """The IAM action names (without the prefix) of ``service``, or None when reachbot has no list for it."""
    if service == "s3":
        return frozenset(_S3_NAMES.split())
    if service in _LISTED:
        return _LISTED[service]
    operations = _operations().get(service)
    return None if operations is None else frozenset(operations) | _EXTRA.get(service, frozenset())


@lru_cache(maxsize=1)
def _operations() -> dict[str, list[str]]:
    data: dict[str, list[str]] = json.loads(_DATA.read_text())
    return data
