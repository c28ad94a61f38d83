"""An engine answer in Block Kit: verdict header, route, what refuses, fixes, buttons.

The words are the engine's: hop ``note`` and refusal ``detail`` strings are quoted as they are (they come from
``engine.wording``); this module only arranges them and adds the labels around them.
"""

from __future__ import annotations

import json
from typing import Any

from bot.index import SnapshotIndex
from bot.reach import Answered
from bot.render.blocks import (
    Block,
    Rendered,
    actions,
    button,
    code_sections,
    context,
    divider,
    escape,
    header,
    paginate,
    plain_of,
    sections,
)
from engine import BUNDLED, EN, POLICY_REFUSALS, Answer, Fix

SHOW_FULL_ROUTE = "reach_show_full_route"
SHOW_FULL_POLICY = "reach_show_full_policy"
POST_TO_CHANNEL = "reach_post_to_channel"
WHAT_CHANGED = "reach_what_changed"
METADATA_EVENT = "reachbot_answer"  # message metadata on posted answers: the handoff finds questions by it

VERDICT = {
    "reachable": (":white_check_mark:", "Reachable"),
    "blocked": (":no_entry:", "Blocked"),
    "unknown": (":grey_question:", "Cannot tell"),
}


def answer_reply(answered: Answered, *, ephemeral: bool = False, asked_by: str | None = None) -> Rendered:
    """The answer as one or more messages (buttons on the first); ``ephemeral`` adds "Post to channel",
    ``asked_by`` (a user id) says who posted it from /reach."""
    a, idx = answered.answer, answered.index
    port = f" (port {a.destination.port})" if a.destination.port else ""
    blocks: list[Block] = [header(f"{VERDICT[a.verdict][0]} {VERDICT[a.verdict][1]}: {title(a)}{port}")]
    blocks += sections(_summary(a, idx))
    if a.blocked_by is not None:
        blocks += _refusal(a, idx)
    blocks += sections(_route(a, idx))
    if a.explanations:
        blocks += sections("*Why*\n" + "\n".join(
            f"• `{e.code}` {escape(e.detail)}" for e in a.explanations))
    if a.fixes:
        blocks.append(divider())
        blocks += _fixes(a.fixes, idx)
    if a.no_fix:
        blocks += sections(f"*No proven fix:* {escape(a.no_fix.detail)}")
    if a.caveats:
        blocks += sections("\n".join(f":warning: {escape(c)}" for c in a.caveats))
    blocks.append(context(footer(a), f"Asked by <@{asked_by}> with /reach" if asked_by else ""))
    ref = question_ref(a)
    tail = actions(
        button("Full route", SHOW_FULL_ROUTE, ref),
        button("Full policy", SHOW_FULL_POLICY, ref) if has_policy_refusal(a) else None,
        # The bundled estate keeps no history: there is nothing earlier to compare with.
        button(EN.label("what-changed"), WHAT_CHANGED, ref) if a.snapshot.source != BUNDLED else None,
        button("Post to channel", POST_TO_CHANNEL, ref, style="primary") if ephemeral else None,
    )
    pages = paginate(blocks, fallback(a), tail)
    return Rendered(pages, plain_of(blocks), filename="reachbot-answer.txt")


def full_route(answered: Answered) -> Rendered:
    """Every hop with the engine's note, in order."""
    a, idx = answered.answer, answered.index
    blocks: list[Block] = [header(f"Route: {title(a)}")]
    refusing = a.blocked_by.resource if a.blocked_by else None
    lines = []
    for i, hop in enumerate(a.hops, 1):
        mark = " :no_entry:" if hop.id == refusing else ""
        lines.append(f"*{i}. {hop.kind}* `{escape(hop.id)}`{_name(idx, hop.id)} · {hop.region or 'global'}{mark}\n"
                     f"{escape(hop.note)}")
    if a.blocked_by is not None and all(h.id != a.blocked_by.resource for h in a.hops):
        lines.append(f"*stops at* `{escape(a.blocked_by.resource)}` :no_entry: {escape(a.blocked_by.detail)}")
    blocks += sections("\n\n".join(lines) or "_no hops: the trace stopped at the source_")
    blocks.append(context(footer(a)))
    return Rendered(paginate(blocks, f"Route for: {a.question}"), plain_of(blocks), filename="reachbot-route.txt")


def full_policy(answered: Answered) -> Rendered:
    """The complete documents of every policy that refuses, with the request context they were judged on."""
    a, idx = answered.answer, answered.index
    blocks: list[Block] = [header(f"Policies: {title(a)}")]
    refusals = [(r.code, r.resource) for r in ([a.blocked_by] if a.blocked_by else [])]
    refusals += [(e.code, e.resource) for e in a.explanations if e.code in POLICY_REFUSALS]
    seen: set[tuple[str, str]] = set()
    for code, resource in refusals:
        if (code, resource) in seen or code not in POLICY_REFUSALS:
            continue
        seen.add((code, resource))
        for doc in idx.policies(code, resource):
            owner = idx.account_label(idx.owner(resource))
            blocks += code_sections(doc.document, f"*{escape(doc.title)}* (`{code}`, owned by {owner})")
    if len(blocks) == 1:
        blocks += sections("_No policy refuses this request._")
    if a.request_context:
        blocks += code_sections(json.dumps(a.request_context, indent=2), "*Request context*")
    blocks.append(context(footer(a)))
    return Rendered(paginate(blocks, f"Policies for: {a.question}"), plain_of(blocks), filename="reachbot-policy.txt")


