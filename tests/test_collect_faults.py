"""Collection under failure: refused calls, a refused region, throttling, a region that does not answer, a role
that cannot be assumed. Each is injected at the AWS API seam with botocore event hooks (tests/collect/faults.py)
against the emulator; what could not be read becomes a gap (service, operation, error, permission, resource),
everything else is still collected, and answers that depend on a gap say ``unknown`` and name the permission.
"""

from __future__ import annotations

import time

import pytest
from botocore.exceptions import EndpointConnectionError, ReadTimeoutError

from engine import Engine
from engine.collect.cli import summary
from engine.collect.collector import collect
from engine.estates import NETWORK_ACCOUNT, OSAKA, TOKYO
from engine.model import Gap, Snapshot
from tests.collect import faults
from tests.collect.emulator import Emulator, collected_fixture, emulator_fixture  # noqa: F401

APP = "444455556666"
APP_ROLE = f"arn:aws:iam::{APP}:role/reachbot-collector"
NET_ROLE = f"arn:aws:iam::{NETWORK_ACCOUNT}:role/reachbot-collector"


def _gaps(snap: Snapshot, account: str, region: str) -> list[Gap]:
    return next((c.gaps for c in snap.coverage if (c.account_id, c.region) == (account, region)), [])


def _complete(snap: Snapshot, account: str, region: str) -> bool:
    return next(c.complete for c in snap.coverage if (c.account_id, c.region) == (account, region))


def _ask(snap: Snapshot, src: str, bucket: str):  # type: ignore[no-untyped-def]
    return Engine(snap, "faulty").ask(f"why can {src} not reach bucket {bucket}", fixes=False)


def test_refused_route_tables_in_one_region_are_a_gap_and_its_answers_unknown(emulator: Emulator) -> None:
    """UnauthorizedOperation on ec2:DescribeRouteTables in Tokyo (app account): a gap naming the permission,
    that region incomplete, the rest collected; Tokyo clients' answers are unknown, Osaka's unchanged."""
    hook = faults.refuse("ec2", "DescribeRouteTables", "UnauthorizedOperation", via=APP_ROLE, region=TOKYO)
    snap = collect(emulator.options(hook)).snapshot
    assert _gaps(snap, APP, TOKYO) == [Gap(service="ec2", operation="DescribeRouteTables",
                                           error="UnauthorizedOperation", permission="ec2:DescribeRouteTables")]
    assert not _complete(snap, APP, TOKYO) and _complete(snap, APP, OSAKA)
    assert not any(t.region == TOKYO and t.owner_id == APP for t in snap.route_tables)
    assert any(i.name == "web-tokyo-a" for i in snap.instances)  # instances were still read
    assert _ask(snap, "batch-tokyo-b", "app-data-tokyo").verdict == "unknown"
    assert _ask(snap, "web-tokyo-a", "app-data-tokyo").verdict == "unknown"
    osaka = _ask(snap, "web-osaka-a", "app-data")
    assert osaka.verdict == "blocked" and osaka.blocked_by is not None
    assert osaka.blocked_by.code == "ENDPOINT_POLICY_DENY"


def test_refused_bucket_policy_is_filed_under_the_buckets_region_and_makes_its_answers_unknown(
        emulator: Emulator) -> None:
    """AccessDenied on s3:GetBucketPolicy for app-data: the gap (service s3, operation GetBucketPolicy,
    resource app-data) is filed under the bucket's account and region, where the engine looks; the bucket is
    still listed; case 4 (direct through the client endpoint) becomes unknown and names s3:GetBucketPolicy."""
    hook = faults.refuse("s3", "GetBucketPolicy", via=APP_ROLE, when=lambda p: p["Bucket"] == "app-data")
    snap = collect(emulator.options(hook)).snapshot
    gap = Gap(service="s3", operation="GetBucketPolicy", error="AccessDenied", permission="s3:GetBucketPolicy",
              resource="app-data")
    assert _gaps(snap, APP, OSAKA) == [gap] and _gaps(snap, APP, "global") == []
    assert next(b for b in snap.buckets if b.name == "app-data").policy is None
    answer = _ask(snap, "batch-osaka-b", "app-data")
    assert answer.verdict == "unknown" and any("s3:GetBucketPolicy" in c for c in answer.caveats)
    assert _ask(snap, "batch-tokyo-b", "app-data-tokyo").verdict == "reachable"


