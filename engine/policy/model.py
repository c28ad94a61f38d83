"""Typed values the policy evaluator takes and returns: a request context in, evidence out.

Nothing here renders text (that is ``explain.py``) and nothing here evaluates (``compiler.py``,
``access.py``). Statement ``index`` fields are 0-based, as in the JSON list; prose counts from 1.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.policy.compiler import CompiledPolicy

from engine.codes import Code


class Decision(StrEnum):
    ALLOW = "allow"
    EXPLICIT_DENY = "explicit_deny"
    IMPLICIT_DENY = "implicit_deny"


class PolicyKind(StrEnum):
    """Where a policy sits; it changes how an account principal counts (see ``compiler.py``). The values of
    the layers met on a request are those of :class:`engine.codes.Layer`."""

    ENDPOINT = "endpoint"
    BUCKET = "bucket"
    IDENTITY = "identity"
    GENERIC = "generic"
    BOUNDARY = "boundary"  # a permissions boundary: identity grammar (no Principal)
    SCP = "scp"  # a service control policy: no Principal
    RCP = "rcp"  # a resource control policy: Principal required ("*")
    SESSION = "session"  # a session policy: identity grammar


class Unknowable:
    """The value of a context key the snapshot could not read (the organisation was not read, say). A
    condition on it is undetermined: ``decide_access`` decides with it resolved each way (or with each of its
    ``choices``) and answers only when all agree (:attr:`AccessDecision.undetermined` otherwise)."""

    __slots__ = ("choices", "why")

    def __init__(self, why: str, choices: tuple[Any, ...] = ()) -> None:
        self.why = why
        self.choices = choices  # the values it can take, when known to be few: each is decided in turn

    def __repr__(self) -> str:
        return f"Unknowable({self.why!r}, {self.choices!r})"


# Refusal codes (interfaces.md, ``blocked_by.code``) and note codes: members of the one enum, engine.codes.Code.
# Notes are places where AWS's documented behaviour leaves room, said out loud instead of guessed silently:
# NOTPRINCIPAL_ROLE_SESSION: a NotPrincipal lists some, not all, of the session ARN, role ARN and account.
# NOTPRINCIPAL_ACCOUNT_MISSING: a NotPrincipal lists an IAM user but not its account.
# ACCOUNT_PRINCIPAL_DELEGATES: a bucket policy's Allow names only the account, not the role.
# ACCOUNT_PRINCIPAL_ROOT_ONLY: an endpoint policy's Allow for "AWS": account grants the root user only.
# POLICY_VARIABLE_UNRESOLVED: a ${key} variable whose key is absent and which has no default.
ENDPOINT_POLICY_DENY = Code.ENDPOINT_POLICY_DENY
BUCKET_POLICY_DENY = Code.BUCKET_POLICY_DENY
IDENTITY_POLICY_DENY = Code.IDENTITY_POLICY_DENY
PERMISSIONS_BOUNDARY_DENY = Code.PERMISSIONS_BOUNDARY_DENY
SCP_DENY = Code.SCP_DENY
RCP_DENY = Code.RCP_DENY
SESSION_POLICY_DENY = Code.SESSION_POLICY_DENY
NOTPRINCIPAL_WITH_BOUNDARY = Code.NOTPRINCIPAL_WITH_BOUNDARY
NOTPRINCIPAL_ROLE_SESSION = Code.NOTPRINCIPAL_ROLE_SESSION
NOTPRINCIPAL_ACCOUNT_MISSING = Code.NOTPRINCIPAL_ACCOUNT_MISSING
ACCOUNT_PRINCIPAL_DELEGATES = Code.ACCOUNT_PRINCIPAL_DELEGATES
ACCOUNT_PRINCIPAL_ROOT_ONLY = Code.ACCOUNT_PRINCIPAL_ROOT_ONLY
POLICY_VARIABLE_UNRESOLVED = Code.POLICY_VARIABLE_UNRESOLVED


@dataclass(frozen=True, slots=True)
class Check:
    """One element of one statement, examined against the request."""

    element: str  # "Principal", "NotAction", "Resource", "Condition", ...
    ok: bool  # this element lets the statement apply to the request
    operator: str | None = None  # condition operator as written, e.g. "ForAnyValue:StringLikeIfExists"
    key: str | None = None  # condition key as written in the policy
    request_value: Any | None = None  # None when the key is absent from the request
    policy_values: list[Any] = field(default_factory=list)
    present: bool = True  # the key was in the request (always True for non-condition elements)
    note: Code | None = None  # one of the note codes above, when the outcome rests on a documented caveat
    unknown: bool = False  # the key's value is Unknowable: ``ok`` is an assumption (see Unknowable)


@dataclass(frozen=True, slots=True)
class StatementEvaluation:
    index: int  # 0-based position in the Statement list
    sid: str | None
    effect: str  # "Allow" | "Deny"
    matched: bool
    statement: Mapping[str, Any]  # the statement as written, for quoting (shared; do not mutate)
    checks: list[Check]
    via_account: bool = False  # Principal matched the caller only through its account (delegation)
    names_caller: bool = False  # Principal reaches the caller itself: "*", a session's or user's own ARN


@dataclass(frozen=True, slots=True)
class PolicyResult:
    name: str
    kind: str
    decision: Decision
    deciding: StatementEvaluation | None  # the Deny that won, or the first Allow that matched
    statements: list[StatementEvaluation]

    @property
    def grants_directly(self) -> bool:
        """An Allow matched that names the caller itself (or ``*``), not only its account."""
        return self.decision is Decision.ALLOW and any(
            ev.matched and ev.effect == "Allow" and not ev.via_account for ev in self.statements
        )

    @property
    def grants_caller_by_name(self) -> bool:
        """An Allow matched whose Principal reaches the caller itself ("*", a role session's ARN, an IAM user's
        ARN), not through the role ARN or the account: a permissions boundary or session policy does not limit
        it (IAM UG, "Policy evaluation logic": only a grant to "the ARN of an IAM role or user" behaves
        differently; "Session policies": a grant to the session ARN "is not limited by the session policy")."""
        return self.decision is Decision.ALLOW and any(
            ev.matched and ev.effect == "Allow" and ev.names_caller for ev in self.statements
        )


@dataclass(frozen=True, slots=True)
class AccessDecision:
    allowed: bool
    code: Code | None
    resource: str | None
    deciding: StatementEvaluation | None
    results: list[PolicyResult]
    others: list[tuple[Code, str, StatementEvaluation | None]]
    notes: list[Code]
    # Context keys whose Unknowable value decides: resolved one way the request is allowed, the other way
    # refused. ``allowed`` is then False and the answer must be "unknown", never a guess.
    undetermined: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EndpointLayer:
    """The VPC endpoint the request passes through; ``policy`` None is AWS's default full-access policy."""

    vpce: str
    policy: CompiledPolicy | None = None


