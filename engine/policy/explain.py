"""The one place that turns policy evidence into short English for the Slack bot and the CLI.

Statements are numbered from 1 here (``StatementEvaluation.index`` + 1), as a reader counts them in the
console; codes and ARNs are quoted as they are so they can be searched.
"""

from __future__ import annotations

from typing import Any

from engine.policy.model import (
    ACCOUNT_PRINCIPAL_DELEGATES,
    ACCOUNT_PRINCIPAL_ROOT_ONLY,
    NOTPRINCIPAL_ACCOUNT_MISSING,
    NOTPRINCIPAL_ROLE_SESSION,
    NOTPRINCIPAL_WITH_BOUNDARY,
    POLICY_VARIABLE_UNRESOLVED,
    AccessDecision,
    Check,
    Decision,
    PolicyResult,
    StatementEvaluation,
)

NOTE_TEXT = {
    NOTPRINCIPAL_ROLE_SESSION: "NotPrincipal lists only some of the session ARN, role ARN and account; "
    "AWS may check the account, then the role, then the session, so the Deny is taken to apply",
    NOTPRINCIPAL_ACCOUNT_MISSING: "NotPrincipal lists the user but not its account; "
    "the Deny is taken to apply",
    ACCOUNT_PRINCIPAL_DELEGATES: "the bucket policy's Allow names only the account, which delegates to the "
    "role's identity policies; it does not grant the role by itself",
    ACCOUNT_PRINCIPAL_ROOT_ONLY: 'an endpoint policy Allow for "AWS": account grants only the root user, not '
    "the account's roles",
    POLICY_VARIABLE_UNRESOLVED: "a policy variable could not be resolved from the request, so its value "
    "matches nothing",
    NOTPRINCIPAL_WITH_BOUNDARY: "a Deny with NotPrincipal always applies to a principal that has a "
    "permissions boundary, whatever NotPrincipal lists",
}

_DECISION_TEXT = {
    Decision.ALLOW: "allows",
    Decision.EXPLICIT_DENY: "denies explicitly",
    Decision.IMPLICIT_DENY: "does not allow (implicit deny)",
}


def _values(values: list[Any], *, listed: bool = False) -> str:
    shown = [str(v) for v in values]
    if len(shown) == 1:
        return shown[0]
    return f"[{', '.join(shown)}]" if listed else "one of " + ", ".join(shown)


def _absent_reason(check: Check) -> str:
    op = (check.operator or "").lower()
    if op == "null":
        return "Null check holds" if check.ok else "Null check fails"
    if op.endswith("ifexists"):
        return "IfExists matches"
    if op.startswith("forallvalues:"):
        return "ForAllValues matches an absent key"
    if op.startswith("foranyvalue:"):
        return "ForAnyValue fails on an absent key"
    return "negated operator matches" if check.ok else "operator fails"


def _condition(check: Check) -> str:
    head = f"condition {check.operator} {check.key}"
    if check.unknown:
        return f"{head}: the key's value is not in the snapshot (taken to {'hold' if check.ok else 'fail'})"
    if not check.present:
        return f"{head}: key absent from the request ({_absent_reason(check)})"
    if (check.operator or "").lower() == "null":
        return f"{head}: key present, policy wants Null {_values(check.policy_values)}" + _verdict(check)
    return (
        f"{head}: request has {check.request_value}, policy wants {_values(check.policy_values)}"
        + _verdict(check)
    )


def _verdict(check: Check) -> str:
    return " (holds)" if check.ok else " (does not hold)"


_ELEMENT_PHRASES = {
    # element: (subject, phrase when the element lets the statement apply, phrase when it does not)
    "Principal": ("principal", "is covered by Principal", "is not in Principal"),
    "NotPrincipal": ("principal", "is not excluded by NotPrincipal", "is excluded by NotPrincipal"),
    "Action": ("action", "matches Action", "is not in Action"),
    "NotAction": ("action", "is not in NotAction", "is excluded by NotAction"),
    "Resource": ("resource", "matches Resource", "is not in Resource"),
    "NotResource": ("resource", "is not in NotResource", "is excluded by NotResource"),
}


def describe_check(check: Check) -> str:
    """One element's outcome, e.g. "condition StringNotEquals aws:sourceVpce: request has vpce-0abc, policy
    wants vpce-0def (holds)"."""
    if check.element == "Condition":
        text = _condition(check)
    elif check.unknown:
        text = (f"the request's resource is not known, so {check.element} {_values(check.policy_values, listed=True)}"
                f" is taken to {'let the statement apply' if check.ok else 'keep it from applying'}")
    else:
        subject, yes, no = _ELEMENT_PHRASES.get(check.element, (check.element, "matches", "does not match"))
        listed = _values(check.policy_values, listed=True)
        text = f"{subject} {check.request_value} {yes if check.ok else no} {listed}"
    return text + (f" [{check.note}]" if check.note else "")


def statement_label(ev: StatementEvaluation) -> str:
    sid = f"Sid {ev.sid}, " if ev.sid else ""
    return f"statement {ev.index + 1} ({sid}{ev.effect})"


def describe_statement(ev: StatementEvaluation) -> str:
    """One line: "statement 1 (Sid DenyUnlessClientEndpoint, Deny): matched — condition ..."."""
    if ev.matched:
        # The conditions (and any caveat) are what made it apply; without them, every element did.
        shown = [c for c in ev.checks if c.element == "Condition" or c.note] or ev.checks
        return f"{statement_label(ev)}: matched — " + "; ".join(describe_check(c) for c in shown)
    failing = [c for c in ev.checks if not c.ok]
    return f"{statement_label(ev)}: not matched — " + "; ".join(describe_check(c) for c in failing)


def describe_result(result: PolicyResult) -> str:
    """One policy: its verdict and how each statement fared, compactly."""
    # Names from the snapshot usually say what they are ("bucket policy of app-data"); add the kind otherwise.
    named = result.kind in result.name.lower() or result.name.startswith(("key policy", "resource policy"))
    label = result.name if named else f"{result.kind} policy {result.name}"
    text = f"{label} {_DECISION_TEXT[result.decision]}"
    if result.deciding is not None:
        text += f" by {statement_label(result.deciding)}"
    if not result.statements:
        return text + " (no statements)"
    fared = ", ".join(f"{e.index + 1} {'matched' if e.matched else 'not matched'}" for e in result.statements)
    return f"{text} (statements: {fared})"


def describe_decision(decision: AccessDecision) -> str:
    """A paragraph: the verdict, the deciding statement, every policy considered, other refusals, notes."""
    if decision.allowed:
        parts = ["Allowed."]
    else:
        parts = [f"Refused: {decision.code} by {decision.resource}."]
        if decision.deciding is not None:
            parts.append(f"Deciding: {describe_statement(decision.deciding)}.")
        else:
            parts.append("Implicit deny: no statement allows this request there.")
    if decision.results:
        parts.append("Considered: " + "; ".join(describe_result(r) for r in decision.results) + ".")
    for code, resource, ev in decision.others:
        detail = f" ({statement_label(ev)})" if ev is not None else " (implicit deny)"
        parts.append(f"Also refused: {code} by {resource}{detail}.")
    parts.extend(f"Note {n}: {NOTE_TEXT.get(n, n)}." for n in decision.notes)
    if decision.undetermined:
        parts.append("Undetermined: the decision turns on " + ", ".join(decision.undetermined)
                     + ", whose value the snapshot does not hold.")
    return " ".join(parts)
