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
from engine import BUNDLED, POLICY_REFUSALS, Answer, Fix, Wording, wording_for

SHOW_FULL_ROUTE = "reach_show_full_route"
SHOW_FULL_POLICY = "reach_show_full_policy"
POST_TO_CHANNEL = "reach_post_to_channel"
WHAT_CHANGED = "reach_what_changed"
METADATA_EVENT = "reachbot_answer"  # message metadata on posted answers: the handoff finds questions by it

VERDICT = {"reachable": ":white_check_mark:", "blocked": ":no_entry:", "unknown": ":grey_question:"}


def verdict_label(verdict: str, w: Wording) -> tuple[str, str]:
    """(emoji, word) of a verdict in ``w``'s language."""
    return VERDICT[verdict], w.label(f"slack.{verdict}")


def _say(w: Wording, key: str, **facts: object) -> str:
    return w.fmt(w.label(key), facts)


def answer_reply(answered: Answered, *, ephemeral: bool = False, asked_by: str | None = None) -> Rendered:
    """The answer as one or more messages (buttons on the first); ``ephemeral`` adds "Post to channel",
    ``asked_by`` (a user id) says who posted it from /reach."""
    a, idx, w = answered.answer, answered.index, wording_for(answered.lang)
    emoji, word = verdict_label(a.verdict, w)
    port = w.fmt(w.label("slack.port"), {"port": a.destination.port}) if a.destination.port else ""
    blocks: list[Block] = [header(f"{emoji} {word}: {title(a, w)}{port}")]
    blocks += sections(_summary(a, idx, w))
    if a.blocked_by is not None:
        blocks += _refusal(a, idx, w)
    blocks += sections(_route(a, idx, w))
    if a.explanations:
        blocks += sections(w.label("slack.why") + "\n" + "\n".join(
            f"• `{e.code}` {escape(e.detail)}" for e in a.explanations))
    if a.fixes:
        blocks.append(divider())
        blocks += _fixes(a.fixes, idx, w)
    if a.no_fix:
        blocks += sections(f"*{w.label('slack.no-fix')}* {escape(a.no_fix.detail)}")
    if a.caveats:
        blocks += sections("\n".join(f":warning: {escape(c)}" for c in a.caveats))
    blocks.append(context(footer(a, w), _say(w, "slack.asked-by", user=asked_by) if asked_by else ""))
    ref = question_ref(a)
    tail = actions(
        button(w.label("slack.button.full-route"), SHOW_FULL_ROUTE, ref),
        button(w.label("slack.button.full-policy"), SHOW_FULL_POLICY, ref) if has_policy_refusal(a) else None,
        # The bundled estate keeps no history: there is nothing earlier to compare with.
        button(w.label("what-changed"), WHAT_CHANGED, ref) if a.snapshot.source != BUNDLED else None,
        button(w.label("slack.button.post"), POST_TO_CHANNEL, ref, style="primary") if ephemeral else None,
    )
    pages = paginate(blocks, fallback(a, w), tail, w.lang)
    return Rendered(pages, plain_of(blocks), filename="reachbot-answer.txt", lang=w.lang)


def full_route(answered: Answered) -> Rendered:
    """Every hop with the engine's note, in order."""
    a, idx, w = answered.answer, answered.index, wording_for(answered.lang)
    blocks: list[Block] = [header(_say(w, "slack.route-title", title=title(a, w)))]
    refusing = a.blocked_by.resource if a.blocked_by else None
    lines = []
    for i, hop in enumerate(a.hops, 1):
        mark = " :no_entry:" if hop.id == refusing else ""
        region = hop.region or w.label("slack.global")
        lines.append(f"*{i}. {hop.kind}* `{escape(hop.id)}`{_name(idx, hop.id)} · {region}{mark}\n"
                     f"{escape(hop.note)}")
    if a.blocked_by is not None and all(h.id != a.blocked_by.resource for h in a.hops):
        lines.append(f"*{w.label('slack.stops-at')}* `{escape(a.blocked_by.resource)}` :no_entry: "
                     f"{escape(a.blocked_by.detail)}")
    blocks += sections("\n\n".join(lines) or w.label("slack.no-hops"))
    blocks.append(context(footer(a, w)))
    return Rendered(paginate(blocks, _say(w, "slack.route-for", question=a.question), lang=w.lang), plain_of(blocks),
                    filename="reachbot-route.txt", lang=w.lang)


