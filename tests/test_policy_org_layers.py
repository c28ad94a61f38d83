"""Permissions boundaries, SCPs, RCPs and session policies in decide_access, one table.

The caller is the instance-role session of web-role (account 444455556666) asking s3:GetObject on
app-data/k. Each row gives the layers, then the expected (allowed, code, resource) and the AWS page.
"""

from __future__ import annotations

from typing import Any

import pytest

from engine.policy import (
    NOTPRINCIPAL_WITH_BOUNDARY,
    CompiledPolicy,
    IdentityLayer,
    OrgLevel,
    PolicyLayers,
    RequestContext,
    ResourceLayer,
    Unknowable,
    compile_policy,
    decide_access,
)

EVAL = "IAM UG, Policy evaluation logic (flow chart: deny, RCPs, SCPs, resource, boundary, session, identity)"
BOUNDARY = "IAM UG, Permissions boundaries for IAM entities (identity ∩ boundary)"
BOUNDARY_RBP = ("IAM UG, Policy evaluation logic, resource-based policies step: an Allow is final unless it names "
                "'the ARN of an IAM role or user' (the role ARN stays under the boundary; the session ARN and '*' "
                "do not)")
SCP = "Organizations UG, Service control policies (SCP evaluation: every level of the path must allow)"
RCP = "Organizations UG, Resource control policies (RCPFullAWSAccess cannot be detached; a Deny refuses)"
SESSION = ("IAM UG, Policies and permissions in IAM, Session policies: a resource-based policy naming the session "
           "ARN is not limited by the session policy; one naming the role ARN is")
CROSS = "IAM UG, Cross-account policy evaluation logic"
NOTP = "IAM UG, Permissions boundaries for IAM entities (Important: NotPrincipal with Deny)"

ACCT, OTHER = "444455556666", "111122223333"
SESSION_ARN = f"arn:aws:sts::{ACCT}:assumed-role/web-role/i-0abc"
ROLE = f"arn:aws:iam::{ACCT}:role/web-role"
BOUNDARY_ARN = f"arn:aws:iam::{ACCT}:policy/dev-boundary"
OBJECTS = "arn:aws:s3:::app-data/*"


def _doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _stmt(effect: str, action: Any = "s3:GetObject", **more: Any) -> dict[str, Any]:
    return {"Effect": effect, "Action": action, "Resource": "*", **more}


def _p(kind: str, *statements: dict[str, Any], name: str | None = None) -> CompiledPolicy:
    return compile_policy(_doc(*statements), name=name or f"{kind}-policy", kind=kind)


IDENTITY = [_p("identity", _stmt("Allow"), name="inline")]
FULL_SCP = _p("scp", _stmt("Allow", "*"), name="p-FullAWSAccess")
FULL_RCP = _p("rcp", _stmt("Allow", "*", Principal="*"), name="p-RCPFullAWSAccess")
LIST_ONLY = _p("boundary", _stmt("Allow", "s3:ListBucket"), name=BOUNDARY_ARN)
S3_READ = _p("boundary", _stmt("Allow", "s3:Get*"), name=BOUNDARY_ARN)
DENY_GET_SCP = _p("scp", _stmt("Deny"), name="p-deny-s3-get")
EC2_ONLY_SCP = _p("scp", _stmt("Allow", "ec2:*"), name="p-ec2-only")
ORG_PERIMETER_RCP = _p("rcp", _stmt("Deny", "s3:*", Principal="*",
                                    Condition={"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-mine"}}),
                       name="p-perimeter")


def _bucket(principal: Any) -> CompiledPolicy:
    return _p("bucket", _stmt("Allow", Principal={"AWS": principal}), name="app-data")


def _levels(*per_level: list[CompiledPolicy]) -> list[OrgLevel]:
    targets = ["r-root", "ou-root-workloads", ACCT]
    return [OrgLevel(targets[i], tuple(policies)) for i, policies in enumerate(per_level)]


