"""Resource policies of other services through an interface endpoint: a question naming a KMS key or a Secrets
Manager secret by ARN (``on ARN``, ``--resource ARN`` or the ARN as the destination) evaluates that key's
policy or secret's policy as the resource layer, next to the endpoint policy and the identity side.

Pages: KMS Developer Guide, "Key policies in AWS KMS" (https://docs.aws.amazon.com/kms/latest/developerguide/
key-policies.html); Secrets Manager User Guide, "Determine who has permissions to your AWS Secrets Manager
secrets" (https://docs.aws.amazon.com/secretsmanager/latest/userguide/determine-acccess_examine-iam-policies.html)
and "Access AWS Secrets Manager secrets from a different account" (.../auth-and-access_examples_cross.html).
"""

from __future__ import annotations

from typing import Any

import pytest

from engine.errors import QuestionError
from engine.estates.builder import tcp
from tests.scenarios import ACCOUNT, REGION, Small

OTHER = "444455556666"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/svc-role"


def _allow(action: str, resource: str = "*") -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}]}


def _resource_policy(effect: str, principal: str, action: str) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": effect, "Principal": {"AWS": principal}, "Action": action, "Resource": "*"}]}


class Estate:
    """A client with role svc-role in a private subnet, and interface endpoints for KMS and Secrets Manager."""

    def __init__(self, identity: dict[str, Any]) -> None:
        self.s = Small()
        sg = self.s.b.security_group(self.s.vpc, "endpoint", ingress=[tcp(443, "10.0.0.0/16")])
        for service, ip in (("kms", "10.0.1.200"), ("secretsmanager", "10.0.1.201")):
            self.s.b.interface_endpoint(self.s.vpc, service, {self.s.private: ip}, [sg])
        role = self.s.b.role(ACCOUNT, "svc-role", {"svc": identity})
        self.s.b.instance(self.s.private, "client", "10.0.1.10", [self.s.sg], role_arn=role)

    def key(self, policy: dict[str, Any] | None, account: str = ACCOUNT, aliases: tuple[str, ...] = ()) -> str:
        return self.s.b.kms_key(REGION, account, policy, aliases=aliases)

    def secret(self, policy: dict[str, Any] | None = None, account: str = ACCOUNT) -> str:
        return self.s.b.secret(REGION, account, "db-pass", policy)

    def ask(self, text: str, **kw: Any) -> Any:
        return self.s.engine().ask(text, fixes=False, **kw)


def _code(answer: Any) -> str | None:
    return answer.blocked_by.code if answer.blocked_by is not None else None


def test_key_policy_allowing_the_role_is_reachable_without_an_identity_policy() -> None:
    """A key policy naming the role grants it by itself ("Key policies in AWS KMS": allowed in a key policy,
    IAM policy or grant, and never denied)."""
    e = Estate(_allow("s3:GetObject"))
    key = e.key(_resource_policy("Allow", ROLE, "kms:Decrypt"))
    a = e.ask(f"client -> kms.{REGION}.amazonaws.com for kms:Decrypt on {key}")
    assert a.verdict == "reachable", a.caveats
    assert a.request_context["resource"] == key and a.request_context["kms:CallerAccount"] == ACCOUNT
    assert "kms:ViaService" not in a.request_context  # a direct call: no service on the client's behalf


def test_key_policy_delegating_to_the_account_lets_the_identity_policy_grant() -> None:
    """The default key policy's account principal "enables IAM policies": the role's identity policy then
    grants ("Key policies in AWS KMS", "Allows access to the AWS account and enables IAM policies")."""
    e = Estate(_allow("kms:Decrypt"))
    key = e.key(_resource_policy("Allow", f"arn:aws:iam::{ACCOUNT}:root", "kms:*"))
    assert e.ask(f"client -> {key}", action="kms:Decrypt").verdict == "reachable"


def test_key_policy_without_the_account_or_role_refuses_even_though_iam_allows() -> None:
    """"Unless the key policy explicitly allows it, you cannot use IAM policies to allow access to a KMS key"
    ("Key policies in AWS KMS"): the identity policy allows kms:Decrypt, the key policy names someone else."""
    e = Estate(_allow("kms:Decrypt"))
    key = e.key(_resource_policy("Allow", f"arn:aws:iam::{ACCOUNT}:role/admin", "kms:*"))
    a = e.ask(f"why can client not reach {key} for kms:Decrypt")
    assert a.verdict == "blocked" and _code(a) == "RESOURCE_POLICY_DENY"
    assert a.blocked_by is not None and a.blocked_by.resource == key
    assert "IAM policies alone cannot grant" in a.blocked_by.detail
    # Grants are not collected: said as a caveat, the refusal by the policies stands (KMS DG, "Grants in AWS KMS").
    assert any("kms:ListGrants" in c for c in a.caveats)


