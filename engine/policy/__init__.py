"""IAM policy evaluation for S3 requests: endpoint, bucket and identity policies, with the evidence of
which statement decided and why. Compile once with ``compile_policy``; evaluate per request.
"""

from engine.policy.access import DEFAULT_ENDPOINT_POLICY, decide_access, decide_s3_access
from engine.policy.compiler import CompiledPolicy, compile_policy
from engine.policy.explain import describe_check, describe_decision, describe_result, describe_statement
from engine.policy.model import (
    ACCOUNT_PRINCIPAL_DELEGATES,
    ACCOUNT_PRINCIPAL_ROOT_ONLY,
    BUCKET_POLICY_DENY,
    ENDPOINT_POLICY_DENY,
    IDENTITY_POLICY_DENY,
    NOTPRINCIPAL_ACCOUNT_MISSING,
    NOTPRINCIPAL_ROLE_SESSION,
    POLICY_VARIABLE_UNRESOLVED,
    AccessDecision,
    Check,
    Decision,
    EndpointLayer,
    IdentityLayer,
    PolicyKind,
    PolicyLayers,
    PolicyResult,
    RequestContext,
    ResourceLayer,
    StatementEvaluation,
    UnsupportedPolicyLayer,
)

__all__ = [
    "ACCOUNT_PRINCIPAL_DELEGATES",
    "ACCOUNT_PRINCIPAL_ROOT_ONLY",
    "BUCKET_POLICY_DENY",
    "DEFAULT_ENDPOINT_POLICY",
    "ENDPOINT_POLICY_DENY",
    "IDENTITY_POLICY_DENY",
    "NOTPRINCIPAL_ACCOUNT_MISSING",
    "NOTPRINCIPAL_ROLE_SESSION",
    "POLICY_VARIABLE_UNRESOLVED",
    "AccessDecision",
    "Check",
    "CompiledPolicy",
    "Decision",
    "EndpointLayer",
    "IdentityLayer",
    "PolicyKind",
    "PolicyLayers",
    "PolicyResult",
    "RequestContext",
    "ResourceLayer",
    "StatementEvaluation",
    "UnsupportedPolicyLayer",
    "compile_policy",
    "decide_access",
    "decide_s3_access",
    "describe_check",
    "describe_decision",
    "describe_result",
    "describe_statement",
]
