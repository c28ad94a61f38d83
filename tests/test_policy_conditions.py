"""Condition operators, one table: each row is a Guard statement's condition against a request's keys.

The policy under test is always [0: Allow everything (Sid Baseline), 1: Deny when the condition holds
(Sid Guard)], so each row states the decision and the deciding statement: the condition holding means
EXPLICIT_DENY by statement 1 "Guard"; not holding means ALLOW by statement 0 "Baseline".
"""

from __future__ import annotations

from typing import Any

import pytest

from engine.policy import Decision, RequestContext, compile_policy

# AWS pages each row comes from (IAM User Guide unless said otherwise).
OPS = "IAM UG, IAM JSON policy elements: Condition operators"
IFEXISTS = "IAM UG, Condition operators, ...IfExists condition operators"
NULL = "IAM UG, Condition operators, Condition operator to check existence of condition keys (Null)"
MULTI = "IAM UG, Single-valued vs. multivalued context keys (ForAnyValue / ForAllValues)"
MULTI_EX = "IAM UG, Multivalued context key examples (ForAllValues:StringNotLike aws:TagKeys)"
COND = "IAM UG, IAM JSON policy elements: Condition (several keys AND, several values OR, key names)"
VARS = "IAM UG, IAM policy elements: Variables and tags"
GLOBAL = "IAM UG, AWS global condition context keys"

DENIED = (Decision.EXPLICIT_DENY, 1, "Guard")
ALLOWED = (Decision.ALLOW, 0, "Baseline")

SESSION = "arn:aws:sts::444455556666:assumed-role/web-role/i-0abc"
ROLE = "arn:aws:iam::444455556666:role/web-role"


def _policy(condition: dict[str, Any], version: str = "2012-10-17") -> Any:
    return compile_policy(
        {
            "Version": version,
            "Statement": [
                {"Sid": "Baseline", "Effect": "Allow", "Action": "*", "Resource": "*"},
                {"Sid": "Guard", "Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": condition},
            ],
        },
        name="condition-table",
    )


def _ctx(keys: dict[str, Any]) -> RequestContext:
    return RequestContext.build(
        principal_arn=SESSION, action="s3:GetObject", resource="arn:aws:s3:::app-data/k", keys=keys
    )


VPCE = "aws:SourceVpce"
IP = "aws:SourceIp"
NOW = "aws:CurrentTime"

