"""Organisation-wide collection fanned out on AWS Step Functions: the three Lambda handlers.

deploy/sam/statemachine/collect.asl.json runs them (deploy/README.md, "Organisation-wide collection"):

1. ``list_targets``: the accounts (``REACHBOT_ACCOUNTS``, else Organizations ``ListAccounts``) × the regions each
   account has enabled (EC2 ``DescribeRegions`` through the account's read-only role, which lists only the
   regions enabled for the account; Amazon EC2 API Reference, DescribeRegions), limited to
   ``REACHBOT_REGIONS`` when set. The list is written to S3 (``<parts>targets.json``) because a distributed
   Map reads its items from there (ItemReader), and hundreds of accounts × regions outgrow the 256 KiB a
   state may pass on.
2. ``collect_part``: one (account, region) through ``reachbot collect``'s public entry points (``collect`` and
   ``write``), as the member role ``REACHBOT_MEMBER_ROLE``; the part goes to ``<parts><account>/<region>.json``.
   Each part holds the account's global resources too (IAM, S3, Route 53): the merge keeps one copy.
3. ``merge_parts``: every listed target's part, merged (``engine.merge``), written to ``REACHBOT_SNAPSHOT``
   with one PutObject: readers see the old snapshot or the new one, and the versioned bucket keeps history.
   A target without a part, or (in a scheduled run) with a part older than the run, becomes a coverage gap
   of its (account, region), so answers that cross it say ``unknown`` instead of trusting stale data.

A change event re-runs steps 2 and 3 for its own (account, region); parts live at stable keys, so the merge
always joins the latest part of every target.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from engine import model as m
from engine.collect.aws import (
    CALLER,
    AwsSettings,
    CallLog,
    Clients,
    SessionHook,
    check_regions,
    global_region,
    new_session,
)
from engine.collect.aws import partition as partition_of
from engine.collect.cli import write
from engine.collect.collector import CollectOptions, collect
from engine.collect.store import parse_location, read_s3, write_s3
from engine.errors import CollectionError, SnapshotError
from engine.merge import merge_snapshots
from engine.snapshot import dump_snapshot, parse_snapshot

log = logging.getLogger(__name__)

TARGETS = "targets.json"
SESSION_NAME = "reachbot-fanout"
WORKERS = 8  # accounts asked for their regions at once: a bounded pool, well under STS's request rate
_ACCOUNT = re.compile(r"^\d{12}$")
_ROLE_PATH_NAME = re.compile(r"^([\w+=,.@-]+/)*[\w+=,.@-]+$")


@dataclass(frozen=True)
class FanoutSettings:
    """The handlers' configuration, from the function's environment (deploy/sam/template.yaml sets it)."""

    snapshot: str  # s3://bucket/key of the current snapshot
    parts: str  # s3://bucket/prefix/ of the parts and the target list
    member_role: str  # path and name of the read-only role in every account, e.g. reachbot/reachbot-collector-read
    regions: list[str] = field(default_factory=list)  # empty: every region the account has enabled
    accounts: list[str] = field(default_factory=list)  # empty: every active account of the organisation
    home_region: str = "us-east-1"  # where STS and Organizations are called
    endpoint_url: str | None = None
    session_hooks: tuple[SessionHook, ...] = ()

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> FanoutSettings:
        env = os.environ if env is None else env
        settings = cls(
            snapshot=env.get("REACHBOT_SNAPSHOT", ""), parts=env.get("REACHBOT_PARTS", ""),
            member_role=env.get("REACHBOT_MEMBER_ROLE", "").strip("/"),
            regions=_listed(env.get("REACHBOT_REGIONS", "")), accounts=_listed(env.get("REACHBOT_ACCOUNTS", "")),
            home_region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1",
            # boto3's own variable for another endpoint (an emulator); unset on Lambda.
            endpoint_url=env.get("AWS_ENDPOINT_URL") or None,
        )
        settings.check()
        return settings

    def check(self) -> None:
        """Refuse a configuration that cannot work, with what would."""
        try:
            parse_location(self.snapshot)
        except SnapshotError as exc:
            raise CollectionError(f"REACHBOT_SNAPSHOT: {exc}") from None
        if not self.parts.startswith("s3://") or not self.parts.endswith("/"):
            raise CollectionError(f"REACHBOT_PARTS {self.parts!r} must be an s3:// prefix ending in '/' "
                                  "(e.g. s3://BUCKET/reachbot/parts/).")
        if not _ROLE_PATH_NAME.match(self.member_role):
            raise CollectionError(f"REACHBOT_MEMBER_ROLE {self.member_role!r} must be a role's path and name "
                                  "(e.g. reachbot/reachbot-collector-read).")
        bad = [a for a in self.accounts if not _ACCOUNT.match(a)]
        if bad:
            raise CollectionError(f"REACHBOT_ACCOUNTS: {bad[0]!r} is not a 12-digit AWS account id.")
        check_regions(self.regions)

    def role_arn(self, account: str) -> str:
        return f"arn:{partition_of(self.home_region)}:iam::{account}:role/{self.member_role}"

    def part(self, account: str, region: str) -> str:
        return f"{self.parts}{account}/{region}.json"

    def aws(self) -> AwsSettings:
        return AwsSettings(endpoint_url=self.endpoint_url, session_hooks=self.session_hooks)


def _listed(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


# --- 1. list the targets -------------------------------------------------------------------------------------


def list_targets(settings: FanoutSettings) -> dict[str, Any]:
    """Write every (account, region) to collect to ``<parts>targets.json``; return where, how many, and when
    the run started (the merge treats older parts as not refreshed)."""
    started = datetime.now(UTC)
    caller = Clients(new_session(settings.aws(), CallLog(), CALLER), settings.aws())
    accounts = settings.accounts or _organisation_accounts(caller, global_region(settings.home_region))
    with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="regions") as pool:
        regions = list(pool.map(lambda a: _regions_of(caller, settings, a), accounts))
    targets = [{"account": a, "region": r} for a, rs in zip(accounts, regions, strict=True) for r in rs]
    if not targets:
        raise CollectionError(f"nothing to collect: {len(accounts)} accounts, none with one of the regions "
                              f"{settings.regions}. Check the AccountIds and Regions parameters.")
    location = settings.parts + TARGETS
    write_s3(location, json.dumps(targets).encode(), settings.endpoint_url, caller.session)
    bucket, key = parse_location(location)
    return {"bucket": bucket, "key": key, "count": len(targets), "started": started.isoformat()}


def _organisation_accounts(caller: Clients, region: str) -> list[str]:
    """Active accounts (AWS Organizations API Reference, ListAccounts: ``State`` replaces ``Status``)."""
    try:
        pages = caller.get("organizations", region).get_paginator("list_accounts").paginate()
        accounts = [a for page in pages for a in page.get("Accounts", [])]
    except (ClientError, BotoCoreError) as exc:
        raise CollectionError(
            f"cannot list the organisation's accounts ({_error(exc)}). Deploy the stack in the management "
            "account or a delegated administrator account, or set the AccountIds parameter."
        ) from None
    return [str(a["Id"]) for a in accounts if (a.get("State") or a.get("Status") or "ACTIVE").upper() == "ACTIVE"]


def _regions_of(caller: Clients, settings: FanoutSettings, account: str) -> list[str]:
    """The regions to collect in ``account``. When its role cannot be assumed or does not answer, the
    configured regions: their collection then records the failure as a gap instead of dropping the account."""
    try:
        clients = _assume(caller, settings, account)
        answer = clients.get("ec2", settings.home_region).describe_regions()
    except (ClientError, BotoCoreError) as exc:
        log.warning("regions of %s not read (%s); collecting the configured regions", account, _error(exc))
        return list(settings.regions) or [settings.home_region]
    enabled = sorted(r["RegionName"] for r in answer.get("Regions", []))
    return [r for r in enabled if r in settings.regions] if settings.regions else enabled


def _assume(caller: Clients, settings: FanoutSettings, account: str) -> Clients:
    arn = settings.role_arn(account)
    creds = caller.get("sts", settings.home_region).assume_role(RoleArn=arn, RoleSessionName=SESSION_NAME)
    creds = creds["Credentials"]
    session = new_session(settings.aws(), CallLog(), arn, aws_access_key_id=creds["AccessKeyId"],
                          aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"])
    return Clients(session, settings.aws())


# --- 2. collect one part -------------------------------------------------------------------------------------


def collect_part(settings: FanoutSettings, account: str, region: str) -> dict[str, Any]:
    """Collect one (account, region) as the member role and write it to its part; a failure raises, so the
    Map item fails (and is retried) and the merge marks the pair as not collected."""
    if not _ACCOUNT.match(str(account)):
        raise CollectionError(f"account {account!r} is not a 12-digit AWS account id.")
    check_regions([region])
    options = CollectOptions(regions=[region], role_arns=[settings.role_arn(account)],
                             endpoint_url=settings.endpoint_url, session_hooks=settings.session_hooks)
    location = settings.part(account, region)
    # The pair's own previous part makes the run incremental (user data of unchanged instances is reused,
    # engine/collect/incremental.py); the merged organisation snapshot would be far more to load per Lambda.
    result = collect(options, default_previous=location)
    write(result, location, options)
    gaps = sum(len(c.gaps) for c in result.snapshot.coverage)
    return {"part": location, "api_calls": result.api_calls, "gaps": gaps}


# --- 3. merge the parts --------------------------------------------------------------------------------------


def merge_parts(settings: FanoutSettings, since: datetime | None = None) -> dict[str, Any]:
    """Merge the latest part of every listed target into the current snapshot. ``since``: the run's start
    (a scheduled run); a part older than that was not refreshed by this run."""
    session = new_session(settings.aws(), CallLog(), CALLER)
    targets = _read_targets(settings, session)
    with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="parts") as pool:
        parts = list(pool.map(lambda t: _part_or_gap(settings, session, t, since), targets))
    merged = merge_snapshots(parts, source=f"collect (fan-out of {len(targets)} account-regions)")
    write_s3(settings.snapshot, dump_snapshot(merged).encode("utf-8"), settings.endpoint_url, session)
    missing = sum(1 for p in parts if p.source == NOT_COLLECTED)
    return {"snapshot": settings.snapshot, "parts": len(parts) - missing, "not_collected": missing}


def _read_targets(settings: FanoutSettings, session: boto3.Session) -> list[tuple[str, str]]:
    location = settings.parts + TARGETS
    try:
        listed = json.loads(read_s3(location, settings.endpoint_url, session))
        targets = [(str(t["account"]), str(t["region"])) for t in listed]
    except SnapshotError as exc:
        raise CollectionError(f"{exc} Run the scheduled collection once (the state machine without input) "
                              "so the targets are listed.") from None
    except (ValueError, TypeError, KeyError) as exc:
        raise CollectionError(f"{location} is not a list of {{account, region}} objects ({exc}).") from None
    if not targets:
        raise CollectionError(f"{location} lists no (account, region) to merge; check AccountIds and Regions.")
    return targets


NOT_COLLECTED = "collect (not collected)"


def _part_or_gap(settings: FanoutSettings, session: boto3.Session, target: tuple[str, str],
                 since: datetime | None) -> m.Snapshot:
    account, region = target
    location = settings.part(account, region)
    try:
        part = parse_snapshot(read_s3(location, settings.endpoint_url, session), location)
    except SnapshotError as exc:
        log.warning("%s: %s", location, exc)
        return _gap_part(settings, account, region, "NotCollected")
    if since is not None and _aware(part.taken_at) < since:
        return _gap_part(settings, account, region, "NotRefreshed")
    return part


def _gap_part(settings: FanoutSettings, account: str, region: str, error: str) -> m.Snapshot:
    """A part saying nothing of (account, region) was read. An ``ec2`` gap without a resource makes every
    answer whose route crosses the region ``unknown`` (engine/walk/gaps.py); the likeliest cause of a whole
    pair failing is its role, so that is the permission named."""
    gap = m.Gap(service="ec2", operation="collect", error=error,
                permission=f"sts:AssumeRole on {settings.role_arn(account)}")
    return m.Snapshot(taken_at=datetime.now(UTC), source=NOT_COLLECTED, accounts=[m.Account(account_id=account)],
                      regions=[region], coverage=[m.Coverage(account_id=account, region=region, complete=False,
                                                             gaps=[gap])])


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _error(exc: BaseException) -> str:
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code") or "ClientError")
    return type(exc).__name__


# --- Lambda entry points (deploy/sam/template.yaml: ImageConfig.Command) --------------------------------------


def handle_list_targets(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return list_targets(FanoutSettings.from_env())


def handle_collect_part(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """``event``: ``{"account": "123456789012", "region": "eu-west-1"}``, a Map item or a change event's
    fields (the EventBridge rule's input transformer picks them)."""
    if not isinstance(event, dict) or "account" not in event or "region" not in event:
        raise CollectionError(f"expected {{\"account\": ACCOUNT_ID, \"region\": REGION}}, got {event!r:.200}.")
    return collect_part(FanoutSettings.from_env(), str(event["account"]), str(event["region"]))


def handle_merge_parts(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """``event``: the state machine's state; after a scheduled listing it holds ``listed.started``."""
    started = (event.get("listed") or {}).get("started") if isinstance(event, dict) else None
    try:
        since = _aware(datetime.fromisoformat(started)) if started else None
    except (TypeError, ValueError):
        raise CollectionError(f"listed.started {started!r} is not an ISO 8601 time.") from None
    return merge_parts(FanoutSettings.from_env(), since)