def title(a: Answer) -> str:
    src = a.source.name or a.source.id
    dest = a.destination.id if a.destination.kind != "s3-bucket" else f"bucket {a.destination.id}"
    return f"{src} → {dest}"


def fallback(a: Answer) -> str:
    """The plain ``text`` of the message; also the first line the handoff reads back."""
    out = f"{VERDICT[a.verdict][1]}: {title(a)} (asked: {a.question})"
    if a.blocked_by is not None:
        out += f". Refused by {a.blocked_by.resource}: {a.blocked_by.code}"
    return out


def footer(a: Answer) -> str:
    snap = a.snapshot
    age = f" ({snap.age} old)" if snap.age else ""
    action = f" · action `{a.action}`" if a.action and a.destination.kind == "s3-bucket" else ""
    return f"Snapshot `{escape(snap.source)}` taken {snap.taken_at}{age} · runtime `{a.runtime or 'default'}`{action}"


def question_ref(a: Answer) -> str:
    """What a button needs to ask the question again (against the snapshot current when it is pressed)."""
    return json.dumps({"q": a.question, "r": a.runtime or None, "a": a.action or None}, separators=(",", ":"))


def metadata(a: Answer) -> dict[str, Any]:
    return {"event_type": METADATA_EVENT,
            "event_payload": {"question": a.question, "runtime": a.runtime, "action": a.action}}


def has_policy_refusal(a: Answer) -> bool:
    codes = ([a.blocked_by.code] if a.blocked_by else []) + [e.code for e in a.explanations]
    return any(c in POLICY_REFUSALS for c in codes)


def compact_route(a: Answer, idx: SnapshotIndex) -> list[str]:
    refusing = a.blocked_by.resource if a.blocked_by else None
    out = []
    for i, hop in enumerate(a.hops, 1):
        mark = "  :no_entry: refuses here" if hop.id == refusing else ""
        out.append(f"{i}. {hop.kind} `{escape(hop.id)}`{_name(idx, hop.id)} · {hop.region or 'global'}{mark}")
    if refusing and all(hop.id != refusing for hop in a.hops):
        out.append(f"   :no_entry: stops at `{escape(refusing)}`{_name(idx, refusing)}")
    return out


def owner_line(resource: str, idx: SnapshotIndex) -> str:
    return idx.account_label(idx.owner(resource))


def _summary(a: Answer, idx: SnapshotIndex) -> str:
    src, dest = a.source, a.destination
    account = f" · {idx.account_label(src.account)}" if src.account else ""
    host = f" (`{escape(dest.host)}`)" if dest.host and dest.host != dest.id else ""
    return (f"*Question:* {escape(a.question)}\n"
            f"*From* `{escape(src.id)}`{_name(idx, src.id)} · {src.region}{account}\n"
            f"*To* {dest.kind} `{escape(dest.id)}`{host} · {dest.region or 'global'}"
            + (f" · port {dest.port}" if dest.port else ""))


def _refusal(a: Answer, idx: SnapshotIndex) -> list[Block]:
    r = a.blocked_by
    assert r is not None
    out = sections(
        f":no_entry: *Refused by* `{escape(r.resource)}`{_name(idx, r.resource)} · `{r.code}` · owned by "
        f"{owner_line(r.resource, idx)}\n>{escape(r.detail)}"
    )
    if r.code in POLICY_REFUSALS or r.statement is not None:
        statement = (json.dumps(r.statement, indent=2) if r.statement is not None
                     else "(none: no statement allows this request here, an implicit deny)")
        body = f"Refusing statement:\n{statement}"
        if a.request_context:
            body += f"\n\nRequest context:\n{json.dumps(a.request_context, indent=2)}"
        out += code_sections(body)
    return out


def _route(a: Answer, idx: SnapshotIndex) -> str:
    lines = compact_route(a, idx)
    return "*Route*\n" + ("\n".join(lines) if lines else "_the trace stopped at the source_")


def _fixes(fixes: list[Fix], idx: SnapshotIndex) -> list[Block]:
    ordered = sorted(fixes, key=lambda f: (f.rank <= 0, f.rank))
    out: list[Block] = sections("*Fixes* (verified: re-traced with the change applied, and it became reachable)")
    for i, fix in enumerate(ordered, 1):
        proof = ":white_check_mark: verified" if fix.verified else ":grey_question: not verified"
        owner = f" · owner: {escape(fix.owner)}" if fix.owner else ""
        text = f"*{i}. {escape(fix.summary)}*\n{proof} · `{fix.kind}`{owner}"
        if fix.breaks:
            text += "\n:warning: would stop working: " + "; ".join(escape(b) for b in fix.breaks)
        out += sections(text)
        command = fix.command or json.dumps(fix.change, indent=2)
        out += code_sections(command)
    return out


def _name(idx: SnapshotIndex, ident: str) -> str:
    name = idx.name(ident)
    return f" ({escape(name)})" if name else ""
