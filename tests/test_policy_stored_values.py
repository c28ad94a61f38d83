"""Documents AWS stores and still decides: values an operator cannot read, set-qualified Null, several values
in one key, Bool and dates as AWS reads them, wildcard service prefixes, role paths in principals.

Same shape as test_policy_conditions.py: [0: Allow everything (Baseline), 1: Deny when the condition holds
(Guard)]. Rows marked "peer" decide differently from one of the peer suites run by the shared conformance
harness; the row names the AWS page that shows the peer wrong.
"""

from __future__ import annotations

from typing import Any

import pytest

from engine.policy import (
    NOTPRINCIPAL_ACCOUNT_MISSING,
    Decision,
    RequestContext,
    compile_policy,
    decide_access,
)
from engine.policy.model import IdentityLayer, PolicyLayers, ResourceLayer

OPS = "IAM UG, IAM JSON policy elements: Condition operators"
BOOL = "IAM UG, Condition operators, Boolean: 'You can use a policy variable with the Boolean operator'"
MULTI = "IAM UG, Single-valued vs. multivalued context keys ('Multivalued context keys require a set operator')"
SETS = (
    "IAM UG, Creating a condition with multiple keys or values: 'If the key values in the request resolve "
    "to an empty data set, ForAllValues returns true and ForAnyValue returns false'"
)
EPOCH = "IAM UG, AWS global condition context keys, aws:EpochTime (epoch or Unix time, in seconds)"
ACTION = "IAM UG, IAM JSON policy elements: Action (service namespace as prefix, wildcards in the name)"
IDENTIFIERS = "IAM UG, IAM identifiers (role names are unique in the account and not distinguished by case)"
NOTPRINCIPAL = "IAM UG, AWS JSON policy elements: NotPrincipal (list the account too, or it may be denied)"

DENIED = (Decision.EXPLICIT_DENY, 1)
ALLOWED = (Decision.ALLOW, 0)

ACCOUNT = "444455556666"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/web-role/i-0abc"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/web-role"
NOW = "aws:CurrentTime"


def _policy(condition: dict[str, Any]) -> Any:
    return compile_policy(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "Baseline", "Effect": "Allow", "Action": "*", "Resource": "*"},
                {"Sid": "Guard", "Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": condition},
            ],
        },
        name="stored",
    )


def _ctx(keys: dict[str, Any], principal: str = SESSION, action: str = "s3:GetObject") -> RequestContext:
    return RequestContext.build(
        principal_arn=principal, action=action, resource="arn:aws:s3:::app-data/k", keys=keys
    )


