"""Least privilege: deploy/iam/reachbot-collector-policy.json names exactly the actions collect really calls.

The operations are recorded with botocore's ``before-call`` event on every session collect creates (the
caller's and each assumed role's), during a full collection of the emulator estate (--role-arn, written to the
s3:// store) and an organisation-mode collection (organizations:ListAccounts). IAM action names follow the
Service Authorization Reference: ``s3:ListBuckets`` is allowed by ``s3:ListAllMyBuckets``.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import boto3

from engine.collect.aws import iam_action
from engine.collect.collector import collect
from engine.collect.crawl import DirSource, crawl_region
from engine.collect.raw import GLOBAL, RawScope, scan_directory
from tests.collect.emulator import Collected, Emulator, Recorder, collected_fixture, emulator_fixture  # noqa: F401
from tests.collect.recorded import with_inspection, with_resolver

POLICY = Path(__file__).resolve().parents[1] / "deploy" / "iam" / "reachbot-collector-policy.json"


def _policy_actions() -> set[str]:
    doc = json.loads(POLICY.read_text())
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


def test_policy_names_exactly_the_actions_collect_calls(emulator: Emulator, collected: Collected,
                                                       tmp_path: Path) -> None:
    """The union of operations made by a full collection and an organisation-mode one, and of the calls the
    crawl makes for what moto does not serve (read from recorded responses), equals the policy's actions:
    nothing missing (collection would have gaps), nothing extra (least privilege)."""
    made = set(collected.recorder.actions) | set(_organisation_collection(emulator).actions)
    made |= _recorded_actions(emulator, collected, tmp_path)
    assert made == _policy_actions()


def test_every_call_is_counted_in_the_summary(collected: Collected) -> None:
    """The API call count collect reports is the number of operations really made (same event, own counter)."""
    assert collected.result.api_calls == sum(collected.recorder.actions.values())
    assert collected.recorder.actions["s3:PutObject"] == 1
