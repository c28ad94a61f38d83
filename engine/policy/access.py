"""Combine every policy of one request into one decision: endpoint, organisation (RCPs, SCPs), resource,
permissions boundary, session and identity policies.

The layers arrive named (:class:`~engine.policy.model.PolicyLayers`, :func:`decide_access`); the positional
:func:`decide_s3_access` is a thin adapter to it.

Rules (IAM User Guide, "Policy evaluation logic" and its flow chart, "Cross-account policy evaluation logic",
"Permissions boundaries for IAM entities", "Session policies"; Organizations User Guide, "Service control
policies" and "Resource control policies"; PrivateLink guide, endpoint policies):
- an explicit Deny in any of them refuses;
- the endpoint policy is a gate met first on the route: it must allow too, and never grants by itself;
- SCPs on the principal's path must allow, at every level; RCPs on the resource owner's path refuse only by
  an explicit Deny (RCPFullAWSAccess is attached at every level and cannot be detached);
- same account: the identity policy OR the bucket policy must allow; cross-account: both must;
- the identity side is identity ∩ boundary ∩ session policy. A same-account resource policy whose Principal
  reaches the caller itself ("*", the role *session* ARN, an IAM user) is not limited by an implicit deny in
  the boundary or session policy; one that names the role ARN (or only the account) is.
Refusals are ordered as the request meets them: the endpoint, then at the bucket explicit denies before
implicit ones, organisation first as in the flow chart; an implicit deny where the identity policy fails to
allow is IDENTITY_POLICY_DENY on the role.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from engine.codes import Code
from engine.policy.compiler import CompiledPolicy, compile_policy
from engine.policy.conditions import key_family
from engine.policy.model import (
    ACCOUNT_PRINCIPAL_DELEGATES,
    ENDPOINT_POLICY_DENY,
    IDENTITY_POLICY_DENY,
    PERMISSIONS_BOUNDARY_DENY,
    RCP_DENY,
    SCP_DENY,
    SESSION_POLICY_DENY,
    AccessDecision,
    Decision,
    EndpointLayer,
    IdentityLayer,
    OrgLevel,
    PolicyKind,
    PolicyLayers,
    PolicyResult,
    RequestContext,
    ResourceLayer,
    StatementEvaluation,
    Unknowable,
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

    When ``ctx`` holds Unknowable keys, the request is decided with their conditions resolved against it
    and for it; the answer stands when both agree, else ``undetermined`` names the keys (never a guess)."""
    if layers.boundary is not None and not ctx.has_boundary:
        ctx = replace(ctx, has_boundary=True)
    unknowable = _read_unknowable(ctx, layers)
    if not unknowable:
        return _decide(ctx, layers, optimistic=False)
    ctx = replace(ctx, keys={k: v for k, v in ctx.keys.items()
                             if k in unknowable or not isinstance(v, Unknowable)})
    outcomes = [_bounded(variant, layers) for variant in _variants(ctx)]
    if all(o.allowed for o in outcomes) or not any(o.allowed or o.undetermined for o in outcomes):
        return outcomes[0]
    refused = next((o for o in outcomes if not o.allowed), outcomes[0])
    return replace(refused, allowed=False, undetermined=unknowable)


def _read_unknowable(ctx: RequestContext, layers: PolicyLayers) -> tuple[str, ...]:
    """The Unknowable keys some policy of the request reads (a tag family "x/*" by any "x/<tag>")."""
    unknowable = ctx.unknowable
    if not unknowable:
        return ()
    read: set[str] = set()
    for policy in _policies(layers):
        read |= policy.keys
    families = {f for f in map(key_family, read) if f is not None}
    return tuple(k for k in unknowable if k in read or k in families or k == "resource")


def _policies(layers: PolicyLayers) -> list[CompiledPolicy]:
    found = [layers.endpoint.policy if layers.endpoint else None, layers.resource.policy, layers.boundary,
             layers.session, *layers.identity.policies]
    for levels in (layers.scps or (), layers.rcps or ()):
        found.extend(p for level in levels for p in level.policies)
    return [p for p in found if p is not None]


