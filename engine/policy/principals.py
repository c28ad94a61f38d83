"""Principal and NotPrincipal, for a caller that is a role session (or an IAM user, or a root user).

Sources (IAM User Guide): "AWS JSON policy elements: Principal" (account ids and ``:root`` ARNs are the
same and delegate to the account; a role ARN covers its sessions; no partial wildcards) and
"AWS JSON policy elements: NotPrincipal" (with Deny, AWS may check the account, then the role, then the
session, so each of them must be listed for the caller to escape the Deny).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.codes import Code
from engine.policy.model import (
    NOTPRINCIPAL_ACCOUNT_MISSING,
    NOTPRINCIPAL_ROLE_SESSION,
    NOTPRINCIPAL_WITH_BOUNDARY,
    Check,
    RequestContext,
)

_ACCOUNT_ID = re.compile(r"^\d{12}$")
_ROOT_ARN = re.compile(r"^arn:[^:]+:iam::(\d{12}):root$")
_PRINCIPAL_TYPES = ("AWS", "Service", "Federated", "CanonicalUser")
_ROLE_ARN = re.compile(r"^arn:[^:]+:iam::(\d{12}):role/(?:.*/)?([^/]+)$")


def role_key(arn: str | None) -> tuple[str, str] | None:
    """(account, role name folded) of a role ARN. A session ARN drops the role's path, and role names are
    unique in an account whatever their path or case (IAM UG, "IAM identifiers": "names are not
    distinguished by case"), so a Principal naming ``role/team/Admin`` names the role of session
    ``assumed-role/admin/...``."""
    m = _ROLE_ARN.match(arn or "")
    return (m[1], m[2].casefold()) if m else None


@dataclass(frozen=True, slots=True)
class PrincipalMatch:
    ok: bool  # the element lets the statement apply to this caller
    via_account: bool = False  # matched only through the caller's account
    note: Code | None = None
    names_caller: bool = False  # the caller's own ARN is listed


@dataclass(frozen=True, slots=True)
class CompiledPrincipal:
    element: str  # "Principal" | "NotPrincipal"
    everyone: bool  # "*" or {"AWS": "*"}
    accounts: frozenset[str]
    arns: frozenset[str]  # role, user and session ARNs (exact: no partial wildcards in principals)
    raw_values: tuple[str, ...]
    roles: frozenset[tuple[str, str]] = frozenset()  # role_key of each role ARN listed

    def check(self, ctx: RequestContext, *, deny: bool) -> tuple[Check, bool, bool]:
        """(the check, matched only through the account, the caller's own ARN is listed)."""
        found = self._match(ctx, deny=deny)
        check = Check(
            self.element, found.ok, None, None, ctx.principal_arn, list(self.raw_values), True, found.note
        )
        return check, found.via_account, found.names_caller

    def _match(self, ctx: RequestContext, *, deny: bool) -> PrincipalMatch:
        if self.element == "Principal":
            # names_caller: the grant reaches the caller itself, not through its role ARN or its account. Only
            # a grant through "the ARN of an IAM role or user" stays under the role's boundary and session
            # policy (IAM UG, "Policy evaluation logic", resource-based policies step and its note).
            if self.everyone:
                return PrincipalMatch(True, names_caller=True)
            if ctx.principal_arn in self.arns:
                # A grant to a role ARN reaches the role's sessions through the role, so it stays under the
                # role's boundary; only a session's (or user's) own ARN is a grant to the caller itself.
                return PrincipalMatch(True, names_caller=not _ROLE_ARN.match(ctx.principal_arn))
            if (
                self.everyone
                or ctx.principal_arn in self.arns
                or (ctx.role_arn and (ctx.role_arn in self.arns or role_key(ctx.role_arn) in self.roles))
            ):
                return PrincipalMatch(True)
            if ctx.principal_account not in self.accounts:
                return PrincipalMatch(False)
            # An account id delegates to the account: every principal in it for a Deny, and for an Allow a
            # grant the account's own identity policies must pass on (decided in compiler.py / access.py).
            # The root user is the account itself.
            return PrincipalMatch(True, via_account=not _ROOT_ARN.match(ctx.principal_arn))
        return self._not_principal(ctx, deny=deny)

    def _not_principal(self, ctx: RequestContext, *, deny: bool) -> PrincipalMatch:
        if deny and ctx.has_boundary:
            # "The NotPrincipal element with a Deny effect will always deny any IAM principal that has a
            # permissions boundary policy attached, regardless of the values specified" (IAM UG,
            # "Permissions boundaries for IAM entities", Important).
            return PrincipalMatch(True, note=NOTPRINCIPAL_WITH_BOUNDARY)
        forms = self._caller_forms(ctx)
        listed = [
            self.everyone or f in self.arns or f in self.accounts or role_key(f) in self.roles for f in forms
        ]
        if all(listed):
            return PrincipalMatch(False)  # the caller is the exception: the statement does not apply
        if not any(listed):
            return PrincipalMatch(True)
        # Some forms listed, not all. With Deny the guide says the missing form (usually the account or the
        # role) "might" be denied and the session with it: we apply the Deny and say so. With Allow (no longer
        # supported with NotPrincipal) the listed form is excluded, so nothing is granted.
        note = NOTPRINCIPAL_ROLE_SESSION if ctx.role_arn else NOTPRINCIPAL_ACCOUNT_MISSING
        return PrincipalMatch(deny, note=note)

    @staticmethod
    def _caller_forms(ctx: RequestContext) -> list[str]:
        forms = [ctx.principal_arn]
        if ctx.role_arn and ctx.role_arn != ctx.principal_arn:
            forms.append(ctx.role_arn)
        if not _ROOT_ARN.match(ctx.principal_arn):
            forms.append(ctx.principal_account)
        else:
            forms[0] = ctx.principal_account
        return forms


def compile_principal(element: str, value: Any) -> CompiledPrincipal:
    """Compile a Principal / NotPrincipal value. Raises ValueError naming what is wrong."""
    if value == "*":
        return CompiledPrincipal(element, True, frozenset(), frozenset(), ("*",))
    if not isinstance(value, Mapping) or not value:
        raise ValueError(f'must be "*" or an object such as {{"AWS": [...]}}, got {value!r}')
    everyone = False
    accounts: set[str] = set()
    arns: set[str] = set()
    raw: list[str] = []
    for kind, entries in value.items():
        if kind not in _PRINCIPAL_TYPES:
            raise ValueError(
                f"unknown principal type {kind!r} (expected one of {', '.join(_PRINCIPAL_TYPES)})"
            )
        for entry in [entries] if isinstance(entries, str) else entries:
            if not isinstance(entry, str):
                raise ValueError(f"{kind} entries must be strings, got {entry!r}")
            raw.append(entry if kind == "AWS" else f"{kind}:{entry}")
            if kind != "AWS":
                continue  # services, federated providers and canonical users are never a role session
            everyone = everyone or entry == "*"
            _add_aws(entry, accounts, arns)
    roles = frozenset(k for a in arns if (k := role_key(a)) is not None)
    return CompiledPrincipal(element, everyone, frozenset(accounts), frozenset(arns), tuple(raw), roles)


def _add_aws(entry: str, accounts: set[str], arns: set[str]) -> None:
    if entry == "*":
        return
    if "*" in entry or "?" in entry:
        # "You cannot use a wildcard to match part of a principal name or ARN" (Principal page).
        raise ValueError(f"wildcards are not allowed inside a principal, got {entry!r}")
    root = _ROOT_ARN.match(entry)
    if _ACCOUNT_ID.match(entry) or root:
        accounts.add(root.group(1) if root else entry)
    else:
        arns.add(entry)
