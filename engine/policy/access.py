"""Combine the endpoint, bucket and identity policies of one S3 request into one decision.

The layers arrive named (:class:`~engine.policy.model.PolicyLayers`, :func:`decide_access`); the positional
:func:`decide_s3_access` is a thin adapter to it.

Rules (IAM User Guide, "Policy evaluation logic" and "Cross-account policy evaluation logic"; PrivateLink
guide, "Control access to VPC endpoints using endpoint policies"; domain-rules.md and interfaces.md):
- an explicit Deny in any of them refuses;
- the endpoint policy is a gate met first on the route: it must allow too, and never grants by itself;
- same account: the identity policy OR the bucket policy must allow; cross-account: both must.
Refusals are ordered as the request meets them: the endpoint, then at the bucket an explicit deny before an
implicit one; an implicit deny where the identity policy fails to allow is IDENTITY_POLICY_DENY on the role.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from engine.codes import Code
from engine.policy.compiler import CompiledPolicy, compile_policy
from engine.policy.model import (
    ACCOUNT_PRINCIPAL_DELEGATES,
    BUCKET_POLICY_DENY,
    ENDPOINT_POLICY_DENY,
    IDENTITY_POLICY_DENY,
    AccessDecision,
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

Refusal = tuple[Code, str, StatementEvaluation | None]

# "If you don't attach an endpoint policy, we attach the default endpoint policy" (PrivateLink guide).
DEFAULT_ENDPOINT_POLICY = compile_policy(
    {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]},
    name="default endpoint policy",
    kind=PolicyKind.ENDPOINT,
)


def decide_access(ctx: RequestContext, layers: PolicyLayers) -> AccessDecision:
    """Whether the policies of ``layers`` let the request ``ctx`` through, with the evidence.

    Raises :class:`UnsupportedPolicyLayer` when a layer that is not evaluated yet (permissions boundary, SCPs,
    RCPs, session policy) is set: deciding without it could allow what AWS refuses.
    """
    unsupported = layers.unsupported()
    if unsupported:
        raise UnsupportedPolicyLayer(
            f"policy layers not evaluated yet: {', '.join(unsupported)}; no decision was made (leaving them "
            "out could allow a request AWS refuses)")
    results: list[PolicyResult] = []
    refusals: list[Refusal] = []
    if layers.endpoint is not None:
        vpce = layers.endpoint.vpce
        result = _endpoint_result(ctx, vpce, layers.endpoint.policy)
        results.append(result)
        if result.decision is not Decision.ALLOW:
            refusals.append((ENDPOINT_POLICY_DENY, vpce, result.deciding))
    resource, identity = layers.resource, layers.identity
    bucket_result = resource.policy.evaluate(ctx, kind=PolicyKind.BUCKET) if resource.policy is not None else None
    identity_results = [p.evaluate(ctx, kind=PolicyKind.IDENTITY) for p in identity.policies]
    results.extend([bucket_result] if bucket_result is not None else [])
    results.extend(identity_results)
    hop_refusals, hop_notes = _bucket_hop(ctx, resource.name, resource.owner, bucket_result, identity.principal,
                                          identity_results)
    refusals.extend(hop_refusals)
    notes = _check_notes(results) + hop_notes
    if not refusals:
        return AccessDecision(True, None, None, None, results, [], notes)
    code, where, deciding = refusals[0]
    return AccessDecision(False, code, where, deciding, results, refusals[1:], notes)


def decide_s3_access(
    ctx: RequestContext,
    *,
    endpoint: tuple[str, CompiledPolicy | None] | None,
    bucket: tuple[str, str, CompiledPolicy | None],
    identity: tuple[str, Sequence[CompiledPolicy]],
) -> AccessDecision:
    """Adapter kept for callers of the positional form (the shared conformance harness among them): builds
    :class:`PolicyLayers` and calls :func:`decide_access`. New code (and new layers) use ``decide_access``.

    ``endpoint``: (vpce id, its policy, None for the default full-access one), or None when the request
    does not pass through an endpoint. ``bucket``: (name, owner account, policy or None). ``identity``:
    (role ARN, its identity policies)."""
    return decide_access(ctx, PolicyLayers(
        endpoint=EndpointLayer(*endpoint) if endpoint is not None else None,
        resource=ResourceLayer(*bucket),
        identity=IdentityLayer(*identity),
    ))


def _endpoint_result(ctx: RequestContext, vpce: str, policy: CompiledPolicy | None) -> PolicyResult:
    if policy is not None:
        return policy.evaluate(ctx, kind=PolicyKind.ENDPOINT)
    result = DEFAULT_ENDPOINT_POLICY.evaluate(ctx)
    return replace(result, name=f"{vpce} (default endpoint policy)")


def _bucket_hop(
    ctx: RequestContext,
    bucket: str,
    owner: str,
    bucket_result: PolicyResult | None,
    role: str,
    identity_results: list[PolicyResult],
) -> tuple[list[Refusal], list[Code]]:
    explicit: list[Refusal] = []
    if bucket_result is not None and bucket_result.decision is Decision.EXPLICIT_DENY:
        explicit.append((BUCKET_POLICY_DENY, bucket, bucket_result.deciding))
    explicit.extend(
        (IDENTITY_POLICY_DENY, role, r.deciding)
        for r in identity_results
        if r.decision is Decision.EXPLICIT_DENY
    )
    identity_allows = any(r.decision is Decision.ALLOW for r in identity_results)
    implicit: list[Refusal] = []
    notes: list[Code] = []
    if ctx.principal_account == owner:
        # Same account: either policy may grant. An Allow that names only the account delegates to the
        # account's identity policies (Principal page), so it does not grant the role by itself.
        bucket_grants = bucket_result is not None and bucket_result.grants_directly
        if not identity_allows and not bucket_grants:
            implicit.append((IDENTITY_POLICY_DENY, role, None))
            if bucket_result is not None and bucket_result.decision is Decision.ALLOW:
                notes.append(ACCOUNT_PRINCIPAL_DELEGATES)  # the bucket's Allow names only the account
    else:
        # Cross-account: the role's own account must allow AND the bucket owner must allow.
        if not identity_allows:
            implicit.append((IDENTITY_POLICY_DENY, role, None))
        if bucket_result is None or bucket_result.decision is not Decision.ALLOW:
            implicit.append((BUCKET_POLICY_DENY, bucket, None))
    return explicit + implicit, notes


def _check_notes(results: list[PolicyResult]) -> list[Code]:
    """Caveats raised by single elements, kept when they matter: the statement applies, or would apply
    but for that element. ACCOUNT_PRINCIPAL_DELEGATES is decided at the bucket hop instead."""
    notes: list[Code] = []
    for result in results:
        for ev in result.statements:
            for check in ev.checks:
                if not check.note or check.note in notes or check.note == ACCOUNT_PRINCIPAL_DELEGATES:
                    continue
                if all(c.ok for c in ev.checks if c is not check):
                    notes.append(check.note)
    return notes