def _bounded(ctx: RequestContext, layers: PolicyLayers) -> AccessDecision:
    """Conditions on the remaining Unknowable keys resolved against the request, then for it."""
    worst = _decide(ctx, layers, optimistic=False)
    if worst.allowed or not ctx.unknowable:
        return worst
    best = _decide(ctx, layers, optimistic=True)
    return worst if not best.allowed else replace(worst, undetermined=ctx.unknowable)


def _variants(ctx: RequestContext) -> list[RequestContext]:
    """One context per combination of the choices of Unknowable keys that have a few known values."""
    variants = [ctx]
    for key, value in ctx.keys.items():
        if isinstance(value, Unknowable) and value.choices:
            variants = [replace(v, keys={**v.keys, key: choice}) for v in variants for choice in value.choices]
    return variants


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


@dataclass(frozen=True, slots=True)
class _Side:
    """One layer's evaluated policies and the refusals they make."""

    results: list[PolicyResult]
    explicit: list[Refusal]
    implicit: list[Refusal]


def _decide(ctx: RequestContext, layers: PolicyLayers, *, optimistic: bool) -> AccessDecision:
    results: list[PolicyResult] = []
    refusals: list[Refusal] = []
    if layers.endpoint is not None:
        vpce = layers.endpoint.vpce
        result = _endpoint_result(ctx, vpce, layers.endpoint.policy, optimistic)
        results.append(result)
        if result.decision is not Decision.ALLOW:
            refusals.append((ENDPOINT_POLICY_DENY, vpce, result.deciding))
    rcp = _org_side(ctx, layers.rcps, RCP_DENY, PolicyKind.RCP, optimistic)
    scp = _org_side(ctx, layers.scps, SCP_DENY, PolicyKind.SCP, optimistic)
    hop = _bucket_hop(ctx, layers, optimistic)
    for side in (rcp, scp, hop):
        results.extend(side.results)
    refusals.extend(rcp.explicit + scp.explicit + hop.explicit + rcp.implicit + scp.implicit + hop.implicit)
    notes = _check_notes(results) + _delegation_note(ctx, layers, hop)
    if not refusals:
        return AccessDecision(True, None, None, None, results, [], notes)
    code, where, deciding = refusals[0]
    return AccessDecision(False, code, where, deciding, results, refusals[1:], notes)


def _endpoint_result(
    ctx: RequestContext, vpce: str, policy: CompiledPolicy | None, optimistic: bool
) -> PolicyResult:
    if policy is not None:
        return policy.evaluate(ctx, kind=PolicyKind.ENDPOINT, optimistic=optimistic)
    result = DEFAULT_ENDPOINT_POLICY.evaluate(ctx, optimistic=optimistic)
    return replace(result, name=f"{vpce} (default endpoint policy)")


def _org_side(
    ctx: RequestContext, levels: Sequence[OrgLevel] | None, code: Code, kind: PolicyKind, optimistic: bool
) -> _Side:
    """SCPs or RCPs: "If there is no SCP, or if the SCP allows the requested action, the code continues";
    every level of the path (root, each OU, the account) must have an applicable Allow (Organizations UG,
    "SCP evaluation"). An explicit Deny names its policy; a level without an Allow names the level."""
    side = _Side([], [], [])
    for level in levels or ():
        level_results = [p.evaluate(ctx, kind=kind, optimistic=optimistic) for p in level.policies]
        side.results.extend(level_results)
        side.explicit.extend((code, r.name, r.deciding) for r in level_results
                             if r.decision is Decision.EXPLICIT_DENY)
        # RCPFullAWSAccess "is automatically attached to every root, OU and account ... you can't detach
        # it" (Organizations UG, "Resource control policies"): RCPs refuse only by an explicit Deny.
        if code is not RCP_DENY and not any(r.decision is Decision.ALLOW for r in level_results):
            side.implicit.append((code, level.target, None))
    return side


def _evaluate(policy: CompiledPolicy | None, ctx: RequestContext, kind: PolicyKind, optimistic: bool
              ) -> PolicyResult | None:
    return policy.evaluate(ctx, kind=kind, optimistic=optimistic) if policy is not None else None


