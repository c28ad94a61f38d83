"""Terminal rendering of an Answer. Wording of codes comes from the answer itself (engine.wording)."""

from __future__ import annotations

import json
from typing import Any

from engine.answer import POLICY_REFUSALS, REFUSALS, Answer

_VERDICT = {"reachable": "REACHABLE", "blocked": "BLOCKED", "unknown": "UNKNOWN"}


def render(answer: Answer, compact: bool = False) -> str:
    lines = [_headline(answer)]
    if answer.blocked_by:
        b = answer.blocked_by
        lines.append(f"{_VERDICT[answer.verdict]}: {b.code} at {b.resource}")
    else:
        lines.append(_VERDICT[answer.verdict])
    lines.append("")
    lines.append("Route:")
    width = max((len(h.kind) for h in answer.hops), default=8)
    for i, hop in enumerate(answer.hops, 1):
        region = f" [{hop.region}]" if hop.region else ""
        lines.append(f"  {i:>2}. {hop.kind:<{width}}  {hop.id}{region}")
        if not compact:
            lines.append(f"      {'':<{width}}  {hop.note}")
    if answer.blocked_by and not compact:
        lines += _refusal(answer)
    if answer.fixes:
        lines += ["", "Fixes (re-traced with the change applied):"]
        for i, fix in enumerate(answer.fixes, 1):
            mark = "proven" if fix.verified else "NOT proven"
            owner = f"; owner: {fix.owner}" if fix.owner else ""
            lines.append(f"  {i}. [{mark}] {fix.kind}: {fix.summary}{owner}")
            if fix.breaks:
                lines.append(f"     breaks: {'; '.join(fix.breaks)}")
            if fix.command and not compact:
                lines += [f"     $ {line}" for line in fix.command.splitlines()]
    if answer.no_fix:
        lines += ["", f"No proven fix: {answer.no_fix.detail}"]
    if answer.caveats:
        lines += ["", "Caveats:"] + [f"  - {c}" for c in answer.caveats]
    snap = answer.snapshot
    lines += ["", f"Snapshot: {snap.source}, taken {snap.taken_at} ({snap.age} ago)"]
    return "\n".join(lines)


def _headline(answer: Answer) -> str:
    s, d = answer.source, answer.destination
    name = f"{s.name} ({s.id}, {s.region})" if s.name else f"{s.id} ({s.region})"
    region = f" ({d.region})" if d.region else ""
    region += f", port {d.port}" if d.port else ""
    action = f", {answer.action}" if answer.action else ""
    return f"{name} → {d.kind} {d.id}{region}   [runtime {answer.runtime}{action}]"


def _refusal(answer: Answer) -> list[str]:
    b = answer.blocked_by
    assert b is not None
    lines = ["", f"What refuses it: {b.code} at {b.resource}", f"  {b.detail}"]
    if b.statement is not None:
        lines.append("  Deciding statement:")
        lines += ["    " + line for line in json.dumps(b.statement, indent=2).splitlines()]
    if answer.request_context and b.code in POLICY_REFUSALS:
        lines.append("  Request context it was judged against:")
        lines += [f"    {k} = {_value(v)}" for k, v in answer.request_context.items()]
    others = [e for e in answer.explanations if e.code in REFUSALS]
    if others:
        lines.append("  Also refusing:")
        lines += [f"    {e.code} at {e.resource}: {e.detail}" for e in others]
    notes = [e for e in answer.explanations if e.code not in REFUSALS]
    if notes:
        lines.append("  Along the way:")
        lines += [f"    {e.code}: {e.detail}" for e in notes]
    return lines


def _value(v: Any) -> str:
    return json.dumps(v) if not isinstance(v, str) else v