@dataclass(frozen=True, slots=True)
class ResourceLayer:
    """The resource (an S3 bucket, a KMS key, a secret) and its owner account; ``policy`` None when it has no
    resource policy. ``code``: the refusal code of this layer; ``must_allow``: the resource policy must allow
    even in the owner's account, as a KMS key policy must ("Unless the key policy explicitly allows it, you
    cannot use IAM policies to allow access to a KMS key", KMS Developer Guide, "Key policies in AWS KMS")."""

    name: str
    owner: str
    policy: CompiledPolicy | None = None
    code: Code = Code.BUCKET_POLICY_DENY
    must_allow: bool = False


@dataclass(frozen=True, slots=True)
class IdentityLayer:
    """The principal (a role ARN) and its identity-based policies."""

    principal: str
    policies: Sequence[CompiledPolicy] = ()


@dataclass(frozen=True, slots=True)
class OrgLevel:
    """One level of an account's path in its organisation (the root ``r-…``, an OU ``ou-…``, the account
    itself) with the SCPs or RCPs attached there. Every level must allow (AWS Organizations UG, "SCP
    evaluation": a permission blocked at any level above the account is not available below it)."""

    target: str
    policies: Sequence[CompiledPolicy] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class PolicyLayers:
    """Every policy that can decide one request, by name (IAM User Guide, "Policy evaluation logic").

    ``boundary`` is the principal's permissions boundary, ``session`` a session policy, ``scps`` the levels
    of the *principal's* account path with their SCPs, ``rcps`` those of the *resource owner's* account path
    with their RCPs. None means the layer is not in play: no boundary; an account outside any organisation,
    the management account (SCPs and RCPs do not affect it) or a service-linked role (SCPs do not affect
    it). Deciding which of those holds is the caller's job (``engine.policybook``): it knows the snapshot.
    """

    resource: ResourceLayer
    identity: IdentityLayer
    endpoint: EndpointLayer | None = None
    boundary: CompiledPolicy | None = None
    scps: Sequence[OrgLevel] | None = None
    rcps: Sequence[OrgLevel] | None = None
    session: CompiledPolicy | None = None

    def unsupported(self) -> list[str]:
        """The layers set but not evaluated: none since every layer is (kept for callers of issue #16)."""
        return []


