"""The fan-out's Lambda handlers (engine/collect/fanout.py), run in-process against moto's server on 127.0.0.1:
list the (account, region) targets, collect one part to S3, merge the parts into the current snapshot.

AWS behaviour encoded: EC2 DescribeRegions lists the regions enabled for the account (Amazon EC2 API Reference,
DescribeRegions); Organizations ListAccounts lists every account with its State (AWS Organizations API
Reference); a PutObject on a versioned bucket keeps the previous object as a noncurrent version (Amazon S3 User
Guide, "Retaining multiple versions of objects with S3 Versioning").
"""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from engine.collect import fanout
from engine.collect.aws import CALLER
from engine.collect.fanout import FanoutSettings
from engine.errors import CollectionError
from engine.estates import APP_ACCOUNT, NETWORK_ACCOUNT, OSAKA, TOKYO
from engine.snapshot import parse_snapshot
from tests.collect.emulator import Collected, Emulator, collected_fixture, emulator_fixture  # noqa: F401
from tests.collect.faults import refuse

BUCKET = "reachbot-fanout-test"
MEMBER_ROLE = "reachbot/reachbot-collector-read"
NOT_ENABLED = "xx-fake-1"  # a well-formed region name no account has enabled
MANAGEMENT = "555566667777"  # an account of its own for the organisation test


def _settings(emulator: Emulator, prefix: str, **extra: Any) -> FanoutSettings:
    with contextlib.suppress(Exception):  # the bucket is shared by the tests of this module
        s3 = emulator.client("s3")
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": OSAKA})
        s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    values: dict[str, Any] = {
        "snapshot": f"s3://{BUCKET}/{prefix}/snapshot.json", "parts": f"s3://{BUCKET}/{prefix}/parts/",
        "member_role": MEMBER_ROLE, "regions": [OSAKA, TOKYO], "accounts": [NETWORK_ACCOUNT, APP_ACCOUNT],
        "home_region": OSAKA, "endpoint_url": emulator.url,
    }
    values.update(extra)
    return FanoutSettings(**values)


def _env(settings: FanoutSettings) -> dict[str, str]:
    return {"REACHBOT_SNAPSHOT": settings.snapshot, "REACHBOT_PARTS": settings.parts,
            "REACHBOT_MEMBER_ROLE": settings.member_role, "REACHBOT_REGIONS": ",".join(settings.regions),
            "REACHBOT_ACCOUNTS": ",".join(settings.accounts), "AWS_REGION": settings.home_region,
            "AWS_ENDPOINT_URL": settings.endpoint_url or ""}


def _read_json(emulator: Emulator, key: str) -> Any:
    return json.loads(emulator.client("s3").get_object(Bucket=BUCKET, Key=key)["Body"].read())


def _ids(snapshot: Any) -> dict[str, set[str]]:
    return {"vpcs": {v.vpc_id for v in snapshot.vpcs}, "subnets": {s.subnet_id for s in snapshot.subnets},
            "route_tables": {r.route_table_id for r in snapshot.route_tables},
            "instances": {i.instance_id for i in snapshot.instances},
            "endpoints": {e.vpc_endpoint_id for e in snapshot.vpc_endpoints},
            "buckets": {b.name for b in snapshot.buckets}}


def test_targets_are_each_account_times_the_regions_it_has_enabled(emulator: Emulator) -> None:
    """DescribeRegions (through each account's read-only role) lists the enabled regions: a configured region
    the account has not enabled is not collected; the list is written where the distributed Map reads it."""
    settings = _settings(emulator, "targets", regions=[OSAKA, TOKYO, NOT_ENABLED])
    listed = fanout.list_targets(settings)
    targets = _read_json(emulator, listed["key"])
    assert {(t["account"], t["region"]) for t in targets} == {
        (a, r) for a in (NETWORK_ACCOUNT, APP_ACCOUNT) for r in (OSAKA, TOKYO)}
    assert listed["count"] == len(targets) == 4 and listed["bucket"] == BUCKET
    assert datetime.fromisoformat(listed["started"]) <= datetime.now(UTC)


def test_without_configured_accounts_the_organisations_active_accounts_are_listed(
        emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    """Organizations ListAccounts, called from the management account, gives the accounts; with no regions
    configured every region the account has enabled is a target."""
    sts = emulator.client("sts")
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{MANAGEMENT}:role/admin", RoleSessionName="test")["Credentials"]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", creds["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", creds["SecretAccessKey"])
    monkeypatch.setenv("AWS_SESSION_TOKEN", creds["SessionToken"])
    management = boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                               aws_session_token=creds["SessionToken"])
    org = management.client("organizations", region_name="us-east-1", endpoint_url=emulator.url)
    org.create_organization(FeatureSet="ALL")
    member = org.create_account(Email="m@example.com", AccountName="member")["CreateAccountStatus"]["AccountId"]
    settings = _settings(emulator, "organisation", accounts=[], regions=[])
    listed = fanout.list_targets(settings)
    targets = _read_json(emulator, listed["key"])
    assert {t["account"] for t in targets} == {MANAGEMENT, member}
    enabled = {r["RegionName"] for r in emulator.client("ec2").describe_regions()["Regions"]}
    assert {t["region"] for t in targets if t["account"] == member} == enabled


