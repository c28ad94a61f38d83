"""Compile a policy document once; evaluate it per request with no parsing and no regex compiles.

Grammar: IAM User Guide, "IAM JSON policy element reference" (Version, Statement, Sid, Effect, Principal,
NotPrincipal, Action, NotAction, Resource, NotResource, Condition). Evaluation inside one policy:
"Policy evaluation logic" (an applicable Deny wins; otherwise an applicable Allow; otherwise implicit deny).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from engine.errors import PolicyDocumentError
from engine.policy.conditions import CompiledCondition, compile_condition
from engine.policy.model import (
    ACCOUNT_PRINCIPAL_DELEGATES,
    ACCOUNT_PRINCIPAL_ROOT_ONLY,
    POLICY_VARIABLE_UNRESOLVED,
    Check,
    Decision,
    PolicyKind,
    PolicyResult,
    RequestContext,
    StatementEvaluation,
)
from engine.policy.patterns import Part, Variable, glob_regex, has_variables, parse_template, resolve, static_segments
from engine.policy.principals import CompiledPrincipal, compile_principal

_VERSIONS = ("2012-10-17", "2008-10-17")
_TOP_LEVEL = {"Version", "Id", "Statement"}
_ELEMENTS = {
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
}
_RESOURCE_POLICIES = (PolicyKind.BUCKET, PolicyKind.ENDPOINT, PolicyKind.RCP)
# Policies written in the identity grammar: no Principal (IAM UG, Principal page; Organizations UG, SCP syntax).
_NO_PRINCIPAL = (PolicyKind.IDENTITY, PolicyKind.BOUNDARY, PolicyKind.SESSION, PolicyKind.SCP)


@dataclass(frozen=True, slots=True)
class CompiledPatterns:
    """Action/NotAction or Resource/NotResource: a list of wildcard patterns."""

    element: str
    negated: bool
    raw_values: tuple[str, ...]
    regexes: tuple[re.Pattern[str], ...]
    deferred: tuple[tuple[Part, ...], ...]  # patterns with policy variables
    ignore_case: bool

    def check(self, value: str, keys: Mapping[str, Any]) -> Check:
        hit = any(r.fullmatch(value) for r in self.regexes)
        unresolved = False
        for parts in self.deferred:
            segments = resolve(parts, keys)
            if segments is None:
                unresolved = True
            elif not hit:
                hit = glob_regex(segments, self.ignore_case).fullmatch(value) is not None
        # An unresolved variable makes its pattern match nothing; for NotResource that would silently widen
        # the statement, so there the element fails instead ("causes the statement to be invalid").
        ok = (not hit and not unresolved) if self.negated else hit
        note = POLICY_VARIABLE_UNRESOLVED if unresolved else None
        return Check(self.element, ok, None, None, value, list(self.raw_values), True, note)


@dataclass(frozen=True, slots=True)
class CompiledStatement:
    index: int
    sid: str | None
    effect: str
    raw: Mapping[str, Any]
    principal: CompiledPrincipal | None
    actions: CompiledPatterns
    resources: CompiledPatterns
    conditions: tuple[CompiledCondition, ...]

    def evaluate(self, ctx: RequestContext, kind: str, optimistic: bool = False) -> StatementEvaluation:
        """``optimistic``: a condition on an Unknowable key is taken to let an Allow apply and a Deny not
        (True), or the reverse (False, the default: the request's worst case)."""
        checks: list[Check] = []
        via_account = names_caller = False
        if self.principal is not None:
            check, via_account, names_caller = self.principal.check(ctx, deny=self.effect == "Deny")
            if check.ok and via_account and self.effect == "Allow":
                check = _account_grant(check, kind)
            checks.append(check)
        assume = (self.effect == "Allow") == optimistic
        checks.append(self.actions.check(ctx.action, ctx.keys))
        if ctx.resource_unknown and "*" in self.resources.raw_values:
            # "*" covers every resource whichever it is: Resource "*" matches, NotResource "*" does not.
            checks.append(Check(self.resources.element, not self.resources.negated, None, None, "*",
                                list(self.resources.raw_values)))
        elif ctx.resource_unknown:
            checks.append(Check(self.resources.element, assume, None, None, None,
                                list(self.resources.raw_values), True, None, unknown=True))
        else:
            checks.append(self.resources.check(ctx.resource, ctx.keys))
        checks.extend(c.evaluate(ctx.keys, assume) for c in self.conditions)
        matched = all(c.ok for c in checks)
        return StatementEvaluation(
            self.index, self.sid, self.effect, matched, self.raw, checks, via_account, names_caller
        )


def _account_grant(check: Check, kind: str) -> Check:
    if kind == PolicyKind.ENDPOINT:
        # PrivateLink guide, "Control access to VPC endpoints using endpoint policies": with "AWS": account_id
        # "access is granted only to the AWS account root user, not all users and roles of that account".
        return replace(check, ok=False, note=ACCOUNT_PRINCIPAL_ROOT_ONLY)
    # Principal page: an account principal "delegates authority to the account"; the role still needs its
    # identity policy to allow. access.py uses StatementEvaluation.via_account for that.
    return replace(check, note=ACCOUNT_PRINCIPAL_DELEGATES)


@dataclass(frozen=True, slots=True)
class CompiledPolicy:
    name: str
    kind: str
    version: str | None
    statements: tuple[CompiledStatement, ...]
    document: Mapping[str, Any]
    # Context keys the policy reads (condition keys and variables, lowercased): decide_access resolves an
    # Unknowable key both ways only when some policy of the request reads it.
    keys: frozenset[str] = frozenset()
    # Results of a policy that reads no context key, by everything else its evaluation looks at (see evaluate).
    _memo: dict[tuple[Any, ...], PolicyResult] = field(default_factory=dict, init=False, compare=False, repr=False)

    def evaluate(self, ctx: RequestContext, *, kind: str | None = None, optimistic: bool = False) -> PolicyResult:
        """Every statement in order; an applicable Deny wins, else the first applicable Allow. ``optimistic``
        resolves conditions on Unknowable keys (see CompiledStatement.evaluate).

        A policy without conditions or variables (FullAWSAccess, most guard rails, many endpoint policies)
        decides by the principal, action and resource alone, so its (immutable) result is kept per those and
        reused: organisation policies are met at every level of every answer's path."""
        as_kind = kind or self.kind
        if self.keys:
            return self._evaluate(ctx, as_kind, optimistic)
        key = (ctx.principal_arn, ctx.principal_account, ctx.role_arn, ctx.action, ctx.resource, ctx.has_boundary,
               ctx.resource_unknown, as_kind, optimistic)
        result = self._memo.get(key)
        if result is None:
            if len(self._memo) >= _MEMO_MAX:
                self._memo.clear()
            result = self._memo[key] = self._evaluate(ctx, as_kind, optimistic)
        return result

    def _evaluate(self, ctx: RequestContext, as_kind: str, optimistic: bool) -> PolicyResult:
        evaluations = [s.evaluate(ctx, as_kind, optimistic) for s in self.statements]
        deny = next((e for e in evaluations if e.matched and e.effect == "Deny"), None)
        if deny is not None:
            return PolicyResult(self.name, as_kind, Decision.EXPLICIT_DENY, deny, evaluations)
        allow = next((e for e in evaluations if e.matched), None)
        decision = Decision.ALLOW if allow is not None else Decision.IMPLICIT_DENY
        return PolicyResult(self.name, as_kind, decision, allow, evaluations)


_MEMO_MAX = 256  # per policy: enough for an answer's repeats; a larger memo cost more in collector work than it saved


# --- compile ------------------------------------------------------------------------------------------------


def compile_policy(
    document: str | Mapping[str, Any], *, name: str, kind: PolicyKind | str = PolicyKind.GENERIC
) -> CompiledPolicy:
    """Parse and validate a policy (JSON text or an already-parsed mapping) once.

    ``kind`` is where the policy sits: ``endpoint`` and ``bucket`` policies must name a Principal, an
    ``identity`` policy must not (IAM guide, Principal page). Raises PolicyDocumentError naming the policy,
    the statement (1-based number and Sid) and the element."""
    kind = _kind(kind, name)
    doc = _load(document, name)
    version = doc.get("Version")
    if version is not None and version not in _VERSIONS:
        raise PolicyDocumentError(f"policy {name}: Version must be 2012-10-17 or 2008-10-17, got {version!r}")
    unknown = set(doc) - _TOP_LEVEL
    if unknown:
        raise PolicyDocumentError(f"policy {name}: unknown top-level element(s) {sorted(unknown)}")
    raw_statements = doc.get("Statement")
    if raw_statements is None:
        raise PolicyDocumentError(f"policy {name}: missing Statement")
    listed = [raw_statements] if isinstance(raw_statements, Mapping) else raw_statements
    if not isinstance(listed, list):
        raise PolicyDocumentError(f"policy {name}: Statement must be an object or a list of objects")
    # Variables are substituted only under Version 2012-10-17; before that "${...}" is plain text.
    variables = version == "2012-10-17"
    statements = tuple(_statement(i, s, name, kind, variables) for i, s in enumerate(listed))
    return CompiledPolicy(name, kind, version, statements, doc, _keys_read(statements))


def _keys_read(statements: tuple[CompiledStatement, ...]) -> frozenset[str]:
    keys: set[str] = set()
    for st in statements:
        for cond in st.conditions:
            keys.add(cond.key_lower)
            keys |= {p.key for parts in cond.deferred for p in parts if isinstance(p, Variable)}
        for patterns in (st.actions, st.resources):
            keys |= {p.key for parts in patterns.deferred for p in parts if isinstance(p, Variable)}
    return frozenset(keys)


def _kind(kind: PolicyKind | str, name: str) -> str:
    try:
        return PolicyKind(kind).value
    except ValueError:
        choices = ", ".join(k.value for k in PolicyKind)
        raise PolicyDocumentError(f"policy {name}: kind must be one of {choices}, got {kind!r}") from None


def _load(document: str | Mapping[str, Any], name: str) -> dict[str, Any]:
    if isinstance(document, str):
        try:
            parsed = json.loads(document)
        except json.JSONDecodeError as exc:
            raise PolicyDocumentError(
                f"policy {name}: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
            ) from exc
        except RecursionError:  # a policy is a few levels deep; thousands of brackets are not a policy
            raise PolicyDocumentError(f"policy {name}: nested too deeply to be an IAM policy") from None
    else:
        parsed = copy.deepcopy(dict(document))  # our own copy: evaluations quote it, callers may reuse theirs
    if not isinstance(parsed, dict):
        raise PolicyDocumentError(
            f"policy {name}: the document must be a JSON object, got {type(parsed).__name__}"
        )
    return parsed


class _StatementError(Exception):
    """Raised inside one statement; ``_statement`` adds the policy name, statement number and Sid."""

    def __init__(self, element: str | None, message: str) -> None:
        super().__init__(message)
        self.element = element  # the element at fault (None: the statement as a whole)
        self.message = message


def _statement(index: int, raw: Any, name: str, kind: str, variables: bool) -> CompiledStatement:
    sid = raw.get("Sid") if isinstance(raw, Mapping) else None
    where = f"policy {name}, statement {index + 1}" + (f" (Sid {sid!r})" if isinstance(sid, str) else "")
    try:
        if not isinstance(raw, Mapping):
            raise _StatementError(None, f"must be an object, got {type(raw).__name__}")
        return _build_statement(index, raw, kind, variables)
    except _StatementError as exc:
        raise PolicyDocumentError(f"{where}: {exc.message}") from None


def _build_statement(index: int, raw: Mapping[str, Any], kind: str, variables: bool) -> CompiledStatement:
    unknown = set(raw) - _ELEMENTS
    if unknown:
        raise _StatementError(None, f"unknown element(s) {sorted(unknown)}")
    sid = raw.get("Sid")
    if sid is not None and not isinstance(sid, str):
        raise _StatementError("Sid", f"Sid must be a string, got {sid!r}")
    effect = raw.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise _StatementError("Effect", f"Effect must be Allow or Deny, got {effect!r}")
    principal = _principal(raw, kind)
    actions = _patterns(raw, "Action", "NotAction", variables=False, ignore_case=True)
    resources = _patterns(raw, "Resource", "NotResource", variables=variables, ignore_case=False)
    conditions = _conditions(raw.get("Condition"), variables)
    return CompiledStatement(index, sid, effect, raw, principal, actions, resources, conditions)


def _one_of(raw: Mapping[str, Any], positive: str, negative: str) -> str | None:
    if positive in raw and negative in raw:
        raise _StatementError(positive, f"{positive} and {negative} cannot both be present")
    return positive if positive in raw else negative if negative in raw else None


def _principal(raw: Mapping[str, Any], kind: str) -> CompiledPrincipal | None:
    element = _one_of(raw, "Principal", "NotPrincipal")
    if element is None:
        if kind in _RESOURCE_POLICIES:
            raise _StatementError(
                "Principal", f"a {kind} policy statement must have Principal or NotPrincipal"
            )
        return None
    if kind in _NO_PRINCIPAL:
        raise _StatementError(element, f"{element} is not allowed in an identity-based policy")
    try:
        return compile_principal(element, raw[element])
    except ValueError as exc:
        raise _StatementError(element, f"{element}: {exc}") from None


def _patterns(
    raw: Mapping[str, Any], positive: str, negative: str, *, variables: bool, ignore_case: bool
) -> CompiledPatterns:
    element = _one_of(raw, positive, negative)
    if element is None:
        raise _StatementError(positive, f"missing {positive} (or {negative})")
    values = _string_list(raw[element], element)
    regexes: list[re.Pattern[str]] = []
    deferred: list[tuple[Part, ...]] = []
    for value in values:
        if element in ("Action", "NotAction") and _wildcard_vendor(value):
            continue  # matches no action: see _wildcard_vendor
        parts = parse_template(value, variables=variables)
        if has_variables(parts):
            deferred.append(parts)
        else:
            regexes.append(glob_regex(static_segments(parts), ignore_case))
    return CompiledPatterns(
        element, element == negative, values, tuple(regexes), tuple(deferred), ignore_case
    )


def _wildcard_vendor(action: str) -> bool:
    """An action whose service prefix holds a wildcard (``*:GetObject``, ``s3*:Get*``) names no action: the
    prefix is a service namespace and wildcards go in the action name (IAM UG, "IAM JSON policy elements:
    Action"); IAM refuses such documents ("Action vendors ... must not contain wildcards"), so one can only
    come from a hand-made snapshot, and it is read as matching nothing."""
    vendor, sep, _ = action.partition(":")
    return bool(sep) and ("*" in vendor or "?" in vendor)


def _string_list(value: Any, element: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(i, str) for i in items):
        raise _StatementError(
            element, f"{element} must be a string or a non-empty list of strings, got {value!r}"
        )
    return tuple(items)


def _conditions(block: Any, variables: bool) -> tuple[CompiledCondition, ...]:
    if block is None:
        return ()
    if not isinstance(block, Mapping):
        raise _StatementError("Condition", f"Condition must be an object, got {block!r}")
    compiled: list[CompiledCondition] = []
    for operator, pairs in block.items():
        if not isinstance(pairs, Mapping) or not pairs:
            raise _StatementError(
                "Condition", f"Condition {operator}: must map keys to values, got {pairs!r}"
            )
        for key, value in pairs.items():
            values = tuple(value) if isinstance(value, list) else (value,)
            if not values or not all(isinstance(v, str | bool | int | float) for v in values):
                raise _StatementError(
                    "Condition",
                    f"Condition {operator} {key}: values must be strings, numbers or booleans, got {value!r}",
                )
            try:
                compiled.append(compile_condition(operator, key, values, variables=variables))
            except ValueError as exc:
                raise _StatementError("Condition", f"Condition {operator} {key}: {exc}") from None
    return tuple(compiled)
