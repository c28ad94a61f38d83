"""A snapshot diff in Slack: what changed, each answer before and after, the changes that explain a flip.

The text is the engine's (``engine.render_diff``, worded by the catalog), shown as it is in code blocks so
ids and policy statements keep their shape; a long diff goes to a file like any long reply (``bot.deliver``).
"""

from __future__ import annotations

from bot.reach import Changed, DiffOutcome, NoHistory
from bot.render.blocks import Block, Rendered, code_sections, header, paginate, plain_of
from bot.render.replies import outcome_reply, single
from engine import render_diff, wording_for


def diff_reply(outcome: DiffOutcome) -> Rendered:
    if isinstance(outcome, Changed):
        return changed(outcome)
    if isinstance(outcome, NoHistory):
        w = wording_for(outcome.lang)
        return single(":hourglass: " + w.fmt(w.label("diff-since-nothing"), {"reason": outcome.message}))
    return outcome_reply(outcome)


def changed(outcome: Changed) -> Rendered:
    w = wording_for(outcome.lang)
    text = render_diff(outcome.diff, w)
    blocks: list[Block] = [header(w.label("what-changed"))]
    blocks += code_sections(text)
    return Rendered(paginate(blocks, text.split("\n", 1)[0]), plain_of(blocks), filename="reachbot-diff.txt")
