"""The walk's policy gate with the whole IAM decision: the role's permissions boundary and tags, the
organisation's SCPs and RCPs on the accounts' paths, and the request context S3 builds through a VPC.

Each scenario is the Small estate (tests/scenarios.py): a client in a private subnet reaching bucket data-here
through a gateway endpoint.
"""

from __future__ import annotations

from typing import Any

from engine import Engine
from engine import model as m
from tests.scenarios import ACCOUNT, REGION, RW, Small

OTHER = "210987654321"
BOUNDARY_ARN = f"arn:aws:iam::{ACCOUNT}:policy/list-only"
LIST_ONLY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}
FULL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
DENY_GET = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}]}


def _endpoint_policy(condition: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": condition}]}


def _estate(*, boundary: bool = False, tags: dict[str, str] | None = None, endpoint: Any = None,
            bucket_policy: Any = None, org: bool = False, management: str = "999999999999",
            scp: Any = None) -> Small:
    s = Small()
    role = s.b.role(ACCOUNT, "bounded-role", {"rw": RW}, boundary=("list-only", LIST_ONLY) if boundary else None,
                    tags=tags)
    s.b.gateway_endpoint(s.vpc, "s3", [s.private_rtb], policy=endpoint)
    s.b.instance(s.private, "client", "10.0.1.10", [s.sg], role_arn=role)
    if bucket_policy is not None:
        s.b.bucket("guarded", REGION, ACCOUNT, policy=bucket_policy)
    if org:
        policies = {"p-FullAWSAccess": ("SERVICE_CONTROL_POLICY", FULL)}
        attached = {"root": ["p-FullAWSAccess"], "ou-work": ["p-FullAWSAccess"], ACCOUNT: ["p-FullAWSAccess"]}
        if scp is not None:
            policies["p-deny-get"] = ("SERVICE_CONTROL_POLICY", scp)
            attached["ou-work"].append("p-deny-get")
        s.b.organization("o-mine", management, {ACCOUNT: ["ou-work"]}, policies, attached)
    return s


def _ask(engine: Engine, text: str = "client -> data-here", action: str | None = None) -> Any:
    return engine.ask(text, action=action, fixes=False)


def test_permissions_boundary_refuses_what_the_identity_policy_allows() -> None:
    """Effective permissions are identity ∩ boundary (IAM UG, "Permissions boundaries for IAM entities"): the
    issue's estate, a boundary allowing only s3:ListBucket, refuses s3:GetObject and names the boundary."""
    eng = _estate(boundary=True).engine()
    a = _ask(eng)
    assert a.verdict == "blocked"
    assert a.blocked_by is not None and a.blocked_by.code == "PERMISSIONS_BOUNDARY_DENY"
    assert a.blocked_by.resource == BOUNDARY_ARN and "permissions boundary" in a.blocked_by.detail
    assert _ask(eng, action="s3:ListBucket").verdict == "reachable"


def test_endpoint_policy_on_aws_resource_account_sees_the_bucket_owner() -> None:
    """aws:ResourceAccount is the bucket owner's account on every S3 request (IAM UG, global condition keys)."""
    mine = _estate(endpoint=_endpoint_policy({"StringEquals": {"aws:ResourceAccount": ACCOUNT}})).engine()
    other = _estate(endpoint=_endpoint_policy({"StringEquals": {"aws:ResourceAccount": OTHER}})).engine()
    assert _ask(mine).verdict == "reachable"
    a = _ask(other)
    assert a.verdict == "blocked" and a.blocked_by is not None and a.blocked_by.code == "ENDPOINT_POLICY_DENY"


def test_data_perimeter_endpoint_policy_on_resource_org_id() -> None:
    """A data-perimeter endpoint policy allows only buckets of the organisation (aws:ResourceOrgID); the
    organisation was read, so the key holds its id (PrivateLink guide, endpoint policies; IAM UG keys)."""
    perimeter = _endpoint_policy({"StringEquals": {"aws:ResourceOrgID": "o-mine"}})
    assert _ask(_estate(endpoint=perimeter, org=True).engine()).verdict == "reachable"
    outside = _ask(_estate(endpoint=perimeter).engine())  # no organisation: the key is absent
    assert outside.verdict == "blocked" and outside.blocked_by is not None
    assert outside.blocked_by.code == "ENDPOINT_POLICY_DENY"


def test_organisation_not_read_leaves_an_org_keyed_decision_unknown() -> None:
    """When the organisation could not be read, aws:ResourceOrgID is not known: the perimeter policy could go
    either way, so the answer is unknown and says what was not read (never a guess)."""
    s = _estate(endpoint=_endpoint_policy({"StringEquals": {"aws:ResourceOrgID": "o-mine"}}))
    snap = s.b.build()
    snap.coverage.append(m.Coverage(account_id=ACCOUNT, region="global", complete=False, gaps=[m.Gap(
        service="organizations", operation="DescribeOrganization", error="AccessDeniedException",
        permission="organizations:DescribeOrganization")]))
    a = _ask(Engine(snap, "test"))
    assert a.verdict == "unknown"
    assert any("aws:resourceorgid" in c for c in a.caveats)
    assert any("organisation of account" in c and "--org-role" in c for c in a.caveats)


def test_scp_on_the_account_path_refuses_and_names_the_policy() -> None:
    """SCPs at every level of the principal account's path must allow; a Deny at an OU refuses
    (Organizations UG, "SCP evaluation")."""
    a = _ask(_estate(org=True, scp=DENY_GET).engine())
    assert a.verdict == "blocked" and a.blocked_by is not None
    assert a.blocked_by.code == "SCP_DENY" and "p-deny-get" in a.blocked_by.resource


def test_management_account_is_not_affected_by_scps() -> None:
    """"SCPs don't affect users or roles in the management account" (Organizations UG, SCPs)."""
    assert _ask(_estate(org=True, scp=DENY_GET, management=ACCOUNT).engine()).verdict == "reachable"


def test_role_tags_are_principal_tags() -> None:
    """aws:PrincipalTag/<key> holds the role's tags for its sessions (IAM UG, global condition keys)."""
    policy = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
        "Condition": {"StringNotEquals": {"aws:PrincipalTag/team": "data"}}}]}
    assert _ask(_estate(tags={"team": "data"}, bucket_policy=policy).engine(), "client -> guarded").verdict \
        == "reachable"
    a = _ask(_estate(tags={"team": "web"}, bucket_policy=policy).engine(), "client -> guarded")
    assert a.verdict == "blocked" and a.blocked_by is not None and a.blocked_by.code == "BUCKET_POLICY_DENY"


