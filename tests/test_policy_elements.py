"""Principal / NotPrincipal, Action / NotAction, Resource / NotResource, table-driven.

The caller is always the instance-role session of web-role in account 444455556666. Each row states the
decision and the deciding statement (index, Sid; None for an implicit deny) and names its AWS page.
"""

from __future__ import annotations

from typing import Any

import pytest

from engine.policy import (
    ACCOUNT_PRINCIPAL_DELEGATES,
    ACCOUNT_PRINCIPAL_ROOT_ONLY,
    NOTPRINCIPAL_ROLE_SESSION,
    POLICY_VARIABLE_UNRESOLVED,
    Decision,
    RequestContext,
    compile_policy,
)

PRINCIPAL = "IAM UG, AWS JSON policy elements: Principal"
NOTPRINCIPAL = "IAM UG, AWS JSON policy elements: NotPrincipal"
ACTION = "IAM UG, IAM JSON policy elements: Action / NotAction"
RESOURCE = "IAM UG, IAM JSON policy elements: Resource / NotResource"
VARS = "IAM UG, IAM policy elements: Variables and tags"
ENDPOINT = "PrivateLink guide, Control access to VPC endpoints using endpoint policies (Principals)"

ACCOUNT = "444455556666"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/web-role/i-0abc"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/web-role"
ROOT = f"arn:aws:iam::{ACCOUNT}:root"
OBJECT = "arn:aws:s3:::app-data/reports/q1.csv"
BUCKET = "arn:aws:s3:::app-data"

ALLOW0 = (Decision.ALLOW, 0, "Grant")
NONE = (Decision.IMPLICIT_DENY, None, None)
DENY1 = (Decision.EXPLICIT_DENY, 1, "DenyOthers")
ALLOWED_PAST_DENY = (Decision.ALLOW, 0, "AllowAll")


def _ctx(
    action: str = "s3:GetObject", resource: str = OBJECT, keys: dict[str, Any] | None = None
) -> RequestContext:
    return RequestContext.build(principal_arn=SESSION, action=action, resource=resource, keys=keys or {})


def _grant(principal: Any, kind: str = "bucket") -> Any:
    statement = {"Sid": "Grant", "Effect": "Allow", "Principal": principal, "Action": "s3:*", "Resource": "*"}
    return compile_policy({"Version": "2012-10-17", "Statement": [statement]}, name="p", kind=kind)


def _outcome(result: Any) -> tuple[Decision, int | None, str | None]:
    ev = result.deciding
    return result.decision, ev.index if ev else None, ev.sid if ev else None


PRINCIPAL_CASES = [
    pytest.param("*", ALLOW0, False, PRINCIPAL, id="star"),
    pytest.param({"AWS": "*"}, ALLOW0, False, PRINCIPAL, id="aws-star"),
    pytest.param({"AWS": ROLE}, ALLOW0, False, PRINCIPAL, id="role-arn-covers-its-sessions"),
    pytest.param({"AWS": SESSION}, ALLOW0, False, PRINCIPAL, id="session-arn"),
    pytest.param(
        {"AWS": f"arn:aws:sts::{ACCOUNT}:assumed-role/web-role/other"},
        NONE,
        False,
        PRINCIPAL,
        id="other-session-of-same-role",
    ),
    pytest.param({"AWS": f"arn:aws:iam::{ACCOUNT}:role/batch-role"}, NONE, False, PRINCIPAL, id="other-role"),
    pytest.param({"AWS": ACCOUNT}, ALLOW0, True, PRINCIPAL, id="account-id-delegates"),
    pytest.param({"AWS": [ROOT]}, ALLOW0, True, PRINCIPAL, id="account-root-arn-delegates"),
    pytest.param({"AWS": "111122223333"}, NONE, False, PRINCIPAL, id="other-account"),
    pytest.param({"Service": "ec2.amazonaws.com"}, NONE, False, PRINCIPAL, id="service-never-a-session"),
    pytest.param(
        {"CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},
        NONE,
        False,
        PRINCIPAL,
        id="canonical-user-never-a-session",
    ),
    pytest.param(
        {"AWS": ["111122223333", ROLE], "Service": "s3.amazonaws.com"},
        ALLOW0,
        False,
        PRINCIPAL,
        id="several-principals-are-OR",
    ),
]


@pytest.mark.parametrize(("principal", "expected", "via_account", "source"), PRINCIPAL_CASES)
def test_principal_forms_in_a_bucket_policy(
    principal: Any, expected: tuple[Any, ...], via_account: bool, source: str
) -> None:
    """Which Principal forms cover an instance-role session; an account form only delegates."""
    result = _grant(principal).evaluate(_ctx())
    assert _outcome(result) == expected, source
    if result.deciding:
        assert result.deciding.via_account is via_account
        assert (result.deciding.checks[0].note == ACCOUNT_PRINCIPAL_DELEGATES) is via_account


def test_account_principal_in_endpoint_policy_grants_root_only() -> None:
    """'If you specify the principal as "AWS": account_id, access is granted only to the account root
    user' (ENDPOINT): implicit deny for the role session, with a note code on the Principal check."""
    result = _grant({"AWS": ACCOUNT}, kind="endpoint").evaluate(_ctx())
    assert _outcome(result) == NONE, ENDPOINT
    assert result.statements[0].checks[0].note == ACCOUNT_PRINCIPAL_ROOT_ONLY


def test_deny_naming_the_account_applies_to_its_role_sessions() -> None:
    """A Deny for an account covers every principal in it (PRINCIPAL): explicit deny by statement 0."""
    policy = compile_policy(
        {
            "Statement": [
                {
                    "Sid": "Fence",
                    "Effect": "Deny",
                    "Principal": {"AWS": ACCOUNT},
                    "Action": "s3:*",
                    "Resource": "*",
                }
            ]
        },
        name="p",
        kind="bucket",
    )
    assert _outcome(policy.evaluate(_ctx())) == (Decision.EXPLICIT_DENY, 0, "Fence")


def _not_principal(listed: Any) -> Any:
    return compile_policy(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "AllowAll", "Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"},
                {
                    "Sid": "DenyOthers",
                    "Effect": "Deny",
                    "NotPrincipal": listed,
                    "Action": "s3:*",
                    "Resource": "*",
                },
            ],
        },
        name="p",
        kind="bucket",
    )