def test_a_part_holds_only_its_account_and_region(emulator: Emulator) -> None:
    """collect_part reads one (account, region) as the member role: the part's regional resources are that
    region's of that account, and its coverage names only that pair (and the account's global services)."""
    settings = _settings(emulator, "one-part")
    result = fanout.collect_part(settings, APP_ACCOUNT, TOKYO)
    part = parse_snapshot(emulator.client("s3").get_object(
        Bucket=BUCKET, Key=f"one-part/parts/{APP_ACCOUNT}/{TOKYO}.json")["Body"].read(), "part")
    assert result["part"] == settings.part(APP_ACCOUNT, TOKYO) and result["api_calls"] > 0
    assert part.vpcs and {(v.owner_id, v.region) for v in part.vpcs} == {(APP_ACCOUNT, TOKYO)}
    assert {(c.account_id, c.region) for c in part.coverage} <= {(APP_ACCOUNT, TOKYO), (APP_ACCOUNT, "global")}


def test_a_parts_second_run_is_incremental_from_its_own_previous_part(emulator: Emulator) -> None:
    """The second run of a (account, region) starts from its own previous part: the user data of instances
    still running since it was read is reused (engine/collect/incremental.py), not read again."""
    settings = _settings(emulator, "incremental-part")
    first = fanout.collect_part(settings, APP_ACCOUNT, TOKYO)
    second = fanout.collect_part(settings, APP_ACCOUNT, TOKYO)
    part = parse_snapshot(emulator.client("s3").get_object(
        Bucket=BUCKET, Key=f"incremental-part/parts/{APP_ACCOUNT}/{TOKYO}.json")["Body"].read(), "part")
    reused = [r for c in part.coverage for r in c.reused if r.attribute == "userData"]
    running = [i for i in part.instances if i.state.name == "running"]
    assert running and reused and sum(r.count for r in reused) == len(running)
    assert second["api_calls"] < first["api_calls"]


def test_merged_parts_hold_what_one_collection_of_everything_holds(emulator: Emulator,
                                                                    collected: Collected) -> None:
    """Listing, one part per (account, region) and the merge, through the Lambda entry points configured by
    the environment, give the same resources as `reachbot collect` over both accounts and regions at once."""
    settings = _settings(emulator, "full")
    with pytest.MonkeyPatch.context() as patch:
        for key, value in _env(settings).items():
            patch.setenv(key, value)
        listed = fanout.handle_list_targets({}, None)
        for target in _read_json(emulator, listed["key"]):
            fanout.handle_collect_part(target, None)
        merged = fanout.handle_merge_parts({"listed": listed}, None)
    assert merged == {"snapshot": settings.snapshot, "parts": 4, "not_collected": 0}
    snapshot = parse_snapshot(emulator.client("s3").get_object(Bucket=BUCKET, Key="full/snapshot.json")[
        "Body"].read(), "merged")
    assert _ids(snapshot) == _ids(collected.result.snapshot)
    assert all(v for v in _ids(snapshot).values())
    assert {a.account_id for a in snapshot.accounts} == {NETWORK_ACCOUNT, APP_ACCOUNT}
    def pairs(snap: Any) -> set[tuple[str, str, bool]]:
        return {(c.account_id, c.region, c.complete) for c in snap.coverage}

    assert pairs(snapshot) == pairs(collected.result.snapshot)
    assert snapshot.regions == collected.result.snapshot.regions == sorted([OSAKA, TOKYO])


def test_a_target_without_a_part_is_a_gap_not_missing_silently(emulator: Emulator) -> None:
    """A listed (account, region) whose collection failed has no part: the merged snapshot records an EC2 gap
    for it (answers crossing that region are unknown), naming the role to check."""
    settings = _settings(emulator, "missing", accounts=[APP_ACCOUNT], regions=[OSAKA, TOKYO])
    fanout.list_targets(settings)
    fanout.collect_part(settings, APP_ACCOUNT, TOKYO)
    result = fanout.merge_parts(settings)
    assert result["parts"] == 1 and result["not_collected"] == 1
    snapshot = parse_snapshot(emulator.client("s3").get_object(Bucket=BUCKET, Key="missing/snapshot.json")[
        "Body"].read(), "merged")
    gaps = {(c.account_id, c.region): c for c in snapshot.coverage if not c.complete}
    gap = gaps[(APP_ACCOUNT, OSAKA)].gaps[0]
    assert (gap.service, gap.error) == ("ec2", "NotCollected")
    assert gap.permission == f"sts:AssumeRole on arn:aws:iam::{APP_ACCOUNT}:role/{MEMBER_ROLE}"
    assert (APP_ACCOUNT, TOKYO) not in gaps