CASES = [
    # --- string operators (OPS) -----------------------------------------------------------------------------
    pytest.param(
        {"StringEquals": {VPCE: "vpce-0abc"}}, {VPCE: "vpce-0abc"}, DENIED, OPS, id="StringEquals-match"
    ),
    pytest.param(
        {"StringEquals": {VPCE: "vpce-0abc"}}, {VPCE: "vpce-0def"}, ALLOWED, OPS, id="StringEquals-other"
    ),
    pytest.param({"StringEquals": {VPCE: "vpce-0abc"}}, {}, ALLOWED, OPS, id="StringEquals-absent-false"),
    pytest.param(
        {"StringEquals": {VPCE: "VPCE-0ABC"}}, {VPCE: "vpce-0abc"}, ALLOWED, OPS, id="StringEquals-case"
    ),
    pytest.param({"StringNotEquals": {VPCE: "vpce-0abc"}}, {}, DENIED, OPS, id="StringNotEquals-absent-true"),
    pytest.param(
        {"StringNotEquals": {VPCE: "vpce-0abc"}}, {VPCE: "vpce-0abc"}, ALLOWED, OPS, id="StringNotEquals-eq"
    ),
    pytest.param(
        {"StringNotEquals": {VPCE: ["vpce-0abc", "vpce-0def"]}},
        {VPCE: "vpce-0def"},
        ALLOWED,
        OPS,
        id="StringNotEquals-two-values-matches-second",
    ),
    pytest.param(
        {"StringNotEquals": {VPCE: ["vpce-0abc", "vpce-0def"]}},
        {VPCE: "vpce-0999"},
        DENIED,
        OPS,
        id="StringNotEquals-two-values-matches-none",
    ),
    pytest.param(
        {"StringEqualsIgnoreCase": {VPCE: "VPCE-0ABC"}},
        {VPCE: "vpce-0abc"},
        DENIED,
        OPS,
        id="IgnoreCase-match",
    ),
    pytest.param(
        {"StringNotEqualsIgnoreCase": {VPCE: "x"}}, {}, DENIED, OPS, id="NotEqualsIgnoreCase-absent"
    ),
    pytest.param(
        {"StringNotEqualsIgnoreCase": {VPCE: "VPCE-0ABC"}},
        {VPCE: "vpce-0abc"},
        ALLOWED,
        OPS,
        id="NotEqualsIgnoreCase-same",
    ),
    pytest.param({"StringLike": {VPCE: "vpce-0*"}}, {VPCE: "vpce-0abc"}, DENIED, OPS, id="StringLike-star"),
    pytest.param(
        {"StringLike": {VPCE: "vpce-0?bc"}}, {VPCE: "vpce-0abc"}, DENIED, OPS, id="StringLike-qmark"
    ),
    pytest.param(
        {"StringLike": {VPCE: "vpce-0?"}}, {VPCE: "vpce-0abc"}, ALLOWED, OPS, id="StringLike-qmark-one"
    ),
    pytest.param({"StringLike": {VPCE: "VPCE-*"}}, {VPCE: "vpce-0abc"}, ALLOWED, OPS, id="StringLike-case"),
    # The peer bug domain-rules.md warns about: StringNotLike on a missing key is TRUE.
    pytest.param({"StringNotLike": {VPCE: "vpce-0*"}}, {}, DENIED, OPS, id="StringNotLike-absent-true"),
    pytest.param(
        {"StringNotLike": {VPCE: "vpce-0*"}}, {VPCE: "vpce-0abc"}, ALLOWED, OPS, id="StringNotLike-match"
    ),
    pytest.param(
        {"StringNotLike": {VPCE: "vpce-0*"}}, {VPCE: "vpce-9abc"}, DENIED, OPS, id="StringNotLike-other"
    ),
    pytest.param(
        {"StringEquals": {"AWS:SOURCEVPCE": "vpce-0abc"}},
        {"aws:sourcevpce": "vpce-0abc"},
        DENIED,
        COND,
        id="key-names-case-insensitive",
    ),
    pytest.param(
        {"StringEquals": {"aws:SecureTransport": "true"}},
        {"aws:SecureTransport": True},
        DENIED,
        OPS,
        id="StringEquals-bool-request-as-text",
    ),
    # --- numeric (OPS) --------------------------------------------------------------------------------------
    pytest.param(
        {"NumericLessThan": {"s3:max-keys": "10"}}, {"s3:max-keys": 5}, DENIED, OPS, id="NumLT-true"
    ),
    pytest.param(
        {"NumericLessThan": {"s3:max-keys": "10"}}, {"s3:max-keys": "10"}, ALLOWED, OPS, id="NumLT-equal"
    ),
    pytest.param(
        {"NumericLessThanEquals": {"s3:max-keys": 10}}, {"s3:max-keys": 10}, DENIED, OPS, id="NumLE"
    ),
    pytest.param({"NumericGreaterThan": {"s3:max-keys": "10"}}, {"s3:max-keys": 11}, DENIED, OPS, id="NumGT"),
    pytest.param(
        {"NumericGreaterThanEquals": {"s3:max-keys": "10"}}, {"s3:max-keys": 9}, ALLOWED, OPS, id="NumGE"
    ),
    pytest.param(
        {"NumericEquals": {"s3:max-keys": "10"}}, {"s3:max-keys": "10.0"}, DENIED, OPS, id="NumEq-float"
    ),
    pytest.param({"NumericEquals": {"s3:max-keys": "10"}}, {}, ALLOWED, OPS, id="NumEq-absent-false"),
    pytest.param({"NumericNotEquals": {"s3:max-keys": "10"}}, {}, DENIED, OPS, id="NumNotEq-absent-true"),
    pytest.param(
        {"NumericNotEquals": {"s3:max-keys": "10"}}, {"s3:max-keys": 10}, ALLOWED, OPS, id="NumNotEq-eq"
    ),
    # --- date (OPS): ISO 8601 and epoch seconds on either side ----------------------------------------------
    pytest.param(
        {"DateGreaterThan": {NOW: "2024-01-01T00:00:00Z"}},
        {NOW: "2024-06-01T12:00:00Z"},
        DENIED,
        OPS,
        id="DateGT-iso",
    ),
    pytest.param(
        {"DateLessThan": {NOW: "1704067200"}},
        {NOW: "2023-12-31T23:59:59Z"},
        DENIED,
        OPS,
        id="DateLT-epoch-policy-iso-request",
    ),
    pytest.param(
        {"DateEquals": {NOW: "2024-01-01T00:00:00Z"}},
        {NOW: 1704067200},
        DENIED,
        OPS,
        id="DateEq-epoch-request",
    ),
    pytest.param(
        {"DateLessThanEquals": {NOW: "2024-01-01"}},
        {NOW: "2024-01-01T00:00:00Z"},
        DENIED,
        OPS,
        id="DateLE-boundary",
    ),
    pytest.param(
        {"DateGreaterThanEquals": {NOW: "2024-01-02T00:00:00+09:00"}},
        {NOW: "2024-01-01T14:59:59Z"},
        ALLOWED,
        OPS,
        id="DateGE-offset",
    ),
    pytest.param(
        {"DateNotEquals": {NOW: "2024-01-01T00:00:00Z"}}, {}, DENIED, OPS, id="DateNotEq-absent-true"
    ),
    # --- bool and binary (OPS) ------------------------------------------------------------------------------
    pytest.param(
        {"Bool": {"aws:SecureTransport": "false"}},
        {"aws:SecureTransport": False},
        DENIED,
        OPS,
        id="Bool-false-insecure",
    ),
    pytest.param(
        {"Bool": {"aws:SecureTransport": "false"}},
        {"aws:SecureTransport": True},
        ALLOWED,
        OPS,
        id="Bool-false-secure",
    ),
    pytest.param({"Bool": {"aws:SecureTransport": "false"}}, {}, ALLOWED, OPS, id="Bool-absent-false"),
    pytest.param(
        {"BoolIfExists": {"aws:SecureTransport": "false"}}, {}, DENIED, IFEXISTS, id="BoolIfExists-absent"
    ),
    pytest.param(
        {"BinaryEquals": {"s3:x-key": "QmluYXJ5"}}, {"s3:x-key": b"Binary"}, DENIED, OPS, id="Binary-eq"
    ),
    pytest.param(
        {"BinaryEquals": {"s3:x-key": "QmluYXJ5"}}, {"s3:x-key": "T3RoZXI="}, ALLOWED, OPS, id="Binary-ne"
    ),
    # --- IP address (OPS): CIDRs and single addresses, IPv4 and IPv6 ----------------------------------------
    pytest.param(
        {"IpAddress": {IP: "203.0.113.0/24"}}, {IP: "203.0.113.10"}, DENIED, OPS, id="Ip-v4-cidr-in"
    ),
    pytest.param({"IpAddress": {IP: "203.0.113.10"}}, {IP: "203.0.113.10"}, DENIED, OPS, id="Ip-v4-single"),
    pytest.param({"IpAddress": {IP: "203.0.113.0/24"}}, {IP: "198.51.100.7"}, ALLOWED, OPS, id="Ip-v4-out"),
    pytest.param(
        {"IpAddress": {IP: "2001:db8::/32"}}, {IP: "2001:db8:1::5"}, DENIED, OPS, id="Ip-v6-cidr-in"
    ),
    pytest.param(
        {"IpAddress": {IP: "203.0.113.0/24"}},
        {IP: "2001:db8::cb00:710a"},
        ALLOWED,
        OPS,
        id="Ip-v6-vs-v4-cidr",
    ),
    pytest.param({"IpAddress": {IP: "203.0.113.0/24"}}, {}, ALLOWED, OPS, id="Ip-absent-false"),
    pytest.param({"NotIpAddress": {IP: "203.0.113.0/24"}}, {}, DENIED, OPS, id="NotIp-absent-true"),
    pytest.param(
        {"NotIpAddress": {IP: ["203.0.113.0/24", "2001:db8::/32"]}},
        {IP: "2001:db8::9"},
        ALLOWED,
        OPS,
        id="NotIp-v6-inside",
    ),
    pytest.param(
        {"NotIpAddress": {IP: "2001:db8::/32"}}, {IP: "2001:db9::1"}, DENIED, OPS, id="NotIp-v6-outside"
    ),
    # --- ARN (OPS): ArnEquals behaves as ArnLike; a wildcard stays inside its colon-separated part ----------
    # RequestContext.build fills aws:PrincipalArn with the role ARN for a role session (GLOBAL).
    pytest.param(
        {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/web-*"}},
        {},
        DENIED,
        GLOBAL,
        id="ArnLike-principalarn-filled-by-build",
    ),
    pytest.param(
        {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/web-*"}},
        {"aws:PrincipalArn": ROLE},
        DENIED,
        OPS,
        id="ArnLike-match",
    ),
    pytest.param(
        {"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::444455556666:role/*"}},
        {"aws:PrincipalArn": ROLE},
        DENIED,
        OPS,
        id="ArnEquals-wildcard-like-ArnLike",
    ),
    pytest.param(
        {"ArnLike": {"aws:SourceArn": "arn:aws:*:role/web-role"}},
        {"aws:SourceArn": ROLE},
        ALLOWED,
        OPS,
        id="ArnLike-not-a-six-part-arn-matches-nothing",
    ),
    pytest.param(
        {"ArnLike": {"aws:SourceArn": "arn:aws:logs:*:log-group:app"}},
        {"aws:SourceArn": "arn:aws:logs:ap-northeast-1:444455556666:log-group:app"},
        ALLOWED,
        OPS,
        id="ArnLike-star-stays-inside-its-part",
    ),
    pytest.param(
        {"ArnNotLike": {"aws:SourceArn": "arn:aws:iam::*:role/x"}},
        {},
        DENIED,
        OPS,
        id="ArnNotLike-absent-true",
    ),
    pytest.param(
        {"ArnNotEquals": {"aws:SourceArn": ROLE}},
        {"aws:SourceArn": ROLE},
        ALLOWED,
        OPS,
        id="ArnNotEquals-same",
    ),
    # --- Null (NULL) ----------------------------------------------------------------------------------------
    pytest.param({"Null": {VPCE: "true"}}, {}, DENIED, NULL, id="Null-true-absent"),
    pytest.param({"Null": {VPCE: "true"}}, {VPCE: "vpce-0abc"}, ALLOWED, NULL, id="Null-true-present"),
    pytest.param({"Null": {VPCE: "false"}}, {VPCE: "vpce-0abc"}, DENIED, NULL, id="Null-false-present"),
    pytest.param({"Null": {VPCE: False}}, {}, ALLOWED, NULL, id="Null-false-absent"),
    # --- ...IfExists (IFEXISTS) -----------------------------------------------------------------------------
    pytest.param(
        {"StringEqualsIfExists": {VPCE: "vpce-0abc"}}, {}, DENIED, IFEXISTS, id="EqualsIfExists-absent"
    ),
    pytest.param(
        {"StringEqualsIfExists": {VPCE: "vpce-0abc"}},
        {VPCE: "vpce-0def"},
        ALLOWED,
        IFEXISTS,
        id="EqualsIfExists-present-other",
    ),
    pytest.param(
        {"StringNotEqualsIfExists": {VPCE: "vpce-0abc"}},
        {VPCE: "vpce-0abc"},
        ALLOWED,
        IFEXISTS,
        id="NotEqualsIfExists-present-same",
    ),
    pytest.param(
        {"StringNotEqualsIfExists": {VPCE: "vpce-0abc"}},
        {VPCE: "vpce-0def"},
        DENIED,
        IFEXISTS,
        id="NotEqualsIfExists-present-other",
    ),
    # --- set operators (MULTI) ------------------------------------------------------------------------------
    pytest.param(
        {"ForAnyValue:StringEquals": {"aws:TagKeys": "env"}}, {}, ALLOWED, MULTI, id="ForAny-absent-false"
    ),
    pytest.param(
        {"ForAnyValue:StringEquals": {"aws:TagKeys": "env"}},
        {"aws:TagKeys": ["team", "env"]},
        DENIED,
        MULTI,
        id="ForAny-one-matches",
    ),
    pytest.param(
        {"ForAnyValue:StringEquals": {"aws:TagKeys": "env"}},
        {"aws:TagKeys": ["team"]},
        ALLOWED,
        MULTI,
        id="ForAny-none-match",
    ),
    pytest.param(
        {"ForAnyValue:StringNotEquals": {"aws:TagKeys": "env"}},
        {},
        ALLOWED,
        MULTI,
        id="ForAny-negated-absent-false",
    ),
    pytest.param(
        {"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["env", "team"]}},
        {"aws:TagKeys": ["team", "env"]},
        ALLOWED,
        MULTI,
        id="ForAny-negated-every-value-listed",
    ),
    pytest.param(
        {"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["env", "team"]}},
        {"aws:TagKeys": ["env", "cost"]},
        DENIED,
        MULTI,
        id="ForAny-negated-one-value-unlisted",
    ),
    pytest.param(
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]}},
        {},
        DENIED,
        MULTI,
        id="ForAll-absent-true",
    ),
    pytest.param(
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]}},
        {"aws:TagKeys": []},
        DENIED,
        MULTI,
        id="ForAll-empty-true",
    ),
    pytest.param(
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]}},
        {"aws:TagKeys": ["team", "env"]},
        DENIED,
        MULTI,
        id="ForAll-all-in",
    ),
    pytest.param(
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]}},
        {"aws:TagKeys": ["env", "cost"]},
        ALLOWED,
        MULTI,
        id="ForAll-one-out",
    ),
    pytest.param(
        {"ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"}},
        {"aws:TagKeys": ["key2:audit"]},
        DENIED,
        MULTI_EX,
        id="ForAll-NotLike-doc-example-match",
    ),
    pytest.param(
        {"ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"}},
        {"aws:TagKeys": ["key1:legal"]},
        ALLOWED,
        MULTI_EX,
        id="ForAll-NotLike-doc-example-no-match",
    ),
    # --- several keys / operators AND (COND) ----------------------------------------------------------------
    pytest.param(
        {"StringEquals": {VPCE: "vpce-0abc", "aws:SourceVpc": "vpc-1"}},
        {VPCE: "vpce-0abc", "aws:SourceVpc": "vpc-1"},
        DENIED,
        COND,
        id="two-keys-both",
    ),
    pytest.param(
        {"StringEquals": {VPCE: "vpce-0abc", "aws:SourceVpc": "vpc-1"}},
        {VPCE: "vpce-0abc", "aws:SourceVpc": "vpc-2"},
        ALLOWED,
        COND,
        id="two-keys-one-fails",
    ),
    pytest.param(
        {"StringEquals": {VPCE: "vpce-0abc"}, "Bool": {"aws:SecureTransport": "true"}},
        {VPCE: "vpce-0abc", "aws:SecureTransport": True},
        DENIED,
        COND,
        id="two-operators-both",
    ),
    pytest.param(
        {"StringEquals": {VPCE: "vpce-0abc"}, "Bool": {"aws:SecureTransport": "true"}},
        {VPCE: "vpce-0abc", "aws:SecureTransport": False},
        ALLOWED,
        COND,
        id="two-operators-one-fails",
    ),
    # --- policy variables (VARS) ----------------------------------------------------------------------------
    pytest.param(
        {"StringLike": {"s3:prefix": "home/${aws:username}/*"}},
        {"aws:username": "alice", "s3:prefix": "home/alice/docs"},
        DENIED,
        VARS,
        id="var-resolved",
    ),
    pytest.param(
        {"StringLike": {"s3:prefix": "home/${aws:username}/*"}},
        {"s3:prefix": "home/alice/docs"},
        ALLOWED,
        VARS,
        id="var-unresolved-matches-nothing",
    ),
    pytest.param(
        {"StringNotEquals": {VPCE: "${aws:username}"}},
        {VPCE: "vpce-0abc"},
        ALLOWED,
        VARS,
        id="var-unresolved-negated-fails",
    ),
    pytest.param(
        {"StringEquals": {"s3:prefix": "${aws:username, 'anonymous'}"}},
        {"s3:prefix": "anonymous"},
        DENIED,
        VARS,
        id="var-default-value",
    ),
    pytest.param(
        {"StringEquals": {"aws:PrincipalAccount": "${aws:ResourceAccount}"}},
        {"aws:ResourceAccount": "444455556666"},
        DENIED,
        GLOBAL,
        id="var-principal-account",
    ),
    pytest.param(
        {"StringEquals": {"s3:prefix": "a${*}b"}}, {"s3:prefix": "a*b"}, DENIED, VARS, id="var-escape-star"
    ),
    pytest.param(
        {"StringLike": {"s3:prefix": "a${*}b"}},
        {"s3:prefix": "axb"},
        ALLOWED,
        VARS,
        id="var-escape-star-is-literal-in-like",
    ),
]


