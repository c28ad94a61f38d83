"""The Perimeter estate (tests/scenarios.py): one boundary, one SCP and one data-perimeter endpoint policy in
action, and the fixes that name the policy to edit, each proven by re-tracing the question with it applied.
"""

from __future__ import annotations

from tests.scenarios import Perimeter


def test_boundary_refuses_and_the_fix_edits_the_boundary_policy() -> None:
    """identity ∩ boundary (IAM UG, "Permissions boundaries for IAM entities"): the role's RW policy allows
    s3:GetObject, the list-only boundary does not. The verified fix is a new version of that boundary."""
    s = Perimeter()
    a = s.engine().ask("client -> data-here")
    assert a.verdict == "blocked" and a.blocked_by is not None
    assert (a.blocked_by.code, a.blocked_by.resource) == ("PERMISSIONS_BOUNDARY_DENY", s.boundary_arn)
    fix = next(f for f in a.fixes if f.kind == "boundary_policy")
    assert fix.verified and fix.change["policy_arn"] == s.boundary_arn
    assert "create-policy-version" in fix.command and s.boundary_arn in fix.summary


def test_data_perimeter_endpoint_policy_refuses_a_bucket_outside_the_organisation() -> None:
    """The endpoint allows only buckets whose aws:ResourceOrgID is the organisation's; a bucket of an account
    outside it is refused at the endpoint (PrivateLink guide, endpoint policies; IAM UG, aws:ResourceOrgID)."""
    eng = Perimeter(boundary=False).engine()
    assert eng.ask("client -> data-here", fixes=False).verdict == "reachable"
    a = eng.ask("client -> elsewhere-data", fixes=False)
    assert a.verdict == "blocked" and a.blocked_by is not None
    assert a.blocked_by.code == "ENDPOINT_POLICY_DENY"


def test_scp_refuses_and_the_organisation_owned_fix_is_proven() -> None:
    """The OU's SCP denies s3:DeleteObject (Organizations UG, SCP evaluation): SCP_DENY names the policy; the
    fix is proposed to the organisation's administrators (an exception for the role) and proven by re-trace."""
    s = Perimeter(boundary=False)
    a = s.engine().ask("client -> data-here", action="s3:DeleteObject")
    assert a.verdict == "blocked" and a.blocked_by is not None
    assert (a.blocked_by.code, a.blocked_by.resource) == ("SCP_DENY", "guard (p-guard)")
    fix = next(f for f in a.fixes if f.kind == "organization_policy")
    assert fix.verified and fix.owner == "the organisation's administrators"
    assert fix.change["policy_id"] == "p-guard" and "update-policy" in fix.command


def test_rcp_on_the_bucket_owners_path_refuses_and_the_fix_is_organisation_owned() -> None:
    """A network-perimeter RCP at the root denies S3 requests that do not come from an approved VPC
    (Organizations UG, "Resource control policies"; aws:SourceVpc). The refusal names the RCP; the fix, an
    exception for the client's role, is proposed to the organisation's administrators and proven."""
    rcp = {"Version": "2012-10-17", "Statement": [{
        "Sid": "ApprovedNetworksOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
        "Condition": {"StringNotEqualsIfExists": {"aws:SourceVpc": "vpc-approved"}}}]}
    s = Perimeter(boundary=False, rcp=rcp)
    a = s.engine().ask("client -> data-here", action="s3:ListBucket")
    assert a.verdict == "blocked" and a.blocked_by is not None
    assert (a.blocked_by.code, a.blocked_by.resource) == ("RCP_DENY", "network (p-network)")
    fix = next(f for f in a.fixes if f.kind == "organization_policy")
    assert fix.verified and fix.owner == "the organisation's administrators" and fix.change["policy_id"] == "p-network"
