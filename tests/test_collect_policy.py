"""Least privilege, split in two: deploy/iam/reachbot-collector-policy.json (the read-only role in every
collected account) and deploy/iam/reachbot-collector-caller-policy.json (who assumes it and writes the
snapshot) name exactly the actions collect and the fan-out's handlers really call, each on its own side.

The operations are recorded with botocore's ``before-call`` event on every session collect creates (the
caller's and each assumed role's), during a full collection of the emulator estate (--role-arn, written to the
s3:// store), an organisation-mode collection (organizations:ListAccounts) and the fan-out's listing and
collection of one part. IAM action names follow the Service Authorization Reference: ``s3:ListBuckets`` is
allowed by ``s3:ListAllMyBuckets``.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import boto3
import pytest

from engine.collect import fanout
from engine.collect.aws import CALLER, iam_action
from engine.collect.collector import collect
from engine.collect.crawl import DirSource, crawl_region
from engine.collect.raw import GLOBAL, RawScope, scan_directory
from engine.estates import APP_ACCOUNT, OSAKA
from tests.collect.emulator import Collected, Emulator, Recorder, collected_fixture, emulator_fixture  # noqa: F401
from tests.collect.recorded import with_inspection, with_resolver

IAM = Path(__file__).resolve().parents[1] / "deploy" / "iam"
READ_POLICY = IAM / "reachbot-collector-policy.json"
CALLER_POLICY = IAM / "reachbot-collector-caller-policy.json"
SPLIT_BUCKET = "reachbot-policy-split"
ORG_MANAGEMENT = "777788889999"  # the management account of an organisation of its own, collected through its role


def _policy_actions(policy: Path) -> set[str]:
    doc = json.loads(policy.read_text())
    assert doc["Version"] == "2012-10-17"
    actions: set[str] = set()
    for statement in doc["Statement"]:
        assert statement["Effect"] == "Allow" and "NotAction" not in statement
        listed = statement["Action"]
        actions |= {listed} if isinstance(listed, str) else set(listed)
    assert not any("*" in a for a in actions), "no wildcards: name each action"
    return actions


def _organisation_collection(emulator: Emulator) -> Recorder:
    """The caller's account becomes an organisation's management account with one member account."""
    org = boto3.client("organizations", region_name="us-east-1", endpoint_url=emulator.url)
    with contextlib.suppress(org.exceptions.AlreadyInOrganizationException):
        org.create_organization(FeatureSet="ALL")
    org.create_account(Email="member@example.com", AccountName="member")
    recorder = Recorder()
    result = collect(emulator.options(recorder, regions=["eu-west-2"], role_arns=None, org_role="reachbot-collector"))
    members = {a["Id"] for a in org.list_accounts()["Accounts"]}
    assert {a.account_id for a in result.snapshot.accounts} == members
    return recorder


class _Noting:
    """A crawl Source over a saved directory that notes the IAM action of every call the crawl asks for."""

    def __init__(self, inner: DirSource) -> None:
        self.inner, self.actions = inner, set[str]()

    def fetch(self, service: str, operation: str, **kw: Any) -> dict[str, Any] | None:
        self.actions.add(iam_action(service, operation))
        return self.inner.fetch(service, operation, **kw)


def _recorded_actions(emulator: Emulator, collected: Collected, tmp: Path) -> set[str]:
    """The calls the region crawl makes on a saved estate holding what moto cannot serve (tests/collect/recorded)."""
    raw = with_resolver(with_inspection(collected.raw_dir, tmp / "raw", emulator.estate.ids, [".amazonaws.com"]),
                        emulator.estate.ids, ["blocked.example.com"])
    noted: set[str] = set()
    for saved in scan_directory(raw, None):
        if saved.region != GLOBAL:
            source = _Noting(DirSource(saved, RawScope(saved.account, saved.region)))
            crawl_region(source, "/reachbot/proxy")
            noted |= source.actions
    return noted


class _BySide:
    """The operations made, by side: the caller's own credentials, or an assumed (member) role."""

    def __init__(self) -> None:
        self.caller: Counter[str] = Counter()
        self.role: Counter[str] = Counter()
        self._lock = threading.Lock()

    def __call__(self, session: boto3.Session, via: str) -> None:
        side = self.caller if via == CALLER else self.role
        session.events.register("before-call", lambda model, **_: self._seen(side, model))

    def _seen(self, side: Counter[str], model: Any) -> None:
        with self._lock:
            side[iam_action(model.service_model.signing_name, model.name)] += 1