@pytest.mark.parametrize(("condition", "keys", "expected", "source"), CASES)
def test_condition_operator_table(
    condition: dict[str, Any], keys: dict[str, Any], expected: tuple[Decision, int, str], source: str
) -> None:
    """Each operator's documented behaviour, absent keys included (source page named in each row)."""
    result = _policy(condition).evaluate(_ctx(keys))
    decision, index, sid = expected
    assert result.decision is decision, source
    assert result.deciding is not None
    assert (result.deciding.index, result.deciding.sid) == (index, sid), source


def test_variables_are_literal_text_under_version_2008() -> None:
    """Before Version 2012-10-17, "${aws:username}" is plain text, not a variable (IAM UG, IAM JSON policy
    elements: Version). Deny by statement 1 "Guard" only when the request has the literal text."""
    policy = _policy({"StringEquals": {"s3:prefix": "${aws:username}"}}, version="2008-10-17")
    literal = policy.evaluate(_ctx({"aws:username": "alice", "s3:prefix": "${aws:username}"}))
    substituted = policy.evaluate(_ctx({"aws:username": "alice", "s3:prefix": "alice"}))
    assert literal.decision is Decision.EXPLICIT_DENY and literal.deciding and literal.deciding.sid == "Guard"
    assert substituted.decision is Decision.ALLOW and substituted.deciding and substituted.deciding.index == 0


def test_condition_check_records_operator_key_values_and_presence() -> None:
    """The Guard's Check carries what explain needs: operator and key as written, both values, presence
    (IAM UG, Condition operators: a missing key makes a negated operator true)."""
    result = _policy({"StringNotEquals": {"aws:sourceVpce": "vpce-0def"}}).evaluate(_ctx({}))
    assert result.deciding is not None and result.deciding.sid == "Guard"
    check = result.deciding.checks[-1]
    assert (check.element, check.operator, check.key) == ("Condition", "StringNotEquals", "aws:sourceVpce")
    assert (check.ok, check.present, check.request_value, check.policy_values) == (
        True,
        False,
        None,
        ["vpce-0def"],
    )