def test_refused_role_policy_is_an_iam_gap_under_global(emulator: Emulator) -> None:
    """AccessDenied on iam:GetRolePolicy in the app account: IAM is global, so the gap is filed under region
    "global"; the app roles' identity policies are unknown, so their answers are; the proxy's role (network
    account) is unaffected."""
    hook = faults.refuse("iam", "GetRolePolicy", via=APP_ROLE)
    snap = collect(emulator.options(hook)).snapshot
    gaps = _gaps(snap, APP, "global")
    assert {(g.service, g.operation, g.permission) for g in gaps} == {("iam", "GetRolePolicy", "iam:GetRolePolicy")}
    assert {g.resource for g in gaps} == {f"arn:aws:iam::{APP}:role/app-batch-role",
                                          f"arn:aws:iam::{APP}:role/app-web-role"}
    answer = _ask(snap, "batch-osaka-b", "app-data")
    assert answer.verdict == "unknown" and any("iam:GetRolePolicy" in c for c in answer.caveats)
    assert _ask(snap, "squid-proxy-osaka", "app-data-tokyo").verdict == "reachable"


def test_a_whole_region_refused_leaves_the_other_regions_complete(emulator: Emulator) -> None:
    """Every EC2 call in Tokyo refused (as an SCP denying the region would): one gap per operation, each
    naming its permission; Osaka and the global services are complete and Osaka's cases answer as before."""
    hooks = [faults.refuse("ec2", op, "UnauthorizedOperation", region=TOKYO)
             for op in ("DescribeVpcs", "DescribeSubnets", "DescribeRouteTables", "DescribeInternetGateways",
                        "DescribeNatGateways", "DescribeVpcPeeringConnections", "DescribeTransitGateways",
                        "DescribeTransitGatewayAttachments", "DescribeTransitGatewayVpcAttachments",
                        "DescribeVpcEndpoints", "DescribeNetworkInterfaces", "DescribeSecurityGroups",
                        "DescribeNetworkAcls", "DescribeInstances", "DescribeTransitGatewayRouteTables",
                        "DescribePrefixLists", "DescribeManagedPrefixLists")]
    snap = collect(emulator.options(*hooks)).snapshot
    for account in (APP, NETWORK_ACCOUNT):
        gaps = _gaps(snap, account, TOKYO)
        assert len(gaps) == 17 and all(g.permission == f"ec2:{g.operation}" for g in gaps)
        assert _complete(snap, account, OSAKA) and _complete(snap, account, "global")
    assert not any(i.region == TOKYO for i in snap.instances)
    assert _ask(snap, "web-osaka-a", "app-data").verdict == "blocked"  # cases 3 and 4: Osaka only
    assert _ask(snap, "batch-osaka-b", "app-data").verdict == "reachable"


@pytest.mark.parametrize("failure", [EndpointConnectionError, ReadTimeoutError])
def test_a_region_that_does_not_answer_is_tried_once_per_service_then_recorded(
        emulator: Emulator, failure: type[Exception]) -> None:
    """Every attempt in Tokyo fails to connect (or times out): botocore retries it (max_attempts), then the
    collector stops calling that service there (each call would wait again) and records every operation it
    could not make as a gap with that error; Osaka is collected completely."""
    hook, attempts = faults.unreachable(TOKYO, failure=failure)
    started = time.monotonic()
    snap = collect(emulator.options(hook, max_attempts=1)).snapshot
    assert time.monotonic() - started < 20
    for account in (APP, NETWORK_ACCOUNT):
        gaps = _gaps(snap, account, TOKYO)
        assert {g.error for g in gaps} == {failure.__name__}
        assert {"DescribeVpcs", "DescribeRouteTables", "DescribeInstances", "GetParametersByPath"} <= \
            {g.operation for g in gaps}
        assert _complete(snap, account, OSAKA)
    # two accounts × two services (ec2, ssm) × 2 attempts (botocore's retries "max_attempts": 1 retry after
    # the first attempt): nothing more was tried
    assert len(attempts) == 2 * 2 * 2
    assert _ask(snap, "batch-osaka-b", "app-data").verdict == "reachable"


def test_throttling_is_retried_by_adaptive_mode_without_a_gap(emulator: Emulator) -> None:
    """ThrottlingException on the first attempt: botocore's adaptive retry mode waits and retries; the call
    succeeds and nothing is missing. (SSM is throttled because it is the region's last call: adaptive mode
    then also slows the client down, which would only make the test slow.)"""
    hook, attempts = faults.throttle("ssm", "GetParametersByPath", times=1)
    snap = collect(emulator.options(hook, regions=[TOKYO], role_arns=[APP_ROLE])).snapshot
    assert attempts[0] == 2  # one throttled attempt, one retry that went through
    assert all(c.complete for c in snap.coverage)
    batch = next(i for i in snap.instances if i.name == "batch-tokyo-b")
    assert batch.proxy_environment["NO_PROXY"].source.startswith("ssm:")


