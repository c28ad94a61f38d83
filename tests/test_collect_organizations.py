"""Collecting the organisation: each account's path to the root and the SCPs and RCPs attached on it, read from
the management account (organisation mode), against a moto server of its own on 127.0.0.1 (the shared
emulator's caller account is made a management account by another test).

Calls (Organizations API Reference): DescribeOrganization, ListAccounts, ListParents (one level per call),
ListPoliciesForTarget (Filter SERVICE_CONTROL_POLICY / RESOURCE_CONTROL_POLICY), DescribePolicy.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from engine.collect.collector import CollectOptions, collect
from tests.collect.emulator import start_server

DENY_GET = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}]}
PERIMETER = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
    "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-placeholder"}}}]}


@pytest.fixture(scope="module", name="org_server")
def org_server_fixture() -> Iterator[dict[str, Any]]:
    url, server, patch = start_server()
    try:
        yield {"url": url, **_seed(boto3.client("organizations", region_name="us-east-1", endpoint_url=url))}
    finally:
        server.stop()
        patch.undo()


def _seed(org: Any) -> dict[str, Any]:
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    ou = org.create_organizational_unit(ParentId=root, Name="workloads")["OrganizationalUnit"]["Id"]
    status = org.create_account(Email="member@example.com", AccountName="member")["CreateAccountStatus"]
    member = status["AccountId"]
    org.move_account(AccountId=member, SourceParentId=root, DestinationParentId=ou)
    scp = org.create_policy(Content=json.dumps(DENY_GET), Description="", Name="deny-get",
                            Type="SERVICE_CONTROL_POLICY")["Policy"]["PolicySummary"]["Id"]
    org.attach_policy(PolicyId=scp, TargetId=ou)
    rcp = org.create_policy(Content=json.dumps(PERIMETER), Description="", Name="perimeter",
                            Type="RESOURCE_CONTROL_POLICY")["Policy"]["PolicySummary"]["Id"]
    org.attach_policy(PolicyId=rcp, TargetId=root)
    return {"root": root, "ou": ou, "member": member, "scp": scp, "rcp": rcp,
            "org_id": org.describe_organization()["Organization"]["Id"]}


def _options(org_server: dict[str, Any], **extra: Any) -> CollectOptions:
    settings: dict[str, Any] = {"regions": ["eu-west-2"], "endpoint_url": org_server["url"], "max_attempts": 2,
                                "connect_timeout": 2.0, "read_timeout": 10.0, "org_role": "reachbot-collector"}
    return CollectOptions(**{**settings, **extra})


def test_organisation_mode_reads_each_accounts_path_and_its_scps_and_rcps(
    org_server: dict[str, Any], tmp_path: Path
) -> None:
    """The member account's path is root → OU → account; the SCP attached at the OU and the RCP at the root
    are there with their documents; nothing of the organisation is left unread (no organizations gap)."""
    result = collect(_options(org_server, save_raw=str(tmp_path / "raw")))
    org = result.snapshot.organization
    assert org is not None and org.id == org_server["org_id"] and org.unread_types == []
    member = org.account(org_server["member"])
    assert member is not None and org_server["member"] in org.member_ids
    assert [level.target_id for level in member.path] == [org_server["root"], org_server["ou"], org_server["member"]]
    assert org_server["scp"] in member.path[1].policy_ids and org_server["rcp"] in member.path[0].policy_ids
    contents = {p.id: (p.type, json.loads(p.content)) for p in org.policies}
    assert contents[org_server["scp"]] == ("SERVICE_CONTROL_POLICY", DENY_GET)
    assert contents[org_server["rcp"]] == ("RESOURCE_CONTROL_POLICY", PERIMETER)
    assert member.paths_key(org.id) == f"{org.id}/{org_server['root']}/{org_server['ou']}/"
    assert not [g for c in result.snapshot.coverage for g in c.gaps if g.service == "organizations"]

    # The saved directory replays to the same organisation (--from-dir reads the same calls).
    again = collect(CollectOptions(from_dir=str(tmp_path / "raw"))).snapshot.organization
    assert again == org


def test_policies_that_cannot_be_read_are_a_named_gap_never_ignored(org_server: dict[str, Any],
                                                                    tmp_path: Path) -> None:
    """A saved directory whose ListPoliciesForTarget calls were refused (recorded in Gaps.json, as a member
    account without delegated administration sees them): the organisation is there, its policy types are
    marked unread and the gaps name the permission, so answers say what was not read."""
    collect(_options(org_server, save_raw=str(tmp_path / "raw")))
    management = next(p for p in (tmp_path / "raw").iterdir() if (p / "global" / "DescribeOrganization.json").exists()
                      and (p / "global" / "ListAccounts.json").exists()
                      and json.loads((p / "global" / "ListAccounts.json").read_text()).get("Accounts"))
    refused = management / "global" / "ListPoliciesForTarget"
    gaps = [{"Service": "organizations", "Operation": "ListPoliciesForTarget", "Error": "AccessDeniedException",
             "Permission": "organizations:ListPoliciesForTarget", "Resource": f.stem.split("%2F")[0]}
            for f in refused.iterdir()]
    for f in refused.iterdir():
        f.unlink()
    (management / "global" / "Gaps.json").write_text(json.dumps(gaps))
    snap = collect(CollectOptions(from_dir=str(tmp_path / "raw"))).snapshot
    assert snap.organization is not None
    assert snap.organization.unread_types == ["RESOURCE_CONTROL_POLICY", "SERVICE_CONTROL_POLICY"]
    found = [g for c in snap.coverage for g in c.gaps if g.service == "organizations"]
    assert "organizations:ListPoliciesForTarget" in {g.permission for g in found}
