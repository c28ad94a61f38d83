"""One validation pass at load (issue #12): every bad value is exit 2 with its JSON path, never a traceback
later, and broken files are refused fast and without reading them whole into Python objects."""

from __future__ import annotations

import json
from collections.abc import Callable
from ipaddress import ip_address, ip_network
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import Engine, SnapshotError
from engine import model as m
from engine.cli.main import main
from engine.model import Snapshot
from engine.snapshot import MAX_BYTES_ENV, dump_snapshot, load_from, parse_snapshot

Mutation = Callable[[dict[str, Any]], None]


def _data(article: Snapshot) -> dict[str, Any]:
    return json.loads(dump_snapshot(article))  # type: ignore[no-any-return]


def _set(path: str, value: object) -> Mutation:
    def apply(data: dict[str, Any]) -> None:
        keys = [int(k) if k.isdigit() else k for k in path.split(".")]
        node: Any = data
        for k in keys[:-1]:
            node = node[k]
        node[keys[-1]] = value
    return apply


@pytest.mark.parametrize("path, value, says", [
    ("RouteTables.0.Routes.0.DestinationCidrBlock", "10.0.0.0/33", "'10.0.0.0/33' is not a CIDR"),
    ("Vpcs.0.CidrBlock", "10.0.0.0", "is not a CIDR"),
    ("Subnets.1.CidrBlock", "ten/8", "is not a CIDR"),
    ("Instances.0.PrivateIpAddress", "10.0.0.300", "is not an IP address"),
    ("NetworkInterfaces.0.PrivateIpAddress", "::g", "is not an IP address"),
    ("SecurityGroups.0.IpPermissions.0.FromPort", 70000, "less than or equal to 65535"),
    ("Instances.0.ProxyPorts", [0], "greater than or equal to 1"),
    ("Roles.0.Arn", "role/web", "is not a role ARN"),
    ("InstanceProfiles.0.Arn", "not-an-arn", "is not an ARN"),
])
def test_bad_values_are_refused_at_load_with_their_json_path(
        article: Snapshot, path: str, value: object, says: str) -> None:
    """describe_* shapes: CIDRs, IPs, ports (1-65535; -1 means all in a security group rule) and ARNs
    (IAM user guide, "IAM ARNs") are parsed once at load."""
    data = _data(article)
    _set(path, value)(data)
    with pytest.raises(SnapshotError) as err:
        parse_snapshot(json.dumps(data), "snap.json")
    shown = path.split(".")
    where = shown[0] + "".join(f"[{p}]" if p.isdigit() else f".{p}" for p in shown[1:])
    if isinstance(value, list):
        where += "[0]"
    assert f"at {where}: " in str(err.value) and says in str(err.value)


def test_a_duplicate_bucket_is_refused_naming_both_places(article: Snapshot) -> None:
    """A bucket name is global: two entries cannot both be it (issue #12: the copy without its policy turned
    a blocked answer into reachable)."""
    data = _data(article)
    i = next(n for n, b in enumerate(data["Buckets"]) if b["Name"] == "app-data")
    copy = {k: v for k, v in data["Buckets"][i].items() if k != "Policy"}
    data["Buckets"].append(copy)
    with pytest.raises(SnapshotError, match=rf"Buckets\[{i}\] and Buckets\[{len(data['Buckets']) - 1}\] are both "
                                            r"bucket app-data"):
        parse_snapshot(json.dumps(data), "snap.json")


def test_duplicates_are_found_by_aws_identity_for_every_kind(article: Snapshot) -> None:
    """engine/resources.py: the identity of each kind (an id, or (prefix list id, region))."""
    for field in ("Vpcs", "RouteTables", "Instances", "SecurityGroups", "Roles", "PrefixLists"):
        data = _data(article)
        if not data.get(field):
            continue
        data[field].append(data[field][0])
        with pytest.raises(SnapshotError, match=rf"{field}\[0\] and {field}\[\d+\] are both"):
            parse_snapshot(json.dumps(data), "snap.json")


def test_proxy_credentials_are_masked_at_load_however_they_are_written(article: Snapshot) -> None:
    """RFC 3986 userinfo: raw '/', '#', '@' and ':' in a password are masked, and the proxy still works."""
    data = _data(article)
    inst = next(i for i in data["Instances"] if i.get("ProxyEnvironment", {}).get("HTTPS_PROXY"))
    value = inst["ProxyEnvironment"]["HTTPS_PROXY"]["Value"]
    inst["ProxyEnvironment"]["HTTPS_PROXY"]["Value"] = value.replace("://", "://ops:p/a#s:s@w0rd-XYZ@", 1)
    snap = parse_snapshot(json.dumps(data), "snap.json")
    assert "w0rd-XYZ" not in dump_snapshot(snap)
    name = next(t["Value"] for t in inst["Tags"] if t["Key"] == "Name")
    answer = Engine(snap, "snap.json").ask(f"{name} -> app-data", fixes=False)
    assert "w0rd-XYZ" not in json.dumps(answer.to_json_dict())
    assert not any(h.kind == "dns" and h.id == "ops" for h in answer.hops)


@pytest.mark.parametrize("text, says", [
    (b'{"TakenAt": "2026-01-01T00:00:00Z", "Source": ' + b"[" * 5000 + b"]" * 5000 + b"}", "nested deeper"),
    (b'{"TakenAt": "2026-01-01T00:00:00Z", "Source": "caf\xe9"}', "byte 0xe9 at byte offset 50"),
    (b'{"TakenAt": "2026-01-01T00:00:00Z", "Vpcs": [{"VpcId"', "without closing its top-level object"),
    (b"[]", "does not start with '{'"),
    (b"   ", "empty"),
])
def test_broken_files_are_refused_without_a_traceback(text: bytes, says: str) -> None:
    """pydantic-core's parser refuses deep nesting and invalid UTF-8; a truncated file fails on its framing."""
    with pytest.raises(SnapshotError, match=says):
        parse_snapshot(text, "snap.json")