def test_tls_version_is_one_of_the_versions_aws_endpoints_accept() -> None:
    """Every AWS API endpoint requires TLS 1.2 or later: a bucket policy refusing TLS below 1.2 allows, one
    refusing below 1.3 depends on what the client negotiates, which the snapshot does not hold: unknown."""
    def deny_below(version: str) -> dict[str, Any]:
        return {"Version": "2012-10-17", "Statement": [{
            "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
            "Condition": {"NumericLessThan": {"s3:TlsVersion": version}}}]}
    assert _ask(_estate(bucket_policy=deny_below("1.2")).engine(), "client -> guarded").verdict == "reachable"
    assert _ask(_estate(bucket_policy=deny_below("1.3")).engine(), "client -> guarded").verdict == "unknown"


def test_service_linked_roles_are_not_affected_by_scps() -> None:
    """"SCPs do not affect service-linked roles" (Organizations UG, SCPs): the same SCP that refuses the
    account's own role lets a role under /aws-service-role/ through."""
    s = _estate(org=True, scp=DENY_GET)
    linked = s.b.role(ACCOUNT, "AWSServiceRoleForExample", {"rw": RW}, path="/aws-service-role/example.amazonaws.com/")
    s.b.instance(s.private, "linked-client", "10.0.1.11", [s.sg], role_arn=linked)
    eng = s.engine()
    assert _ask(eng).verdict == "blocked"
    assert _ask(eng, "linked-client -> data-here").verdict == "reachable"


def test_a_member_account_whose_path_was_not_read_still_knows_its_organisation() -> None:
    """A member account reads DescribeOrganization but not its path (ListParents needs the management
    account): aws:PrincipalOrgID and aws:ResourceOrgID are the organisation's id, so a perimeter on them
    decides; a policy on aws:ResourceOrgPaths would be unknown."""
    org = m.Organization(id="o-mine", master_account_id="999999999999", member_ids=[ACCOUNT])
    gap = m.Coverage(account_id=ACCOUNT, region="global", complete=False, gaps=[m.Gap(
        service="organizations", operation="ListParents", error="AccessDeniedException",
        permission="organizations:ListParents", resource=ACCOUNT)])

    def member_only(condition: dict[str, Any]) -> Engine:
        snap = _estate(endpoint=_endpoint_policy(condition)).b.build()
        return Engine(snap.model_copy(update={"organization": org, "coverage": [*snap.coverage, gap]}), "test")

    a = _ask(member_only({"StringEquals": {"aws:ResourceOrgID": "o-mine"}}))
    assert a.verdict == "reachable"
    assert any("organisation of account" in c for c in a.caveats)  # its SCPs were not read: said, not hidden
    assert _ask(member_only({"StringLike": {"aws:ResourceOrgPaths": "o-mine/*"}})).verdict == "unknown"
