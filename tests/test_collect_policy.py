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

import boto3

from engine.collect.collector import collect
from tests.collect.emulator import Collected, Emulator, Recorder, collected_fixture, emulator_fixture  # noqa: F401

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


def test_policy_names_exactly_the_actions_collect_calls(emulator: Emulator, collected: Collected) -> None:
    """The union of operations made by a full collection and an organisation-mode one equals the policy's
    actions: nothing missing (collection would have gaps), nothing extra (least privilege)."""
    made = set(collected.recorder.actions) | set(_organisation_collection(emulator).actions)
    assert made == _policy_actions()


def test_every_call_is_counted_in_the_summary(collected: Collected) -> None:
    """The API call count collect reports is the number of operations really made (same event, own counter)."""
    assert collected.result.api_calls == sum(collected.recorder.actions.values())
    assert collected.recorder.actions["s3:PutObject"] == 1