def test_an_alias_arn_resolves_to_its_key() -> None:
    """An alias points to one key of its account and Region (KMS Developer Guide, "Aliases in AWS KMS")."""
    e = Estate(_allow("kms:Decrypt"))
    key = e.key(_resource_policy("Allow", f"arn:aws:iam::{ACCOUNT}:role/admin", "kms:*"), aliases=("alias/app",))
    a = e.ask(f"client -> kms.{REGION}.amazonaws.com", action="kms:Decrypt",
              resource=f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/app")
    assert _code(a) == "RESOURCE_POLICY_DENY" and a.request_context["resource"] == key
    assert a.request_context["kms:RequestAlias"] == "alias/app"


def test_explicit_deny_in_a_secret_policy_refuses() -> None:
    """An explicit deny in any policy overrides every allow ("Determine who has permissions to your AWS Secrets
    Manager secrets")."""
    e = Estate(_allow("secretsmanager:GetSecretValue"))
    secret = e.secret(_resource_policy("Deny", ROLE, "secretsmanager:GetSecretValue"))
    a = e.ask(f"why can client not reach {secret}", action="secretsmanager:GetSecretValue")
    assert a.verdict == "blocked" and _code(a) == "RESOURCE_POLICY_DENY"
    assert a.blocked_by is not None and a.blocked_by.statement is not None
    assert a.request_context["secretsmanager:SecretId"] == secret


def test_same_account_secret_without_a_policy_is_granted_by_the_identity_policy() -> None:
    """Same account: the identity policy OR the secret's policy may allow ("Determine who has permissions...")."""
    e = Estate(_allow("secretsmanager:GetSecretValue"))
    secret = e.secret(None)
    assert e.ask(f"client -> {secret} for secretsmanager:GetSecretValue").verdict == "reachable"


def test_cross_account_secret_needs_its_own_policy_to_allow() -> None:
    """Cross-account: "you must allow access both in a resource policy and in an identity policy" ("Access AWS
    Secrets Manager secrets from a different account")."""
    e = Estate(_allow("secretsmanager:GetSecretValue"))
    e.s.b.account(OTHER)
    secret = e.secret(None, account=OTHER)
    a = e.ask(f"client -> {secret} for secretsmanager:GetSecretValue")
    assert a.verdict == "blocked" and _code(a) == "RESOURCE_POLICY_DENY"
    assert a.blocked_by is not None and "has no resource policy" in a.blocked_by.detail


def test_key_policy_not_collected_is_unknown_and_names_the_permission() -> None:
    """A key whose policy could not be read: the answer is unknown and says to grant kms:GetKeyPolicy (PRIMER:
    missing data is never a guess)."""
    e = Estate(_allow("kms:Decrypt"))
    key = e.key(None)
    a = e.ask(f"client -> {key} for kms:Decrypt")
    assert a.verdict == "unknown" and any("kms:GetKeyPolicy" in c for c in a.caveats), a.caveats


def test_a_key_not_in_the_snapshot_is_unknown() -> None:
    """The question names a key the snapshot does not hold: its policy decides, so the answer is unknown."""
    e = Estate(_allow("kms:Decrypt"))
    key = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    a = e.ask(f"client -> {key} for kms:Decrypt")
    assert a.verdict == "unknown" and any("not in the snapshot" in c for c in a.caveats)


def test_identity_explicit_deny_still_refuses_a_key_the_key_policy_allows() -> None:
    """"You can use an IAM policy to deny a permission to a KMS key without permission from a key policy"."""
    deny = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "kms:*", "Resource": "*"}]}
    e = Estate(deny)
    key = e.key(_resource_policy("Allow", ROLE, "kms:Decrypt"))
    assert _code(e.ask(f"client -> {key} for kms:Decrypt")) == "IDENTITY_POLICY_DENY"


@pytest.mark.parametrize(("resource", "words"), [
    ("arn:aws:kms:eu-west-1:111122223333:key/not-a-key-id", "not a kms resource"),
    ("arn:aws:kms:eu-west-1:1111:key/1234abcd-12ab-34cd-56ef-1234567890ab", "12-digit"),
    ("arn:aws-mars:kms:eu-west-1:111122223333:alias/x", "partition"),
    ("arn:aws:kms:moon-1:111122223333:alias/x", "Region code"),
    ("arn:aws:ssm:eu-west-1:111122223333:parameter/x", "not 'ssm'"),
    ("arn:aws:kms", "arn:PARTITION:SERVICE"),
])
def test_an_arn_that_does_not_parse_is_refused(resource: str, words: str) -> None:
    """ARN format (IAM User Guide, "IAM identifiers"; Service Authorization Reference, resource types of KMS and
    Secrets Manager): bad input is a QuestionError (exit 2), never a lookup."""
    e = Estate(_allow("kms:Decrypt"))
    with pytest.raises(QuestionError, match=words):
        e.ask(f"client -> {resource} for kms:Decrypt")