class UnsupportedPolicyLayer(NotImplementedError):
    """Kept for callers written before every layer was evaluated; no longer raised."""


_SESSION_ARN = re.compile(r"^arn:(?P<part>[^:]+):sts::(?P<acct>\d{12}):assumed-role/(?P<role>[^/]+)/[^/]+$")
_ACCOUNT_IN_ARN = re.compile(r"^arn:[^:]+:[^:]+::(?P<acct>\d{12}):")


def _normalise_keys(keys: Mapping[str, Any]) -> Mapping[str, Any]:
    # Condition key names are case-insensitive (IAM User Guide, "IAM JSON policy elements: Condition",
    # "Condition key names are not case-sensitive"); values keep their case. A value of None means absent.
    return MappingProxyType({k.lower(): v for k, v in keys.items() if v is not None})


@dataclass(frozen=True, slots=True)
class RequestContext:
    """The request as the policies see it. ``keys`` is stored with lowercased names; absent = not in it."""

    principal_arn: str
    principal_account: str
    role_arn: str | None
    action: str
    resource: str
    keys: Mapping[str, Any]
    # The principal has a permissions boundary: a Deny with NotPrincipal then always applies to it (IAM UG,
    # "Permissions boundaries for IAM entities", Important). Set by decide_access from PolicyLayers.boundary.
    has_boundary: bool = False
    # Why the request's resource is not known (a service request whose question names no resource): the
    # Resource element then decides nothing by itself; the decision is taken both ways like an Unknowable key.
    resource_unknown: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "keys", _normalise_keys(self.keys))

    @property
    def unknowable(self) -> tuple[str, ...]:
        """Names of the keys whose value is :class:`Unknowable` ("resource" when the resource is unknown)."""
        keys = tuple(k for k, v in self.keys.items() if isinstance(v, Unknowable))
        return (*keys, "resource") if self.resource_unknown else keys

    @classmethod
    def build(
        cls,
        *,
        principal_arn: str,
        action: str,
        resource: str,
        principal_account: str | None = None,
        role_arn: str | None = None,
        keys: Mapping[str, Any] | None = None,
    ) -> RequestContext:
        """Fill what AWS fills: the account from the ARN, the role of an assumed-role session, and the
        global keys ``aws:PrincipalArn`` (the role ARN for a role session) and ``aws:PrincipalAccount``
        (IAM User Guide, "AWS global condition context keys"). A role with a path cannot be recovered from
        its session ARN (the path is not in it): pass ``role_arn`` explicitly for those."""
        account = principal_account or _account_of(principal_arn)
        if role_arn is None and (m := _SESSION_ARN.match(principal_arn)):
            role_arn = f"arn:{m['part']}:iam::{m['acct']}:role/{m['role']}"
        merged = {k.lower(): v for k, v in (keys or {}).items()}
        merged.setdefault("aws:principalarn", role_arn or principal_arn)
        merged.setdefault("aws:principalaccount", account)
        return cls(principal_arn, account, role_arn, action, resource, merged)


def _account_of(arn: str) -> str:
    m = _ACCOUNT_IN_ARN.match(arn)
    if not m:
        raise ValueError(f"cannot read a 12-digit account from principal ARN {arn!r}; pass principal_account")
    return m["acct"]