def full_policy(answered: Answered) -> Rendered:
    """The complete documents of every policy that refuses, with the request context they were judged on."""
    a, idx, w = answered.answer, answered.index, wording_for(answered.lang)
    blocks: list[Block] = [header(_say(w, "slack.policies-title", title=title(a, w)))]
    refusals = [(r.code, r.resource) for r in ([a.blocked_by] if a.blocked_by else [])]
    refusals += [(e.code, e.resource) for e in a.explanations if e.code in POLICY_REFUSALS]
    seen: set[tuple[str, str]] = set()
    for code, resource in refusals:
        if (code, resource) in seen or code not in POLICY_REFUSALS:
            continue
        seen.add((code, resource))
        for doc in idx.policies(code, resource):
            owned = _say(w, "slack.owned-by", owner=idx.account_label(idx.owner(resource), w))
            doc_title = _say(w, doc.title_label, resource=doc.resource) if doc.title_label else doc.title
            blocks += code_sections(doc.document, f"*{escape(doc_title)}* (`{code}`, {owned})")
    if len(blocks) == 1:
        blocks += sections(w.label("slack.no-policy"))
    if a.request_context:
        blocks += code_sections(json.dumps(a.request_context, indent=2, ensure_ascii=False),
                                f"*{w.label('slack.request-context')}*")
    blocks.append(context(footer(a, w)))
    return Rendered(paginate(blocks, _say(w, "slack.policies-for", question=a.question), lang=w.lang),
                    plain_of(blocks), filename="reachbot-policy.txt", lang=w.lang)


def title(a: Answer, w: Wording | None = None) -> str:
    w = w or wording_for("en")
    src = a.source.name or a.source.id
    dest = a.destination.id if a.destination.kind != "s3-bucket" else _say(w, "slack.bucket", bucket=a.destination.id)
    return f"{src} → {dest}"


def fallback(a: Answer, w: Wording | None = None) -> str:
    """The plain ``text`` of the message; also the first line the handoff reads back."""
    w = w or wording_for("en")
    out = _say(w, "slack.fallback", verdict=verdict_label(a.verdict, w)[1], title=title(a, w), question=a.question)
    if a.blocked_by is not None:
        out += _say(w, "slack.fallback-refused", resource=a.blocked_by.resource, code=a.blocked_by.code)
    return out


def footer(a: Answer, w: Wording | None = None) -> str:
    w = w or wording_for("en")
    snap = a.snapshot
    out = _say(w, "slack.footer", source=escape(snap.source), taken_at=snap.taken_at)
    out += _say(w, "slack.footer-age", age=w.age(snap.age)) if snap.age else ""
    out += _say(w, "slack.footer-runtime", runtime=a.runtime or w.label("slack.default-runtime"))
    if a.action and a.destination.kind == "s3-bucket":
        out += _say(w, "slack.footer-action", action=a.action)
    return out


def question_ref(a: Answer) -> str:
    """What a button needs to ask the question again (against the snapshot current when it is pressed)."""
    return json.dumps({"q": a.question, "r": a.runtime or None, "a": a.action or None}, separators=(",", ":"))


def metadata(a: Answer) -> dict[str, Any]:
    return {"event_type": METADATA_EVENT,
            "event_payload": {"question": a.question, "runtime": a.runtime, "action": a.action}}


def has_policy_refusal(a: Answer) -> bool:
    codes = ([a.blocked_by.code] if a.blocked_by else []) + [e.code for e in a.explanations]
    return any(c in POLICY_REFUSALS for c in codes)


