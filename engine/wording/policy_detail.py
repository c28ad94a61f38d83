"""The detail of a policy refusal, shared by every catalog: the refusing layer's lead for an implicit deny, then
each policy of that layer with its statements' evidence. Only the words differ between languages
(:class:`PolicyWords`); which results are shown, and when a missing policy is said, is decided once here."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from engine.codes import Code, Layer
from engine.policy import AccessDecision
from engine.wording.catalog import Template, Wording


@dataclass(frozen=True)
class PolicyWords:
    describe_result: Callable[[Any], str]  # a policy's verdict (engine.policy PolicyResult)
    describe_statement: Callable[[Any], str]  # one statement's evidence
    no_policy: Callable[[Code, str], str]  # "bucket X has no bucket policy, …" (BUCKET or RESOURCE_POLICY_DENY)
    leads: Mapping[Layer, str]  # an implicit deny's lead per layer, over {where}
    resource_lead: str  # RESOURCE_POLICY_DENY's implicit deny (BUCKET_POLICY_DENY keeps the layer's own)


def policy_refusal(code: Code, words: PolicyWords) -> Template:
    def render(w: Wording, f: Mapping[str, Any]) -> str:
        """The refusing policy's verdict, then every statement of it with the element that matched or failed."""
        decision: AccessDecision = f["decision"]
        kind = str(code.layer)
        results = [r for r in decision.results if str(r.kind) == kind] or decision.results
        parts = []
        for result in results:
            statements = "; ".join(words.describe_statement(ev) for ev in result.statements)
            verdict = words.describe_result(result)
            parts.append(f"{verdict}: {statements}" if statements else verdict)
        if code.layer is Layer.BUCKET and not any(str(r.kind) == kind for r in decision.results):
            resource = next((res for c, res, _ in [(decision.code, decision.resource, None), *decision.others]
                             if c is code), "?")
            parts.append(words.no_policy(code, str(resource)))
        return " | ".join(_leads(code, decision, words) + parts)

    return render


def _leads(code: Code, decision: AccessDecision, words: PolicyWords) -> list[str]:
    lead = words.resource_lead if code is Code.RESOURCE_POLICY_DENY else (
        words.leads.get(code.layer) if code.layer is not None else None)
    if lead is None:
        return []
    refusals = [(decision.code, decision.resource, decision.deciding), *decision.others]
    return [lead.format(where=where) for c, where, ev in refusals if c is code and ev is None]
