"""Least privilege in deploy/: the read-only member role, the caller, the merge, and the templates that deploy
them, kept identical to the JSON policies and partition-aware.

Rules encoded (IAM User Guide, "IAM JSON policy elements: Resource"; Service Authorization Reference): read
actions are the Describe/Get/List/Search ones; a bucket ARN (``arn:PARTITION:s3:::NAME``) never matches an
object (``…/KEY``); ARNs in other partitions (aws-cn, aws-us-gov) start ``arn:aws-cn:``…, so templates build
them from ``${AWS::Partition}``. EventBridge event patterns are limited to 2,048 characters by default
(Amazon EventBridge quotas).
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from cfnlint.api import lint
from cfnlint.decode.decode import decode

from engine.collect import fanout
from engine.collect.aws import iam_action
from engine.estates import APP_ACCOUNT, OSAKA
from tests.collect.emulator import Emulator, emulator_fixture  # noqa: F401

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
READ_POLICY = DEPLOY / "iam" / "reachbot-collector-policy.json"
CALLER_POLICY = DEPLOY / "iam" / "reachbot-collector-caller-policy.json"
MEMBER_TEMPLATE = DEPLOY / "iam" / "member-role.yaml"
SAM_TEMPLATE = DEPLOY / "sam" / "template.yaml"
READ_VERBS = ("Describe", "Get", "List", "Search")
PATTERN_LIMIT = 2048


def _template(path: Path) -> dict[str, Any]:
    template, errors = decode(str(path))
    assert not errors and template is not None
    return dict(template)


def _statements(policy: Path) -> list[dict[str, Any]]:
    return list(json.loads(policy.read_text())["Statement"])


def _role_statements(template: dict[str, Any], role: str) -> list[dict[str, Any]]:
    (policy,) = template["Resources"][role]["Properties"]["Policies"]
    return list(policy["PolicyDocument"]["Statement"])


def _in_partition(resource: Any, partition: str) -> Any:
    """A template's Resource as it reads once deployed in ``partition`` (only ``${AWS::Partition}`` is filled)."""
    if isinstance(resource, dict) and set(resource) == {"Fn::Sub"}:
        return resource["Fn::Sub"].replace("${AWS::Partition}", partition)
    return resource


def test_member_role_template_is_cfn_lint_clean() -> None:
    assert [str(m) for m in lint(MEMBER_TEMPLATE.read_text())] == []


def test_member_role_grants_exactly_the_read_only_policy_with_partition_aware_arns() -> None:
    """deploy/iam/member-role.yaml carries reachbot-collector-policy.json statement for statement; in the aws
    partition they are identical, and no ARN in the template is written for one partition only."""
    template = _template(MEMBER_TEMPLATE)
    statements = _role_statements(template, "ReadRole")
    rendered = [{**s, "Resource": _in_partition(s["Resource"], "aws")} for s in statements]
    assert rendered == _statements(READ_POLICY)
    assert "arn:aws:" not in MEMBER_TEMPLATE.read_text()


def test_read_only_policy_reads_and_nothing_else() -> None:
    """No write, no sts:AssumeRole, no object of any bucket, no bucket named by a wildcard pattern."""
    for statement in _statements(READ_POLICY):
        for action in statement["Action"]:
            assert action.split(":")[1].startswith(READ_VERBS), f"{action} is not a read"
        resource = statement["Resource"]
        if ":s3:::" in resource:
            assert resource == "arn:aws:s3:::*", "every bucket's policy is read, but no object of any"
    assert "sts:AssumeRole" not in {a for s in _statements(READ_POLICY) for a in s["Action"]}


def test_the_member_role_trusts_only_the_reachbot_caller_role() -> None:
    trust = _template(MEMBER_TEMPLATE)["Resources"]["ReadRole"]["Properties"]["AssumeRolePolicyDocument"]
    (statement,) = trust["Statement"]
    assert statement["Principal"] == {"AWS": {"Ref": "CallerRoleArn"}}
    assert statement["Action"] == "sts:AssumeRole"


