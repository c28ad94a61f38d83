"""A :class:`~engine.diff.SnapshotDiff` as text for an on-call engineer (terminal and Slack alike).

Every sentence comes from the wording catalog's labels (``diff-…`` keys); ids, verdicts and before/after values
are shown as they are. Values longer than a line are cut (``--json`` has them whole).
"""

from __future__ import annotations

import json
from typing import Any

from engine.changes import SnapshotChange
from engine.diff import AnswerChange, SnapshotDiff
from engine.wording import EN, Wording

VALUE_CHARS = 240


def render_diff(d: SnapshotDiff, wording: Wording = EN, max_changes: int = 30) -> str:
    w = wording
    lines = [w.fmt(w.label("diff-title"), {"old": d.old, "old_at": d.old_taken_at, "new": d.new,
                                           "new_at": d.new_taken_at}), ""]
    lines += _answers(d, w)
    lines.append("")
    if not d.changes:
        lines.append(w.label("diff-no-changes"))
        return "\n".join(lines)
    lines.append(w.fmt(w.label("diff-changes"), {"count": len(d.changes)}))
    for c in d.changes[:max_changes]:
        lines += change_lines(c, w)
    if len(d.changes) > max_changes:
        lines.append("  " + w.fmt(w.label("diff-more-changes"), {"count": len(d.changes) - max_changes}))
    return "\n".join(lines)


def change_lines(c: SnapshotChange, w: Wording) -> list[str]:
    where = " ".join(x for x in (c.account, c.region) if x)
    return [f"  {c.id}" + (f"  [{where}]" if where else ""),
            f"      {w.label('diff-before')}: {_value(c.before, w)}",
            f"      {w.label('diff-after')}:  {_value(c.after, w)}"]


def _answers(d: SnapshotDiff, w: Wording) -> list[str]:
    if d.sampled:
        if not d.answers:
            return [w.fmt(w.label("diff-no-flips"), {"count": d.sampled_flows})]
        head = w.fmt(w.label("diff-flows"), {"count": d.sampled_flows})
    else:
        head = w.label("diff-answers")
    lines = [head]
    by_id = {c.id: c for c in d.changes}
    for a in d.answers:
        lines += answer_lines(a, w, by_id)
    return lines


def answer_lines(a: AnswerChange, w: Wording, by_id: dict[str, SnapshotChange]) -> list[str]:
    state = w.label("diff-flipped") if a.flipped else w.label("diff-unchanged")
    lines = [f"  {a.question}", f"    {_verdict(a.before, a.blocked_by[0], w)} → "
                                f"{_verdict(a.after, a.blocked_by[1], w)}   ({state})"]
    if a.flipped and a.explained_by:
        lines.append(f"    {w.label('diff-explained-by')}")
        for ident in a.explained_by:
            shown = change_lines(by_id[ident], w)
            if ident in a.alone:
                shown[0] += f"  ({w.label('diff-alone')})"
            lines += ["  " + line for line in shown]
    elif a.flipped:
        lines.append(f"    {w.label('diff-unexplained')}")
    elif a.on_route:
        lines.append("    " + w.fmt(w.label("diff-on-route"), {"ids": a.on_route}))
    return lines


def _verdict(verdict: str | None, code: str | None, w: Wording) -> str:
    if verdict is None:
        return w.label("diff-not-there")
    return w.label(f"cli.{verdict}") + (f" ({code})" if code else "")  # the terminal's verdict words


def _value(value: Any, w: Wording) -> str:
    if value is None:
        return w.label("diff-absent")
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= VALUE_CHARS else text[: VALUE_CHARS - 1] + "…"
