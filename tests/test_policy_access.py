"""decide_s3_access: the endpoint gate, then bucket + identity policies at the bucket.

Scenarios from the article (docs/article-scenarios.md): a Tokyo client whose S3 traffic is bent through the
proxy, reaching the bucket through the proxy's internet gateway, the proxy-side endpoint, or its own endpoint.
Each row states allowed / code / refusing resource / deciding statement (index, Sid; None = implicit deny).
"""

from __future__ import annotations

from typing import Any

import pytest

from engine.policy import (
    ACCOUNT_PRINCIPAL_DELEGATES,
    ACCOUNT_PRINCIPAL_ROOT_ONLY,
    BUCKET_POLICY_DENY,
    ENDPOINT_POLICY_DENY,
    IDENTITY_POLICY_DENY,
    NOTPRINCIPAL_ROLE_SESSION,
    CompiledPolicy,
    RequestContext,
    compile_policy,
    decide_s3_access,
)

EVAL = "IAM UG, Policy evaluation logic (explicit deny wins; same account: identity OR resource policy)"
CROSS = "IAM UG, Cross-account policy evaluation logic (both the identity and the resource policy must allow)"
VPCE_DOC = "PrivateLink guide, Control access to VPC endpoints using endpoint policies"
KEYS = "IAM UG, AWS global condition context keys (aws:SourceVpce / aws:SourceIp presence)"
S3_VPCE = "S3 UG, Controlling access from VPC endpoints with bucket policies (Deny unless aws:SourceVpce)"
IP_DOC = "S3 UG, Bucket policy examples: restrict access to specific IP addresses (NotIpAddress)"
NOTP = "IAM UG, AWS JSON policy elements: NotPrincipal"
PRINCIPAL = "IAM UG, AWS JSON policy elements: Principal (account principals delegate)"

CLIENT_ACCT = "444455556666"
OTHER_ACCT = "111122223333"
SESSION = f"arn:aws:sts::{CLIENT_ACCT}:assumed-role/web-role/i-0abc"
ROLE = f"arn:aws:iam::{CLIENT_ACCT}:role/web-role"
BUCKET = "app-data"
OBJECT = f"arn:aws:s3:::{BUCKET}/reports/q1.csv"
CLIENT_VPCE = "vpce-0client0000000001"
PROXY_VPCE = "vpce-0proxy00000000001"

VIA_IGW = {"aws:SourceIp": "203.0.113.10"}  # through the proxy's NAT / internet gateway: public egress IP
VIA_PROXY_VPCE = {"aws:SourceVpce": PROXY_VPCE, "aws:SourceVpc": "vpc-0osaka", "aws:VpcSourceIp": "10.20.1.5"}
VIA_CLIENT_VPCE = {
    "aws:SourceVpce": CLIENT_VPCE,
    "aws:SourceVpc": "vpc-0tokyo",
    "aws:VpcSourceIp": "10.30.1.31",
}


def _policy(statements: list[dict[str, Any]], name: str, kind: str) -> CompiledPolicy:
    return compile_policy({"Version": "2012-10-17", "Statement": statements}, name=name, kind=kind)


def _bucket(*statements: dict[str, Any]) -> CompiledPolicy:
    return _policy(list(statements), f"{BUCKET} bucket policy", "bucket")


def _identity(*statements: dict[str, Any]) -> CompiledPolicy:
    return _policy(list(statements), "web-role-s3", "identity")


def _endpoint(*statements: dict[str, Any]) -> CompiledPolicy:
    return _policy(list(statements), f"{PROXY_VPCE} endpoint policy", "endpoint")