def test_throttling_that_outlasts_the_retries_is_a_gap(emulator: Emulator) -> None:
    """Still throttled after the retries: the call is a gap with the throttling code, the rest is read."""
    hook, attempts = faults.throttle("ssm", "GetParametersByPath", times=100)
    result = collect(emulator.options(hook, regions=[TOKYO], role_arns=[APP_ROLE], max_attempts=1))
    snap = result.snapshot
    assert attempts[0] == 2
    assert "1 gap (ssm:GetParametersByPath in 444455556666/ap-northeast-1: ThrottlingException)" in \
        summary(result, "snap.json")
    assert _gaps(snap, APP, TOKYO) == [Gap(service="ssm", operation="GetParametersByPath", error="ThrottlingException",
                                           permission="ssm:GetParametersByPath")]
    assert snap.vpcs and snap.instances


def test_a_role_that_cannot_be_assumed_is_a_gap_for_its_whole_account(emulator: Emulator) -> None:
    """AccessDenied on sts:AssumeRole for the network account's role: every scope of that account is an
    incomplete gap naming sts:AssumeRole and the role; the app account is collected completely."""
    hook = faults.refuse("sts", "AssumeRole", via="caller credentials",
                         when=lambda p: p["RoleArn"] == NET_ROLE)
    snap = collect(emulator.options(hook)).snapshot
    for region in (OSAKA, TOKYO, "global"):
        assert _gaps(snap, NETWORK_ACCOUNT, region) == [Gap(
            service="sts", operation="AssumeRole", error="AccessDenied", permission="sts:AssumeRole",
            resource=NET_ROLE)]
        assert _complete(snap, APP, region)
    assert not any(v.owner_id == NETWORK_ACCOUNT for v in snap.vpcs)
    assert any(v.owner_id == APP for v in snap.vpcs)


def test_refused_user_data_of_one_instance_is_a_gap_naming_the_instance(emulator: Emulator) -> None:
    """ec2:DescribeInstanceAttribute refused for one instance: a gap with that instance as resource; the other
    instances' user data is still read."""
    target = emulator.estate.ids["web-osaka-a"]
    hook = faults.refuse("ec2", "DescribeInstanceAttribute", "UnauthorizedOperation", via=APP_ROLE,
                         when=lambda p: p["InstanceId"] == target)
    snap = collect(emulator.options(hook, regions=[OSAKA])).snapshot
    assert [(g.operation, g.resource) for g in _gaps(snap, APP, OSAKA)] == [("DescribeInstanceAttribute", target)]
    web = next(i for i in snap.instances if i.instance_id == target)
    batch = next(i for i in snap.instances if i.name == "batch-osaka-b")
    assert not web.proxy_environment and batch.proxy_environment["NO_PROXY"].source == "user-data"


def test_refused_zone_records_are_a_route53_gap_under_global(emulator: Emulator) -> None:
    """AccessDenied on route53:ListResourceRecordSets: Route 53 is global, so the gap (resource: the zone) is
    filed under region "global" of the zone's account; the zone and its VPC associations are still there, and
    without its records no instance can be recognised as the proxy."""
    hook = faults.refuse("route-53", "ListResourceRecordSets", via=NET_ROLE)
    snap = collect(emulator.options(hook)).snapshot
    zone_id = emulator.estate.ids["corp.internal"]
    assert _gaps(snap, NETWORK_ACCOUNT, "global") == [Gap(
        service="route53", operation="ListResourceRecordSets", error="AccessDenied",
        permission="route53:ListResourceRecordSets", resource=zone_id)]
    zone = next(z for z in snap.hosted_zones if z.id == zone_id)
    assert len(zone.vpcs) == 3 and zone.resource_record_sets == []
    assert not any(i.proxy_ports for i in snap.instances)


def test_refused_key_policy_is_a_gap_naming_the_key_and_its_answers_unknown(emulator: Emulator) -> None:
    """AccessDeniedException on kms:GetKeyPolicy in Tokyo (app account): the key is still listed (ListKeys,
    DescribeKey) without a policy, the gap names it, and a question about it is unknown naming the permission:
    without its key policy nothing can say whether the key allows the caller (KMS DG, "Key policies in AWS KMS")."""
    hook = faults.refuse("kms", "GetKeyPolicy", "AccessDeniedException", via=APP_ROLE, region=TOKYO)
    snap = collect(emulator.options(hook)).snapshot
    key = emulator.estate.ids["app-tokyo-key"]
    assert _gaps(snap, APP, TOKYO) == [Gap(service="kms", operation="GetKeyPolicy", error="AccessDeniedException",
                                           permission="kms:GetKeyPolicy", resource=key)]
    assert next(k for k in snap.kms_keys if k.arn == key).policy is None
    answer = Engine(snap, "faulty").ask(f"why can web-tokyo-a not reach {key} for kms:Decrypt", fixes=False)
    assert answer.verdict == "unknown" and any("kms:GetKeyPolicy" in c for c in answer.caveats), answer.caveats