def test_caller_policy_assumes_only_the_member_role_path_and_writes_only_the_snapshot_store() -> None:
    by_action = {a: s["Resource"] for s in _statements(CALLER_POLICY) for a in s["Action"]}
    assert by_action["sts:AssumeRole"] == "arn:aws:iam::*:role/reachbot/reachbot-collector-read"
    bucket, _, prefix = by_action["s3:PutObject"].removeprefix("arn:aws:s3:::").partition("/")
    assert "*" not in bucket and prefix == "reachbot/*"


def test_the_stacks_caller_role_is_the_caller_policy_narrowed_to_its_own_bucket() -> None:
    """Same statements and actions as reachbot-collector-caller-policy.json; resources partition-aware, the
    member role path from MemberRoleName, and PutObject only under the stack's own bucket's parts prefix."""
    statements = _role_statements(_template(SAM_TEMPLATE), "CallerRole")
    expected = {s["Sid"]: s["Action"] for s in _statements(CALLER_POLICY)}
    assert {s["Sid"]: s["Action"] for s in statements} == expected
    resources = {s["Sid"]: s["Resource"] for s in statements}
    assert resources["AssumeMemberReadRole"] == {
        "Fn::Sub": "arn:${AWS::Partition}:iam::*:role/reachbot/${MemberRoleName}"}
    assert resources["WriteSnapshotStore"] == {"Fn::Sub": "${SnapshotBucket.Arn}/reachbot/fanout/parts/*"}


def _change_patterns(template: dict[str, Any]) -> list[dict[str, Any]]:
    machine = next(r for r in template["Resources"].values() if r["Type"] == "AWS::Serverless::StateMachine")
    return [e["Properties"]["Pattern"] for e in machine["Properties"]["Events"].values()
            if e["Type"] == "EventBridgeRule"]


def test_member_accounts_forward_exactly_the_changes_the_stack_reacts_to() -> None:
    """The forwarding rules in each member account use the stack's own patterns: nothing the stack reacts to is
    dropped on the way, nothing else is sent; each pattern fits EventBridge's default size limit."""
    central = _change_patterns(_template(SAM_TEMPLATE))
    member = [r["Properties"]["EventPattern"] for r in _template(MEMBER_TEMPLATE)["Resources"].values()
              if r["Type"] == "AWS::Events::Rule"]
    assert sorted(map(json.dumps, member)) == sorted(map(json.dumps, central))
    for pattern in central:
        assert len(json.dumps(pattern, separators=(",", ":"))) <= PATTERN_LIMIT


class _Calls:
    def __init__(self) -> None:
        self.actions: Counter[str] = Counter()
        self._lock = threading.Lock()

    def __call__(self, session: Any, via: str) -> None:
        session.events.register("before-call", self._seen)

    def _seen(self, model: Any, **_: Any) -> None:
        with self._lock:
            self.actions[iam_action(model.service_model.signing_name, model.name)] += 1


@pytest.mark.slow
def test_the_merge_role_allows_exactly_what_the_merge_calls(emulator: Emulator) -> None:
    """MergeRole: read the parts, write the snapshot; s3:ListBucket is granted (not called) so that a missing
    part reads as NoSuchKey rather than AccessDenied (Amazon S3 API Reference, GetObject, "Permissions")."""
    bucket = "reachbot-merge-role"
    emulator.client("s3").create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": OSAKA})
    calls = _Calls()
    settings = fanout.FanoutSettings(
        snapshot=f"s3://{bucket}/reachbot/snapshot.json", parts=f"s3://{bucket}/reachbot/fanout/parts/",
        member_role="reachbot/reachbot-collector-read", regions=[OSAKA], accounts=[APP_ACCOUNT], home_region=OSAKA,
        endpoint_url=emulator.url)
    fanout.list_targets(settings)
    fanout.collect_part(settings, APP_ACCOUNT, OSAKA)
    fanout.merge_parts(fanout.FanoutSettings(**{**settings.__dict__, "session_hooks": (calls,)}))
    granted = {a for s in _role_statements(_template(SAM_TEMPLATE), "MergeRole") for a in s["Action"]}
    assert set(calls.actions) == granted - {"s3:ListBucket"}