NOT_PRINCIPAL_CASES = [
    # The page's own example: session, role and account all listed: the session escapes the Deny.
    pytest.param(
        {"AWS": [SESSION, ROLE, ROOT]}, ALLOWED_PAST_DENY, None, NOTPRINCIPAL, id="session-role-account"
    ),
    pytest.param(
        {"AWS": [SESSION, ROLE, ACCOUNT]}, ALLOWED_PAST_DENY, None, NOTPRINCIPAL, id="account-id-form"
    ),
    # "If the NotPrincipal element was missing the ARN of the role [or the account], the effect of the policy
    # might be to explicitly deny access": we apply the Deny and say why with a note code.
    pytest.param(
        {"AWS": [ROLE, ROOT]}, DENY1, NOTPRINCIPAL_ROLE_SESSION, NOTPRINCIPAL, id="role-and-account-only"
    ),
    pytest.param({"AWS": ROLE}, DENY1, NOTPRINCIPAL_ROLE_SESSION, NOTPRINCIPAL, id="role-only"),
    pytest.param({"AWS": [SESSION, ROLE]}, DENY1, NOTPRINCIPAL_ROLE_SESSION, NOTPRINCIPAL, id="no-account"),
    pytest.param({"AWS": ROOT}, DENY1, NOTPRINCIPAL_ROLE_SESSION, NOTPRINCIPAL, id="account-only"),
    pytest.param(
        {"AWS": f"arn:aws:iam::{ACCOUNT}:role/batch-role"}, DENY1, None, NOTPRINCIPAL, id="other-role"
    ),
    pytest.param({"Service": "s3.amazonaws.com"}, DENY1, None, NOTPRINCIPAL, id="service-only"),
    pytest.param({"AWS": "*"}, ALLOWED_PAST_DENY, None, NOTPRINCIPAL, id="everyone-excluded"),
]


@pytest.mark.parametrize(("listed", "expected", "note", "source"), NOT_PRINCIPAL_CASES)
def test_not_principal_with_deny(
    listed: Any, expected: tuple[Any, ...], note: str | None, source: str
) -> None:
    """NotPrincipal + Deny: which ARN forms must be listed for a role session to escape the Deny."""
    result = _not_principal(listed).evaluate(_ctx())
    assert _outcome(result) == expected, source
    assert result.statements[1].checks[0].note == note


def _action_policy(element: str, values: Any, effect: str = "Allow") -> Any:
    statement = {"Sid": "Grant", "Effect": effect, element: values, "Resource": "*"}
    return compile_policy({"Statement": [statement]}, name="p", kind="identity")


ACTION_CASES = [
    pytest.param("Action", "s3:GetObject", "S3:getobject", ALLOW0, ACTION, id="request-case-differs"),
    pytest.param("Action", "S3:GETOBJECT", "s3:GetObject", ALLOW0, ACTION, id="policy-case-differs"),
    pytest.param("Action", "s3:Get*", "s3:GetObject", ALLOW0, ACTION, id="star"),
    pytest.param("Action", "s3:Get?bject", "s3:GetObject", ALLOW0, ACTION, id="qmark"),
    pytest.param("Action", ["s3:PutObject", "s3:ListBucket"], "s3:GetObject", NONE, ACTION, id="not-listed"),
    pytest.param("Action", "*", "s3:GetObject", ALLOW0, ACTION, id="all-actions"),
    pytest.param("Action", "s3:*Object", "s3:GetObjectAcl", NONE, ACTION, id="star-anchored"),
    pytest.param("NotAction", "s3:Delete*", "s3:GetObject", ALLOW0, ACTION, id="NotAction-other"),
    pytest.param(
        "NotAction", "s3:Delete*", "S3:DELETEOBJECT", NONE, ACTION, id="NotAction-excluded-any-case"
    ),
]