def test_an_arn_of_another_region_than_the_host_is_refused() -> None:
    """A key policy controls access only to a key in its own Region ("Key policies in AWS KMS"): requests for a
    key go to that Region's KMS endpoint, so another Region's host cannot be asked about it."""
    e = Estate(_allow("kms:Decrypt"))
    other = f"arn:aws:kms:eu-west-3:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    with pytest.raises(QuestionError, match="requests for it go to kms.eu-west-3"):
        e.ask(f"client -> kms.{REGION}.amazonaws.com for kms:Decrypt on {other}")
    with pytest.raises(QuestionError, match="not a kms action"):
        e.ask(f"client -> {other}", action="secretsmanager:GetSecretValue")
    with pytest.raises(QuestionError, match="name the kms action"):
        e.ask(f"client -> {other}")


def test_a_disabled_key_is_unknown_even_when_its_policy_allows() -> None:
    """A disabled key refuses cryptographic operations whatever the policies say (KMS Developer Guide, "Key
    states of AWS KMS keys"); the state table is not modelled, so the answer is unknown, never reachable."""
    e = Estate(_allow("kms:Decrypt"))
    key = e.s.b.kms_key(REGION, ACCOUNT, _resource_policy("Allow", ROLE, "kms:Decrypt"), key_state="Disabled")
    a = e.ask(f"client -> {key} for kms:Decrypt")
    assert a.verdict == "unknown" and any("state Disabled" in c for c in a.caveats)


def test_cross_account_key_needs_the_key_policy_and_the_identity_policy() -> None:
    """A key of another account: its key policy must allow the caller's account or role, and the caller's IAM
    policy must allow too (IAM UG, "Cross-account policy evaluation logic"; KMS Developer Guide, "Using IAM
    policies with AWS KMS": an IAM policy counts only where the key policy gives the account that permission)."""
    e = Estate(_allow("s3:GetObject"))
    e.s.b.account(OTHER)
    key = e.key(_resource_policy("Allow", f"arn:aws:iam::{ACCOUNT}:root", "kms:Decrypt"), account=OTHER)
    a = e.ask(f"client -> {key} for kms:Decrypt")
    assert a.verdict == "blocked" and _code(a) == "IDENTITY_POLICY_DENY"
    e2 = Estate(_allow("kms:Decrypt"))
    e2.s.b.account(OTHER)
    key2 = e2.key(_resource_policy("Allow", f"arn:aws:iam::{ACCOUNT}:root", "kms:Decrypt"), account=OTHER)
    assert e2.ask(f"client -> {key2} for kms:Decrypt").verdict == "reachable"


def test_a_key_policy_conditioned_on_the_encryption_context_is_unknown() -> None:
    """kms:EncryptionContext:<context-key> is the request's encryption context (KMS Developer Guide, "AWS KMS
    condition keys"), which the question does not give: a key policy that turns on it leaves the answer
    unknown, never refused nor allowed by a guess."""
    e = Estate(_allow("s3:GetObject"))
    policy = _resource_policy("Allow", ROLE, "kms:Decrypt")
    policy["Statement"][0]["Condition"] = {"StringEquals": {"kms:EncryptionContext:app": "web"}}
    key = e.key(policy)
    a = e.ask(f"client -> {key} for kms:Decrypt")
    assert a.verdict == "unknown" and any("encryption context" in c for c in a.caveats), a.caveats


def test_a_secret_arn_without_its_random_suffix_names_the_secret() -> None:
    """Secrets Manager accepts a partial ARN, without the "-" and six random characters it appends (Secrets
    Manager API Reference, GetSecretValue SecretId): the question names the same secret and its policy."""
    e = Estate(_allow("secretsmanager:GetSecretValue"))
    secret = e.secret(_resource_policy("Deny", ROLE, "secretsmanager:GetSecretValue"))
    partial = secret.rsplit("-", 1)[0]
    a = e.ask(f"client -> {partial} for secretsmanager:GetSecretValue")
    assert _code(a) == "RESOURCE_POLICY_DENY" and a.request_context["resource"] == secret


def test_a_key_policy_refusal_is_fixed_by_a_key_policy_statement_naming_the_role() -> None:
    """The fix names the policy to edit: a statement allowing the role in the key policy, proven by re-tracing
    (a key policy naming the role grants it: "Key policies in AWS KMS"), with the put-key-policy command."""
    e = Estate(_allow("kms:Decrypt"))
    key = e.key(_resource_policy("Allow", f"arn:aws:iam::{ACCOUNT}:role/admin", "kms:*"))
    a = e.s.engine().ask(f"client -> {key} for kms:Decrypt")
    fix = next(f for f in a.fixes if f.kind == "resource_policy")
    assert fix.verified and fix.change["resource"] == key and "put-key-policy" in fix.command
    assert fix.change["policy"]["Statement"][-1]["Principal"] == {"AWS": ROLE}