CASES = [
    # --- values the operator cannot read: the document is stored, the comparison is never satisfied -------
    pytest.param({"NumericLessThan": {"s3:max-keys": "ten"}}, {"s3:max-keys": "5"}, ALLOWED, OPS, id="num-policy"),
    pytest.param({"NumericNotEquals": {"s3:max-keys": "a"}}, {"s3:max-keys": "5"}, ALLOWED, OPS, id="num-not-policy"),
    pytest.param({"NumericNotEquals": {"s3:max-keys": "5"}}, {"s3:max-keys": "a"}, ALLOWED, OPS, id="num-not-request"),
    pytest.param({"DateGreaterThan": {NOW: "a"}}, {NOW: "2024-01-01T00:00:00Z"}, ALLOWED, OPS, id="date-policy"),
    pytest.param({"DateNotEquals": {NOW: ["a", "b"]}}, {NOW: "2025-01-01"}, ALLOWED, OPS, id="date-not-policy"),
    pytest.param({"DateNotEquals": {NOW: "2023-12-25"}}, {NOW: "a"}, ALLOWED, OPS, id="date-not-request"),
    pytest.param({"IpAddress": {"aws:SourceIp": "123456789012"}}, {"aws:SourceIp": "10.1.2.3"}, ALLOWED, OPS,
                 id="ip-policy"),
    pytest.param({"NotIpAddress": {"aws:SourceIp": "10.0.0.300/8"}}, {"aws:SourceIp": "10.1.2.3"}, ALLOWED, OPS,
                 id="notip-policy"),
    pytest.param({"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, {"aws:SourceIp": "not-an-ip"}, ALLOWED, OPS,
                 id="notip-request"),
    pytest.param({"ArnNotLike": {"aws:SourceArn": "arn:aws:iam::*:user/a"}}, {"aws:SourceArn": "test2"}, ALLOWED,
                 OPS, id="arn-not-request"),
    pytest.param({"ArnNotLike": {"aws:SourceArn": "arn:::bucket"}}, {"aws:SourceArn": ROLE}, ALLOWED, OPS,
                 id="arn-not-policy"),
    pytest.param({"BinaryEquals": {"k:bin": "not base64!"}}, {"k:bin": "YQ=="}, ALLOWED, OPS, id="binary-policy"),
    # Readable values on the same operators still decide as before.
    pytest.param({"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, {"aws:SourceIp": "192.0.2.1"}, DENIED, OPS,
                 id="notip-readable"),
    # --- Bool: variables allowed; "true" in any case is true, everything else false --------------------------
    pytest.param({"Bool": {"aws:SecureTransport": "${aws:MultiFactorAuthPresent}"}},
                 {"aws:SecureTransport": "true", "aws:MultiFactorAuthPresent": "TRUE"}, DENIED, BOOL,
                 id="bool-variable"),
    pytest.param({"Bool": {"aws:SecureTransport": "${aws:MultiFactorAuthPresent}"}},
                 {"aws:SecureTransport": "true"}, ALLOWED, BOOL, id="bool-variable-unresolved"),
    pytest.param({"Bool": {"aws:SecureTransport": "false"}}, {"aws:SecureTransport": "asdf"}, DENIED, BOOL,
                 id="bool-other-text-is-false"),
    pytest.param({"Bool": {"aws:SecureTransport": "true"}}, {"aws:SecureTransport": "tru"}, ALLOWED, BOOL,
                 id="bool-only-true-is-true"),
    # --- ForAllValues:Null / ForAnyValue:Null: stored, and the set operators' rule for an absent key --------
    pytest.param({"ForAllValues:Null": {"aws:username": "true"}}, {}, DENIED, SETS, id="all-null-true-absent"),
    pytest.param({"ForAllValues:Null": {"aws:username": "true"}}, {"aws:username": "a"}, ALLOWED, SETS,
                 id="all-null-true-present"),
    pytest.param({"ForAllValues:Null": {"aws:username": "false"}}, {}, DENIED, SETS, id="all-null-false-absent"),
    pytest.param({"ForAllValues:Null": {"aws:username": "false"}}, {"aws:username": "a"}, DENIED, SETS,
                 id="all-null-false-present"),
    # peer (iam-simulate "should treat ForAnyValue:Null the same as Null"): an absent key makes ForAnyValue false.
    pytest.param({"ForAnyValue:Null": {"aws:username": "true"}}, {}, ALLOWED, SETS, id="any-null-true-absent"),
    pytest.param({"ForAnyValue:Null": {"aws:username": "true"}}, {"aws:username": "a"}, ALLOWED, SETS,
                 id="any-null-true-present"),
    pytest.param({"ForAnyValue:Null": {"aws:username": "false"}}, {}, ALLOWED, SETS, id="any-null-false-absent"),
    pytest.param({"ForAnyValue:Null": {"aws:username": "false"}}, {"aws:username": "a"}, DENIED, SETS,
                 id="any-null-false-present"),
    # --- several values in one key need a set operator -------------------------------------------------------
    pytest.param({"StringEquals": {"aws:CalledVia": "athena.amazonaws.com"}},
                 {"aws:CalledVia": ["athena.amazonaws.com", "dynamodb.amazonaws.com"]}, ALLOWED, MULTI,
                 id="plain-on-multivalued"),
    pytest.param({"StringNotEquals": {"aws:CalledVia": "kms.amazonaws.com"}},
                 {"aws:CalledVia": ["athena.amazonaws.com", "dynamodb.amazonaws.com"]}, ALLOWED, MULTI,
                 id="plain-negated-on-multivalued"),
    pytest.param({"ForAnyValue:StringEquals": {"aws:CalledVia": "athena.amazonaws.com"}},
                 {"aws:CalledVia": ["athena.amazonaws.com", "dynamodb.amazonaws.com"]}, DENIED, MULTI,
                 id="set-operator-on-multivalued"),
    # --- epoch time is in seconds, with or without a fraction -----------------------------------------------
    pytest.param({"DateEquals": {NOW: "2018-08-10T00:00:00Z"}}, {NOW: "1533859200"}, DENIED, EPOCH, id="epoch"),
    pytest.param({"DateEquals": {NOW: "2018-08-10T00:00:00Z"}}, {NOW: "1533859200.0"}, DENIED, EPOCH,
                 id="epoch-fraction"),
    # peer (iam-simulate "DateEquals should match dates to epochs" reads the request value as milliseconds).
    pytest.param({"DateEquals": {NOW: "2024-01-01"}}, {NOW: "1704067200000"}, ALLOWED, EPOCH,
                 id="epoch-milliseconds-are-not-seconds"),
]


@pytest.mark.parametrize(("condition", "keys", "expected", "source"), CASES)
def test_stored_condition_values_decide_as_aws_reads_them(
    condition: dict[str, Any], keys: dict[str, Any], expected: tuple[Decision, int], source: str
) -> None:
    """Each row: the policy compiles (AWS stores it) and decides as the named page says."""
    result = _policy(condition).evaluate(_ctx(keys))
    assert result.deciding is not None
    assert (result.decision, result.deciding.index) == expected, source


@pytest.mark.parametrize(
    ("actions", "matched"),
    [(["*:GetObject"], False), (["s3*:GetObject"], False), (["*"], True), (["s3:Get*"], True)],
)
def test_wildcard_service_prefix_names_no_action(actions: list[str], matched: bool) -> None:
    """The service namespace is a prefix; wildcards belong in the action name (ACTION). IAM refuses a
    wildcard vendor ("Action vendors must not contain wildcards"), so such a value grants nothing here."""
    policy = compile_policy({"Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]},
                            name="p", kind="identity")
    assert (policy.evaluate(_ctx({})).decision is Decision.ALLOW) is matched, ACTION


@pytest.mark.parametrize("named", ["arn:aws:iam::444455556666:role/team/web-role",
                                   "arn:aws:iam::444455556666:role/team/Web-Role"])
def test_role_arn_with_path_names_the_session_of_that_role(named: str) -> None:
    """A session ARN carries the role name without its path; the role name is unique in the account and not
    distinguished by case (IDENTIFIERS), so the Principal names the caller's role directly."""
    policy = compile_policy(
        {"Statement": [{"Effect": "Allow", "Principal": {"AWS": named}, "Action": "s3:*", "Resource": "*"}]},
        name="p", kind="bucket",
    )
    result = policy.evaluate(_ctx({}))
    assert result.decision is Decision.ALLOW and result.grants_directly, IDENTIFIERS


def test_not_principal_deny_naming_only_the_role_denies_its_account() -> None:
    """peer (iam-simulate boundaryNotPrincipalDenyResource "Same Account: NotPrincipal/Deny in Resource
    Policy should allow"): a Deny whose NotPrincipal lists the role but not its account may deny the account
    and every principal in it (NOTPRINCIPAL). The Deny applies, with the note saying why."""
    bucket = compile_policy(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "NotPrincipal": {"AWS": ROLE},
                                                 "Action": "s3:GetObject", "Resource": "*"}]},
        name="app-data", kind="bucket",
    )
    identity = compile_policy(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]},
        name="inline", kind="identity",
    )
    decision = decide_access(_ctx({}, principal=ROLE), PolicyLayers(
        resource=ResourceLayer("app-data", ACCOUNT, bucket), identity=IdentityLayer(ROLE, [identity])))
    assert not decision.allowed and decision.code is not None and decision.code.name == "BUCKET_POLICY_DENY"
    assert NOTPRINCIPAL_ACCOUNT_MISSING in decision.notes, NOTPRINCIPAL
