"""Terminal rendering of an Answer. Wording of codes comes from the answer itself (engine.wording); the labels
around it come from the same catalog (``cli.*`` labels), so a Japanese answer reads Japanese throughout."""

from __future__ import annotations

import json
from typing import Any

from engine.answer import POLICY_REFUSALS, REFUSALS, Answer, Fix
from engine.wording import EN, Wording


def render(answer: Answer, compact: bool = False, wording: Wording = EN) -> str:
    w = wording
    lines = [_headline(answer, w)]
    verdict = w.label(f"cli.{answer.verdict}")
    if answer.blocked_by:
        b = answer.blocked_by
        lines.append(w.fmt(w.label("cli.refused-at"), {"verdict": verdict, "code": b.code, "resource": b.resource}))
    else:
        lines.append(verdict)
    lines.append("")
    lines.append(w.label("cli.route"))
    width = max((len(h.kind) for h in answer.hops), default=8)
    for i, hop in enumerate(answer.hops, 1):
        region = f" [{hop.region}]" if hop.region else ""
        lines.append(f"  {i:>2}. {hop.kind:<{width}}  {hop.id}{region}")
        if not compact:
            lines.append(f"      {'':<{width}}  {hop.note}")
    if answer.blocked_by and not compact:
        lines += _refusal(answer, w)
    if answer.fixes:
        lines += ["", w.label("cli.fixes")]
        for i, fix in enumerate(answer.fixes, 1):
            lines += _fix(i, fix, compact, w)
    if answer.no_fix:
        lines += ["", w.fmt(w.label("cli.no-fix"), {"detail": answer.no_fix.detail})]
    if answer.caveats:
        lines += ["", w.label("cli.caveats")] + [f"  - {c}" for c in answer.caveats]
    snap = answer.snapshot
    lines += ["", w.fmt(w.label("cli.snapshot"), {"source": snap.source, "taken_at": snap.taken_at,
                                                     "age": w.age(snap.age)})]
    return "\n".join(lines)


def _fix(i: int, fix: Fix, compact: bool, w: Wording) -> list[str]:
    mark = w.label("cli.proven" if fix.verified else "cli.not-proven")
    owner = w.fmt(w.label("cli.owner"), {"owner": fix.owner}) if fix.owner else ""
    lines = [f"  {i}. [{mark}] {fix.kind}: {fix.summary}{owner}"]
    if fix.breaks:
        lines.append("     " + w.fmt(w.label("cli.breaks"), {"breaks": "; ".join(fix.breaks)}))
    if fix.command and not compact:
        lines += [f"     $ {line}" for line in fix.command.splitlines()]
    return lines


def _headline(answer: Answer, w: Wording) -> str:
    s, d = answer.source, answer.destination
    name = f"{s.name} ({s.id}, {s.region})" if s.name else f"{s.id} ({s.region})"
    region = f" ({d.region})" if d.region else ""
    region += w.fmt(w.label("cli.port"), {"port": d.port}) if d.port else ""
    action = f", {answer.action}" if answer.action else ""
    runtime = w.fmt(w.label("cli.runtime"), {"runtime": answer.runtime})
    return f"{name} → {d.kind} {d.id}{region}   [{runtime}{action}]"


def _refusal(answer: Answer, w: Wording) -> list[str]:
    b = answer.blocked_by
    assert b is not None
    lines = ["", w.fmt(w.label("cli.what-refuses"), {"code": b.code, "resource": b.resource}), f"  {b.detail}"]
    if b.statement is not None:
        lines.append("  " + w.label("cli.deciding-statement"))
        lines += ["    " + line for line in json.dumps(b.statement, indent=2).splitlines()]
    if answer.request_context and b.code in POLICY_REFUSALS:
        lines.append("  " + w.label("cli.request-context"))
        lines += [f"    {k} = {_value(v)}" for k, v in answer.request_context.items()]
    others = [e for e in answer.explanations if e.code in REFUSALS]
    if others:
        lines.append("  " + w.label("cli.also-refusing"))
        lines += ["    " + w.fmt(w.label("cli.also-at"), {"code": e.code, "resource": e.resource, "detail": e.detail})
                  for e in others]
    notes = [e for e in answer.explanations if e.code not in REFUSALS]
    if notes:
        lines.append("  " + w.label("cli.along-the-way"))
        lines += [f"    {e.code}: {e.detail}" for e in notes]
    return lines


def _value(v: Any) -> str:
    return json.dumps(v) if not isinstance(v, str) else v