def test_an_account_whose_role_refuses_is_still_listed_then_fails_its_parts_and_becomes_gaps(
        emulator: Emulator) -> None:
    """STS refuses AssumeRole into one account (its role is missing or does not trust the caller): the listing
    keeps the account with the configured regions, its collection fails loudly (the Map retries it), and the
    merge records each of its pairs as not collected instead of leaving the account out unnoticed."""
    refused = refuse("sts", "AssumeRole", via=CALLER, when=lambda params: f"::{APP_ACCOUNT}:" in params["RoleArn"])
    settings = _settings(emulator, "refused", session_hooks=(refused,))
    listed = _read_json(emulator, fanout.list_targets(settings)["key"])
    assert {(t["account"], t["region"]) for t in listed if t["account"] == APP_ACCOUNT} == {
        (APP_ACCOUNT, OSAKA), (APP_ACCOUNT, TOKYO)}
    with pytest.raises(CollectionError, match="could not assume any role"):
        fanout.collect_part(settings, APP_ACCOUNT, OSAKA)
    for region in (OSAKA, TOKYO):
        fanout.collect_part(settings, NETWORK_ACCOUNT, region)
    assert fanout.merge_parts(settings) == {"snapshot": settings.snapshot, "parts": 2, "not_collected": 2}


def test_a_part_older_than_the_scheduled_run_counts_as_not_refreshed(emulator: Emulator) -> None:
    """In a scheduled run every part must be newer than the run's start; an older one (its collection failed
    this time) is replaced by a gap instead of passing stale data off as current."""
    settings = _settings(emulator, "stale", accounts=[APP_ACCOUNT], regions=[TOKYO])
    fanout.list_targets(settings)
    fanout.collect_part(settings, APP_ACCOUNT, TOKYO)
    assert fanout.merge_parts(settings, since=datetime.now(UTC) - timedelta(hours=1))["not_collected"] == 0
    assert fanout.merge_parts(settings, since=datetime.now(UTC) + timedelta(seconds=1))["not_collected"] == 1


def test_each_merge_is_one_put_of_the_current_key_and_history_is_its_versions(emulator: Emulator) -> None:
    """The current snapshot is replaced by one PutObject; on the versioned bucket the previous snapshot stays
    as a noncurrent version (the template's lifecycle rule expires those after the retention)."""
    settings = _settings(emulator, "versions", accounts=[APP_ACCOUNT], regions=[TOKYO])
    fanout.list_targets(settings)
    fanout.collect_part(settings, APP_ACCOUNT, TOKYO)
    fanout.merge_parts(settings)
    fanout.merge_parts(settings)
    versions = emulator.client("s3").list_object_versions(Bucket=BUCKET, Prefix="versions/snapshot.json")
    assert len(versions["Versions"]) == 2


@pytest.mark.parametrize(("name", "value", "says"), [
    ("REACHBOT_PARTS", "s3://bucket/no-trailing-slash", "ending in '/'"),
    ("REACHBOT_SNAPSHOT", "/tmp/snapshot.json", "not an s3:// location"),
    ("REACHBOT_MEMBER_ROLE", "", "path and name"),
    ("REACHBOT_ACCOUNTS", "1234", "12-digit"),
    ("REACHBOT_REGIONS", "Tokyo", "not an AWS region name"),
])
def test_a_misconfigured_function_says_what_is_wrong_and_what_would_work(name: str, value: str, says: str) -> None:
    env = {"REACHBOT_SNAPSHOT": "s3://b/reachbot/snapshot.json", "REACHBOT_PARTS": "s3://b/reachbot/parts/",
           "REACHBOT_MEMBER_ROLE": MEMBER_ROLE, name: value}
    with pytest.raises(CollectionError, match=says):
        FanoutSettings.from_env(env)


def test_a_collect_event_without_account_and_region_is_refused_with_the_expected_shape() -> None:
    with pytest.raises(CollectionError, match='"account": ACCOUNT_ID'):
        fanout.handle_collect_part({"detail": {}}, None)


def test_a_merge_event_with_a_malformed_start_time_is_refused_with_what_was_wrong() -> None:
    with pytest.raises(CollectionError, match="not an ISO 8601 time"):
        fanout.handle_merge_parts({"listed": {"started": "yesterday"}}, None)


def test_merging_before_any_listing_asks_for_the_scheduled_run(emulator: Emulator) -> None:
    with pytest.raises(CollectionError, match="Run the scheduled collection once"):
        fanout.merge_parts(_settings(emulator, "never-listed"))