@pytest.fixture(scope="module", name="sides")
def sides_fixture(emulator: Emulator) -> _BySide:
    """A --role-arn collection, and the fan-out listing the targets and collecting one part, recorded by side."""
    sides = _BySide()
    collect(emulator.options(sides))
    emulator.client("s3").create_bucket(Bucket=SPLIT_BUCKET, CreateBucketConfiguration={"LocationConstraint": OSAKA})
    management = _organisation_of_its_own(emulator)
    settings = fanout.FanoutSettings(
        snapshot=f"s3://{SPLIT_BUCKET}/reachbot/snapshot.json", parts=f"s3://{SPLIT_BUCKET}/reachbot/fanout/parts/",
        member_role="reachbot/reachbot-collector-read", regions=[OSAKA], accounts=[APP_ACCOUNT, ORG_MANAGEMENT],
        home_region=OSAKA, endpoint_url=emulator.url, session_hooks=(sides,))
    fanout.list_targets(settings)
    for account in settings.accounts:
        fanout.collect_part(settings, account, OSAKA)
    with pytest.MonkeyPatch.context() as patch:  # the organisation's accounts, listed from its management account
        for name, value in management.items():
            patch.setenv(name, value)
        fanout.list_targets(replace(settings, accounts=[]))
    return sides


def _organisation_of_its_own(emulator: Emulator) -> dict[str, str]:
    """ORG_MANAGEMENT manages an organisation, so its role reads the organisation's accounts and policies;
    returned: the environment of credentials of that account."""
    sts = emulator.client("sts")
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{ORG_MANAGEMENT}:role/admin", RoleSessionName="seed")["Credentials"]
    session = boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                            aws_session_token=creds["SessionToken"])
    org = session.client("organizations", region_name="us-east-1", endpoint_url=emulator.url)
    with contextlib.suppress(org.exceptions.AlreadyInOrganizationException):
        org.create_organization(FeatureSet="ALL")
    return {"AWS_ACCESS_KEY_ID": creds["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": creds["SecretAccessKey"],
            "AWS_SESSION_TOKEN": creds["SessionToken"]}
    return {"AWS_ACCESS_KEY_ID": creds["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": creds["SecretAccessKey"],
            "AWS_SESSION_TOKEN": creds["SessionToken"]}


def test_policy_names_exactly_the_actions_collect_calls(emulator: Emulator, collected: Collected,
                                                       sides: _BySide, tmp_path: Path) -> None:
    """The union of operations made by a full collection and an organisation-mode one, and of the calls the
    crawl makes for what moto does not serve (read from recorded responses), equals the policy's actions:
    nothing missing (collection would have gaps), nothing extra (least privilege)."""
    made = set(collected.recorder.actions) | set(_organisation_collection(emulator).actions)
    made |= _recorded_actions(emulator, collected, tmp_path) | set(sides.caller) | set(sides.role)
    assert made == _policy_actions(READ_POLICY) | _policy_actions(CALLER_POLICY)


def test_the_member_role_only_reads_and_the_caller_only_assumes_lists_and_writes(
        emulator: Emulator, collected: Collected, sides: _BySide, tmp_path: Path) -> None:
    """With --role-arn and in the fan-out, every read goes through the member role: what the roles call is
    exactly the read-only policy, what the caller calls exactly the caller policy."""
    role = set(sides.role) | _recorded_actions(emulator, collected, tmp_path)
    assert role == _policy_actions(READ_POLICY)
    assert set(sides.caller) == _policy_actions(CALLER_POLICY)


def test_every_call_is_counted_in_the_summary(collected: Collected) -> None:
    """The API call count collect reports is the number of operations really made (same event, own counter)."""
    assert collected.result.api_calls == sum(collected.recorder.actions.values())
    assert collected.recorder.actions["s3:PutObject"] == 1