def test_a_deeply_nested_policy_document_is_a_snapshot_error(article: Snapshot) -> None:
    """A policy is a few levels deep; a RecursionError from json never escapes."""
    data = _data(article)
    data["Buckets"][0]["Policy"] = "[" * 100000 + "]" * 100000
    eng = Engine(parse_snapshot(json.dumps(data), "snap.json"), "snap.json")
    with pytest.raises(SnapshotError, match="nested too deeply"):
        eng.ask(f"web-tokyo-a -> {data['Buckets'][0]['Name']}", fixes=False)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """REACHBOT_MAX_SNAPSHOT_BYTES bounds the file; the check is on its size, before reading."""
    big = tmp_path / "big.json"
    with big.open("wb") as fh:
        fh.truncate(2_000_000)  # sparse: reading it would cost time and memory the check must not spend
    monkeypatch.setenv(MAX_BYTES_ENV, "1000000")
    with pytest.raises(SnapshotError, match="2,000,000 bytes, more than the 1,000,000"):
        load_from(str(big))
    monkeypatch.setenv(MAX_BYTES_ENV, "lots")
    assert main(["ask", "a -> b", "--snapshot", str(big)]) == 2
    assert "is not a number of bytes" in capsys.readouterr().err


@pytest.mark.parametrize("mutate", [
    _set("RouteTables.0.Routes.0.DestinationCidrBlock", "10.0.0.0/33"),
    _set("Instances.0.PublicIpAddress", "1.2.3"),
])
def test_the_cli_exits_2_with_the_path(tmp_path: Path, article: Snapshot, capsys: pytest.CaptureFixture[str],
                                       mutate: Mutation) -> None:
    data = _data(article)
    mutate(data)
    path = tmp_path / "snap.json"
    path.write_text(json.dumps(data))
    assert main(["ask", "web-osaka-a -> app-data", "--snapshot", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and ("RouteTables[0]" in err or "Instances[0]" in err)


def test_a_truncated_file_is_refused_from_its_last_bytes_with_where_it_stops(
        tmp_path: Path, article: Snapshot) -> None:
    """The end is read, not the whole file (issue #12: 63 s and 8 GB for a truncated 200 MB snapshot)."""
    text = dump_snapshot(article)
    path = tmp_path / "cut.json"
    path.write_text(text[:5000] + "\n  \"Vp")
    with pytest.raises(SnapshotError, match=r"ends at line 2, column 6 without closing its top-level object"):
        load_from(str(path))


def test_an_a_record_that_is_not_an_address_is_refused_at_load(article: Snapshot) -> None:
    """Route 53: an A record's values are IPv4 addresses; the resolver must never hand on anything else."""
    data = _data(article)
    zone = next(z for z in data["HostedZones"] if any(r["Type"] == "A" for r in z["ResourceRecordSets"]))
    record = next(r for r in zone["ResourceRecordSets"] if r["Type"] == "A")
    record["ResourceRecords"][0]["Value"] = "proxy.corp.internal"
    with pytest.raises(SnapshotError, match="is not an IP address"):
        parse_snapshot(json.dumps(data), "snap.json")


def test_two_routes_to_one_destination_in_a_table_are_refused(article: Snapshot) -> None:
    """EC2 CreateRoute answers RouteAlreadyExists; only a propagated route may tie with a static one."""
    data = _data(article)
    table = next(i for i, t in enumerate(data["RouteTables"]) if len(t["Routes"]) > 1)
    routes = data["RouteTables"][table]["Routes"]
    routes.append(dict(routes[-1]))
    with pytest.raises(SnapshotError, match=rf"at RouteTables\[{table}\]: Routes\[{len(routes) - 2}\] and "
                                            rf"Routes\[{len(routes) - 1}\] both route"):
        parse_snapshot(json.dumps(data), "snap.json")
    routes[-1]["Origin"] = "EnableVgwRoutePropagation"
    parse_snapshot(json.dumps(data), "snap.json")


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet="0123456789./:a١ \n", max_size=22))
def test_the_ipv4_fast_path_accepts_exactly_what_ipaddress_accepts(text: str) -> None:
    """engine.model matches dotted quads with a regex before asking ipaddress; the verdict must not change."""
    for fast, slow in ((m._IPV4, lambda t: ip_address(t)), (m._IPV4_CIDR, lambda t: ip_network(t, strict=False))):
        if fast.fullmatch(text):
            slow(text)  # raises if ipaddress would refuse what the regex let through


def test_the_ipv4_fast_path_covers_the_usual_spellings() -> None:
    for good in ("0.0.0.0", "10.0.0.1", "255.255.255.255", "192.168.1.10"):
        assert m._IPV4.fullmatch(good) and m._IPV4_CIDR.fullmatch(good + "/32") and m._IPV4_CIDR.fullmatch(good + "/0")
    for bad in ("010.0.0.1", "256.0.0.1", "1.2.3", "1.2.3.4/33", "1.2.3.4/", "١.2.3.4", "1.2.3.4 "):
        assert not m._IPV4.fullmatch(bad) and not m._IPV4_CIDR.fullmatch(bad)
