"""The App Home tab as a Block Kit ``home`` view (https://api.slack.com/reference/surfaces/views): how to
ask, the snapshot in use, and the user's recent questions with an "Ask again" button each.

Every word comes from the wording catalog's labels (``engine.wording``, keys ``home-*``); names and ids are
data, escaped. A home view holds at most 100 blocks; this one holds about 10 plus two per recent question.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any, Protocol

from bot.home import RecentQuestion, SnapshotSummary
from bot.index import Examples
from bot.render.blocks import Block, button, context, divider, escape, header, sections
from engine import snapshot_age

HOME_REASK = "reach_home_reask"
MAX_HOME_BLOCKS = 100


class Wording(Protocol):
    """What this renderer needs of ``engine.wording_for(lang)``: labels, and facts put into a template."""

    def label(self, key: str) -> str: ...

    def fmt(self, template: str, facts: Mapping[str, Any]) -> str: ...


def home_view(w: Wording, snapshot: SnapshotSummary, recent: list[RecentQuestion], examples: Examples,
              kept: int, notice: str = "") -> dict[str, Any]:
    """The whole Home tab for one user; ``notice`` (already worded) goes on top, e.g. after "Ask again"."""
    blocks: list[Block] = [header(w.label("home-title"))]
    if notice:
        blocks += sections(notice)
    blocks += sections(w.label("home-how-to-ask"))
    lines = _examples(w, examples)
    if lines:
        blocks += sections(w.label("home-examples") + "\n" + "\n".join(f"• `/reach {escape(q)}`" for q in lines))
    blocks.append(divider())
    blocks += sections(_snapshot(w, snapshot))
    blocks.append(divider())
    blocks += sections(w.label("home-recent"))
    if not recent:
        blocks += sections(w.label("home-recent-none"))
    for item in recent:
        blocks += _recent(w, item)
    blocks.append(context(w.fmt(w.label("home-recent-memory"), {"count": kept})))
    return {"type": "home", "blocks": blocks[:MAX_HOME_BLOCKS]}


def verdict_label(w: Wording, verdict: str) -> str:
    return w.label(f"home-verdict-{verdict}")


def _examples(w: Wording, e: Examples) -> list[str]:
    out = []
    if e.source and e.bucket:
        out.append(w.fmt(w.label("home-example-bucket"), {"source": e.source, "bucket": e.bucket}))
    if e.other_ip:
        out.append(w.fmt(w.label("home-example-service"), {"ip": e.other_ip, "host": e.service_host}))
    return out


def _snapshot(w: Wording, s: SnapshotSummary) -> str:
    # where it was loaded from, and how it was made when that says more ("collect", "collect --from-dir")
    origin = f"`{escape(s.origin)}`" + (f" ({escape(s.source)})" if s.source not in (s.origin, "unknown") else "")
    facts = {"origin": origin, "taken_at": s.taken_at, "age": s.age}
    lines = [w.label("home-snapshot"), w.fmt(w.label("home-snapshot-source"), facts)]
    if s.accounts:
        lines.append(w.fmt(w.label("home-snapshot-accounts"), {"accounts": escape(", ".join(s.accounts))}))
    else:
        lines.append(w.label("home-snapshot-no-accounts"))
    if s.regions:
        lines.append(w.fmt(w.label("home-snapshot-regions"), {"regions": ", ".join(s.regions)}))
    if not s.gaps:
        lines.append(w.label("home-snapshot-no-gaps"))
        return "\n".join(lines)
    lines.append(w.fmt(w.label("home-snapshot-gaps"), {"count": len(s.gaps) + s.more_gaps}))
    lines += ["• " + escape(w.fmt(w.label("home-gap"), asdict(g))) for g in s.gaps]
    if s.more_gaps:
        lines.append(w.fmt(w.label("home-more-gaps"), {"count": s.more_gaps}))
    return "\n".join(lines)


def _recent(w: Wording, q: RecentQuestion) -> list[Block]:
    text = f"{verdict_label(w, q.verdict)} `{escape(q.question)}`"
    if q.refused_by is not None:
        resource, code = q.refused_by
        text += "\n" + w.fmt(w.label("home-refused-by"), {"resource": escape(resource), "code": code})
    section = sections(text)[0]  # one section: a question is at most a few hundred characters
    ask = button(w.label("home-reask"), HOME_REASK, reask_value(q))
    if ask is not None:
        section["accessory"] = ask
    when = w.fmt(w.label("home-asked"), {"title": escape(q.title), "age": snapshot_age(q.asked_at)})
    return [section, context(when)]


def reask_value(q: RecentQuestion) -> str:
    """The button's value: the same shape as an answer's buttons (``render.answer.question_ref``)."""
    return json.dumps({"q": q.question, "r": q.runtime, "a": q.action}, separators=(",", ":"))

