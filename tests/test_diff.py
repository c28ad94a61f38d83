"""``reachbot diff``: changes by AWS identity, and the change on the route that broke a flow (issue #13).

The "before" states are the bundled article estate with one reverse change applied, the way an operator's
snapshot of yesterday differs from today's: a NO_PROXY value, an endpoint policy statement, a route.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from engine import Engine
from engine.changes import snapshot_changes
from engine.cli.main import main
from engine.diff import common_flows, diff_snapshots
from engine.diff_render import render_diff
from engine.estates.article import WITH_S3_EXCLUSION
from engine.model import Instance, Route, RouteTable, Snapshot, Tag, Vpc, VpcEndpoint
from engine.snapshot import write_snapshot_atomically

CASE_3 = "can web-osaka-a reach bucket app-data"
ALLOW_APP_DATA = "arn:aws:s3:::app-data/*"


Edit = Callable[[Snapshot], Snapshot]


def _edit(snap: Snapshot, *edits: Edit) -> Snapshot:
    for edit in edits:
        snap = edit(snap)
    return snap


def _replace(snap: Snapshot, field: str, pick: Callable[[Any], bool], change: Callable[[Any], Any]) -> Snapshot:
    """``snap`` with the one ``field`` item ``pick`` selects replaced by ``change(item)`` (models are frozen)."""
    items = getattr(snap, field)
    assert sum(map(pick, items)) == 1
    return snap.model_copy(update={field: [change(i) if pick(i) else i for i in items]})


def _instance(snap: Snapshot, name: str) -> Instance:
    return next(i for i in snap.instances if i.name == name)


def _no_proxy_excludes_s3(snap: Snapshot) -> Snapshot:
    def edit(web: Instance) -> Instance:
        env = dict(web.proxy_environment)
        env["NO_PROXY"] = env["NO_PROXY"].model_copy(update={"value": WITH_S3_EXCLUSION})
        return web.model_copy(update={"proxy_environment": env})

    return _replace(snap, "instances", lambda i: i.name == "web-osaka-a", edit)


def _proxy_endpoint_allows_app_data(snap: Snapshot) -> Snapshot:
    def edit(vpce: VpcEndpoint) -> VpcEndpoint:
        doc = json.loads(vpce.policy_document or "{}")
        doc["Statement"][0]["Resource"].append(ALLOW_APP_DATA)
        return vpce.model_copy(update={"policy_document": json.dumps(doc)})

    return _replace(snap, "vpc_endpoints", lambda e: bool(e.policy_document), edit)


def _extra_route(snap: Snapshot) -> Snapshot:
    def edit(rtb: RouteTable) -> RouteTable:
        pcx = next(r.vpc_peering_connection_id for r in rtb.routes if r.vpc_peering_connection_id)
        extra = Route(destination_cidr_block="192.168.0.0/16", vpc_peering_connection_id=pcx)
        return rtb.model_copy(update={"routes": [*rtb.routes, extra]})

    return _replace(snap, "route_tables", lambda r: r.name == "app-osaka-private-rt", edit)


def test_identical_snapshots_have_no_changes(article: Snapshot) -> None:
    assert snapshot_changes(article, article.model_copy(deep=True)) == []


def test_one_route_one_statement_one_no_proxy_value_are_exactly_the_three_changes(article: Snapshot) -> None:
    """A route is known by its route table and destination (the key of EC2 CreateRoute/DeleteRoute), a policy
    statement by its policy and Sid, a proxy variable by its instance and name: three edits, three changes."""
    other = _edit(article, _no_proxy_excludes_s3, _proxy_endpoint_allows_app_data, _extra_route)
    changes = snapshot_changes(article, other)
    rtb = next(r.route_table_id for r in article.route_tables if r.name == "app-osaka-private-rt")
    vpce = next(e.vpc_endpoint_id for e in article.vpc_endpoints if e.policy_document)
    web = _instance(article, "web-osaka-a").instance_id
    assert {c.id: c.kind for c in changes} == {
        f"route:{rtb}:192.168.0.0/16": "route",
        f"endpoint-policy:{vpce}:AllowOnlySharedServicesBuckets": "endpoint-policy",
        f"proxy-setting:{web}:NO_PROXY": "proxy-setting",
    }
    by_kind = {c.kind: c for c in changes}
    assert by_kind["route"].before is None and by_kind["route"].after["destination_cidr_block"] == "192.168.0.0/16"
    statement = by_kind["endpoint-policy"]
    assert ALLOW_APP_DATA not in statement.before["Resource"] and ALLOW_APP_DATA in statement.after["Resource"]
    assert by_kind["proxy-setting"].after == WITH_S3_EXCLUSION
    assert {(c.account, c.region) for c in changes} == {("444455556666", "ap-northeast-3"),
                                                         ("111122223333", "ap-northeast-3")}


def test_a_tag_rename_is_a_change_of_that_resource_not_a_removal_and_an_addition(article: Snapshot) -> None:
    first = article.vpcs[0].vpc_id

    def rename(vpc: Vpc) -> Vpc:
        return vpc.model_copy(update={"tags": [Tag(key="Name", value="renamed")]})

    (change,) = snapshot_changes(article, _replace(article, "vpcs", lambda v: v.vpc_id == first, rename))
    assert (change.id, change.kind) == (f"vpc:{first}", "vpc")
    assert change.before == {"tags": [{"key": "Name", "value": article.vpcs[0].name}]}
    assert change.after == {"tags": [{"key": "Name", "value": "renamed"}]}


def test_case_3_the_no_proxy_change_that_sent_it_through_the_proxy_explains_the_flip(article: Snapshot) -> None:
    """Case 3 worked while NO_PROXY excluded S3 (the client-side endpoint, case 4's path); losing the exclusion
    bends it into the proxy-side endpoint, whose policy refuses app-data. The diff names that change first."""
    worked = _edit(article, _no_proxy_excludes_s3)
    found = diff_snapshots(Engine(worked, "worked"), Engine(article, "now"), [CASE_3])
    (answer,) = found.answers
    web = _instance(article, "web-osaka-a").instance_id
    assert (answer.before, answer.after, answer.flipped) == ("reachable", "blocked", True)
    assert answer.explained_by == [f"proxy-setting:{web}:NO_PROXY"] == answer.alone
    assert answer.blocked_by == (None, "ENDPOINT_POLICY_DENY")


def test_the_change_that_flips_it_alone_comes_before_one_at_the_refusing_endpoint(article: Snapshot) -> None:
    """Both the NO_PROXY value and the proxy-side endpoint's statement changed and both lie on the route (the
    blocked trace ends at that endpoint); only the NO_PROXY change flips case 3 on its own, so it comes first.
    An unrelated route in a table on the route is not on the route: that route is chosen by neither trace."""
    worked = _edit(article, _no_proxy_excludes_s3, _proxy_endpoint_allows_app_data, _extra_route)
    (answer,) = diff_snapshots(Engine(worked, "worked"), Engine(article, "now"), [CASE_3]).answers
    web = _instance(article, "web-osaka-a").instance_id
    vpce = next(e.vpc_endpoint_id for e in article.vpc_endpoints if e.policy_document)
    assert answer.flipped
    assert answer.explained_by == [f"proxy-setting:{web}:NO_PROXY",
                                   f"endpoint-policy:{vpce}:AllowOnlySharedServicesBuckets"]
    assert answer.alone == [f"proxy-setting:{web}:NO_PROXY"]
    assert not any(i.startswith("route:") for i in answer.on_route)


def test_a_change_off_the_route_explains_nothing(article: Snapshot) -> None:
    """web-tokyo-a's flows never meet web-osaka-a's NO_PROXY: no flip, nothing on their route."""
    worked = _edit(article, _no_proxy_excludes_s3)
    (answer,) = diff_snapshots(Engine(worked), Engine(article), ["can web-tokyo-a reach bucket app-data"]).answers
    assert not answer.flipped and answer.explained_by == [] and answer.on_route == []


def test_without_questions_the_common_flows_that_flipped_are_listed(article: Snapshot) -> None:
    """Every kind of client (subnet, proxy settings, groups, role) to every bucket; only flips are shown."""
    worked = _edit(article, _no_proxy_excludes_s3)
    found = diff_snapshots(Engine(worked), Engine(article))
    flows = common_flows(worked, article)
    assert found.sampled and found.sampled_flows == len(flows) == 15
    assert {a.question for a in found.answers} == {CASE_3, "can web-osaka-a reach bucket app-data-tokyo"}
    assert all(a.flipped and a.explained_by for a in found.answers)


def test_text_names_the_flip_and_the_before_and_after_of_the_change(article: Snapshot) -> None:
    worked = _edit(article, _no_proxy_excludes_s3)
    text = render_diff(diff_snapshots(Engine(worked, "worked.json"), Engine(article, "now.json"), [CASE_3]))
    assert "REACHABLE → BLOCKED (ENDPOINT_POLICY_DENY)" in text
    assert f"before: {WITH_S3_EXCLUSION}" in text and "flips it on its own" in text


def _write(tmp: Path, name: str, snap: Snapshot) -> str:
    path = tmp / name
    write_snapshot_atomically(snap, path)
    return str(path)


def test_cli_json_contract(article: Snapshot, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """docs/diff.md: {"changes": [{id, kind, account, region, before, after}], "answers": [{question, before,
    after, flipped, explained_by}]}; an answer's before/after are its verdicts."""
    old = _write(tmp_path, "old.json", _edit(article, _no_proxy_excludes_s3))
    new = _write(tmp_path, "new.json", article)
    assert main(["diff", old, new, CASE_3, "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert {"id", "kind", "account", "region", "before", "after"} <= set(got["changes"][0])
    (answer,) = got["answers"]
    assert {k: answer[k] for k in ("question", "before", "after", "flipped")} == {
        "question": CASE_3, "before": "reachable", "after": "blocked", "flipped": True}
    assert answer["explained_by"] == [got["changes"][0]["id"]]


@pytest.mark.parametrize(("argv", "message"), [
    (["diff", "no-such-file.json", "bundled"], "neither a snapshot file"),
    (["diff", "bundled", "bundled", "can nobody reach bucket nothing"], "nobody"),
    (["diff", "yesterday", "bundled", "--snapshot", "bundled"], "bundled article estate has no history"),
])
def test_bad_diff_input_is_exit_2_with_a_message(argv: list[str], message: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_times_pick_from_the_history_beside_the_snapshot(article: Snapshot, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """`reachbot diff 2026-11-01T08:00 now --snapshot FILE`: OLD and NEW are the newest kept runs at or before
    each time, from history/ beside FILE."""
    worked = _edit(article, _no_proxy_excludes_s3)
    worked = worked.model_copy(update={"taken_at": article.taken_at - timedelta(hours=2)})
    _write(tmp_path / "history", "20261101T070000Z.json", worked)
    _write(tmp_path / "history", "20261101T090000Z.json", article)
    current = _write(tmp_path, "snapshot.json", article)
    assert main(["diff", "2026-11-01T08:00", "now", CASE_3, "--snapshot", current, "--json"]) == 0
    (answer,) = json.loads(capsys.readouterr().out)["answers"]
    assert answer["flipped"] and answer["before"] == "reachable"


def test_the_readme_example_snapshot_is_the_bundled_estate_a_day_earlier_with_one_change(article: Snapshot) -> None:
    """docs/examples/history/20261031T090000Z.json: what README's diff examples compare with the bundled estate."""
    from engine.snapshot import load_from

    root = Path(__file__).resolve().parents[1]
    yesterday = load_from(str(root / "docs" / "examples" / "history" / "20261031T090000Z.json")).snapshot
    assert article.taken_at - yesterday.taken_at == timedelta(days=1)
    assert [c.id for c in snapshot_changes(yesterday, article)] == [
        f"proxy-setting:{_instance(article, 'web-osaka-a').instance_id}:NO_PROXY"]


def test_a_small_sample_of_common_flows_holds_same_region_and_cross_region_flows(article: Snapshot) -> None:
    """With fewer flows than client × bucket pairs, each client's first flows alternate between a bucket of its
    own region and one of another region, so a sample of a large estate still crosses regions."""
    region = {i.name: i.region for i in article.instances} | {b.name: b.region for b in article.buckets}
    flows = common_flows(article, article, limit=5)
    pairs = [f.removeprefix("can ").split(" reach bucket ") for f in flows]
    assert len(flows) == 5 and len({src for src, _ in pairs}) == 5
    assert {region[src] == region[bucket] for src, bucket in pairs} == {True, False}


def test_a_japanese_question_gets_the_diff_in_japanese(capsys: pytest.CaptureFixture[str]) -> None:
    """The diff's sentences come from the catalog of the question's language; ids, codes and values stay."""
    yesterday = str(Path(__file__).resolve().parent.parent / "docs" / "examples" / "history" / "20261031T090000Z.json")
    assert main(["diff", yesterday, "bundled", "web-osaka-a から app-data バケットに届かないのはなぜ"]) == 0
    out = capsys.readouterr().out
    assert "判定が変わりました" in out and "ENDPOINT_POLICY_DENY" in out
    assert "proxy-setting:i-06cab0e2d94bbebcb:NO_PROXY" in out and "flipped" not in out
