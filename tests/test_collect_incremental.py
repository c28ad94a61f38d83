"""Incremental collection (engine/collect/incremental.py) against the emulator: a refresh reuses the user data
of instances that cannot have changed it and reads everything else again.

The rule (EC2 User Guide, "Work with instance user data"): user data can only be modified while the instance
is stopped; starting it again sets a new LaunchTime (EC2 API Reference, Instance: "the time that the instance
was last launched"). So a running instance with the LaunchTime it had when its user data was read keeps that
user data. moto 5.2 does not move LaunchTime when a stopped instance starts, so the emulator tests stop an
instance (its user data is read again) and the LaunchTime rule itself is tested on API-shaped dicts.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from engine.cli.main import main
from engine.collect.cli import write
from engine.collect.collector import Collection, collect
from engine.collect.incremental import PARSER, Previous, load_previous
from engine.errors import CollectionError
from engine.merge import merge_snapshots
from engine.model import Snapshot, UserDataRead
from tests.collect import faults
from tests.collect.emulator import Emulator, Recorder, emulator_fixture  # noqa: F401
from tests.collect.fleet import PROXY, Fleet, seed_fleet, user_data

REGION = "eu-central-1"
READS = "ec2:DescribeInstanceAttribute"
_FLEETS: dict[str, Fleet] = {}


def _fleet(emulator: Emulator, account: str, count: int = 12) -> Fleet:
    if account not in _FLEETS:
        _FLEETS[account] = seed_fleet(emulator.url, account, REGION, count, per_reservation=4)
    return _FLEETS[account]


def _collect(emulator: Emulator, fleet: Fleet, out: Path | None = None, *hooks: object,
             **extra: object) -> tuple[Collection, Recorder]:
    recorder = Recorder()
    options = emulator.options(recorder, *hooks, regions=[REGION], role_arns=[fleet.role_arn], **extra)
    result = collect(options, default_previous=str(out) if out else None)
    if out is not None:
        write(result, str(out), options)
    return result, recorder


def _reused(snap: Snapshot) -> int:
    return sum(r.count for c in snap.coverage for r in c.reused)


def _env(snap: Snapshot) -> dict[str, dict[str, str]]:
    return {i.instance_id: {k: f"{v.value} ({v.source})" for k, v in i.proxy_environment.items()}
            for i in snap.instances}


def test_refresh_of_an_unchanged_fleet_reads_no_user_data_and_gives_the_same_snapshot(
        emulator: Emulator, tmp_path: Path) -> None:
    """Running instances, LaunchTime unchanged: their user data cannot have changed, so the refresh makes no
    DescribeInstanceAttribute call, reuses all 12 reads (stated in the coverage) and maps the same proxies."""
    fleet = _fleet(emulator, "131313131313")
    out = tmp_path / "snap.json"
    first, calls = _collect(emulator, fleet, out)
    assert calls.actions[READS] == 12 and _reused(first.snapshot) == 0
    again, refresh = _collect(emulator, fleet, out)
    assert refresh.actions[READS] == 0 and _reused(again.snapshot) == 12
    assert again.previous.note == "incremental"
    assert _env(again.snapshot) == _env(first.snapshot)
    assert all(v["HTTPS_PROXY"] == f"{PROXY} (user-data)" for v in _env(again.snapshot).values())
    [coverage] = [c for c in again.snapshot.coverage if c.region == REGION]
    [reuse] = coverage.reused
    assert (reuse.operation, reuse.attribute, reuse.count) == ("DescribeInstanceAttribute", "userData", 12)
    assert reuse.oldest_read_at == first.snapshot.taken_at
    assert sum(refresh.actions.values()) < sum(calls.actions.values())
    # A third run still reuses the first reads (chained), each remembering when AWS really answered.
    third, _ = _collect(emulator, fleet, out)
    assert {r.read_at for r in third.snapshot.user_data_reads} == {first.snapshot.taken_at}


def test_a_stopped_instance_has_its_user_data_read_again(emulator: Emulator, tmp_path: Path) -> None:
    """User data can be modified while the instance is stopped: a stopped instance is never reused, so a new
    proxy in its user data is seen at once; the other instances are still reused."""
    fleet = _fleet(emulator, "141414141414")
    out = tmp_path / "snap.json"
    _collect(emulator, fleet, out)
    ec2, changed = fleet.ec2(emulator.url), fleet.instance_ids[0]
    ec2.stop_instances(InstanceIds=[changed])
    # The API takes the user data base64-encoded (EC2 API Reference, ModifyInstanceAttribute, UserData).
    new = base64.b64encode(user_data("http://new-proxy:8080").encode())
    ec2.modify_instance_attribute(InstanceId=changed, UserData={"Value": new})
    again, refresh = _collect(emulator, fleet, out)
    assert refresh.actions[READS] == 1 and _reused(again.snapshot) == 11
    inst = next(i for i in again.snapshot.instances if i.instance_id == changed)
    assert inst.proxy_environment["HTTPS_PROXY"].value == "http://new-proxy:8080"
    assert changed not in {r.instance_id for r in again.snapshot.user_data_reads}  # stopped: nothing to reuse


def test_full_reads_everything_again_and_a_failed_read_is_never_reused(emulator: Emulator, tmp_path: Path) -> None:
    """--full makes every call. A user-data read that failed (a gap) leaves nothing to reuse: the next refresh
    reads exactly that instance, and its answer becomes known."""
    fleet = _fleet(emulator, "151515151515")
    out = tmp_path / "snap.json"
    refused = fleet.instance_ids[3]
    hook = faults.refuse("ec2", "DescribeInstanceAttribute", when=lambda p: p.get("InstanceId") == refused)
    first, _ = _collect(emulator, fleet, out, hook)
    assert any(g.resource == refused for c in first.snapshot.coverage for g in c.gaps)
    again, refresh = _collect(emulator, fleet, out)
    assert refresh.actions[READS] == 1 and not any(c.gaps for c in again.snapshot.coverage)
    full, everything = _collect(emulator, fleet, out, full=True)
    assert everything.actions[READS] == 12 and _reused(full.snapshot) == 0


def _instance(launched: datetime, state: str = "running") -> dict[str, object]:
    return {"InstanceId": "i-0abc", "State": {"Name": state}, "LaunchTime": launched}


def _previous(launched: datetime, parser: str = PARSER) -> Previous:
    read = UserDataRead(instance_id="i-0abc", launch_time=launched, parser=parser, values={"HTTPS_PROXY": PROXY})
    return Previous(reads={"i-0abc": read}, note="incremental")


def test_a_new_launch_time_means_the_instance_was_started_again_so_its_user_data_is_read():
    """Starting a stopped instance sets a new LaunchTime (the only way its user data could have changed);
    pending, stopping and stopped instances are read as well."""
    launched = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    prev = _previous(launched)
    assert prev.user_data(_instance(launched)) is not None
    assert prev.user_data(_instance(launched.isoformat().replace("+00:00", "Z"))) is not None  # saved JSON text
    assert prev.user_data(_instance(launched + timedelta(seconds=1))) is None
    for state in ("pending", "stopping", "stopped"):
        assert prev.user_data(_instance(launched, state)) is None
    assert prev.user_data({"InstanceId": "i-0abc", "State": {"Name": "running"}}) is None  # no LaunchTime


def test_reads_by_another_version_of_the_user_data_reader_are_not_reused(tmp_path: Path):
    """The values kept are what the reader made of the user data: another reader might read it differently."""
    launched = datetime(2026, 1, 2, tzinfo=UTC)
    reads = [UserDataRead(instance_id="i-0abc", launch_time=launched, parser="another", values={}),
             UserDataRead(instance_id="i-0def", launch_time=launched, parser=PARSER, values={})]
    path = tmp_path / "prev.json"
    from engine.snapshot import write_snapshot_atomically

    write_snapshot_atomically(Snapshot(taken_at=launched, user_data_reads=reads), path)
    assert set(load_previous(str(path), required=True).reads) == {"i-0def"}


def test_merging_partial_snapshots_keeps_every_user_data_read():
    """The fan-out writes one part per (account, region); the merged snapshot must still let every part's next
    run be incremental (engine.merge unions the reads by instance id, newest wins)."""
    t1, t2 = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 2, tzinfo=UTC)
    a = Snapshot(taken_at=t1, user_data_reads=[UserDataRead(instance_id="i-1", launch_time=t1, parser=PARSER)])
    b = Snapshot(taken_at=t2, user_data_reads=[UserDataRead(instance_id="i-2", launch_time=t1, parser=PARSER)])
    assert {r.instance_id for r in merge_snapshots([a, b]).user_data_reads} == {"i-1", "i-2"}


def test_a_missing_default_previous_means_a_full_collection_but_a_missing_explicit_one_is_refused(
        emulator: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """No snapshot at --out yet: the first collection is simply full. --previous naming nothing: exit 2 with
    what was wrong and what would work, and nothing written."""
    assert load_previous(str(tmp_path / "none.json"), required=False).note == "full"
    with pytest.raises(CollectionError, match="does not exist"):
        load_previous(str(tmp_path / "none.json"), required=True)
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    assert load_previous(str(bad), required=False).note == "previous-unreadable"
    code = main(["collect", "--endpoint-url", emulator.url, "--region", REGION, "--previous",
                 str(tmp_path / "none.json"), "--out", str(tmp_path / "o.json")])
    err = capsys.readouterr().err
    assert code == 2 and "--previous" in err and "does not exist" in err and "Traceback" not in err
    assert not (tmp_path / "o.json").exists()


def test_collect_cli_says_how_much_it_reused(emulator: Emulator, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """`reachbot collect --out F` twice: the second run reuses the first's user-data reads and says so."""
    fleet = _fleet(emulator, "161616161616", count=5)
    out = str(tmp_path / "snap.json")
    argv = ["collect", "--endpoint-url", emulator.url, "--region", REGION, "--role-arn", fleet.role_arn,
            "--out", out]
    assert main(argv) == 0
    assert "reused" not in capsys.readouterr().err
    assert main(argv) == 0
    assert "user data of 5 instances reused" in capsys.readouterr().err
    assert main([*argv, "--full"]) == 0
    assert "reused" not in capsys.readouterr().err


def test_previous_snapshot_is_read_from_s3_with_the_collectors_endpoint_and_credentials(emulator: Emulator) -> None:
    """The scheduled collector writes s3://…/snapshot.json; the next run reads it back (s3:GetObject, through
    the same --endpoint-url and caller credentials) and reuses its user-data reads."""
    fleet = _fleet(emulator, "222222222222", count=4)
    bucket = "reachbot-incremental-test"
    emulator.client("s3", REGION).create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    location = f"s3://{bucket}/reachbot/snapshot.json"
    options = emulator.options(regions=[REGION], role_arns=[fleet.role_arn])
    write(collect(options), location, options)
    again = collect(emulator.options(regions=[REGION], role_arns=[fleet.role_arn], previous=location))
    assert again.previous.note == "incremental" and _reused(again.snapshot) == 4
