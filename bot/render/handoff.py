"""The escalation handoff: what the next responder needs, in Block Kit and as plain text for a ticket."""

from __future__ import annotations

from dataclasses import dataclass

from bot.handoff import AskedInThread, ThreadDigest
from bot.index import SnapshotIndex
from bot.reach import Answered, NotPermitted, NotUnderstood, Outcome
from bot.render.answer import compact_route, owner_line, title, verdict_label
from bot.render.blocks import Block, Rendered, code_sections, context, divider, escape, header, paginate, sections
from engine import Answer, Wording, wording_for
from engine import snapshot_age as age


@dataclass(frozen=True, slots=True)
class Handoff:
    channel: str
    thread_ts: str
    requested_by: str | None
    thread: ThreadDigest
    results: list[tuple[AskedInThread, Outcome]]
    origin: str
    index: SnapshotIndex
    lang: str = "en"  # one language for the whole summary (bot.language), whatever each question's script


def handoff_reply(h: Handoff) -> Rendered:
    w = wording_for(h.lang)
    blocks: list[Block] = [header(w.label("handoff.title"))]
    symptom = escape(h.thread.symptom) if h.thread.symptom else w.label("handoff.no-symptom")
    who = _say(w, "handoff.reported-by", user=h.thread.symptom_user) if h.thread.symptom_user else ""
    blocks += sections(f"{w.label('handoff.symptom')}{who}\n>{symptom}")
    for i, (asked, outcome) in enumerate(h.results, 1):
        blocks.append(divider())
        blocks += sections(_question_block(i, asked, outcome, h.index, w))
    if not h.results:
        blocks += sections(w.label("handoff.no-question"))
    blocks.append(divider())
    blocks += sections(_tried_block(h, w))
    blocks.append(context(_snapshot_line(h, w)))
    blocks += code_sections(ticket_text(h), w.label("handoff.for-ticket"))
    text = _say(w, "handoff.fallback", count=len(h.results))
    return Rendered(paginate(blocks, text, lang=w.lang), ticket_text(h), filename="reachbot-handoff.txt", lang=w.lang)


def ticket_text(h: Handoff) -> str:
    w = wording_for(h.lang)
    lines = [w.label("handoff.ticket-title"),
             _say(w, "handoff.ticket-symptom", symptom=h.thread.symptom or w.label("handoff.ticket-none")), ""]
    for i, (asked, outcome) in enumerate(h.results, 1):
        lines.append(f"{i}. {asked.text}")
        if isinstance(outcome, Answered):
            lines += ["   " + line for line in _ticket_answer(outcome.answer, h.index, w)]
        elif isinstance(outcome, NotPermitted):
            lines.append("   " + w.label("handoff.ticket-not-shown"))
        else:
            lines.append("   " + _say(w, "handoff.no-longer-matches", message=outcome.message))
        lines.append("")
    lines.append(w.label("handoff.tried-ticket"))
    lines += [f"- {t.text}" for t in h.thread.tried] or [f"- {w.label('handoff.nothing-reported')}"]
    lines.append("")
    lines.append(_snapshot_line(h, w).replace("`", ""))
    return "\n".join(lines)


