"""Other services through an interface endpoint: a question naming the service's action (--action
ssm:GetParameter, kms:Decrypt, ...) is judged by the endpoint policy and the identity side (identity ∩ boundary
∩ SCPs). The question names no resource, so a policy that depends on which resource it is leaves the answer
unknown; a service whose resources carry their own policies (KMS key policies, Secrets Manager secret
policies, a role's trust policy) is unknown unless something refuses that those policies cannot lift.
"""

from __future__ import annotations

from typing import Any

from engine.estates.builder import tcp
from tests.scenarios import ACCOUNT, REGION, Small

HOST = f"ssm.{REGION}.amazonaws.com"


def _estate(identity: dict[str, Any], endpoint_policy: dict[str, Any] | None = None, service: str = "ssm") -> Any:
    s = Small()
    sg = s.b.security_group(s.vpc, "endpoint", ingress=[tcp(443, "10.0.0.0/16")])
    s.b.interface_endpoint(s.vpc, service, {s.private: "10.0.1.200"}, [sg], policy=endpoint_policy)
    role = s.b.role(ACCOUNT, "svc-role", {"svc": identity})
    s.b.instance(s.private, "client", "10.0.1.10", [s.sg], role_arn=role)
    return s.engine()


def _allow(action: str, resource: str = "*") -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}]}


def _ask(eng: Any, action: str, service: str = "ssm") -> Any:
    return eng.ask(f"client -> {service}.{REGION}.amazonaws.com", action=action, fixes=False)


def test_identity_allowing_the_action_on_any_resource_is_reachable() -> None:
    """Endpoint (default policy) and identity both allow ssm:GetParameter on "*": reachable."""
    a = _ask(_estate(_allow("ssm:GetParameter")), "ssm:GetParameter")
    assert a.verdict == "reachable"


def test_identity_without_the_action_refuses() -> None:
    """Same account, no resource policy for SSM parameters: the identity policy must allow (IAM UG, Policy
    evaluation logic)."""
    a = _ask(_estate(_allow("ssm:DescribeParameters")), "ssm:GetParameter")
    assert a.verdict == "blocked" and a.blocked_by is not None and a.blocked_by.code == "IDENTITY_POLICY_DENY"


def test_endpoint_policy_refusing_the_action_blocks() -> None:
    """The endpoint policy is evaluated for the service's action (PrivateLink guide, endpoint policies)."""
    only_describe = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "ssm:DescribeParameters", "Resource": "*"}]}
    a = _ask(_estate(_allow("ssm:*"), only_describe), "ssm:GetParameter")
    assert a.verdict == "blocked" and a.blocked_by is not None and a.blocked_by.code == "ENDPOINT_POLICY_DENY"


def test_a_policy_scoped_to_some_resources_leaves_an_unnamed_resource_unknown() -> None:
    """The question names no parameter: an identity policy allowing only /app/* parameters may or may not
    cover it, so the answer is unknown and says why (never a guess)."""
    scoped = _allow("ssm:GetParameter", f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/app/*")
    a = _ask(_estate(scoped), "ssm:GetParameter")
    assert a.verdict == "unknown" and any("does not name the ssm resource" in c for c in a.caveats)


def test_kms_key_policy_not_collected_makes_an_identity_allow_unknown() -> None:
    """kms:Decrypt also needs the key policy to allow (KMS guide, "Key policies"), which is not collected."""
    a = _ask(_estate(_allow("kms:Decrypt"), service="kms"), "kms:Decrypt", service="kms")
    assert a.verdict == "unknown" and any("key policy" in c for c in a.caveats)


def test_explicit_deny_on_the_identity_side_blocks_even_with_a_key_policy_unseen() -> None:
    """An explicit Deny in the role's policy refuses whatever the key policy says (IAM UG, Policy evaluation
    logic: an explicit deny in any policy overrides any allow)."""
    deny = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "kms:*", "Resource": "*"}]}
    a = _ask(_estate(deny, service="kms"), "kms:Decrypt", service="kms")
    assert a.verdict == "blocked" and a.blocked_by is not None and a.blocked_by.code == "IDENTITY_POLICY_DENY"