def compact_route(a: Answer, idx: SnapshotIndex, w: Wording | None = None) -> list[str]:
    w = w or wording_for("en")
    refusing = a.blocked_by.resource if a.blocked_by else None
    out = []
    for i, hop in enumerate(a.hops, 1):
        mark = f"  :no_entry: {w.label('slack.refuses-here')}" if hop.id == refusing else ""
        region = hop.region or w.label("slack.global")
        out.append(f"{i}. {hop.kind} `{escape(hop.id)}`{_name(idx, hop.id)} · {region}{mark}")
    if refusing and all(hop.id != refusing for hop in a.hops):
        out.append(f"   :no_entry: {w.label('slack.stops-at')} `{escape(refusing)}`{_name(idx, refusing)}")
    return out


def owner_line(resource: str, idx: SnapshotIndex, w: Wording | None = None) -> str:
    return idx.account_label(idx.owner(resource), w)


def _summary(a: Answer, idx: SnapshotIndex, w: Wording) -> str:
    src, dest = a.source, a.destination
    account = f" · {idx.account_label(src.account, w)}" if src.account else ""
    host = f" (`{escape(dest.host)}`)" if dest.host and dest.host != dest.id else ""
    return (f"*{w.label('slack.question')}* {escape(a.question)}\n"
            f"*{w.label('slack.from')}* `{escape(src.id)}`{_name(idx, src.id)} · {src.region}{account}\n"
            f"*{w.label('slack.to')}* {dest.kind} `{escape(dest.id)}`{host} · {dest.region or w.label('slack.global')}"
            + (w.fmt(w.label("slack.port"), {"port": dest.port}) if dest.port else ""))


def _refusal(a: Answer, idx: SnapshotIndex, w: Wording) -> list[Block]:
    r = a.blocked_by
    assert r is not None
    owned = _say(w, "slack.owned-by", owner=owner_line(r.resource, idx, w))
    out = sections(
        f":no_entry: *{w.label('slack.refused-by')}* `{escape(r.resource)}`{_name(idx, r.resource)} · `{r.code}` · "
        f"{owned}\n>{escape(r.detail)}"
    )
    if r.code in POLICY_REFUSALS or r.statement is not None:
        statement = (json.dumps(r.statement, indent=2) if r.statement is not None
                     else w.label("slack.implicit-deny"))
        body = f"{w.label('slack.refusing-statement')}\n{statement}"
        if a.request_context:
            body += f"\n\n{w.label('slack.request-context')}:\n{json.dumps(a.request_context, indent=2)}"
        out += code_sections(body)
    return out


def _route(a: Answer, idx: SnapshotIndex, w: Wording) -> str:
    lines = compact_route(a, idx, w)
    return f"*{w.label('slack.route')}*\n" + ("\n".join(lines) if lines else w.label("slack.stopped-at-source"))


def _fixes(fixes: list[Fix], idx: SnapshotIndex, w: Wording) -> list[Block]:
    ordered = sorted(fixes, key=lambda f: (f.rank <= 0, f.rank))
    out: list[Block] = sections(w.label("slack.fixes"))
    for i, fix in enumerate(ordered, 1):
        proof = (f":white_check_mark: {w.label('slack.verified')}" if fix.verified
                 else f":grey_question: {w.label('slack.not-verified')}")
        owner = _say(w, "slack.owner", owner=escape(fix.owner)) if fix.owner else ""
        text = f"*{i}. {escape(fix.summary)}*\n{proof} · `{fix.kind}`{owner}"
        if fix.breaks:
            text += f"\n:warning: {w.label('slack.would-break')}" + "; ".join(escape(b) for b in fix.breaks)
        out += sections(text)
        command = fix.command or json.dumps(fix.change, indent=2)
        out += code_sections(command)
    return out


def _name(idx: SnapshotIndex, ident: str) -> str:
    name = idx.name(ident)
    return f" ({escape(name)})" if name else ""
