"""Policy documents: accepted shapes, refused ones (with the statement named), the public surface, the
English evidence, and the speed budget."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

import engine.policy as policy_pkg
from engine.errors import PolicyDocumentError
from engine.policy import (
    Decision,
    RequestContext,
    compile_policy,
    decide_s3_access,
    describe_check,
    describe_decision,
    describe_statement,
)

GRAMMAR = "IAM UG, IAM JSON policy element reference / Grammar of the IAM JSON policy language"
VERSION = "IAM UG, IAM JSON policy elements: Version"
OPS = "IAM UG, IAM JSON policy elements: Condition operators"
PRINCIPAL = "IAM UG, AWS JSON policy elements: Principal"
VPCE_DOC = (
    "PrivateLink guide, Control access to VPC endpoints using endpoint policies (must contain Principal)"
)

SESSION = "arn:aws:sts::444455556666:assumed-role/web-role/i-0abc"
ROLE = "arn:aws:iam::444455556666:role/web-role"
NAME = "vpce-0abc endpoint policy"


def _ctx(keys: dict[str, Any] | None = None, action: str = "s3:GetObject") -> RequestContext:
    return RequestContext.build(
        principal_arn=SESSION, action=action, resource="arn:aws:s3:::app-data/k", keys=keys or {}
    )


def _statement(**overrides: Any) -> dict[str, Any]:
    base = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


VALID = [
    pytest.param(
        json.dumps({"Version": "2012-10-17", "Statement": [_statement(Sid="A")]}),
        (0, "A"),
        GRAMMAR,
        id="json-text",
    ),
    pytest.param(
        {"Version": "2008-10-17", "Statement": _statement(Sid="A")},
        (0, "A"),
        VERSION,
        id="v2008-single-statement-object",
    ),
    pytest.param(
        {"Statement": [_statement(Action=["s3:PutObject"]), _statement(Sid="B")]},
        (1, "B"),
        VERSION,
        id="no-version-second-statement",
    ),
    pytest.param(
        {"Id": "x", "Statement": [_statement(Sid="A", Principal={"AWS": [ROLE]})]},
        (0, "A"),
        GRAMMAR,
        id="principal-list",
    ),
    pytest.param(
        {"Statement": [_statement(Condition={"StringEquals": {"aws:SecureTransport": ["x", "true"]}})]},
        (0, None),
        GRAMMAR,
        id="condition-value-list",
    ),
]


@pytest.mark.parametrize(("document", "deciding", "source"), VALID)
def test_accepted_shapes(document: Any, deciding: tuple[int, str | None], source: str) -> None:
    """JSON text or a mapping; Version 2012-10-17, 2008-10-17 or absent; one statement or a list; one value
    or a list. Each evaluates to ALLOW by the statement given."""
    result = compile_policy(document, name=NAME, kind="endpoint").evaluate(
        _ctx({"aws:SecureTransport": True})
    )
    assert result.decision is Decision.ALLOW, source
    assert result.deciding is not None and (result.deciding.index, result.deciding.sid) == deciding


def _doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


INVALID = [
    pytest.param(
        _doc(_statement(Sid="A"), _statement(Sid="DenyAll", Effect="Block")),
        "endpoint",
        "policy vpce-0abc endpoint policy, statement 2 (Sid 'DenyAll'): "
        "Effect must be Allow or Deny, got 'Block'",
        GRAMMAR,
        id="bad-effect",
    ),
    pytest.param(
        _doc(_statement(Action=None)),
        "endpoint",
        "statement 1: missing Action (or NotAction)",
        GRAMMAR,
        id="missing-action",
    ),
    pytest.param(
        '{"Version": "2012-10-17", "Statement": [', "endpoint", "not valid JSON", GRAMMAR, id="bad-json"
    ),
    pytest.param(
        _doc(_statement(Sid="S", Condition={"StringEqualz": {"aws:SourceVpce": "v"}})),
        "endpoint",
        "statement 1 (Sid 'S'): Condition StringEqualz aws:SourceVpce: unknown condition operator",
        OPS,
        id="unknown-operator",
    ),
    pytest.param(
        _doc(_statement(Condition={"ForSomeValues:StringEquals": {"k": "v"}})),
        "endpoint",
        "prefix must be ForAnyValue or ForAllValues",
        OPS,
        id="unknown-set-prefix",
    ),
    pytest.param(
        _doc(_statement(Condition={"NullIfExists": {"k": "true"}})),
        "endpoint",
        "unknown condition operator 'NullIfExists'",
        OPS,
        id="null-ifexists",
    ),
    pytest.param(
        _doc(_statement(NotAction="s3:Put*")),
        "endpoint",
        "Action and NotAction cannot both be present",
        GRAMMAR,
        id="action-and-notaction",
    ),
    pytest.param(
        _doc(_statement(Principal=None)),
        "bucket",
        "must have Principal or NotPrincipal",
        VPCE_DOC,
        id="resource-policy-without-principal",
    ),
    pytest.param(
        _doc(_statement()),
        "identity",
        "Principal is not allowed in an identity-based policy",
        PRINCIPAL,
        id="identity-policy-with-principal",
    ),
    pytest.param(
        _doc(_statement(Principal={"AWS": "arn:aws:iam::444455556666:role/web-*"})),
        "bucket",
        "wildcards are not allowed inside a principal",
        PRINCIPAL,
        id="partial-wildcard-principal",
    ),
    pytest.param(
        {"Version": "2012-10-18", "Statement": []},
        "endpoint",
        "Version must be 2012-10-17 or 2008-10-17",
        VERSION,
        id="bad-version",
    ),
    pytest.param(
        _doc(_statement(Effects="Allow")),
        "endpoint",
        "unknown element(s) ['Effects']",
        GRAMMAR,
        id="unknown-element",
    ),
    pytest.param(
        {"Statement": "Allow everything"},
        "endpoint",
        "Statement must be an object or a list",
        GRAMMAR,
        id="statement-not-object",
    ),
    pytest.param(
        _doc(_statement(Resource=[])),
        "endpoint",
        "Resource must be a string or a non-empty list",
        GRAMMAR,
        id="empty-resource-list",
    ),
]


@pytest.mark.parametrize(("document", "kind", "message", "source"), INVALID)
def test_invalid_documents_name_policy_statement_and_element(
    document: Any, kind: str, message: str, source: str
) -> None:
    """A tired on-call engineer gets the policy, the statement (1-based, with Sid) and the element."""
    with pytest.raises(PolicyDocumentError) as raised:
        compile_policy(document, name=NAME, kind=kind)
    assert message in str(raised.value), source
    assert str(raised.value).startswith(f"policy {NAME}")


def test_public_surface_is_exactly_all() -> None:
    """httpx-style: the names the trace engine calls are re-exported from the package root and nothing in
    __all__ is missing (style.md)."""
    required = {
        "compile_policy",
        "CompiledPolicy",
        "RequestContext",
        "PolicyResult",
        "StatementEvaluation",
        "Check",
        "Decision",
        "AccessDecision",
        "decide_s3_access",
        "describe_check",
        "describe_statement",
        "describe_decision",
    }
    assert required <= set(policy_pkg.__all__)
    assert all(hasattr(policy_pkg, name) for name in policy_pkg.__all__)


def test_request_context_build_lowercases_keys_and_fills_principal_keys() -> None:
    """Key names are case-insensitive; aws:PrincipalArn of a role session is the role ARN (IAM UG, AWS
    global condition context keys)."""
    ctx = RequestContext.build(
        principal_arn=SESSION,
        action="s3:GetObject",
        resource="arn:aws:s3:::b",
        keys={"AWS:SourceVpce": "vpce-1", "aws:SourceIp": None},
    )
    assert (ctx.principal_account, ctx.role_arn) == ("444455556666", ROLE)
    assert dict(ctx.keys) == {
        "aws:sourcevpce": "vpce-1",
        "aws:principalarn": ROLE,
        "aws:principalaccount": "444455556666",
    }


# --- explain ------------------------------------------------------------------------------------------------

DENY_UNLESS = {
    "Sid": "DenyUnlessClientEndpoint",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": "*",
    "Condition": {"StringNotEquals": {"aws:sourceVpce": "vpce-0def"}},
}


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        pytest.param(
            {"aws:SourceVpce": "vpce-0abc"},
            "condition StringNotEquals aws:sourceVpce: request has vpce-0abc, policy wants vpce-0def",
            id="present",
        ),
        pytest.param(
            {},
            "condition StringNotEquals aws:sourceVpce: key absent from the request "
            "(negated operator matches)",
            id="absent",
        ),
    ],
)
def test_describe_check(keys: dict[str, Any], expected: str) -> None:
    """The condition in words, quoting operator and key as the policy wrote them (OPS, absent keys)."""
    result = compile_policy(_doc(DENY_UNLESS), name="b", kind="bucket").evaluate(_ctx(keys))
    assert result.deciding is not None
    assert describe_check(result.deciding.checks[-1]).startswith(expected)


def test_describe_statement_and_decision() -> None:
    """One line per statement, numbered from 1 with its Sid; the decision paragraph names the code, the
    refusing resource and every policy considered (interfaces.md, blocked_by.detail)."""
    bucket = compile_policy(_doc(DENY_UNLESS), name="bucket policy of app-data", kind="bucket")
    identity = compile_policy(
        _doc({"Effect": "Allow", "Action": "s3:*", "Resource": "*"}), name="r", kind="identity"
    )
    decision = decide_s3_access(
        _ctx({}), endpoint=None, bucket=("app-data", "444455556666", bucket), identity=(ROLE, [identity])
    )
    assert decision.deciding is not None
    line = describe_statement(decision.deciding)
    assert line.startswith(
        "statement 1 (Sid DenyUnlessClientEndpoint, Deny): matched — condition StringNotEquals"
    )
    paragraph = describe_decision(decision)
    assert paragraph.startswith("Refused: BUCKET_POLICY_DENY by app-data.")
    assert "bucket policy of app-data denies explicitly by statement 1" in paragraph
    assert "identity policy r allows" in paragraph
    unmatched = compile_policy(_doc(DENY_UNLESS), name="b", kind="bucket").evaluate(
        _ctx({"aws:SourceVpce": "vpce-0def"})
    )
    assert describe_statement(unmatched.statements[0]).endswith("policy wants vpce-0def (does not hold)")


# --- speed --------------------------------------------------------------------------------------------------


def test_compiled_policy_evaluates_without_parsing_or_compiling_per_request(monkeypatch: pytest.MonkeyPatch) -> None:
    """Compile once, evaluate many: no JSON parsing and no regex compile per request (what keeps a 5-statement
    policy in tens of microseconds; the figure itself is measured by ``python -m bench.bench``)."""
    statements = [
        {
            "Sid": "DenyInsecure",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": "*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
        DENY_UNLESS,
        {
            "Sid": "DenyOutside",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": "*",
            "Condition": {
                "NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"},
                "Null": {"aws:SourceVpce": "true"},
            },
        },
        {
            "Sid": "Read",
            "Effect": "Allow",
            "Principal": {"AWS": ROLE},
            "Action": ["s3:Get*", "s3:List*"],
            "Resource": ["arn:aws:s3:::app-data", "arn:aws:s3:::app-data/*"],
        },
        {
            "Sid": "Home",
            "Effect": "Allow",
            "Principal": {"AWS": ROLE},
            "Action": "s3:PutObject",
            "Resource": "arn:aws:s3:::app-data/${aws:PrincipalAccount}/*",
        },
    ]
    policy = compile_policy(_doc(*statements), name="b", kind="bucket")
    ctx = _ctx({"aws:SourceVpce": "vpce-0def", "aws:SecureTransport": True})
    assert policy.evaluate(ctx).decision is Decision.ALLOW

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed or compiled while evaluating")

    monkeypatch.setattr(re, "_compile", forbidden)
    monkeypatch.setattr(json, "loads", forbidden)
    for _ in range(3):
        assert policy.evaluate(ctx).decision is Decision.ALLOW


def test_a_policy_without_conditions_reuses_its_decision_and_one_with_conditions_reads_every_request() -> None:
    """A statement with no Condition and no policy variable decides by principal, action and resource alone
    (IAM UG, "Policy evaluation logic"), so its result is reused per those; any condition key makes the
    request's keys part of the decision, and nothing is reused across them."""
    plain = compile_policy(_doc(_statement(Action="s3:GetObject")), name="plain", kind="bucket")
    first = plain.evaluate(_ctx())
    assert plain.evaluate(_ctx({"aws:SourceVpce": "vpce-1"})) is first  # keys it never reads do not matter
    assert plain.evaluate(_ctx(action="s3:PutObject")).decision is Decision.IMPLICIT_DENY
    assert first.decision is Decision.ALLOW
    guarded = compile_policy(_doc(_statement(Condition={"StringEquals": {"aws:SourceVpce": "vpce-1"}})),
                             name="guarded", kind="bucket")
    assert guarded.evaluate(_ctx({"aws:SourceVpce": "vpce-1"})).decision is Decision.ALLOW
    assert guarded.evaluate(_ctx({"aws:SourceVpce": "vpce-2"})).decision is Decision.IMPLICIT_DENY