CASES = [
    # --- permissions boundary ---------------------------------------------------------------------------------
    pytest.param(dict(boundary=LIST_ONLY), (False, "PERMISSIONS_BOUNDARY_DENY", BOUNDARY_ARN), BOUNDARY,
                 id="boundary-allows-list-only"),
    pytest.param(dict(boundary=S3_READ), (True, None, None), BOUNDARY, id="boundary-allows"),
    pytest.param(dict(boundary=_p("boundary", _stmt("Allow", "*"), _stmt("Deny"), name=BOUNDARY_ARN)),
                 (False, "PERMISSIONS_BOUNDARY_DENY", BOUNDARY_ARN), BOUNDARY, id="boundary-explicit-deny"),
    pytest.param(dict(boundary=S3_READ, identity=[]), (False, "IDENTITY_POLICY_DENY", ROLE), BOUNDARY,
                 id="boundary-grants-nothing-itself"),
    pytest.param(dict(boundary=LIST_ONLY, identity=[], bucket=_bucket(SESSION_ARN)), (True, None, None),
                 BOUNDARY_RBP, id="bucket-names-session-not-limited"),
    pytest.param(dict(boundary=LIST_ONLY, identity=[], bucket=_bucket(ROLE)),
                 (False, "PERMISSIONS_BOUNDARY_DENY", BOUNDARY_ARN), BOUNDARY_RBP, id="bucket-names-role-limited"),
    pytest.param(dict(boundary=LIST_ONLY, identity=[], bucket=_bucket("*")), (True, None, None), BOUNDARY_RBP,
                 id="bucket-grants-everyone-not-limited"),
    pytest.param(dict(boundary=LIST_ONLY, identity=[], bucket=_bucket(ACCT)), (False, "IDENTITY_POLICY_DENY", ROLE),
                 BOUNDARY_RBP, id="bucket-grants-account-delegates"),
    pytest.param(dict(boundary=LIST_ONLY, owner=OTHER, bucket=_bucket("*")),
                 (False, "PERMISSIONS_BOUNDARY_DENY", BOUNDARY_ARN), CROSS, id="cross-account-boundary"),
    # --- service control policies on the principal's path ---------------------------------------------------
    pytest.param(dict(scps=_levels([FULL_SCP], [FULL_SCP], [FULL_SCP])), (True, None, None), SCP, id="scp-allow"),
    pytest.param(dict(scps=_levels([FULL_SCP], [FULL_SCP, DENY_GET_SCP], [FULL_SCP])),
                 (False, "SCP_DENY", "p-deny-s3-get"), SCP, id="scp-explicit-deny-names-policy"),
    pytest.param(dict(scps=_levels([FULL_SCP], [EC2_ONLY_SCP], [FULL_SCP])),
                 (False, "SCP_DENY", "ou-root-workloads"), SCP, id="scp-level-without-allow-names-level"),
    pytest.param(dict(scps=_levels([FULL_SCP], [EC2_ONLY_SCP]), identity=[], bucket=_bucket(SESSION_ARN)),
                 (False, "SCP_DENY", "ou-root-workloads"), EVAL, id="scp-limits-resource-policy-grants"),
    # --- resource control policies on the bucket owner's path -----------------------------------------------
    pytest.param(dict(rcps=_levels([FULL_RCP, ORG_PERIMETER_RCP]), keys={"aws:PrincipalOrgID": "o-mine"}),
                 (True, None, None), RCP, id="rcp-perimeter-inside"),
    pytest.param(dict(rcps=_levels([FULL_RCP, ORG_PERIMETER_RCP]), keys={"aws:PrincipalOrgID": "o-other"}),
                 (False, "RCP_DENY", "p-perimeter"), RCP, id="rcp-perimeter-outside"),
    # RCPFullAWSAccess is attached at every level and cannot be detached: an RCP level refuses by Deny only.
    pytest.param(dict(rcps=_levels([])), (True, None, None), RCP, id="rcp-full-access-implied"),
    # --- session policy ---------------------------------------------------------------------------------------
    pytest.param(dict(session=_p("session", _stmt("Allow", "s3:ListBucket"), name="session")),
                 (False, "SESSION_POLICY_DENY", "session"), SESSION, id="session-policy-limits"),
    # peer (iam-simulate sessionPolicies "Implicit deny in session policy denies even if session ARN in resource
    # policy"): "The resource-based policy permissions are not limited by the session policy" (SESSION).
    pytest.param(dict(session=_p("session", _stmt("Allow", "s3:ListBucket"), name="session"), identity=[],
                      bucket=_bucket(SESSION_ARN)), (True, None, None), SESSION, id="session-arn-grant-not-limited"),
    pytest.param(dict(session=_p("session", _stmt("Allow", "s3:ListBucket"), name="session"), identity=[],
                      bucket=_bucket(ROLE)), (False, "SESSION_POLICY_DENY", "session"), SESSION,
                 id="role-arn-grant-limited-by-session"),
]