def _question_block(i: int, asked: AskedInThread, outcome: Outcome, idx: SnapshotIndex, w: Wording) -> str:
    if isinstance(outcome, NotPermitted):
        return f"*{i}.* {w.label('slack.not-permitted')}"
    if isinstance(outcome, NotUnderstood):
        return (f"*{i}. {escape(asked.text)}*\n:thinking_face: "
                + _say(w, "handoff.no-longer-matches-current", message=escape(outcome.message)))
    a = outcome.answer
    emoji, verdict = verdict_label(a.verdict, w)
    lines = [
        f"*{i}. {escape(title(a, w))}* {emoji} *{verdict}*",
        f"*{w.label('handoff.asked')}* {escape(asked.text)}",
        f"*{w.label('handoff.source')}* `{escape(a.source.id)}` {escape(a.source.name or '')} · {a.source.region} · "
        f"{idx.account_label(a.source.account, w)}",
        f"*{w.label('handoff.destination')}* {a.destination.kind} `{escape(a.destination.id)}` · "
        f"{a.destination.region or w.label('slack.global')}",
    ]
    if a.blocked_by is not None:
        r = a.blocked_by
        owned = _say(w, "slack.owned-by", owner=owner_line(r.resource, idx, w))
        lines.append(f"*{w.label('handoff.refuses')}* `{escape(r.resource)}` `{r.code}` · {owned}")
        lines.append(f">{escape(r.detail)}")
    lines.append(f"*{w.label('handoff.route')}*\n" + ("\n".join(compact_route(a, idx, w))
                                                     or w.label("handoff.stopped-at-source")))
    lines += _proven_fixes(a, w)
    return "\n".join(lines)


def _proven_fixes(a: Answer, w: Wording) -> list[str]:
    proven = [f for f in a.fixes if f.verified]
    if not proven:
        return [f"*{w.label('handoff.proven-fixes')}* {w.label('handoff.no-proven-fix')}"] if a.verdict == "blocked" \
            else []
    lines = [f"*{w.label('handoff.proven-fixes')}*"]
    for fix in sorted(proven, key=lambda f: (f.rank <= 0, f.rank)):
        owner = _say(w, "handoff.owner", owner=escape(fix.owner)) if fix.owner else ""
        command = f"\n    `{escape(fix.command)}`" if fix.command and "\n" not in fix.command else ""
        lines.append(f"• {escape(fix.summary)}{owner}{command}")
    return lines


def _ticket_answer(a: Answer, idx: SnapshotIndex, w: Wording) -> list[str]:
    region = a.destination.region or w.label("slack.global")
    lines = [
        _say(w, "handoff.verdict", verdict=a.verdict),  # the verdict's code, as a ticket is searched for it
        f"{w.label('handoff.source')} {a.source.id} {a.source.name or ''} ({a.source.region}, "
        f"{idx.account_label(a.source.account, w)})",
        f"{w.label('handoff.destination')} {a.destination.kind} {a.destination.id} ({region})",
    ]
    if a.blocked_by is not None:
        r = a.blocked_by
        lines.append(_say(w, "handoff.refused-by", resource=r.resource, code=r.code,
                          owner=owner_line(r.resource, idx, w)))
        lines.append(f"  {r.detail}")
    lines.append(w.label("handoff.route") + " " + " -> ".join(f"{h.kind} {h.id}" for h in a.hops))
    for fix in sorted((f for f in a.fixes if f.verified), key=lambda f: (f.rank <= 0, f.rank)):
        owner = _say(w, "handoff.owner", owner=fix.owner) if fix.owner else ""
        lines.append(_say(w, "handoff.proven-fix", summary=fix.summary) + owner)
        if fix.command:
            lines += [f"  {line}" for line in fix.command.splitlines()]
    return lines


def _tried_block(h: Handoff, w: Wording) -> str:
    if not h.thread.tried:
        return f"*{w.label('handoff.tried')}* {w.label('handoff.nothing-reported')}."
    lines = [f"*{w.label('handoff.tried')}*"]
    for t in h.thread.tried:
        who = f"<@{t.user}>" if t.user else w.label("handoff.someone")
        lines.append(f"• {who} {_when(t.ts)}: {escape(t.text)}")
    return "\n".join(lines)


def _snapshot_line(h: Handoff, w: Wording) -> str:
    taken = h.index.taken_at
    return _say(w, "handoff.snapshot", origin=escape(h.origin), taken_at=taken.isoformat(), age=w.age(age(taken)),
                count=h.thread.message_count)


def _say(w: Wording, key: str, **facts: object) -> str:
    return w.fmt(w.label(key), facts)


def _when(ts: str) -> str:
    try:
        return f"<!date^{int(float(ts))}^{{date_short_pretty}} {{time}}|{ts}>"
    except ValueError:
        return ""
