"""The escalation handoff: what the next responder needs, in Block Kit and as plain text for a ticket."""

from __future__ import annotations

from dataclasses import dataclass

from bot.handoff import AskedInThread, ThreadDigest
from bot.index import SnapshotIndex
from bot.reach import Answered, NotPermitted, NotUnderstood, Outcome
from bot.render.answer import VERDICT, compact_route, owner_line, title
from bot.render.blocks import Block, Rendered, code_sections, context, divider, escape, header, paginate, sections
from bot.render.replies import NOT_PERMITTED
from engine import Answer
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


def handoff_reply(h: Handoff) -> Rendered:
    blocks: list[Block] = [header(":clipboard: Handoff summary")]
    symptom = escape(h.thread.symptom) if h.thread.symptom else "_(no message from a person in this thread)_"
    who = f" (reported by <@{h.thread.symptom_user}>)" if h.thread.symptom_user else ""
    blocks += sections(f"*Symptom*{who}\n>{symptom}")
    for i, (asked, outcome) in enumerate(h.results, 1):
        blocks.append(divider())
        blocks += sections(_question_block(i, asked, outcome, h.index))
    if not h.results:
        blocks += sections("_No reachability question found in this thread._")
    blocks.append(divider())
    blocks += sections(_tried_block(h))
    blocks.append(context(_snapshot_line(h)))
    blocks += code_sections(ticket_text(h), "*For the ticket* (plain text)")
    text = f"Handoff summary: {len(h.results)} question(s) re-run against the current snapshot"
    return Rendered(paginate(blocks, text), ticket_text(h), filename="reachbot-handoff.txt")


def ticket_text(h: Handoff) -> str:
    lines = ["HANDOFF SUMMARY (reachbot)", f"Symptom: {h.thread.symptom or '(none)'}", ""]
    for i, (asked, outcome) in enumerate(h.results, 1):
        lines.append(f"{i}. {asked.text}")
        if isinstance(outcome, Answered):
            lines += ["   " + line for line in _ticket_answer(outcome.answer, h.index)]
        elif isinstance(outcome, NotPermitted):
            lines.append("   not shown: outside what this channel may ask about")
        else:
            lines.append(f"   no longer matches the snapshot: {outcome.message}")
        lines.append("")
    lines.append("Already tried in the thread:")
    lines += [f"- {t.text}" for t in h.thread.tried] or ["- nothing reported"]
    lines.append("")
    lines.append(_snapshot_line(h).replace("`", ""))
    return "\n".join(lines)


def _question_block(i: int, asked: AskedInThread, outcome: Outcome, idx: SnapshotIndex) -> str:
    if isinstance(outcome, NotPermitted):
        return f"*{i}.* {NOT_PERMITTED}"
    if isinstance(outcome, NotUnderstood):
        return (f"*{i}. {escape(asked.text)}*\n:thinking_face: no longer matches the current snapshot: "
                f"{escape(outcome.message)}")
    a = outcome.answer
    emoji, verdict = VERDICT[a.verdict]
    lines = [
        f"*{i}. {escape(title(a))}* {emoji} *{verdict}*",
        f"*Asked:* {escape(asked.text)}",
        f"*Source:* `{escape(a.source.id)}` {escape(a.source.name or '')} · {a.source.region} · "
        f"{idx.account_label(a.source.account)}",
        f"*Destination:* {a.destination.kind} `{escape(a.destination.id)}` · {a.destination.region or 'global'}",
    ]
    if a.blocked_by is not None:
        r = a.blocked_by
        lines.append(f"*Refuses:* `{escape(r.resource)}` `{r.code}` · owned by {owner_line(r.resource, idx)}")
        lines.append(f">{escape(r.detail)}")
    lines.append("*Route:*\n" + ("\n".join(compact_route(a, idx)) or "_stopped at the source_"))
    proven = [f for f in a.fixes if f.verified]
    if proven:
        lines.append("*Proven fixes:*")
        for fix in sorted(proven, key=lambda f: (f.rank <= 0, f.rank)):
            owner = f" (owner: {escape(fix.owner)})" if fix.owner else ""
            command = f"\n    `{escape(fix.command)}`" if fix.command and "\n" not in fix.command else ""
            lines.append(f"• {escape(fix.summary)}{owner}{command}")
    elif a.verdict == "blocked":
        lines.append("*Proven fixes:* none found by re-tracing; see the refusal above.")
    return "\n".join(lines)


def _ticket_answer(a: Answer, idx: SnapshotIndex) -> list[str]:
    lines = [
        f"Verdict: {a.verdict}",
        f"Source: {a.source.id} {a.source.name or ''} ({a.source.region}, {idx.account_label(a.source.account)})",
        f"Destination: {a.destination.kind} {a.destination.id} ({a.destination.region or 'global'})",
    ]
    if a.blocked_by is not None:
        r = a.blocked_by
        lines.append(f"Refused by: {r.resource} {r.code}, owned by {owner_line(r.resource, idx)}")
        lines.append(f"  {r.detail}")
    lines.append("Route: " + " -> ".join(f"{h.kind} {h.id}" for h in a.hops))
    for fix in sorted((f for f in a.fixes if f.verified), key=lambda f: (f.rank <= 0, f.rank)):
        lines.append(f"Proven fix: {fix.summary}" + (f" (owner: {fix.owner})" if fix.owner else ""))
        if fix.command:
            lines += [f"  {line}" for line in fix.command.splitlines()]
    return lines


def _tried_block(h: Handoff) -> str:
    if not h.thread.tried:
        return "*Already tried in this thread:* nothing reported."
    lines = ["*Already tried in this thread:*"]
    for t in h.thread.tried:
        who = f"<@{t.user}>" if t.user else "someone"
        lines.append(f"• {who} {_when(t.ts)}: {escape(t.text)}")
    return "\n".join(lines)


def _snapshot_line(h: Handoff) -> str:
    taken = h.index.taken_at
    return (f"Re-run against snapshot `{escape(h.origin)}` taken {taken.isoformat()} ({age(taken)} old) · "
            f"thread of {h.thread.message_count} message(s)")


def _when(ts: str) -> str:
    try:
        return f"<!date^{int(float(ts))}^{{date_short_pretty}} {{time}}|{ts}>"
    except ValueError:
        return ""