def _decide(boundary: Any = None, scps: Any = None, rcps: Any = None, session: Any = None,
            identity: Any = None, bucket: Any = None, owner: str = ACCT, keys: Any = None) -> Any:
    ctx = RequestContext.build(principal_arn=SESSION_ARN, action="s3:GetObject",
                               resource="arn:aws:s3:::app-data/k", keys=keys or {})
    layers = PolicyLayers(resource=ResourceLayer("app-data", owner, bucket),
                          identity=IdentityLayer(ROLE, IDENTITY if identity is None else identity),
                          boundary=boundary, scps=scps, rcps=rcps, session=session)
    return decide_access(ctx, layers)


@pytest.mark.parametrize(("layers", "expected", "source"), CASES)
def test_layer_table(layers: dict[str, Any], expected: tuple[Any, ...], source: str) -> None:
    """Each row: the layers given, the decision, the first refusal's code and what it names."""
    decision = _decide(**layers)
    assert (decision.allowed, decision.code and str(decision.code), decision.resource) == expected, source


def test_not_principal_deny_always_applies_to_a_principal_with_a_boundary() -> None:
    """NOTP: even when NotPrincipal lists the session, role and account, the Deny applies once the role has a
    permissions boundary; the note says why."""
    bucket = _p("bucket", _stmt("Allow", Principal="*"),
                _stmt("Deny", NotPrincipal={"AWS": [SESSION_ARN, ROLE, ACCT]}), name="app-data")
    without = _decide(bucket=bucket)
    with_boundary = _decide(bucket=bucket, boundary=S3_READ)
    assert without.allowed
    assert not with_boundary.allowed and str(with_boundary.code) == "BUCKET_POLICY_DENY"
    assert NOTPRINCIPAL_WITH_BOUNDARY in with_boundary.notes


def test_a_condition_on_a_key_not_read_leaves_the_decision_undetermined() -> None:
    """A key whose value the snapshot does not hold (the organisation was not read) must not be guessed: the
    perimeter RCP allows if aws:PrincipalOrgID is o-mine and refuses otherwise, so the decision names the key
    and is not an allow. When the answer does not turn on it, it stands."""
    unknown = {"aws:PrincipalOrgID": Unknowable("organisation not read")}
    turning = _decide(rcps=_levels([FULL_RCP, ORG_PERIMETER_RCP]), keys=unknown)
    assert not turning.allowed and turning.undetermined == ("aws:principalorgid",)
    refused_anyway = _decide(rcps=_levels([FULL_RCP, ORG_PERIMETER_RCP]), keys=unknown, identity=[])
    assert not refused_anyway.allowed and refused_anyway.undetermined == ()
    allowed_anyway = _decide(keys=unknown)
    assert allowed_anyway.allowed and allowed_anyway.undetermined == ()