def _bucket_hop(ctx: RequestContext, layers: PolicyLayers, optimistic: bool) -> _Side:
    resource, identity = layers.resource, layers.identity
    bucket = _evaluate(resource.policy, ctx, PolicyKind.BUCKET, optimistic)
    boundary = _evaluate(layers.boundary, ctx, PolicyKind.BOUNDARY, optimistic)
    session = _evaluate(layers.session, ctx, PolicyKind.SESSION, optimistic)
    identities = [p.evaluate(ctx, kind=PolicyKind.IDENTITY, optimistic=optimistic) for p in identity.policies]
    role = identity.principal
    named = [(resource.code, resource.name, bucket),
             (PERMISSIONS_BOUNDARY_DENY, _name(layers.boundary), boundary),
             (SESSION_POLICY_DENY, _name(layers.session), session)]
    explicit = [(code, where, r.deciding) for code, where, r in named
                if r is not None and r.decision is Decision.EXPLICIT_DENY]
    explicit.extend((IDENTITY_POLICY_DENY, role, r.deciding) for r in identities
                    if r.decision is Decision.EXPLICIT_DENY)
    limits = [(PERMISSIONS_BOUNDARY_DENY, _name(layers.boundary), boundary),
              (SESSION_POLICY_DENY, _name(layers.session), session)]
    limited: list[Refusal] = [(code, where, None) for code, where, r in limits
                              if r is not None and r.decision is not Decision.ALLOW]
    identity_allows = any(r.decision is Decision.ALLOW for r in identities)
    implicit = _implicit(ctx, resource, bucket, role, identity_allows, limited)
    results = [r for r in (bucket, boundary, session) if r is not None] + identities
    return _Side(results, explicit, implicit)


def _implicit(
    ctx: RequestContext,
    resource: ResourceLayer,
    bucket: PolicyResult | None,
    role: str,
    identity_allows: bool,
    limited: list[Refusal],
) -> list[Refusal]:
    """The implicit denies at the bucket: which side fails to allow, boundary and session policy included."""
    identity_side: list[Refusal] = [] if identity_allows else [(IDENTITY_POLICY_DENY, role, None)]
    identity_side = identity_side or limited  # what limits an identity Allow
    if resource.must_allow and (bucket is None or bucket.decision is not Decision.ALLOW):
        # A KMS key policy that allows neither the caller nor its account: IAM policies grant nothing.
        return [(resource.code, resource.name, None), *identity_side]
    if ctx.principal_account == resource.owner:
        # Same account: either side may grant. A grant naming only the account delegates to the identity
        # side (Principal page); one naming the caller's own ARN escapes boundary and session policy.
        if bucket is not None and bucket.grants_caller_by_name:
            return []
        if not identity_side or (bucket is not None and bucket.grants_directly and not limited):
            return []
        if identity_allows or (bucket is not None and bucket.grants_directly):
            return limited
        return [(IDENTITY_POLICY_DENY, role, None), *limited]
    # Cross-account: the principal's account must allow (identity ∩ boundary ∩ session) AND the owner must.
    owner_side: list[Refusal] = [] if bucket is not None and bucket.decision is Decision.ALLOW else [
        (resource.code, resource.name, None)]
    return identity_side + owner_side


def _name(policy: CompiledPolicy | None) -> str:
    return policy.name if policy is not None else ""


def _delegation_note(ctx: RequestContext, layers: PolicyLayers, hop: _Side) -> list[Code]:
    """The bucket's Allow names only the account, and nothing else grants: say why it did not count."""
    bucket = next((r for r in hop.results if r.kind == PolicyKind.BUCKET), None)
    refused_by_identity = any(code is IDENTITY_POLICY_DENY for code, _, _ in hop.implicit)
    if (ctx.principal_account == layers.resource.owner and refused_by_identity and bucket is not None
            and bucket.decision is Decision.ALLOW and not bucket.grants_directly):
        return [ACCOUNT_PRINCIPAL_DELEGATES]
    return []


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