@pytest.mark.parametrize(("element", "values", "action", "expected", "source"), ACTION_CASES)
def test_action_matching(
    element: str, values: Any, action: str, expected: tuple[Any, ...], source: str
) -> None:
    """Action names are case-insensitive; * and ? are wildcards; NotAction matches what it does not list."""
    assert _outcome(_action_policy(element, values).evaluate(_ctx(action=action))) == expected, source


def _resource_policy(element: str, values: Any, effect: str = "Allow") -> Any:
    statement = {"Sid": "Grant", "Effect": effect, "Action": "s3:*", element: values}
    return compile_policy({"Version": "2012-10-17", "Statement": [statement]}, name="p", kind="identity")


RESOURCE_CASES = [
    pytest.param("Resource", BUCKET, OBJECT, {}, NONE, RESOURCE, id="bucket-arn-not-objects"),
    pytest.param("Resource", BUCKET, BUCKET, {}, ALLOW0, RESOURCE, id="bucket-arn-bucket"),
    pytest.param("Resource", f"{BUCKET}/*", OBJECT, {}, ALLOW0, RESOURCE, id="objects"),
    pytest.param("Resource", f"{BUCKET}/*", BUCKET, {}, NONE, RESOURCE, id="objects-not-bucket"),
    pytest.param("Resource", "arn:aws:s3:::App-Data/*", OBJECT, {}, NONE, RESOURCE, id="case-sensitive"),
    pytest.param("Resource", "arn:aws:s3:::app-dat?/*", OBJECT, {}, ALLOW0, RESOURCE, id="qmark"),
    pytest.param("Resource", "arn:aws:s3:::*", OBJECT, {}, ALLOW0, RESOURCE, id="star-spans-slashes"),
    pytest.param("NotResource", f"{BUCKET}/public/*", OBJECT, {}, ALLOW0, RESOURCE, id="NotResource-other"),
    pytest.param("NotResource", f"{BUCKET}/reports/*", OBJECT, {}, NONE, RESOURCE, id="NotResource-excluded"),
    pytest.param(
        "Resource",
        f"{BUCKET}/${{aws:PrincipalAccount}}/*",
        f"{BUCKET}/{ACCOUNT}/x",
        {},
        ALLOW0,
        VARS,
        id="variable-principal-account",
    ),
    pytest.param(
        "Resource",
        f"{BUCKET}/${{aws:SourceVpce}}/*",
        f"{BUCKET}/vpce-0abc/x",
        {"aws:SourceVpce": "vpce-0abc"},
        ALLOW0,
        VARS,
        id="variable-source-vpce",
    ),
    pytest.param(
        "Resource",
        f"{BUCKET}/${{aws:SourceVpce}}/*",
        f"{BUCKET}/vpce-0abc/x",
        {},
        NONE,
        VARS,
        id="variable-unresolved-no-match",
    ),
]


@pytest.mark.parametrize(("element", "values", "resource", "keys", "expected", "source"), RESOURCE_CASES)
def test_resource_matching(
    element: str, values: Any, resource: str, keys: dict[str, Any], expected: tuple[Any, ...], source: str
) -> None:
    """Resource ARNs are case-sensitive; the bucket ARN and bucket/* are different resources."""
    result = _resource_policy(element, values).evaluate(_ctx(resource=resource, keys=keys))
    assert _outcome(result) == expected, source


def test_not_resource_with_unresolved_variable_does_not_widen_a_deny() -> None:
    """An unresolved variable 'causes the statement to be invalid' (VARS): a Deny with NotResource does not
    turn it into "everything else"; the allow at statement 0 stands, and the check says why."""
    policy = compile_policy(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "AllowAll", "Effect": "Allow", "Action": "*", "Resource": "*"},
                {
                    "Sid": "DenyOthers",
                    "Effect": "Deny",
                    "Action": "s3:*",
                    "NotResource": f"{BUCKET}/${{aws:username}}/*",
                },
            ],
        },
        name="p",
    )
    result = policy.evaluate(_ctx())
    assert _outcome(result) == ALLOWED_PAST_DENY
    assert result.statements[1].checks[1].note == POLICY_VARIABLE_UNRESOLVED


def test_statement_checks_are_in_element_order() -> None:
    """Checks come as Principal, Action, Resource, then one per condition operator+key (trace evidence)."""
    policy = compile_policy(
        {
            "Statement": {
                "Effect": "Deny",
                "Principal": "*",
                "NotAction": "s3:List*",
                "Resource": "*",
                "Condition": {
                    "StringNotEquals": {"aws:SourceVpce": "v", "aws:SourceVpc": "w"},
                    "Bool": {"aws:SecureTransport": "false"},
                },
            }
        },
        name="p",
        kind="bucket",
    )
    ev = policy.evaluate(_ctx()).statements[0]
    assert [(c.element, c.key) for c in ev.checks] == [
        ("Principal", None),
        ("NotAction", None),
        ("Resource", None),
        ("Condition", "aws:SourceVpce"),
        ("Condition", "aws:SourceVpc"),
        ("Condition", "aws:SecureTransport"),
    ]