BUCKET_ARNS = [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"]
DENY_UNLESS_CLIENT_VPCE = {
    "Sid": "DenyUnlessClientEndpoint",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": BUCKET_ARNS,
    "Condition": {"StringNotEquals": {"aws:sourceVpce": CLIENT_VPCE}},
}
ALLOW_ONLY_FROM_IP = {
    "Sid": "AllowOnlyFromOfficeIp",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": BUCKET_ARNS,
    "Condition": {"NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8:10::/48"]}},
}
ROLE_READS = {
    "Sid": "RoleReads",
    "Effect": "Allow",
    "Principal": {"AWS": ROLE},
    "Action": "s3:GetObject",
    "Resource": f"arn:aws:s3:::{BUCKET}/*",
}
ACCOUNT_READS = {
    "Sid": "AccountReads",
    "Effect": "Allow",
    "Principal": {"AWS": CLIENT_ACCT},
    "Action": "s3:GetObject",
    "Resource": f"arn:aws:s3:::{BUCKET}/*",
}
OTHER_READS = {
    "Sid": "OtherReads",
    "Effect": "Allow",
    "Principal": {"AWS": f"arn:aws:iam::{OTHER_ACCT}:role/x"},
    "Action": "s3:GetObject",
    "Resource": f"arn:aws:s3:::{BUCKET}/*",
}
S3_READ = {"Sid": "S3Read", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"}
NO_DELETE = {
    "Sid": "NoGetReports",
    "Effect": "Deny",
    "Action": "s3:GetObject",
    "Resource": "arn:aws:s3:::*/reports/*",
}
EP_OTHER_BUCKET = {
    "Sid": "OnlyLogs",
    "Effect": "Allow",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": "arn:aws:s3:::logs-bucket/*",
}
EP_DENY_APP = {
    "Sid": "NoAppData",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": BUCKET_ARNS,
}
EP_ALLOW_ALL = {"Sid": "All", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}
EP_ACCOUNT = {
    "Sid": "Account",
    "Effect": "Allow",
    "Principal": {"AWS": CLIENT_ACCT},
    "Action": "*",
    "Resource": "*",
}
EP_PRINCIPAL_ARN = {
    "Sid": "OurRoles",
    "Effect": "Allow",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": "*",
    "Condition": {"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{CLIENT_ACCT}:role/web-*"}},
}
NOTP_ROLE_ACCOUNT = {
    "Sid": "OnlyWebRole",
    "Effect": "Deny",
    "NotPrincipal": {"AWS": [ROLE, f"arn:aws:iam::{CLIENT_ACCT}:root"]},
    "Action": "s3:*",
    "Resource": BUCKET_ARNS,
}

Endpoint = tuple[str, CompiledPolicy | None] | None
OK = (True, None, None, None)

CASES = [
    # --- the article's bucket policy: Deny unless aws:sourceVpce = the client's endpoint --------------------
    pytest.param(
        None,
        VIA_IGW,
        CLIENT_ACCT,
        _bucket(DENY_UNLESS_CLIENT_VPCE),
        [_identity(S3_READ)],
        (False, BUCKET_POLICY_DENY, BUCKET, (0, "DenyUnlessClientEndpoint")),
        S3_VPCE + "; " + KEYS,
        id="deny-unless-vpce-through-proxy-igw-key-absent",
    ),
    pytest.param(
        (PROXY_VPCE, None),
        VIA_PROXY_VPCE,
        CLIENT_ACCT,
        _bucket(DENY_UNLESS_CLIENT_VPCE),
        [_identity(S3_READ)],
        (False, BUCKET_POLICY_DENY, BUCKET, (0, "DenyUnlessClientEndpoint")),
        S3_VPCE,
        id="deny-unless-vpce-through-proxy-side-endpoint",
    ),
    pytest.param(
        (CLIENT_VPCE, None),
        VIA_CLIENT_VPCE,
        CLIENT_ACCT,
        _bucket(DENY_UNLESS_CLIENT_VPCE),
        [_identity(S3_READ)],
        OK,
        S3_VPCE,
        id="deny-unless-vpce-through-client-endpoint",
    ),
    # --- endpoint policy: a gate that must allow, met first -------------------------------------------------
    pytest.param(
        (PROXY_VPCE, _endpoint(EP_OTHER_BUCKET)),
        VIA_PROXY_VPCE,
        CLIENT_ACCT,
        None,
        [_identity(S3_READ)],
        (False, ENDPOINT_POLICY_DENY, PROXY_VPCE, None),
        VPCE_DOC,
        id="endpoint-implicit-deny",
    ),
    pytest.param(
        (PROXY_VPCE, _endpoint(EP_ALLOW_ALL, EP_DENY_APP)),
        VIA_PROXY_VPCE,
        CLIENT_ACCT,
        None,
        [_identity(S3_READ)],
        (False, ENDPOINT_POLICY_DENY, PROXY_VPCE, (1, "NoAppData")),
        VPCE_DOC,
        id="endpoint-explicit-deny",
    ),
    pytest.param(
        (PROXY_VPCE, _endpoint(EP_ALLOW_ALL)),
        VIA_PROXY_VPCE,
        CLIENT_ACCT,
        None,
        [],
        (False, IDENTITY_POLICY_DENY, ROLE, None),
        VPCE_DOC,
        id="endpoint-allow-never-grants-by-itself",
    ),
    pytest.param(
        (PROXY_VPCE, _endpoint(EP_PRINCIPAL_ARN)),
        VIA_PROXY_VPCE,
        CLIENT_ACCT,
        None,
        [_identity(S3_READ)],
        OK,
        VPCE_DOC,
        id="gateway-endpoint-principal-star-with-principalarn-condition",
    ),
    pytest.param(
        (PROXY_VPCE, _endpoint(EP_ACCOUNT)),
        VIA_PROXY_VPCE,
        CLIENT_ACCT,
        None,
        [_identity(S3_READ)],
        (False, ENDPOINT_POLICY_DENY, PROXY_VPCE, None),
        VPCE_DOC,
        id="endpoint-account-principal-root-only",
    ),
    # --- "Allow only from IP": Deny with NotIpAddress aws:SourceIp ------------------------------------------
    pytest.param(
        None,
        VIA_IGW,
        CLIENT_ACCT,
        _bucket(ALLOW_ONLY_FROM_IP),
        [_identity(S3_READ)],
        OK,
        IP_DOC,
        id="ip-allowlist-from-listed-ip",
    ),
    pytest.param(
        None,
        {"aws:SourceIp": "2001:db8:10::7"},
        CLIENT_ACCT,
        _bucket(ALLOW_ONLY_FROM_IP),
        [_identity(S3_READ)],
        OK,
        IP_DOC,
        id="ip-allowlist-from-listed-ipv6",
    ),
    pytest.param(
        None,
        {"aws:SourceIp": "198.51.100.7"},
        CLIENT_ACCT,
        _bucket(ALLOW_ONLY_FROM_IP),
        [_identity(S3_READ)],
        (False, BUCKET_POLICY_DENY, BUCKET, (0, "AllowOnlyFromOfficeIp")),
        IP_DOC,
        id="ip-allowlist-from-other-ip",
    ),
    pytest.param(
        (CLIENT_VPCE, None),
        VIA_CLIENT_VPCE,
        CLIENT_ACCT,
        _bucket(ALLOW_ONLY_FROM_IP),
        [_identity(S3_READ)],
        (False, BUCKET_POLICY_DENY, BUCKET, (0, "AllowOnlyFromOfficeIp")),
        KEYS,
        id="ip-allowlist-through-endpoint-sourceip-absent",
    ),
    # --- same account: identity OR bucket policy ------------------------------------------------------------
    pytest.param(
        None, VIA_IGW, CLIENT_ACCT, None, [_identity(S3_READ)], OK, EVAL, id="same-account-identity-only"
    ),
    pytest.param(
        None, VIA_IGW, CLIENT_ACCT, _bucket(ROLE_READS), [], OK, EVAL, id="same-account-bucket-names-role"
    ),
    pytest.param(
        None,
        VIA_IGW,
        CLIENT_ACCT,
        _bucket(OTHER_READS),
        [_identity({**S3_READ, "Action": "s3:PutObject"})],
        (False, IDENTITY_POLICY_DENY, ROLE, None),
        EVAL,
        id="same-account-neither-allows",
    ),
    pytest.param(
        None,
        VIA_IGW,
        CLIENT_ACCT,
        _bucket(ACCOUNT_READS),
        [],
        (False, IDENTITY_POLICY_DENY, ROLE, None),
        PRINCIPAL,
        id="same-account-bucket-names-account-only",
    ),
    pytest.param(
        None,
        VIA_IGW,
        CLIENT_ACCT,
        _bucket(ACCOUNT_READS),
        [_identity(S3_READ)],
        OK,
        PRINCIPAL,
        id="same-account-account-principal-plus-identity",
    ),
    # --- cross-account: both must allow ---------------------------------------------------------------------
    pytest.param(
        None,
        VIA_IGW,
        OTHER_ACCT,
        _bucket(ROLE_READS),
        [_identity(S3_READ)],
        OK,
        CROSS,
        id="cross-account-both-allow",
    ),
    pytest.param(
        None,
        VIA_IGW,
        OTHER_ACCT,
        _bucket(ACCOUNT_READS),
        [_identity(S3_READ)],
        OK,
        CROSS,
        id="cross-account-bucket-names-account",
    ),
    pytest.param(
        None,
        VIA_IGW,
        OTHER_ACCT,
        None,
        [_identity(S3_READ)],
        (False, BUCKET_POLICY_DENY, BUCKET, None),
        CROSS,
        id="cross-account-no-bucket-policy",
    ),
    pytest.param(
        None,
        VIA_IGW,
        OTHER_ACCT,
        _bucket(OTHER_READS),
        [_identity(S3_READ)],
        (False, BUCKET_POLICY_DENY, BUCKET, None),
        CROSS,
        id="cross-account-bucket-names-someone-else",
    ),
    pytest.param(
        None,
        VIA_IGW,
        OTHER_ACCT,
        _bucket(ROLE_READS),
        [],
        (False, IDENTITY_POLICY_DENY, ROLE, None),
        CROSS,
        id="cross-account-identity-missing",
    ),
    # --- explicit denies ------------------------------------------------------------------------------------
    pytest.param(
        None,
        VIA_IGW,
        CLIENT_ACCT,
        _bucket(ROLE_READS),
        [_identity(S3_READ), _identity(NO_DELETE)],
        (False, IDENTITY_POLICY_DENY, ROLE, (0, "NoGetReports")),
        EVAL,
        id="identity-explicit-deny-wins",
    ),
    pytest.param(
        None,
        VIA_IGW,
        CLIENT_ACCT,
        _bucket(DENY_UNLESS_CLIENT_VPCE, ROLE_READS),
        [_identity(NO_DELETE)],
        (False, BUCKET_POLICY_DENY, BUCKET, (0, "DenyUnlessClientEndpoint")),
        EVAL,
        id="bucket-deny-before-identity-deny",
    ),
    pytest.param(
        None,
        VIA_IGW,
        CLIENT_ACCT,
        _bucket(NOTP_ROLE_ACCOUNT, ROLE_READS),
        [_identity(S3_READ)],
        (False, BUCKET_POLICY_DENY, BUCKET, (0, "OnlyWebRole")),
        NOTP,
        id="notprincipal-role-not-session",
    ),
]


@pytest.mark.parametrize(
    ("endpoint", "keys", "owner", "bucket_policy", "identity", "expected", "source"), CASES
)
def test_decide_s3_access(
    endpoint: Endpoint,
    keys: dict[str, Any],
    owner: str,
    bucket_policy: CompiledPolicy | None,
    identity: list[CompiledPolicy],
    expected: tuple[Any, ...],
    source: str,
) -> None:
    """Explicit deny anywhere wins; the endpoint gate must allow; same account OR, cross-account AND."""
    ctx = RequestContext.build(principal_arn=SESSION, action="s3:GetObject", resource=OBJECT, keys=keys)
    decision = decide_s3_access(
        ctx, endpoint=endpoint, bucket=(BUCKET, owner, bucket_policy), identity=(ROLE, identity)
    )
    allowed, code, resource, deciding = expected
    got = (decision.deciding.index, decision.deciding.sid) if decision.deciding else None
    assert (decision.allowed, decision.code, decision.resource, got) == (allowed, code, resource, deciding), (
        source
    )


def _ctx(keys: dict[str, Any]) -> RequestContext:
    return RequestContext.build(principal_arn=SESSION, action="s3:GetObject", resource=OBJECT, keys=keys)


def test_key_absent_is_recorded_on_the_deciding_condition() -> None:
    """Through the proxy's internet gateway aws:SourceVpce is absent (KEYS), so StringNotEquals holds and
    statement 0 DenyUnlessClientEndpoint decides; its Check says the key was not present."""
    decision = decide_s3_access(
        _ctx(VIA_IGW),
        endpoint=None,
        bucket=(BUCKET, CLIENT_ACCT, _bucket(DENY_UNLESS_CLIENT_VPCE)),
        identity=(ROLE, [_identity(S3_READ)]),
    )
    assert decision.deciding is not None and decision.deciding.sid == "DenyUnlessClientEndpoint"
    condition = decision.deciding.checks[-1]
    assert (condition.operator, condition.present, condition.ok) == ("StringNotEquals", False, True)


def test_results_are_in_route_order_and_others_list_further_refusals() -> None:
    """Endpoint refusal first (met first on the route, VPCE_DOC); the bucket's explicit deny and the identity
    policy's explicit deny follow in `others`, each with its statement; results: endpoint, bucket,
    identity."""
    decision = decide_s3_access(
        _ctx(VIA_PROXY_VPCE),
        endpoint=(PROXY_VPCE, _endpoint(EP_OTHER_BUCKET)),
        bucket=(BUCKET, CLIENT_ACCT, _bucket(DENY_UNLESS_CLIENT_VPCE)),
        identity=(ROLE, [_identity(NO_DELETE)]),
    )
    assert (decision.code, decision.resource, decision.deciding) == (ENDPOINT_POLICY_DENY, PROXY_VPCE, None)
    assert [r.kind for r in decision.results] == ["endpoint", "bucket", "identity"]
    assert [(code, res, ev.sid if ev else None) for code, res, ev in decision.others] == [
        (BUCKET_POLICY_DENY, BUCKET, "DenyUnlessClientEndpoint"),
        (IDENTITY_POLICY_DENY, ROLE, "NoGetReports"),
        (IDENTITY_POLICY_DENY, ROLE, None),
    ]


def test_cross_account_with_nothing_allowing_names_identity_first_then_bucket() -> None:
    """Cross-account with neither allowing (CROSS): the identity policy's implicit deny is blocked_by, the
    bucket's follows in others."""
    decision = decide_s3_access(
        _ctx(VIA_IGW), endpoint=None, bucket=(BUCKET, OTHER_ACCT, None), identity=(ROLE, [])
    )
    assert (decision.code, decision.resource, decision.deciding) == (IDENTITY_POLICY_DENY, ROLE, None)
    assert decision.others == [(BUCKET_POLICY_DENY, BUCKET, None)]


@pytest.mark.parametrize(
    ("endpoint", "owner", "bucket_policy", "identity", "note"),
    [
        pytest.param(
            None,
            CLIENT_ACCT,
            _bucket(NOTP_ROLE_ACCOUNT, ROLE_READS),
            [],
            NOTPRINCIPAL_ROLE_SESSION,
            id="notprincipal-lists-role-not-session",
        ),
        pytest.param(
            None,
            CLIENT_ACCT,
            _bucket(ACCOUNT_READS),
            [],
            ACCOUNT_PRINCIPAL_DELEGATES,
            id="bucket-allows-account-only",
        ),
        pytest.param(
            (PROXY_VPCE, _endpoint(EP_ACCOUNT)),
            CLIENT_ACCT,
            None,
            [_identity(S3_READ)],
            ACCOUNT_PRINCIPAL_ROOT_ONLY,
            id="endpoint-allows-account-only",
        ),
    ],
)
def test_outcomes_resting_on_documented_caveats_carry_a_note(
    endpoint: Endpoint,
    owner: str,
    bucket_policy: CompiledPolicy | None,
    identity: list[CompiledPolicy],
    note: str,
) -> None:
    """Where AWS documents a "might" (NOTP) or a delegation (PRINCIPAL, VPCE_DOC), the decision says which."""
    decision = decide_s3_access(
        _ctx(VIA_IGW), endpoint=endpoint, bucket=(BUCKET, owner, bucket_policy), identity=(ROLE, identity)
    )
    assert not decision.allowed
    assert decision.notes == [note]


def test_no_notes_when_nothing_rests_on_a_caveat() -> None:
    """The plain allowed path through the client's own endpoint (S3_VPCE) carries no notes."""
    decision = decide_s3_access(
        _ctx(VIA_CLIENT_VPCE),
        endpoint=(CLIENT_VPCE, None),
        bucket=(BUCKET, CLIENT_ACCT, _bucket(DENY_UNLESS_CLIENT_VPCE, ACCOUNT_READS)),
        identity=(ROLE, [_identity(S3_READ)]),
    )
    assert decision.allowed and decision.notes == [] and decision.others == []
    assert decision.results[0].name == f"{CLIENT_VPCE} (default endpoint policy)"
