"""The bot's short replies: help, not understood, not permitted, unexpected error, and outcome dispatch."""

from __future__ import annotations

from bot.index import Examples, SnapshotIndex
from bot.reach import Answered, NotPermitted, NotUnderstood, Outcome
from bot.render.answer import answer_reply
from bot.render.blocks import Rendered, context, escape, header, paginate, plain_of, sections
from engine import Wording, wording_for

NOT_PERMITTED = wording_for("en").label("slack.not-permitted")


def _say(w: Wording, key: str, **facts: object) -> str:
    return w.fmt(w.label(key), facts)


def outcome_reply(outcome: Outcome, *, ephemeral: bool = False) -> Rendered:
    if isinstance(outcome, Answered):
        return answer_reply(outcome, ephemeral=ephemeral)
    if isinstance(outcome, NotUnderstood):
        return not_understood(outcome)
    if isinstance(outcome, NotPermitted):
        return not_permitted(outcome)
    raise TypeError(f"not an outcome: {outcome!r}")


def not_understood(nu: NotUnderstood) -> Rendered:
    w = wording_for(nu.lang)
    text = f":thinking_face: {escape(nu.message)}"
    if nu.candidates:
        text += f"\n{w.label('slack.did-you-mean')} " + ", ".join(f"`{escape(c)}`" for c in nu.candidates)
    return single(text, context_line=w.label("slack.help-hint"), lang=w.lang)


def not_permitted(np: NotPermitted) -> Rendered:
    w = wording_for(np.lang)
    text = w.label("slack.not-permitted")
    if np.candidates:
        text += f"\n{w.label('slack.did-you-mean')} " + ", ".join(f"`{escape(c)}`" for c in np.candidates)
    return single(text, lang=w.lang)


def internal_error(error_id: str, lang: str | None = None) -> Rendered:
    return single(_say(wording_for(lang), "slack.internal-error", error_id=error_id), lang=lang)


def snapshot_unavailable(error_id: str, lang: str | None = None) -> Rendered:
    return single(_say(wording_for(lang), "slack.snapshot-unavailable", error_id=error_id), lang=lang)


def single(text: str, context_line: str = "", lang: str | None = None) -> Rendered:
    blocks = sections(text) + ([context(context_line)] if context_line else [])
    lang = wording_for(lang).lang
    return Rendered(paginate(blocks, _strip(text), lang=lang), plain_of(blocks), lang=lang)


def help_reply(index: SnapshotIndex, examples: Examples, origin: str, runtimes: tuple[str, ...],
               age: str, lang: str | None = None) -> Rendered:
    w = wording_for(lang)
    blocks = [header(w.label("slack.help.title"))]
    blocks += sections(w.label("slack.help.intro"))
    lines = "\n".join(f"• `/reach {escape(q)}`" for q in _examples(examples, w))
    blocks += sections(f"{w.label('slack.help.examples')}\n{lines}")
    blocks += sections(_say(w, "slack.help.usage", runtimes=", ".join(f"`{r}`" for r in runtimes)))
    blocks.append(context(_say(w, "slack.help.snapshot", origin=escape(origin), taken_at=index.taken_at.isoformat(),
                               age=w.age(age))))
    return Rendered(paginate(blocks, w.label("slack.help.fallback"), lang=w.lang), plain_of(blocks), lang=w.lang)


def _examples(e: Examples, w: Wording) -> list[str]:
    """Questions about this snapshot's own names, in the help's language (each one parses as it stands)."""
    out: list[str] = []
    if e.source and e.bucket:
        out.append(_say(w, "slack.help.example-bucket", source=e.source, bucket=e.bucket))
    if e.other_source and e.other_bucket:
        out.append(_say(w, "slack.help.example-key", source=e.other_source, bucket=e.other_bucket))
    if e.other_ip:
        out.append(_say(w, "slack.help.example-service", ip=e.other_ip, host=e.service_host))
    if e.source and e.bucket:
        out.append(_say(w, "slack.help.example-put", source=e.source, bucket=e.bucket))
    return out or [w.label("slack.help.example-default")]


def _strip(text: str) -> str:
    return text.replace("*", "").replace("`", "")


